using NetTwin.Validation;
using static NetTwin.Tests.Validation.Topo;

namespace NetTwin.Tests.Validation;

public class GatewayRulesTests
{
    [Fact]
    public void Gateway_outside_GatewaySubnet_is_refused()
    {
        var f = Validate(Hub(), Item("virtualNetworkGateways", "{ name: gw, subnet: hub/app, gatewayType: Vpn, sku: VpnGw1 }"));
        Expect(f, GatewayRules.GatewayNotInGatewaySubnet, "virtualNetworkGateways/gw",
            "Virtual network gateway gw is deployed in subnet hub/app: a virtual network gateway must be deployed in the subnet named GatewaySubnet.");
    }

    [Fact]
    public void Gateway_in_GatewaySubnet_passes()
    {
        var f = Validate(Hub(), Gw("gw", "hub"));
        None(f, GatewayRules.GatewayNotInGatewaySubnet);
        Assert.Empty(f);
    }

    [Fact]
    public void Second_VPN_gateway_in_a_vnet_is_refused()
    {
        var f = Validate(Hub(), Gw("gw1", "hub"), Gw("gw2", "hub"));
        Expect(f, GatewayRules.MultipleVpnGateways, "virtualNetworkGateways/gw2",
            "Virtual network hub already has VPN gateway gw1: a virtual network can have only one VPN gateway, so gw2 cannot be added.");
    }

    [Fact]
    public void One_VPN_and_one_ExpressRoute_gateway_pass()
    {
        var f = Validate(Hub(), Gw("vpn", "hub"), Gw("er", "hub", "ExpressRoute", "Standard"));
        None(f, GatewayRules.MultipleVpnGateways);
        None(f, GatewayRules.MultipleExpressRouteGateways);
        Assert.Empty(f);
    }

    [Fact]
    public void Second_ExpressRoute_gateway_in_a_vnet_is_refused()
    {
        var f = Validate(Hub(), Gw("er1", "hub", "ExpressRoute", "Standard"), Gw("er2", "hub", "ExpressRoute", "ErGw1AZ"));
        Expect(f, GatewayRules.MultipleExpressRouteGateways, "virtualNetworkGateways/er2",
            "Virtual network hub already has ExpressRoute gateway er1: a virtual network can have only one ExpressRoute gateway, so er2 cannot be added.");
    }

    [Fact]
    public void One_ExpressRoute_gateway_per_vnet_passes()
    {
        var f = Validate(Hub(), Spoke("other", "10.1.0.0/16"), Vnet("er2-vnet", "10.2.0.0/16", Sub("GatewaySubnet", "10.2.0.0/27")),
            Gw("er1", "hub", "ExpressRoute", "Standard"), Gw("er2", "er2-vnet", "ExpressRoute", "Standard"));
        None(f, GatewayRules.MultipleExpressRouteGateways);
    }

    private static (string, string) HubWithGatewaySubnet(string prefix) =>
        Vnet("hub", "10.0.0.0/16", Sub("GatewaySubnet", prefix), Sub("app", "10.0.1.0/24"));

    [Fact]
    public void Coexistence_in_a_slash_28_GatewaySubnet_is_refused()
    {
        var f = Validate(HubWithGatewaySubnet("10.0.0.0/28"), Gw("vpn", "hub"), Gw("er", "hub", "ExpressRoute", "Standard"));
        Expect(f, GatewayRules.CoexistenceGatewaySubnetTooSmall, "virtualNetworkGateways/er",
            "ExpressRoute gateway er and VPN gateway vpn coexist in virtual network hub, whose GatewaySubnet is 10.0.0.0/28: the gateway subnet must "
            + "be /27 or a shorter prefix (such as /26, /25), or you receive an error message when you add the ExpressRoute virtual network gateway.");
    }

    [Theory]
    [InlineData("10.0.0.0/27")]
    [InlineData("10.0.0.0/26")]
    public void Coexistence_in_a_slash_27_or_larger_GatewaySubnet_passes(string prefix)
    {
        var f = Validate(HubWithGatewaySubnet(prefix), Gw("vpn", "hub"), Gw("er", "hub", "ExpressRoute", "Standard"));
        None(f, GatewayRules.CoexistenceGatewaySubnetTooSmall);
        Assert.Empty(f);
    }

    [Fact]
    public void A_single_gateway_in_a_slash_28_GatewaySubnet_passes()
    {
        var f = Validate(HubWithGatewaySubnet("10.0.0.0/28"), Gw("vpn", "hub"));
        Assert.Empty(f);
    }

    [Fact]
    public void Coexistence_with_a_policy_based_VPN_gateway_is_refused()
    {
        var f = Validate(Hub(), Gw("vpn", "hub", sku: "Basic", extra: ", vpnType: PolicyBased"), Gw("er", "hub", "ExpressRoute", "Standard"));
        Expect(f, GatewayRules.CoexistencePolicyBased, "virtualNetworkGateways/vpn",
            "VPN gateway vpn is PolicyBased but coexists with ExpressRoute gateway er in virtual network hub: only route-based VPN gateway is "
            + "supported (a route-based gateway with policy-based traffic selectors is fine).");
    }

    [Fact]
    public void Coexistence_with_a_route_based_VPN_gateway_passes()
    {
        var f = Validate(Hub(), Gw("vpn", "hub", extra: ", vpnType: RouteBased"), Gw("er", "hub", "ExpressRoute", "Standard"));
        None(f, GatewayRules.CoexistencePolicyBased);
    }

    [Fact]
    public void Coexistence_with_a_Basic_VPN_gateway_is_refused()
    {
        var f = Validate(Hub(), Gw("vpn", "hub", sku: "Basic"), Gw("er", "hub", "ExpressRoute", "Standard"));
        Expect(f, GatewayRules.CoexistenceBasicSku, "virtualNetworkGateways/vpn",
            "Gateway vpn uses the Basic SKU but coexists with er in virtual network hub: ExpressRoute-VPN Gateway coexist configurations are not "
            + "supported on the Basic SKU.");
    }

    [Fact]
    public void A_Basic_VPN_gateway_alone_passes_the_coexistence_rule()
    {
        var f = Validate(Hub(), Gw("vpn", "hub", sku: "Basic"));
        None(f, GatewayRules.CoexistenceBasicSku);
        Assert.Empty(f);
    }

    [Fact]
    public void Policy_based_gateway_on_VpnGw1_is_refused()
    {
        var f = Validate(Hub(), Gw("gw", "hub", extra: ", vpnType: PolicyBased"));
        Expect(f, GatewayRules.PolicyBasedRequiresBasicSku, "virtualNetworkGateways/gw",
            "VPN gateway gw is PolicyBased with SKU VpnGw1: PolicyBased VPNs can only be used on the Basic gateway SKU.");
    }

    [Fact]
    public void Policy_based_gateway_on_Basic_passes()
    {
        var f = Validate(Hub(), Gw("gw", "hub", sku: "Basic", extra: ", vpnType: PolicyBased"));
        None(f, GatewayRules.PolicyBasedRequiresBasicSku);
        Assert.Empty(f);
    }

    [Fact]
    public void IANA_reserved_ASN_on_the_gateway_is_refused()
    {
        var f = Validate(Hub(), Gw("gw", "hub", extra: ", bgpSettings: { asn: 64500 }"));
        Expect(f, GatewayRules.GatewayAsnReserved, "virtualNetworkGateways/gw",
            "VPN gateway gw uses ASN 64500, which is reserved by IANA (23456, 64496-64511, 65535-65551) and can't be configured on your Azure VPN Gateway.");
    }

    [Theory]
    [InlineData(65515)]
    [InlineData(65010)]
    [InlineData(64512)]
    public void Usable_ASN_on_the_gateway_passes(int asn)
    {
        var f = Validate(Hub(), Gw("gw", "hub", extra: $", bgpSettings: {{ asn: {asn} }}"));
        None(f, GatewayRules.GatewayAsnReserved);
    }

    [Fact]
    public void Azure_reserved_ASN_on_a_local_network_gateway_is_refused()
    {
        var f = Validate(Lng("site", "203.0.113.1", "192.168.10.0/24", ", bgpSettings: { asn: 65515, bgpPeeringAddress: 192.168.10.1 }"));
        Expect(f, GatewayRules.OnPremisesAsnReserved, "localNetworkGateways/site",
            "Local network gateway site uses ASN 65515, which is reserved by Azure (public 8074, 8075, 12076; private 65515, 65517-65520): "
            + "you cannot specify these ASNs for your on-premises VPN devices when connecting to Azure VPN gateways.");
    }

    [Theory]
    [InlineData(65516)]
    [InlineData(65001)]
    public void Usable_ASN_on_a_local_network_gateway_passes(int asn)
    {
        var f = Validate(Lng("site", "203.0.113.1", "192.168.10.0/24", $", bgpSettings: {{ asn: {asn}, bgpPeeringAddress: 192.168.10.1 }}"));
        None(f, GatewayRules.OnPremisesAsnReserved);
    }

    private static (string, string) Circuit(long asn) => Item("expressRouteCircuits",
        $"{{ name: er-circuit, location: westeurope, peerings: [ {{ peeringType: AzurePrivatePeering, peerASN: {asn}, vlanId: 100 }} ] }}");

    [Fact]
    public void Reserved_ASN_on_an_ExpressRoute_peering_is_refused()
    {
        var f = Validate(Circuit(65518));
        Expect(f, GatewayRules.ExpressRoutePeerAsnReserved, "expressRouteCircuits/er-circuit",
            "ExpressRoute circuit er-circuit peering AzurePrivatePeering uses peer ASN 65518: 12076 is Microsoft's ASN and 65515-65520 are reserved "
            + "by Microsoft for internal use.");
    }

    [Fact]
    public void Private_ASN_on_an_ExpressRoute_peering_passes()
    {
        var f = Validate(Circuit(65001));
        None(f, GatewayRules.ExpressRoutePeerAsnReserved);
        Assert.Empty(f);
    }

    [Fact]
    public void BGP_connection_with_the_same_ASN_on_both_sides_is_refused()
    {
        var f = Validate(Hub(), Gw("gw", "hub", extra: ", enableBgp: true, bgpSettings: { asn: 65010 }"),
            Lng("site", "203.0.113.1", "192.168.10.1/32", ", bgpSettings: { asn: 65010, bgpPeeringAddress: 192.168.10.1 }"),
            S2s("c", "gw", "site", ", enableBgp: true"));
        Expect(f, GatewayRules.SameAsnBothSides, "connections/c",
            "Connection c runs BGP between VPN gateway gw and local network gateway site, which both use ASN 65010: you must assign different ASNs "
            + "to the two sides of a BGP connection.");
    }

    [Fact]
    public void Same_ASN_on_a_VNet_to_VNet_BGP_connection_is_refused_too()
    {
        var f = Validate(Hub(), Vnet("v2", "10.2.0.0/16", Sub("GatewaySubnet", "10.2.0.0/27")),
            Gw("gw1", "hub", extra: ", enableBgp: true"), Gw("gw2", "v2", extra: ", enableBgp: true"),
            V2v("c12", "gw1", "gw2", ", enableBgp: true"), V2v("c21", "gw2", "gw1", ", enableBgp: true"));
        Has(f, GatewayRules.SameAsnBothSides, "connections/c12",
            "Connection c12 runs BGP between VPN gateway gw1 and VPN gateway gw2, which both use ASN 65515: you must assign different ASNs "
            + "to the two sides of a BGP connection.");
    }

    [Fact]
    public void BGP_connection_with_different_ASNs_passes()
    {
        var f = Validate(Hub(), Gw("gw", "hub", extra: ", enableBgp: true, bgpSettings: { asn: 65010 }"),
            Lng("site", "203.0.113.1", "192.168.10.1/32", ", bgpSettings: { asn: 65020, bgpPeeringAddress: 192.168.10.1 }"),
            S2s("c", "gw", "site", ", enableBgp: true"));
        None(f, GatewayRules.SameAsnBothSides);
        Assert.Empty(f);
    }

    private static (string, string) ApipaGateway(string address) => Gw("gw", "hub", extra:
        $", enableBgp: true, bgpSettings: {{ asn: 65515, bgpPeeringAddresses: [ {{ ipconfigurationId: default, customBgpIpAddresses: [{address}] }} ] }}");

    [Fact]
    public void APIPA_address_outside_the_Azure_range_is_refused()
    {
        var f = Validate(Hub(), ApipaGateway("169.254.23.1"));
        Expect(f, GatewayRules.ApipaOutOfRange, "virtualNetworkGateways/gw",
            "VPN gateway gw IP configuration default uses custom BGP address 169.254.23.1: custom (APIPA) BGP addresses must come from the "
            + "Azure-reserved APIPA range for VPN, 169.254.21.0 to 169.254.22.255.");
    }

    [Theory]
    [InlineData("169.254.21.0")]
    [InlineData("169.254.22.255")]
    public void APIPA_address_inside_the_Azure_range_passes(string address)
    {
        var f = Validate(Hub(), ApipaGateway(address));
        None(f, GatewayRules.ApipaOutOfRange);
        Assert.Empty(f);
    }

    [Fact]
    public void BGP_on_a_Basic_gateway_is_refused()
    {
        var f = Validate(Hub(), Gw("gw", "hub", sku: "Basic", extra: ", enableBgp: true"));
        Expect(f, GatewayRules.BgpNotSupported, "virtualNetworkGateways/gw",
            "VPN gateway gw (Basic SKU) has BGP enabled: BGP is not supported on the Basic SKU or on policy-based VPN gateways.");
    }

    [Fact]
    public void BGP_on_a_VpnGw1_gateway_passes()
    {
        var f = Validate(Hub(), Gw("gw", "hub", extra: ", enableBgp: true"));
        None(f, GatewayRules.BgpNotSupported);
    }

    private static (string, string)[] Sites(string gw, int count) =>
        [.. Enumerable.Range(1, count).SelectMany(i => new[] { Lng($"site{i}", $"203.0.113.{i}", $"192.168.{i}.0/24"), S2s($"c{i}", gw, $"site{i}") })];

    [Fact]
    public void More_connections_than_the_SKU_allows_are_refused()
    {
        var f = Validate([Hub(), Gw("gw", "hub", sku: "Basic"), .. Sites("gw", 11)]);
        Expect(f, GatewayRules.TooManyTunnels, "virtualNetworkGateways/gw",
            "VPN gateway gw needs 11 S2S/VNet-to-VNet tunnels, more than the 10 its SKU Basic supports (each connection counts one tunnel per "
            + "gateway instance; a VNet-to-VNet pair counts one per instance pair).");
    }

    [Fact]
    public void As_many_connections_as_the_SKU_allows_pass()
    {
        var f = Validate([Hub(), Gw("gw", "hub", sku: "Basic"), .. Sites("gw", 10)]);
        None(f, GatewayRules.TooManyTunnels);
        Assert.Empty(f);
    }

    [Fact]
    public void Active_active_instances_and_VNet_to_VNet_pairs_count_as_tunnels()
    {
        var items = new List<(string, string)>
        {
            Hub(), Vnet("v2", "10.2.0.0/16", Sub("GatewaySubnet", "10.2.0.0/27")),
            Gw("gw", "hub", extra: ", activeActive: true"), Gw("gw2", "v2", extra: ", activeActive: true"),
            V2v("to-v2", "gw", "gw2"), V2v("from-v2", "gw2", "gw"),
        };
        items.AddRange(Sites("gw", 13));
        var t = Load([.. items]);
        // 13 sites x 2 instances + 2 x 2 instance pairs (the two connection resources are one pair) = 30: VpnGw1's limit.
        Assert.Equal(30, GatewayRules.Tunnels(t, t.VirtualNetworkGateway("gw")!));
        None(Validator.Validate(t), GatewayRules.TooManyTunnels);

        items.AddRange(Sites("gw", 14).Skip(26));
        var more = Load([.. items]);
        Assert.Equal(32, GatewayRules.Tunnels(more, more.VirtualNetworkGateway("gw")!));
        One(Validator.Validate(more), GatewayRules.TooManyTunnels);
    }

    [Fact]
    public void Policy_based_gateway_with_two_sites_is_refused()
    {
        var f = Validate([Hub(), Gw("gw", "hub", sku: "Basic", extra: ", vpnType: PolicyBased"), .. Sites("gw", 2)]);
        Expect(f, GatewayRules.PolicyBasedMultiSite, "virtualNetworkGateways/gw",
            "PolicyBased VPN gateway gw has 2 site-to-site connections: a PolicyBased VPN supports only one S2S tunnel; multi-site needs a RouteBased VPN gateway.");
    }

    [Fact]
    public void Policy_based_gateway_with_one_site_passes()
    {
        var f = Validate([Hub(), Gw("gw", "hub", sku: "Basic", extra: ", vpnType: PolicyBased"), .. Sites("gw", 1)]);
        None(f, GatewayRules.PolicyBasedMultiSite);
        Assert.Empty(f);
    }

    [Fact]
    public void ExpressRoute_SKU_on_a_VPN_gateway_is_refused()
    {
        var f = Validate(Hub(), Gw("gw", "hub", sku: "ErGw1AZ"));
        Expect(f, GatewayRules.InvalidGatewaySku, "virtualNetworkGateways/gw",
            "Virtual network gateway gw has SKU ErGw1AZ, which is not a VPN gateway SKU; valid SKUs: Basic, VpnGw1, VpnGw2, VpnGw3, VpnGw4, VpnGw5, "
            + "VpnGw1AZ, VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ, Standard, HighPerformance.");
    }

    [Fact]
    public void ExpressRoute_SKU_on_an_ExpressRoute_gateway_passes()
    {
        var f = Validate(Hub(), Gw("gw", "hub", "ExpressRoute", "ErGw1AZ"));
        None(f, GatewayRules.InvalidGatewaySku);
        Assert.Empty(f);
    }
}
