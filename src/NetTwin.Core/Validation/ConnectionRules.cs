using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>Connections and local network gateways (spec D1, D9, D10, E4): what may be connected to what,
/// and address spaces that must not overlap across a connection.</summary>
public static class ConnectionRules
{
    public static readonly RuleDescriptor LocalNetworkGatewayDefaultRoute = new(
        "NT-CONN-001", "0.0.0.0/0 as a local network gateway address prefix", Severity.Error, "D9", Learn.VpnFaq,
        "Local network gateway {0} has address prefix 0.0.0.0/0: a default route cannot be announced as a local network gateway address prefix, "
        + "neither in the portal nor with Azure CLI (seed 000; unverified: Microsoft docs are silent). Announce 0.0.0.0/1 and 128.0.0.0/1 instead.");

    public static readonly RuleDescriptor LocalNetworkOverlapsVnet = new(
        "NT-CONN-002", "Local network gateway prefix inside a connected virtual network", Severity.Error, "D9", Learn.Nat,
        "Connection {0}: local network gateway {1} address prefix {2} lies within address space {3} of virtual network {4}, which gateway {5} serves: "
        + "virtual networks and the sites connected to them must not overlap unless NAT rules translate one side "
        + "(unverified: Azure's error text is not documented).");

    public static readonly RuleDescriptor Vnet2VnetAddressOverlap = new(
        "NT-CONN-003", "VNet-to-VNet connection between overlapping virtual networks", Severity.Error, "D10", Learn.VpnFaq,
        "Connection {0} joins virtual networks {1} and {2}, whose address spaces overlap ({3}): VNet-to-VNet connections need "
        + "non-overlapping address spaces (unverified: Azure's error text is not documented).");

    public static readonly RuleDescriptor Vnet2VnetPolicyBased = new(
        "NT-CONN-004", "Policy-based gateway in a VNet-to-VNet connection", Severity.Error, "D1", Learn.PolicyBasedSelectors,
        "Connection {0} is VNet-to-VNet but gateway {1} is PolicyBased: VNet-to-VNet connections need RouteBased VPN gateways on both sides "
        + "(unverified: Azure's error text is not documented).");

    public static readonly RuleDescriptor TrafficSelectorsWithoutPolicyBased = new(
        "NT-CONN-005", "Traffic selector policies without policy-based traffic selectors", Severity.Warning, "E4", Learn.CustomSelectors,
        "Connection {0} has {1} traffic selector policies but usePolicyBasedTrafficSelectors is false: custom traffic selectors take effect "
        + "only when policy-based traffic selectors are enabled, so Azure ignores them.");

    public static readonly RuleDescriptor ConnectionGatewayTypeMismatch = new(
        "NT-CONN-006", "Connection type does not match the gateway type", Severity.Error, "-", Learn.GatewaySettings,
        "Connection {0} is of type {1} but gateway {2} is an {3} gateway: IPsec and VNet-to-VNet connections need VPN gateways, "
        + "ExpressRoute connections need ExpressRoute gateways.");

    public static readonly RuleDescriptor BgpPeerIsPublicIp = new(
        "NT-CONN-007", "BGP peer address equal to the device's public IP", Severity.Error, "D4", Learn.VpnFaq,
        "Local network gateway {0} uses {1} both as its public IP (gatewayIpAddress) and as its BGP peer address: the BGP peer IP of "
        + "the on-premises device must be a different address, one the device reaches through the tunnel (unverified: Azure's error text is not documented).");

    public static readonly RuleDescriptor OverlappingSitesWithoutBgp = new(
        "NT-CONN-008", "Two tunnels to the same networks without BGP", Severity.Error, "D2", Learn.VpnFaq,
        "Connections {0} and {1} of gateway {2} lead to overlapping networks ({3}) through local network gateways {4} and {5}, and {6}: "
        + "more than one tunnel to the same on-premises networks needs BGP on every such connection, since static site prefixes "
        + "of one gateway must not overlap (unverified: Azure's error text is not documented).");

    public static readonly RuleDescriptor MultipleVnet2VnetWithoutActiveActive = new(
        "NT-CONN-009", "Several VNet-to-VNet tunnels between two gateways, neither active-active", Severity.Error, "D3", Learn.VpnFaq,
        "Gateways {0} and {1} are joined by {2} VNet-to-VNet connections in the same direction ({3}), and neither gateway is active-active: "
        + "multiple tunnels between two virtual networks need at least one active-active gateway (unverified: Azure's error text is not documented).");

    public static IReadOnlyList<RuleDescriptor> All { get; } =
    [
        LocalNetworkGatewayDefaultRoute, LocalNetworkOverlapsVnet, Vnet2VnetAddressOverlap, Vnet2VnetPolicyBased,
        TrafficSelectorsWithoutPolicyBased, ConnectionGatewayTypeMismatch, BgpPeerIsPublicIp, OverlappingSitesWithoutBgp,
        MultipleVnet2VnetWithoutActiveActive,
    ];

    public static IEnumerable<Finding> Check(Topology t)
    {
        foreach (var lng in t.LocalNetworkGateways.Where(l => l.AddressPrefixes.Contains(Prefix.Default)))
            yield return LocalNetworkGatewayDefaultRoute.Create(lng, lng.Name);
        // Rule D4: the on-premises BGP address is not the device's public IP.
        foreach (var lng in t.LocalNetworkGateways.Where(l => l.BgpSettings?.BgpPeeringAddress == l.GatewayIpAddress))
            yield return BgpPeerIsPublicIp.Create(lng, lng.Name, lng.GatewayIpAddress);
        foreach (var f in OverlappingSites(t)) yield return f;
        foreach (var f in ParallelVnet2Vnet(t)) yield return f;

        foreach (var c in t.Connections)
        {
            if (c.TrafficSelectorPolicies.Length > 0 && !c.UsePolicyBasedTrafficSelectors)
                yield return TrafficSelectorsWithoutPolicyBased.Create(c, c.Name, c.TrafficSelectorPolicies.Length);

            var gateways = new[] { c.VirtualNetworkGateway1, c.VirtualNetworkGateway2 }.OfType<string>()
                .Select(t.VirtualNetworkGateway).OfType<VirtualNetworkGateway>().ToList();
            var wanted = c.ConnectionType == ConnectionType.ExpressRoute ? GatewayType.ExpressRoute : GatewayType.Vpn;
            var mismatched = gateways.Where(g => g.GatewayType != wanted).ToList();
            foreach (var g in mismatched)
                yield return ConnectionGatewayTypeMismatch.Create(c, c.Name, c.ConnectionType, g.Name, g.GatewayType == GatewayType.Vpn ? "VPN" : "ExpressRoute");
            if (mismatched.Count > 0 || gateways.Count == 0) continue;

            var g1 = gateways[0];
            if (c.ConnectionType == ConnectionType.IPsec && c.LocalNetworkGateway2 is { } lngName && t.LocalNetworkGateway(lngName) is { } lng)
                foreach (var f in SiteOverlaps(t, c, g1, lng)) yield return f;

            if (c.ConnectionType == ConnectionType.Vnet2Vnet && gateways.Count == 2)
            {
                var g2 = gateways[1];
                foreach (var g in gateways.Where(g => g.VpnType == VpnType.PolicyBased))
                    yield return Vnet2VnetPolicyBased.Create(c, c.Name, g.Name);
                foreach (var v1 in Shared.ServedVnets(t, g1))
                    foreach (var v2 in Shared.ServedVnets(t, g2).Where(v => v.Name != v1.Name))
                    {
                        var overlap = Shared.Overlaps(v1.AddressPrefixes, v2.AddressPrefixes);
                        if (overlap.Count > 0)
                            yield return Vnet2VnetAddressOverlap.Create(c, c.Name, v1.Name, v2.Name, Shared.Join(overlap));
                    }
            }
        }
    }

    /// <summary>Rule D2: two IPsec connections of one gateway whose sites overlap are two tunnels to the same networks,
    /// which needs BGP on both (each pair reported once, in connection order).</summary>
    private static IEnumerable<Finding> OverlappingSites(Topology t)
    {
        foreach (var g in t.VirtualNetworkGateways.Where(g => g.GatewayType == GatewayType.Vpn))
        {
            var sites = t.Connections.Where(c => c.ConnectionType == ConnectionType.IPsec && c.VirtualNetworkGateway1 == g.Name)
                .Select(c => (Connection: c, Site: c.LocalNetworkGateway2 is { } l ? t.LocalNetworkGateway(l) : null))
                .Where(x => x.Site is not null).ToList();
            for (var i = 0; i < sites.Count; i++)
                for (var j = i + 1; j < sites.Count; j++)
                {
                    var (a, b) = (sites[i], sites[j]);
                    if (a.Connection.EnableBgp && b.Connection.EnableBgp) continue;
                    var overlap = Shared.Overlaps(a.Site!.AddressPrefixes, b.Site!.AddressPrefixes);
                    if (overlap.Count == 0) continue;
                    var without = !a.Connection.EnableBgp && !b.Connection.EnableBgp ? "neither runs BGP"
                        : $"{(a.Connection.EnableBgp ? b.Connection.Name : a.Connection.Name)} does not run BGP";
                    yield return OverlappingSitesWithoutBgp.Create(b.Connection, a.Connection.Name, b.Connection.Name, g.Name, Shared.Join(overlap),
                        a.Site.Name, b.Site.Name, without);
                }
        }
    }

    /// <summary>Rule D3: several VNet-to-VNet connections from one gateway to another need an active-active gateway.</summary>
    private static IEnumerable<Finding> ParallelVnet2Vnet(Topology t)
    {
        var groups = t.Connections.Where(c => c.ConnectionType == ConnectionType.Vnet2Vnet && c.VirtualNetworkGateway2 is not null)
            .GroupBy(c => (c.VirtualNetworkGateway1, c.VirtualNetworkGateway2!)).Where(g => g.Count() > 1);
        foreach (var group in groups)
        {
            var (g1, g2) = (t.VirtualNetworkGateway(group.Key.VirtualNetworkGateway1), t.VirtualNetworkGateway(group.Key.Item2));
            if (g1 is null || g2 is null || g1.ActiveActive || g2.ActiveActive) continue;
            var list = group.ToList();
            yield return MultipleVnet2VnetWithoutActiveActive.Create(list[1], g1.Name, g2.Name, list.Count, string.Join(", ", list.Select(c => c.Name)));
        }
    }

    /// <summary>D9: a site prefix equal to or inside a VNet prefix the gateway serves is unreachable (the VNet's own
    /// route wins, B3). A covering supernet is fine: that is how 0.0.0.0/1 + 128.0.0.0/1 work in scenario S0.
    /// NAT exempts what it translates: IngressSnat internal mappings (site side), EgressSnat internal mappings (VNet side).</summary>
    private static IEnumerable<Finding> SiteOverlaps(Topology t, Connection c, VirtualNetworkGateway g, LocalNetworkGateway lng)
    {
        var rules = c.IngressNatRules.Concat(c.EgressNatRules)
            .Select(n => g.NatRules.FirstOrDefault(r => r.Name == n)).OfType<VirtualNetworkGatewayNatRule>().ToList();
        var ingress = rules.Where(r => r.Mode == NatRuleMode.IngressSnat).SelectMany(r => r.InternalMappings).ToList();
        var egress = rules.Where(r => r.Mode == NatRuleMode.EgressSnat).SelectMany(r => r.InternalMappings).ToList();
        foreach (var site in lng.AddressPrefixes.Where(p => !ingress.Any(m => m.Contains(p)) && !egress.Any(m => m.Contains(p))))
            foreach (var v in Shared.ServedVnets(t, g))
                foreach (var vp in v.AddressPrefixes.Where(vp => vp.Contains(site)))
                    yield return LocalNetworkOverlapsVnet.Create(c, c.Name, lng.Name, site, vp, v.Name, g.Name);
    }
}
