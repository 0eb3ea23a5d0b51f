using NetTwin.Validation;
using static NetTwin.Tests.Validation.Topo;

namespace NetTwin.Tests.Validation;

public class ConnectionRulesTests
{
    [Fact]
    public void Default_route_in_a_local_network_gateway_is_refused()
    {
        var f = Validate(Lng("proxy", "203.0.113.50", "0.0.0.0/0"));
        Expect(f, ConnectionRules.LocalNetworkGatewayDefaultRoute, "localNetworkGateways/proxy",
            "Local network gateway proxy has address prefix 0.0.0.0/0: a default route cannot be announced as a local network gateway address prefix, "
            + "neither in the portal nor with Azure CLI (seed 000; unverified: Microsoft docs are silent). Announce 0.0.0.0/1 and 128.0.0.0/1 instead.");
    }

    [Fact]
    public void Two_half_defaults_in_a_local_network_gateway_pass_even_though_they_cover_the_vnet()
    {
        var f = Validate([Hub(), Spoke(), Gw("gw", "hub"), .. Transit("hub", "spoke"),
            Lng("proxy", "203.0.113.50", "0.0.0.0/1, 128.0.0.0/1"), S2s("to-proxy", "gw", "proxy")]);
        None(f, ConnectionRules.LocalNetworkGatewayDefaultRoute);
        None(f, ConnectionRules.LocalNetworkOverlapsVnet);
        Assert.Empty(f);
    }

    [Fact]
    public void Site_prefix_inside_the_gateway_vnet_is_refused()
    {
        var f = Validate(Hub(), Gw("gw", "hub"), Lng("site", "203.0.113.1", "10.0.5.0/24"), S2s("c", "gw", "site"));
        Expect(f, ConnectionRules.LocalNetworkOverlapsVnet, "connections/c",
            "Connection c: local network gateway site address prefix 10.0.5.0/24 lies within address space 10.0.0.0/16 of virtual network hub, "
            + "which gateway gw serves: virtual networks and the sites connected to them must not overlap unless NAT rules translate one side "
            + "(unverified: Azure's error text is not documented).");
    }

    [Fact]
    public void Site_prefix_equal_to_a_spoke_using_the_gateway_is_refused()
    {
        var f = Validate([Hub(), Spoke(), Gw("gw", "hub"), .. Transit("hub", "spoke"), Lng("site", "203.0.113.1", "10.1.0.0/16"), S2s("c", "gw", "site")]);
        Assert.Contains("lies within address space 10.1.0.0/16 of virtual network spoke, which gateway gw serves",
            One(f, ConnectionRules.LocalNetworkOverlapsVnet).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Site_prefix_translated_by_an_ingress_NAT_rule_passes()
    {
        var f = Validate(Hub(),
            Gw("gw", "hub", sku: "VpnGw2", extra: ", natRules: [ { name: in-site, type: Static, mode: IngressSnat, internalMappings: [10.0.5.0/24], externalMappings: [100.64.5.0/24] } ]"),
            Lng("site", "203.0.113.1", "10.0.5.0/24"), S2s("c", "gw", "site", ", ingressNatRules: [in-site]"));
        None(f, ConnectionRules.LocalNetworkOverlapsVnet);
        Assert.Empty(f);
    }

    [Fact]
    public void Site_prefix_disjoint_from_the_vnets_passes()
    {
        var f = Validate(Hub(), Gw("gw", "hub"), Lng("site", "203.0.113.1", "10.200.0.0/16"), S2s("c", "gw", "site"));
        None(f, ConnectionRules.LocalNetworkOverlapsVnet);
        Assert.Empty(f);
    }

    private static (string, string)[] TwoVnets(string space1, string gw2Extra = "") =>
    [
        Vnet("v1", space1, Sub("GatewaySubnet", "10.0.0.0/27")), Vnet("v2", "10.0.4.0/24", Sub("GatewaySubnet", "10.0.4.224/27")),
        Gw("gw1", "v1"), Gw("gw2", "v2", extra: gw2Extra), V2v("v1-to-v2", "gw1", "gw2"), V2v("v2-to-v1", "gw2", "gw1"),
    ];

    [Fact]
    public void VNet_to_VNet_between_overlapping_vnets_is_refused()
    {
        var f = Validate(TwoVnets("10.0.0.0/16"));
        Has(f, ConnectionRules.Vnet2VnetAddressOverlap, "connections/v1-to-v2",
            "Connection v1-to-v2 joins virtual networks v1 and v2, whose address spaces overlap (10.0.4.0/24): VNet-to-VNet connections need "
            + "non-overlapping address spaces (unverified: Azure's error text is not documented).");
    }

    [Fact]
    public void VNet_to_VNet_between_adjacent_vnets_passes()
    {
        var f = Validate(TwoVnets("10.0.0.0/22"));
        None(f, ConnectionRules.Vnet2VnetAddressOverlap);
        Assert.Empty(f);
    }

    [Fact]
    public void VNet_to_VNet_with_a_policy_based_gateway_is_refused()
    {
        var f = Validate(TwoVnets("10.0.0.0/22", ", vpnType: PolicyBased"));
        Has(f, ConnectionRules.Vnet2VnetPolicyBased, "connections/v1-to-v2",
            "Connection v1-to-v2 is VNet-to-VNet but gateway gw2 is PolicyBased: VNet-to-VNet connections need RouteBased VPN gateways on both sides "
            + "(unverified: Azure's error text is not documented).");
    }

    [Fact]
    public void VNet_to_VNet_with_route_based_gateways_passes()
    {
        None(Validate(TwoVnets("10.0.0.0/22", ", vpnType: RouteBased")), ConnectionRules.Vnet2VnetPolicyBased);
    }

    private const string Selectors = ", trafficSelectorPolicies: [ { localAddressRanges: [10.0.1.0/24], remoteAddressRanges: [192.168.1.0/24] } ]";

    [Fact]
    public void Traffic_selector_policies_without_policy_based_selectors_are_a_warning()
    {
        var f = Validate(Hub(), Gw("gw", "hub"), Lng("site", "203.0.113.1", "192.168.1.0/24"), S2s("c", "gw", "site", Selectors));
        var w = Expect(f, ConnectionRules.TrafficSelectorsWithoutPolicyBased, "connections/c",
            "Connection c has 1 traffic selector policies but usePolicyBasedTrafficSelectors is false: custom traffic selectors take effect "
            + "only when policy-based traffic selectors are enabled, so Azure ignores them.");
        Assert.Equal(Severity.Warning, w.Severity);
    }

    [Fact]
    public void Traffic_selector_policies_with_policy_based_selectors_pass()
    {
        var f = Validate(Hub(), Gw("gw", "hub"), Lng("site", "203.0.113.1", "192.168.1.0/24"),
            S2s("c", "gw", "site", Selectors + ", usePolicyBasedTrafficSelectors: true"));
        None(f, ConnectionRules.TrafficSelectorsWithoutPolicyBased);
        Assert.Empty(f);
    }

    [Fact]
    public void IPsec_connection_on_an_ExpressRoute_gateway_is_refused()
    {
        var f = Validate(Hub(), Gw("er", "hub", "ExpressRoute", "Standard"), Lng("site", "203.0.113.1", "192.168.1.0/24"), S2s("c", "er", "site"));
        Expect(f, ConnectionRules.ConnectionGatewayTypeMismatch, "connections/c",
            "Connection c is of type IPsec but gateway er is an ExpressRoute gateway: IPsec and VNet-to-VNet connections need VPN gateways, "
            + "ExpressRoute connections need ExpressRoute gateways.");
    }

    [Fact]
    public void ExpressRoute_connection_on_an_ExpressRoute_gateway_passes()
    {
        var f = Validate(Hub(), Gw("er", "hub", "ExpressRoute", "Standard"),
            Item("expressRouteCircuits", "{ name: circuit, location: westeurope, peerings: [ { peeringType: AzurePrivatePeering, peerASN: 65001, vlanId: 100 } ] }"),
            Item("connections", "{ name: c, connectionType: ExpressRoute, virtualNetworkGateway1: er, peer: circuit }"));
        None(f, ConnectionRules.ConnectionGatewayTypeMismatch);
        Assert.Empty(f);
    }

    [Fact]
    public void Bgp_peer_address_equal_to_the_public_ip_is_refused()
    {
        var f = Validate(Hub(), Gw("gw", "hub", extra: ", enableBgp: true"),
            Lng("site", "203.0.113.1", "203.0.113.1/32", ", bgpSettings: { asn: 65010, bgpPeeringAddress: 203.0.113.1 }"), S2s("c", "gw", "site", ", enableBgp: true"));
        Expect(f, ConnectionRules.BgpPeerIsPublicIp, "localNetworkGateways/site",
            "Local network gateway site uses 203.0.113.1 both as its public IP (gatewayIpAddress) and as its BGP peer address: the BGP peer IP of "
            + "the on-premises device must be a different address, one the device reaches through the tunnel (unverified: Azure's error text is not documented).");
    }

    [Fact]
    public void Bgp_peer_address_behind_the_device_passes()
    {
        var f = Validate(Hub(), Gw("gw", "hub", extra: ", enableBgp: true"),
            Lng("site", "203.0.113.1", "192.168.255.1/32", ", bgpSettings: { asn: 65010, bgpPeeringAddress: 192.168.255.1 }"), S2s("c", "gw", "site", ", enableBgp: true"));
        None(f, ConnectionRules.BgpPeerIsPublicIp);
    }

    [Fact]
    public void Two_static_tunnels_to_overlapping_sites_are_refused()
    {
        var f = Validate(Hub(), Gw("gw", "hub"), Lng("dc-a", "203.0.113.1", "192.168.0.0/16"), Lng("dc-b", "203.0.113.2", "192.168.10.0/24"),
            S2s("to-a", "gw", "dc-a"), S2s("to-b", "gw", "dc-b"));
        Expect(f, ConnectionRules.OverlappingSitesWithoutBgp, "connections/to-b",
            "Connections to-a and to-b of gateway gw lead to overlapping networks (192.168.10.0/24) through local network gateways dc-a and dc-b, and neither runs BGP: "
            + "more than one tunnel to the same on-premises networks needs BGP on every such connection, since static site prefixes "
            + "of one gateway must not overlap (unverified: Azure's error text is not documented).");
    }

    [Fact]
    public void Two_tunnels_to_the_same_networks_with_bgp_or_to_disjoint_sites_pass()
    {
        var bgp = Validate(Hub(), Gw("gw", "hub", extra: ", activeActive: false, enableBgp: true"),
            Lng("dc-a", "203.0.113.1", "192.168.0.0/16", ", bgpSettings: { asn: 65010, bgpPeeringAddress: 192.168.255.1 }"),
            Lng("dc-b", "203.0.113.2", "192.168.0.0/16", ", bgpSettings: { asn: 65010, bgpPeeringAddress: 192.168.255.2 }"),
            S2s("to-a", "gw", "dc-a", ", enableBgp: true"), S2s("to-b", "gw", "dc-b", ", enableBgp: true"));
        None(bgp, ConnectionRules.OverlappingSitesWithoutBgp);
        var disjoint = Validate(Hub(), Gw("gw", "hub"), Lng("dc-a", "203.0.113.1", "192.168.0.0/24"), Lng("dc-b", "203.0.113.2", "192.168.1.0/24"),
            S2s("to-a", "gw", "dc-a"), S2s("to-b", "gw", "dc-b"));
        None(disjoint, ConnectionRules.OverlappingSitesWithoutBgp);
    }

    [Fact]
    public void Two_vnet_to_vnet_tunnels_without_an_active_active_gateway_are_refused()
    {
        var f = Validate([.. TwoVnets("10.0.0.0/22", ""), V2v("v1-to-v2-b", "gw1", "gw2")]);
        Expect(f, ConnectionRules.MultipleVnet2VnetWithoutActiveActive, "connections/v1-to-v2-b",
            "Gateways gw1 and gw2 are joined by 2 VNet-to-VNet connections in the same direction (v1-to-v2, v1-to-v2-b), and neither gateway is active-active: "
            + "multiple tunnels between two virtual networks need at least one active-active gateway (unverified: Azure's error text is not documented).");
    }

    [Fact]
    public void One_vnet_to_vnet_tunnel_each_way_passes()
    {
        None(Validate(TwoVnets("10.0.0.0/22", "")), ConnectionRules.MultipleVnet2VnetWithoutActiveActive);
    }
}
