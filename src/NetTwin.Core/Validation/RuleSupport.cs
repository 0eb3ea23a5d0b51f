using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>Microsoft Learn pages the rules cite (the spec's source keys, full URLs).</summary>
internal static class Learn
{
    private const string Base = "https://learn.microsoft.com/azure/";
    public const string Udr = Base + "virtual-network/virtual-networks-udr-overview";
    public const string Peering = Base + "virtual-network/virtual-network-peering-overview";
    public const string GatewayTransit = Base + "vpn-gateway/vpn-gateway-peering-gateway-transit";
    public const string DifferentRegion = Base + "vpn-gateway/vpn-gateway-different-region";
    public const string VpnFaq = Base + "vpn-gateway/vpn-gateway-vpn-faq";
    public const string Coexist = Base + "expressroute/expressroute-howto-coexist-resource-manager";
    public const string ErRouting = Base + "expressroute/expressroute-routing";
    public const string PolicyBasedSelectors = Base + "vpn-gateway/vpn-gateway-connect-multiple-policybased-rm-ps";
    public const string CustomSelectors = Base + "vpn-gateway/custom-traffic-selectors";
    public const string IkePolicy = Base + "vpn-gateway/ipsec-ike-policy-howto";
    public const string Nat = Base + "vpn-gateway/nat-overview";
    public const string NatHowTo = Base + "vpn-gateway/nat-howto";
    public const string Nsg = Base + "virtual-network/network-security-groups-overview";
    public const string ServiceTags = Base + "virtual-network/service-tags-overview";
    public const string Limits = Base + "azure-resource-manager/management/azure-subscription-service-limits#networking-limits";
    public const string GatewaySkus = Base + "vpn-gateway/about-gateway-skus";
    public const string BgpHowTo = Base + "vpn-gateway/bgp-howto";
    public const string GatewaySettings = Base + "vpn-gateway/vpn-gateway-about-vpn-gateway-settings";
    public const string Subnets = Base + "virtual-network/virtual-network-manage-subnet";
    public const string ResourceNames = Base + "azure-resource-manager/management/resource-name-rules";
    /// <summary>D7: the Q&amp;A thread quoting Azure's refusal of custom routes to an ExpressRoute gateway.</summary>
    public const string ErCustomRoutes = "https://learn.microsoft.com/answers/questions/527589";
}

/// <summary>What each virtual network gateway SKU allows (sources: about-gateway-skus, nat-overview,
/// ipsec-ike-policy-howto, the VPN FAQ's BGP section).</summary>
internal static class Skus
{
    private static readonly StringComparer Cmp = StringComparer.OrdinalIgnoreCase;

    public static readonly IReadOnlyList<string> Vpn =
    [
        "Basic", "VpnGw1", "VpnGw2", "VpnGw3", "VpnGw4", "VpnGw5",
        "VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ",
        "Standard", "HighPerformance", // legacy VPN SKUs (no longer creatable since December 2023)
    ];

    public static readonly IReadOnlyList<string> ExpressRoute =
        ["Standard", "HighPerformance", "UltraPerformance", "ErGw1AZ", "ErGw2AZ", "ErGw3AZ", "ErGwScale"];

    public static bool IsValid(VirtualNetworkGateway g) =>
        (g.GatewayType == GatewayType.Vpn ? Vpn : ExpressRoute).Contains(g.Sku, Cmp);

    public static bool IsBasic(VirtualNetworkGateway g) => Cmp.Equals(g.Sku, "Basic");

    /// <summary>S2S + VNet-to-VNet tunnels (about-gateway-skus): Basic 10; VpnGw1-3(AZ) 30; VpnGw4-5(AZ) 100;
    /// legacy Standard 10, HighPerformance 30. Null for an unknown SKU.</summary>
    public static int? TunnelLimit(string sku) => sku.ToUpperInvariant() switch
    {
        "BASIC" or "STANDARD" => 10,
        "HIGHPERFORMANCE" => 30,
        "VPNGW1" or "VPNGW2" or "VPNGW3" or "VPNGW1AZ" or "VPNGW2AZ" or "VPNGW3AZ" => 30,
        "VPNGW4" or "VPNGW5" or "VPNGW4AZ" or "VPNGW5AZ" => 100,
        _ => null,
    };

    /// <summary>F1: NAT is supported on VpnGw2~5 and VpnGw2AZ~5AZ.</summary>
    public static readonly IReadOnlyList<string> Nat =
        ["VpnGw2", "VpnGw3", "VpnGw4", "VpnGw5", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ"];

    public static bool SupportsNat(string sku) => Nat.Contains(sku, Cmp);
}

/// <summary>Address arithmetic and topology walks shared by the rule families.</summary>
internal static class Shared
{
    /// <summary>Where two sets of prefixes overlap: for each overlapping pair, the more specific of the two.</summary>
    public static IReadOnlyList<Prefix> Overlaps(IEnumerable<Prefix> a, IEnumerable<Prefix> b)
    {
        var bs = b.ToList();
        return a.SelectMany(x => bs.Where(x.Overlaps).Select(y => x.Length >= y.Length ? x : y))
            .Distinct().Order().ToList();
    }

    public static string Join(IEnumerable<Prefix> prefixes) => string.Join(", ", prefixes);

    public static readonly Ipv4 ApipaFirst = Ipv4.Parse("169.254.21.0");
    public static readonly Ipv4 ApipaLast = Ipv4.Parse("169.254.22.255");

    /// <summary>The virtual networks whose traffic a gateway carries: its own, and every VNet that uses it
    /// through a peering with useRemoteGateways whose reverse allows gateway transit (rule C10).</summary>
    public static IReadOnlyList<VirtualNetwork> ServedVnets(Topology t, VirtualNetworkGateway g)
    {
        var result = new List<VirtualNetwork>();
        if (t.VirtualNetwork(g.VirtualNetwork) is { } own) result.Add(own);
        foreach (var p in t.VirtualNetworkPeerings)
        {
            if (!p.UseRemoteGateways || p.RemoteVirtualNetwork != g.VirtualNetwork) continue;
            if (t.ReversePeering(p) is not { AllowGatewayTransit: true }) continue;
            if (t.VirtualNetwork(p.VirtualNetwork) is { } spoke && !result.Contains(spoke)) result.Add(spoke);
        }
        return result;
    }

    /// <summary>The gateways a virtual network's subnets send VirtualNetworkGateway traffic to: its own gateways,
    /// or, when it has none, those of the VNet it uses through useRemoteGateways.</summary>
    public static IReadOnlyList<VirtualNetworkGateway> GatewaysServing(Topology t, string vnet)
    {
        var own = t.GatewaysIn(vnet);
        if (own.Count > 0) return own;
        var remote = t.PeeringsFrom(vnet).FirstOrDefault(p => p.UseRemoteGateways);
        return remote is null ? [] : t.GatewaysIn(remote.RemoteVirtualNetwork);
    }

    /// <summary>"virtualNetworks/VNET/subnets/NAME": a subnet's address as change sets spell it.</summary>
    public static string Address(Subnet s) => $"{Kinds.VirtualNetworks}/{s.VirtualNetwork}/{Kinds.Subnets}/{s.Name}";

    /// <summary>"kind/name": a top-level resource's address as change sets spell it.</summary>
    public static string Address(IResource r) => $"{r.Kind}/{r.Name}";
}
