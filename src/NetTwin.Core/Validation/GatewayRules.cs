using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>Virtual network gateways (spec section D): placement, one per type per VNet, ExpressRoute/VPN
/// coexistence, VPN types and SKUs, BGP ASNs and APIPA addresses, tunnel limits.</summary>
public static class GatewayRules
{
    public static readonly RuleDescriptor GatewayNotInGatewaySubnet = new(
        "NT-GW-001", "Gateway outside a subnet named GatewaySubnet", Severity.Error, "-", Learn.GatewaySettings + "#gwsub",
        "Virtual network gateway {0} is deployed in subnet {1}: a virtual network gateway must be deployed in the subnet named GatewaySubnet.");

    public static readonly RuleDescriptor MultipleVpnGateways = new(
        "NT-GW-002", "More than one VPN gateway in a virtual network", Severity.Error, "C9", Learn.Limits,
        "Virtual network {0} already has VPN gateway {1}: a virtual network can have only one VPN gateway, so {2} cannot be added.");

    public static readonly RuleDescriptor MultipleExpressRouteGateways = new(
        "NT-GW-003", "More than one ExpressRoute gateway in a virtual network", Severity.Error, "C9", Learn.Limits,
        "Virtual network {0} already has ExpressRoute gateway {1}: a virtual network can have only one ExpressRoute gateway, so {2} cannot be added.");

    public static readonly RuleDescriptor CoexistenceGatewaySubnetTooSmall = new(
        "NT-GW-004", "ExpressRoute/VPN coexistence needs a /27 or larger GatewaySubnet", Severity.Error, "D8", Learn.Coexist,
        "ExpressRoute gateway {0} and VPN gateway {1} coexist in virtual network {2}, whose GatewaySubnet is {3}: the gateway subnet must be /27 "
        + "or a shorter prefix (such as /26, /25), or you receive an error message when you add the ExpressRoute virtual network gateway.");

    public static readonly RuleDescriptor CoexistencePolicyBased = new(
        "NT-GW-005", "ExpressRoute/VPN coexistence needs a route-based VPN gateway", Severity.Error, "D8", Learn.Coexist,
        "VPN gateway {0} is PolicyBased but coexists with ExpressRoute gateway {1} in virtual network {2}: only route-based VPN gateway is supported "
        + "(a route-based gateway with policy-based traffic selectors is fine).");

    public static readonly RuleDescriptor CoexistenceBasicSku = new(
        "NT-GW-006", "ExpressRoute/VPN coexistence is not supported on the Basic SKU", Severity.Error, "D8", Learn.Coexist,
        "Gateway {0} uses the Basic SKU but coexists with {1} in virtual network {2}: ExpressRoute-VPN Gateway coexist configurations are not supported on the Basic SKU.");

    public static readonly RuleDescriptor PolicyBasedRequiresBasicSku = new(
        "NT-GW-007", "PolicyBased VPN gateway on a SKU other than Basic", Severity.Error, "D1", Learn.PolicyBasedSelectors,
        "VPN gateway {0} is PolicyBased with SKU {1}: PolicyBased VPNs can only be used on the Basic gateway SKU.");

    public static readonly RuleDescriptor GatewayAsnReserved = new(
        "NT-GW-008", "Reserved ASN on an Azure VPN gateway", Severity.Error, "D4", Learn.VpnFaq,
        "VPN gateway {0} uses ASN {1}, which is reserved by IANA (23456, 64496-64511, 65535-65551) and can't be configured on your Azure VPN Gateway.");

    public static readonly RuleDescriptor OnPremisesAsnReserved = new(
        "NT-GW-009", "Reserved ASN on a local network gateway", Severity.Error, "D4", Learn.VpnFaq,
        "Local network gateway {0} uses ASN {1}, which is reserved by Azure (public 8074, 8075, 12076; private 65515, 65517-65520): "
        + "you cannot specify these ASNs for your on-premises VPN devices when connecting to Azure VPN gateways.");

    public static readonly RuleDescriptor ExpressRoutePeerAsnReserved = new(
        "NT-GW-010", "Reserved ASN on an ExpressRoute peering", Severity.Error, "D7", Learn.ErRouting,
        "ExpressRoute circuit {0} peering {1} uses peer ASN {2}: 12076 is Microsoft's ASN and 65515-65520 are reserved by Microsoft for internal use.");

    public static readonly RuleDescriptor SameAsnBothSides = new(
        "NT-GW-011", "BGP connection with the same ASN on both sides", Severity.Error, "D4", Learn.VpnFaq,
        "Connection {0} runs BGP between {1} and {2}, which both use ASN {3}: you must assign different ASNs to the two sides of a BGP connection.");

    public static readonly RuleDescriptor ApipaOutOfRange = new(
        "NT-GW-012", "Custom APIPA BGP address outside 169.254.21.0-169.254.22.255", Severity.Error, "D4", Learn.BgpHowTo,
        "VPN gateway {0} IP configuration {1} uses custom BGP address {2}: custom (APIPA) BGP addresses must come from the Azure-reserved APIPA range "
        + "for VPN, 169.254.21.0 to 169.254.22.255.");

    public static readonly RuleDescriptor BgpNotSupported = new(
        "NT-GW-013", "BGP on a Basic or policy-based VPN gateway", Severity.Error, "D1", Learn.VpnFaq,
        "VPN gateway {0} ({1}) has BGP enabled: BGP is not supported on the Basic SKU or on policy-based VPN gateways.");

    public static readonly RuleDescriptor TooManyTunnels = new(
        "NT-GW-014", "More tunnels than the gateway SKU allows", Severity.Error, "D2", Learn.GatewaySkus,
        "VPN gateway {0} needs {1} S2S/VNet-to-VNet tunnels, more than the {3} its SKU {2} supports "
        + "(each connection counts one tunnel per gateway instance; a VNet-to-VNet pair counts one per instance pair).");

    public static readonly RuleDescriptor PolicyBasedMultiSite = new(
        "NT-GW-015", "Policy-based VPN gateway with more than one site", Severity.Error, "D1", Learn.PolicyBasedSelectors,
        "PolicyBased VPN gateway {0} has {1} site-to-site connections: a PolicyBased VPN supports only one S2S tunnel; multi-site needs a RouteBased VPN gateway.");

    public static readonly RuleDescriptor InvalidGatewaySku = new(
        "NT-GW-016", "Gateway SKU not valid for the gateway type", Severity.Error, "D2", Learn.GatewaySkus,
        "Virtual network gateway {0} has SKU {1}, which is not a {2} gateway SKU; valid SKUs: {3}.");

    public static IReadOnlyList<RuleDescriptor> All { get; } =
    [
        GatewayNotInGatewaySubnet, MultipleVpnGateways, MultipleExpressRouteGateways, CoexistenceGatewaySubnetTooSmall, CoexistencePolicyBased,
        CoexistenceBasicSku, PolicyBasedRequiresBasicSku, GatewayAsnReserved, OnPremisesAsnReserved, ExpressRoutePeerAsnReserved,
        SameAsnBothSides, ApipaOutOfRange, BgpNotSupported, TooManyTunnels, PolicyBasedMultiSite, InvalidGatewaySku,
    ];

    /// <summary>D4: ASNs Azure reserves (not usable on-premises).</summary>
    public static bool IsAzureReservedAsn(long asn) => asn is 8074 or 8075 or 12076 or 65515 or (>= 65517 and <= 65520);

    /// <summary>D4: ASNs IANA reserves (not usable on the Azure VPN gateway).</summary>
    public static bool IsIanaReservedAsn(long asn) => asn is 23456 or (>= 64496 and <= 64511) or (>= 65535 and <= 65551);

    public static IEnumerable<Finding> Check(Topology t)
    {
        foreach (var g in t.VirtualNetworkGateways)
        {
            var subnetName = g.Subnet.Split('/').ElementAtOrDefault(1);
            if (subnetName != Subnet.GatewaySubnetName)
                yield return GatewayNotInGatewaySubnet.Create(g, g.Name, g.Subnet);
            if (!Skus.IsValid(g))
                yield return InvalidGatewaySku.Create(g, g.Name, g.Sku, g.GatewayType == GatewayType.Vpn ? "VPN" : "ExpressRoute",
                    string.Join(", ", g.GatewayType == GatewayType.Vpn ? Skus.Vpn : Skus.ExpressRoute));
            if (g.GatewayType != GatewayType.Vpn) continue;

            if (g.VpnType == VpnType.PolicyBased && !Skus.IsBasic(g))
                yield return PolicyBasedRequiresBasicSku.Create(g, g.Name, g.Sku);
            if (IsIanaReservedAsn(g.BgpSettings.Asn))
                yield return GatewayAsnReserved.Create(g, g.Name, g.BgpSettings.Asn);
            foreach (var cfg in g.IpConfigurations)
                foreach (var ip in cfg.CustomBgpIpAddresses.Where(ip => ip < Shared.ApipaFirst || ip > Shared.ApipaLast))
                    yield return ApipaOutOfRange.Create(g, g.Name, cfg.Name, ip);

            var connections = t.Connections.Where(c => c.VirtualNetworkGateway1 == g.Name).ToList();
            var bgp = g.EnableBgp || connections.Any(c => c.EnableBgp);
            if (bgp && (Skus.IsBasic(g) || g.VpnType == VpnType.PolicyBased))
                yield return BgpNotSupported.Create(g, g.Name, g.VpnType == VpnType.PolicyBased ? "PolicyBased" : "Basic SKU");

            var sites = connections.Count(c => c.ConnectionType == ConnectionType.IPsec);
            if (g.VpnType == VpnType.PolicyBased && sites > 1)
                yield return PolicyBasedMultiSite.Create(g, g.Name, sites);
            else if (g.VpnType == VpnType.RouteBased && Skus.TunnelLimit(g.Sku) is { } limit)
            {
                var tunnels = Tunnels(t, g);
                if (tunnels > limit) yield return TooManyTunnels.Create(g, g.Name, tunnels, g.Sku, limit);
            }
        }

        foreach (var vnet in t.VirtualNetworkGateways.Select(g => g.VirtualNetwork).Distinct())
        {
            var gateways = t.GatewaysIn(vnet);
            var vpn = gateways.Where(g => g.GatewayType == GatewayType.Vpn).ToList();
            var er = gateways.Where(g => g.GatewayType == GatewayType.ExpressRoute).ToList();
            foreach (var extra in vpn.Skip(1)) yield return MultipleVpnGateways.Create(extra, vnet, vpn[0].Name, extra.Name);
            foreach (var extra in er.Skip(1)) yield return MultipleExpressRouteGateways.Create(extra, vnet, er[0].Name, extra.Name);
            if (vpn.Count == 0 || er.Count == 0) continue;

            var (v, e) = (vpn[0], er[0]);
            if (t.Subnet($"{vnet}/{Subnet.GatewaySubnetName}") is { } gs && gs.AddressPrefix.Length > 27)
                yield return CoexistenceGatewaySubnetTooSmall.Create(e, e.Name, v.Name, vnet, gs.AddressPrefix);
            if (v.VpnType == VpnType.PolicyBased)
                yield return CoexistencePolicyBased.Create(v, v.Name, e.Name, vnet);
            if (Skus.IsBasic(v)) yield return CoexistenceBasicSku.Create(v, v.Name, e.Name, vnet);
            if (Skus.IsBasic(e)) yield return CoexistenceBasicSku.Create(e, e.Name, v.Name, vnet);
        }

        foreach (var lng in t.LocalNetworkGateways)
            if (lng.BgpSettings is { } b && IsAzureReservedAsn(b.Asn))
                yield return OnPremisesAsnReserved.Create(lng, lng.Name, b.Asn);

        foreach (var circuit in t.ExpressRouteCircuits)
            foreach (var peering in circuit.Peerings.Where(p => p.PeerAsn is 12076 or (>= 65515 and <= 65520)))
                yield return ExpressRoutePeerAsnReserved.Create(Shared.Address(circuit), peering.Source, circuit.Name, peering.PeeringType, peering.PeerAsn);

        foreach (var c in t.Connections.Where(c => c.EnableBgp))
        {
            if (t.VirtualNetworkGateway(c.VirtualNetworkGateway1) is not { GatewayType: GatewayType.Vpn } g1) continue;
            var (otherName, otherAsn) = c.ConnectionType switch
            {
                ConnectionType.IPsec when c.LocalNetworkGateway2 is { } l && t.LocalNetworkGateway(l)?.BgpSettings is { } b
                    => ($"local network gateway {l}", (long?)b.Asn),
                ConnectionType.Vnet2Vnet when c.VirtualNetworkGateway2 is { } n && t.VirtualNetworkGateway(n) is { } g2
                    => ($"VPN gateway {n}", (long?)g2.BgpSettings.Asn),
                _ => ("", (long?)null),
            };
            if (otherAsn == g1.BgpSettings.Asn)
                yield return SameAsnBothSides.Create(c, c.Name, $"VPN gateway {g1.Name}", otherName, g1.BgpSettings.Asn);
        }
    }

    private static int Instances(VirtualNetworkGateway g) => g.ActiveActive ? 2 : 1;

    /// <summary>D2: every S2S connection from the gateway costs one tunnel per gateway instance; every VNet-to-VNet
    /// pair of gateways costs one tunnel per pair of instances, counted once whichever side declares it.</summary>
    public static int Tunnels(Topology t, VirtualNetworkGateway g)
    {
        var s2s = t.Connections.Count(c => c.ConnectionType == ConnectionType.IPsec && c.VirtualNetworkGateway1 == g.Name) * Instances(g);
        var v2v = t.Connections.Where(c => c.ConnectionType == ConnectionType.Vnet2Vnet)
            .Select(c => c.VirtualNetworkGateway1 == g.Name ? c.VirtualNetworkGateway2 : c.VirtualNetworkGateway2 == g.Name ? c.VirtualNetworkGateway1 : null)
            .OfType<string>().Where(other => other != g.Name).Distinct()
            .Sum(other => Instances(g) * (t.VirtualNetworkGateway(other) is { } o ? Instances(o) : 1));
        return s2s + v2v;
    }
}
