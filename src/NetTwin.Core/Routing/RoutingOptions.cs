using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>Inputs the routing stage takes from other stages.</summary>
public sealed record RoutingOptions
{
    /// <summary>The configuration to use for an on-premises device (null: the device as declared in YAML).
    /// When unset, <see cref="OnPremisesDevice.Configuration"/> as the loader attached it. Set it to try a
    /// configuration without writing a change set.</summary>
    public Func<OnPremisesDevice, DeviceConfig?>? DeviceConfigs { get; init; }

    /// <summary>Whether the IPsec tunnel of a connection from one gateway instance is up: null = up, otherwise
    /// the reason it is down (the IPsec stage answers this). When unset, a tunnel is up unless the connection
    /// or the instance is failed in <see cref="Topology.Failures"/>. A BGP session over a down tunnel is down.</summary>
    public Func<Connection, int, string?>? TunnelDown { get; init; }
}
