namespace NetTwin.Model;

/// <summary>The collections of a <see cref="Topology"/>, as flags: what a change touched (the what-if's
/// <c>ChangeScope</c>) and what each validation rule reads (<c>Validator.Parts</c>), so that validation after a
/// change reruns only the rules reading something that changed. <see cref="VirtualNetworks"/> includes their
/// subnets. A peering's allowForwardedTraffic is its own part, <see cref="PeeringForwardedTraffic"/>: only
/// forwarding reads it (rule C2), so a change of that flag alone is not a change of <see cref="VirtualNetworkPeerings"/>.</summary>
[Flags]
public enum TopologyParts
{
    None = 0,
    VirtualNetworks = 1 << 0,
    /// <summary>Every field of the peerings but allowForwardedTraffic (and their number and order).</summary>
    VirtualNetworkPeerings = 1 << 1,
    RouteTables = 1 << 2,
    NetworkSecurityGroups = 1 << 3,
    NetworkInterfaces = 1 << 4,
    VirtualMachines = 1 << 5,
    AzureFirewalls = 1 << 6,
    VirtualNetworkGateways = 1 << 7,
    LocalNetworkGateways = 1 << 8,
    Connections = 1 << 9,
    ExpressRouteCircuits = 1 << 10,
    OnPremisesDevices = 1 << 11,
    Failures = 1 << 12,
    ServiceTags = 1 << 13,
    /// <summary>The allowForwardedTraffic flag of the peerings.</summary>
    PeeringForwardedTraffic = 1 << 14,
    All = (1 << 15) - 1,
}
