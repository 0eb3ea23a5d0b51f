using NetTwin.Validation;
using static NetTwin.Tests.Validation.Topo;

namespace NetTwin.Tests.Validation;

public class NatRulesTests
{
    private static string Nat(string name, string type, string mode, string internalMapping, string externalMapping) =>
        $"{{ name: '{name}', type: {type}, mode: {mode}, internalMappings: [{internalMapping}], externalMappings: [{externalMapping}] }}";

    private static readonly string Ingress = Nat("in-site", "Static", "IngressSnat", "192.168.1.0/24", "100.64.1.0/24");
    private static readonly string Egress = Nat("out-hub", "Static", "EgressSnat", "10.0.0.0/16", "100.65.0.0/16");

    private static IReadOnlyList<Finding> Site(string sku = "VpnGw2", string connectionExtra = ", ingressNatRules: [in-site]", params string[] rules)
    {
        var natRules = rules.Length == 0 ? new[] { Ingress } : rules;
        return Validate(Hub(), Gw("gw", "hub", sku: sku, extra: $", natRules: [{string.Join(", ", natRules)}]"),
            Lng("site", "203.0.113.1", "192.168.1.0/24"), S2s("c", "gw", "site", connectionExtra));
    }

    [Fact]
    public void NAT_on_a_VpnGw2_site_connection_passes()
    {
        Assert.Empty(Site());
    }

    [Fact]
    public void NAT_on_VpnGw1_is_refused()
    {
        var f = Site(sku: "VpnGw1");
        Expect(f, NatRules.NatSkuNotSupported, "virtualNetworkGateways/gw",
            "VPN gateway gw has NAT rules but uses SKU VpnGw1: NAT is supported on VpnGw2~5 and VpnGw2AZ~5AZ only.");
    }

    [Theory]
    [InlineData("VpnGw5")]
    [InlineData("VpnGw2AZ")]
    public void NAT_on_supported_SKUs_passes(string sku)
    {
        None(Site(sku: sku), NatRules.NatSkuNotSupported);
    }

    private static IReadOnlyList<Finding> VnetToVnet(string natRules) =>
        Validate(Hub(), Vnet("v2", "10.2.0.0/16", Sub("GatewaySubnet", "10.2.0.0/27")),
            Gw("gw", "hub", sku: "VpnGw2", extra: $", natRules: [{Egress}]"), Gw("gw2", "v2"),
            V2v("c", "gw", "gw2", natRules), V2v("c2", "gw2", "gw"));

    [Fact]
    public void NAT_on_a_VNet_to_VNet_connection_is_refused()
    {
        var f = VnetToVnet(", egressNatRules: [out-hub]");
        Expect(f, NatRules.NatOnVnet2Vnet, "connections/c",
            "Connection c is VNet-to-VNet and uses NAT rules out-hub: NAT is supported on IPsec cross-premises connections only; "
            + "VNet-to-VNet connections or P2S connections aren't supported.");
    }

    [Fact]
    public void VNet_to_VNet_connection_without_NAT_passes()
    {
        var f = VnetToVnet("");
        None(f, NatRules.NatOnVnet2Vnet);
        Assert.Empty(f);
    }

    [Fact]
    public void NAT_with_policy_based_traffic_selectors_is_refused()
    {
        var f = Site(connectionExtra: ", ingressNatRules: [in-site], usePolicyBasedTrafficSelectors: true");
        Expect(f, NatRules.NatWithPolicyBasedSelectors, "connections/c",
            "Connection c uses NAT rules in-site and usePolicyBasedTrafficSelectors: NAT rules aren't supported on connections that have "
            + "Use Policy Based Traffic Selectors enabled.");
    }

    [Fact]
    public void Policy_based_traffic_selectors_without_NAT_pass()
    {
        var f = Site(connectionExtra: ", usePolicyBasedTrafficSelectors: true");
        None(f, NatRules.NatWithPolicyBasedSelectors);
        Assert.Empty(f);
    }

    [Fact]
    public void Static_rule_with_mappings_of_different_sizes_is_refused()
    {
        var f = Site(rules: Nat("in-site", "Static", "IngressSnat", "192.168.1.0/24", "100.64.1.0/25"));
        Expect(f, NatRules.StaticNatPrefixLengthMismatch, "virtualNetworkGateways/gw",
            "Static NAT rule gw/in-site maps 192.168.1.0/24 to 100.64.1.0/25: a static rule is a 1:1 mapping, so internal and external mappings "
            + "must have the same size (use a Dynamic rule when the external pool is smaller).");
    }

    [Fact]
    public void Dynamic_rule_with_a_smaller_pool_passes_the_static_size_rule()
    {
        var f = Site(rules: Nat("in-site", "Dynamic", "IngressSnat", "192.168.1.0/24", "100.64.1.0/26"));
        None(f, NatRules.StaticNatPrefixLengthMismatch);
        None(f, NatRules.DynamicNatExternalTooLarge); // a /26 external mapping is the largest allowed
        Assert.Empty(f);
    }

    [Fact]
    public void Dynamic_rule_with_an_external_mapping_larger_than_slash_26_is_refused()
    {
        var f = Site(rules: Nat("in-site", "Dynamic", "IngressSnat", "192.168.1.0/24", "100.64.1.0/25"));
        Expect(f, NatRules.DynamicNatExternalTooLarge, "virtualNetworkGateways/gw",
            "Dynamic NAT rule gw/in-site has external mapping 100.64.1.0/25: the maximum supported external mapping subnet size for Dynamic NAT is /26.");
    }

    [Fact]
    public void More_than_100_NAT_rules_are_refused()
    {
        var rules = Enumerable.Range(0, 101).Select(i => Nat(i == 0 ? "in-site" : $"r{i}", "Static", "IngressSnat", $"172.16.{i}.0/24", $"100.64.{i}.0/24")).ToArray();
        Expect(Site(rules: rules), NatRules.TooManyNatRules, "virtualNetworkGateways/gw",
            "VPN gateway gw has 101 NAT rules: you can create up to 100 NAT rules (ingress and egress rules combined) on a VPN gateway.");
    }

    [Fact]
    public void Exactly_100_NAT_rules_pass()
    {
        var rules = Enumerable.Range(0, 100).Select(i => Nat(i == 0 ? "in-site" : $"r{i}", "Static", "IngressSnat", $"172.16.{i}.0/24", $"100.64.{i}.0/24")).ToArray();
        var f = Site(rules: rules);
        None(f, NatRules.TooManyNatRules);
        Assert.Empty(f);
    }

    [Fact]
    public void Slash_in_a_NAT_rule_name_is_refused()
    {
        var f = Site(connectionExtra: "", rules: Nat("in/site", "Static", "IngressSnat", "192.168.1.0/24", "100.64.1.0/24"));
        Expect(f, NatRules.NatRuleNameSlash, "virtualNetworkGateways/gw",
            "NAT rule 'in/site' on VPN gateway gw contains '/': a NAT rule name can't contain '/'.");
    }

    [Fact]
    public void NAT_rule_name_without_a_slash_passes()
    {
        None(Site(), NatRules.NatRuleNameSlash);
    }

    [Fact]
    public void External_mapping_overlapping_the_vnet_is_refused()
    {
        var f = Site(rules: Nat("in-site", "Static", "IngressSnat", "192.168.1.0/24", "10.0.9.0/24"));
        Expect(f, NatRules.NatExternalMappingOverlap, "virtualNetworkGateways/gw",
            "NAT rule gw/in-site external mapping 10.0.9.0/24 overlaps virtual network hub (10.0.9.0/24): the address spaces for all external mappings "
            + "must not overlap with each other and with the networks connected without NAT.");
    }

    [Fact]
    public void External_mappings_overlapping_each_other_are_refused()
    {
        var f = Site(rules: [Ingress, Nat("in-other", "Static", "IngressSnat", "192.168.2.0/24", "100.64.1.0/24")]);
        Expect(f, NatRules.NatExternalMappingOverlap, "virtualNetworkGateways/gw",
            "NAT rule gw/in-other external mapping 100.64.1.0/24 overlaps the external mapping of NAT rule in-site (100.64.1.0/24): the address spaces "
            + "for all external mappings must not overlap with each other and with the networks connected without NAT.");
    }

    [Fact]
    public void Distinct_external_mappings_pass()
    {
        var f = Site(rules: [Ingress, Nat("in-other", "Static", "IngressSnat", "192.168.2.0/24", "100.64.2.0/24")]);
        None(f, NatRules.NatExternalMappingOverlap);
        Assert.Empty(f);
    }

    [Fact]
    public void Egress_rule_listed_as_ingress_is_refused()
    {
        var f = Site(connectionExtra: ", ingressNatRules: [out-hub]", rules: [Ingress, Egress]);
        Expect(f, NatRules.NatRuleModeMismatch, "connections/c",
            "Connection c lists NAT rule out-hub under ingressNatRules, but the rule's mode is EgressSnat: ingressNatRules take IngressSnat rules "
            + "and egressNatRules take EgressSnat rules.");
    }

    [Fact]
    public void Rules_listed_in_their_own_direction_pass()
    {
        var f = Site(connectionExtra: ", ingressNatRules: [in-site], egressNatRules: [out-hub]", rules: [Ingress, Egress]);
        None(f, NatRules.NatRuleModeMismatch);
        Assert.Empty(f);
    }

    private static IReadOnlyList<Finding> BgpSite(string peer) =>
        Validate(Hub(), Gw("gw", "hub", sku: "VpnGw2", extra: $", enableBgp: true, natRules: [{Ingress}]"),
            Lng("site", "203.0.113.1", "192.168.1.0/24", $", bgpSettings: {{ asn: 65010, bgpPeeringAddress: {peer} }}"),
            S2s("c", "gw", "site", ", enableBgp: true, ingressNatRules: [in-site]"));

    [Fact]
    public void NAT_with_an_APIPA_BGP_peer_is_refused()
    {
        Expect(BgpSite("169.254.21.1"), NatRules.NatWithApipaBgp, "connections/c",
            "Connection c has NAT rules (in-site) and runs BGP with local network gateway site at the APIPA address 169.254.21.1: NAT isn't supported with BGP APIPA addresses "
            + "(VPN FAQ, NAT). Use a non-APIPA BGP peer address, translated by an IngressSnat rule if it collides.");
    }

    [Fact]
    public void NAT_with_a_non_APIPA_BGP_peer_passes()
    {
        None(BgpSite("100.64.1.254"), NatRules.NatWithApipaBgp);
    }

    private static IReadOnlyList<Finding> TwoSites(string secondPrefixes) =>
        Validate(Hub(), Gw("gw", "hub", sku: "VpnGw2", extra: $", natRules: [{Ingress}]"),
            Lng("dc-a", "203.0.113.1", "192.168.1.0/24"), Lng("dc-b", "203.0.113.2", secondPrefixes),
            S2s("to-a", "gw", "dc-a", ", ingressNatRules: [in-site]"), S2s("to-b", "gw", "dc-b", ", ingressNatRules: [in-site]"));

    [Fact]
    public void One_ingress_rule_on_connections_to_different_sites_is_refused()
    {
        Expect(TwoSites("192.168.2.0/24"), NatRules.IngressRuleSharedAcrossSites, "connections/to-b",
            "IngressSnat rule in-site of gateway gw is used by connections to-a and to-b, whose local network gateways dc-a and dc-b are different on-premises networks: "
            + "an ingress rule may be shared only by connections to the same on-premises network (VPN FAQ, NAT).");
    }

    [Fact]
    public void One_ingress_rule_on_two_connections_to_the_same_network_passes()
    {
        None(TwoSites("192.168.1.0/24"), NatRules.IngressRuleSharedAcrossSites);
    }

    [Fact]
    public void NAT_rule_without_an_instance_on_an_active_active_gateway_is_a_warning()
    {
        var f = Validate(Hub(), Gw("gw", "hub", sku: "VpnGw2", extra: $", activeActive: true, ipConfigurations: [ {{ name: default, privateIPAddress: 10.0.0.4, publicIPAddress: 198.51.100.1 }}, {{ name: activeActive, privateIPAddress: 10.0.0.5, publicIPAddress: 198.51.100.2 }} ], natRules: [{Ingress}]"),
            Lng("site", "203.0.113.1", "192.168.1.0/24"), S2s("c", "gw", "site", ", ingressNatRules: [in-site]"));
        var w = Expect(f, NatRules.NatRuleWithoutInstanceOnActiveActive, "virtualNetworkGateways/gw",
            "NAT rule in-site of active-active gateway gw names no ipConfigurationId: each NAT rule applies to a single gateway instance, so an active-active "
            + "gateway needs one rule per instance, each with its IP configuration ID (VPN FAQ, NAT). NetTwin applies it to every instance.");
        Assert.Equal(Severity.Warning, w.Severity);
    }

    [Fact]
    public void NAT_rule_with_an_instance_on_an_active_active_gateway_passes()
    {
        var rule = "{ name: in-site, type: Static, mode: IngressSnat, internalMappings: [192.168.1.0/24], externalMappings: [100.64.1.0/24], ipConfigurationId: default }";
        var f = Validate(Hub(), Gw("gw", "hub", sku: "VpnGw2", extra: $", activeActive: true, ipConfigurations: [ {{ name: default, privateIPAddress: 10.0.0.4, publicIPAddress: 198.51.100.1 }}, {{ name: activeActive, privateIPAddress: 10.0.0.5, publicIPAddress: 198.51.100.2 }} ], natRules: [{rule}]"),
            Lng("site", "203.0.113.1", "192.168.1.0/24"), S2s("c", "gw", "site", ", ingressNatRules: [in-site]"));
        None(f, NatRules.NatRuleWithoutInstanceOnActiveActive);
    }
}
