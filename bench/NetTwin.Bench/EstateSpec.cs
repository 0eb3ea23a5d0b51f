namespace NetTwin.Bench;

/// <summary>The shape of a generated estate. Spokes is the total over all hubs (spread evenly, contiguously,
/// over the regions); every count is a whole-estate count unless its name says "per".</summary>
/// <param name="Name">A label (small, large, largest, or custom).</param>
/// <param name="Regions">R: regions, one hub VNet each (ExpressRoute + active-active VPN gateway, Azure Firewall).</param>
/// <param name="Spokes">N × R: spoke VNets in total, peered both ways with their region's hub.</param>
/// <param name="SubnetsPerSpoke">M: workload subnets per spoke (/24 each), all with an NSG and a route table.</param>
/// <param name="ErPrefixes">K: prefixes on-premises advertises over each region's ExpressRoute circuit.</param>
/// <param name="VpnSites">S: VPN sites (local network gateway with BGP + IPsec connection with BGP), round-robin over hubs.</param>
/// <param name="RouteTables">T: route tables in all: one per hub on its GatewaySubnet (a route per spoke to the firewall),
/// and T − R spoke tables (spread over the regions), associated round-robin to the spoke subnets.</param>
/// <param name="RoutesPerTable">U: routes in each spoke route table (0.0.0.0/0 to the firewall first).</param>
/// <param name="Seed">Seed of every random choice: the same spec gives byte-identical files.</param>
public sealed record EstateSpec(
    string Name,
    int Regions,
    int Spokes,
    int SubnetsPerSpoke,
    int ErPrefixes,
    int VpnSites,
    int RouteTables,
    int RoutesPerTable,
    int Seed = 1)
{
    /// <summary>The issue's small size: 1 hub, 10 spokes (the other counts are ours, chosen to keep every feature present).</summary>
    public static EstateSpec Small { get; } = new("small", 1, 10, 2, 100, 2, 4, 20);

    /// <summary>The issue's large size: 2 hubs, 200 spokes × 4 subnets, 2,000 ER prefixes, 20 VPN sites
    /// (route tables: ours, 50 × 100).</summary>
    public static EstateSpec Large { get; } = new("large", 2, 200, 4, 2_000, 20, 50, 100);

    /// <summary>The issue's largest size: 4 hubs, 1,000 spokes × 10 subnets, 10,000 ER prefixes, 100 VPN sites,
    /// 200 route tables × 400 routes.</summary>
    public static EstateSpec Largest { get; } = new("largest", 4, 1_000, 10, 10_000, 100, 200, 400);

    public static IReadOnlyList<EstateSpec> Sizes { get; } = [Small, Large, Largest];

    public static EstateSpec ByName(string name) =>
        Sizes.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown size '{name}' (expected one of: {string.Join(", ", Sizes.Select(s => s.Name))})");

    public override string ToString() =>
        $"{Name}: {Regions} hub(s), {Spokes} spokes × {SubnetsPerSpoke} subnets, {ErPrefixes} ER prefixes/circuit, " +
        $"{VpnSites} VPN sites, {RouteTables} route tables × {RoutesPerTable} routes, seed {Seed}";
}

/// <summary>What a generated estate holds, counted as it is written.</summary>
public sealed record EstateCounts(
    int VirtualNetworks,
    int Subnets,
    int Peerings,
    int RouteTables,
    int Routes,
    int NetworkSecurityGroups,
    int SecurityRules,
    int VirtualMachines,
    int NetworkInterfaces,
    int AzureFirewalls,
    int VirtualNetworkGateways,
    int LocalNetworkGateways,
    int Connections,
    int ExpressRouteCircuits,
    int AdvertisedPrefixes,
    long Bytes,
    int Lines)
{
    /// <summary>The estate size used to scale targets: every resource and every list element the pipeline
    /// must read (VNets, subnets, peerings, route tables, routes, NSGs, security rules, VMs, NICs, firewalls,
    /// gateways, local network gateways, connections, circuits, advertised ER prefixes).</summary>
    public long Elements =>
        (long)VirtualNetworks + Subnets + Peerings + RouteTables + Routes + NetworkSecurityGroups + SecurityRules
        + VirtualMachines + NetworkInterfaces + AzureFirewalls + VirtualNetworkGateways + LocalNetworkGateways
        + Connections + ExpressRouteCircuits + AdvertisedPrefixes;
}
