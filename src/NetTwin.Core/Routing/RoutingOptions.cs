using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>Inputs the routing stage takes from other stages.</summary>
public sealed record RoutingOptions
{
    /// <summary>The parsed configuration of an on-premises device, or null when it has none (YAML-declared
    /// devices) or it could not be read. When unset, devices are taken as declared in YAML only.</summary>
    public Func<OnPremisesDevice, DeviceConfig?>? DeviceConfigs { get; init; }

    /// <summary>Whether the IPsec tunnel of a connection from one gateway instance is up: null = up, otherwise
    /// the reason it is down (the IPsec stage answers this). When unset, a tunnel is up unless the connection
    /// or the instance is failed in <see cref="Topology.Failures"/>. A BGP session over a down tunnel is down.</summary>
    public Func<Connection, int, string?>? TunnelDown { get; init; }
}
