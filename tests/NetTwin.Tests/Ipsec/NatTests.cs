using NetTwin.Formats.Yaml;
using NetTwin.Ipsec;
using NetTwin.Model;
using static NetTwin.Tests.Ipsec.IpsecKit;

namespace NetTwin.Tests.Ipsec;

/// <summary>VPN gateway NAT (rules F1-F3), on the nat-overview example: VNet and branch both 10.0.1.0/24.</summary>
public class NatTests
{
    private static readonly Topology T = TopologyLoader.LoadText("""
        virtualNetworks:
          - name: vnet
            location: westeurope
            addressSpace: [10.0.1.0/24, 10.0.9.0/24]
            subnets:
              - { name: GatewaySubnet, addressPrefix: 10.0.9.0/27 }
        virtualNetworkGateways:
          - name: gw
            subnet: vnet/GatewaySubnet
            gatewayType: Vpn
            sku: VpnGw2
            activeActive: true
            ipConfigurations:
              - { name: default, privateIPAddress: 10.0.9.4, publicIPAddress: 198.51.100.1 }
              - { name: activeActive, privateIPAddress: 10.0.9.5, publicIPAddress: 198.51.100.2 }
            natRules:
              - { name: vnet-egress, type: Static, mode: EgressSnat, internalMappings: [10.0.1.0/24], externalMappings: [100.0.1.0/24] }
              - { name: branch1, type: Static, mode: IngressSnat, internalMappings: [10.0.1.0/24], externalMappings: [100.0.2.0/24] }
              - { name: branch2-pool, type: Dynamic, mode: IngressSnat, internalMappings: [10.0.1.0/24], externalMappings: [100.0.3.0/26] }
              - { name: only-second, type: Static, mode: IngressSnat, internalMappings: [10.5.0.0/16], externalMappings: [100.5.0.0/16], ipConfigurationId: activeActive }
        localNetworkGateways:
          - { name: branch1, gatewayIpAddress: 203.0.113.1, addressPrefixes: [10.0.1.0/24, 10.5.0.0/16] }
          - { name: branch2, gatewayIpAddress: 203.0.113.2, addressPrefixes: [10.0.1.0/24] }
        connections:
          - { name: to-branch1, connectionType: IPsec, virtualNetworkGateway1: gw, localNetworkGateway2: branch1, sharedKey: k,
              ingressNatRules: [branch1, only-second], egressNatRules: [vnet-egress] }
          - { name: to-branch2, connectionType: IPsec, virtualNetworkGateway1: gw, localNetworkGateway2: branch2, sharedKey: k,
              ingressNatRules: [branch2-pool], egressNatRules: [vnet-egress] }
        """);

    private static Connection C(string name) => T.Connection(name)!;

    [Fact]
    public void Static_inbound_packet_source_and_destination()
    {
        // Branch 1 host 10.0.1.10 -> the VNet host as branch 1 sees it (100.0.1.4).
        var p = VpnNat.TranslatePacket(T, C("to-branch1"), 0, NatDirection.Inbound, Ip("10.0.1.10"), Ip("100.0.1.4"));
        Assert.False(p.Dropped);
        Assert.Equal(Ip("100.0.2.10"), p.Source);
        Assert.Equal(Ip("10.0.1.4"), p.Destination);
        Assert.Equal(["source", "destination"], p.Steps.Select(s => s.Field));
    }

    [Fact]
    public void Static_outbound_packet_is_the_mirror()
    {
        var p = VpnNat.TranslatePacket(T, C("to-branch1"), 0, NatDirection.Outbound, Ip("10.0.1.4"), Ip("100.0.2.10"));
        Assert.Equal(Ip("100.0.1.4"), p.Source);
        Assert.Equal(Ip("10.0.1.10"), p.Destination);
    }

    [Fact]
    public void Dynamic_rule_only_the_internal_side_initiates_and_replies_come_back()
    {
        var request = VpnNat.TranslatePacket(T, C("to-branch2"), 0, NatDirection.Inbound, Ip("10.0.1.77"), Ip("100.0.1.4"));
        Assert.False(request.Dropped);
        Assert.True(Prefix.Parse("100.0.3.0/26").Contains(request.Source));
        Assert.Equal(Ip("10.0.1.4"), request.Destination);

        var reply = VpnNat.TranslatePacket(T, C("to-branch2"), 0, NatDirection.Outbound, Ip("10.0.1.4"), request.Source, request);
        Assert.Equal(Ip("100.0.1.4"), reply.Source);
        Assert.Equal(Ip("10.0.1.77"), reply.Destination);

        // A new flow from Azure towards branch 2's pool is not allowed.
        var fresh = VpnNat.TranslatePacket(T, C("to-branch2"), 0, NatDirection.Outbound, Ip("10.0.1.4"), request.Source);
        Assert.True(fresh.Dropped);
        Assert.Contains("only the internal side initiates", fresh.DropReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_bound_to_an_ip_configuration_applies_on_that_instance_only()
    {
        var first = VpnNat.TranslatePacket(T, C("to-branch1"), 0, NatDirection.Inbound, Ip("10.5.1.1"), Ip("100.0.1.4"));
        var second = VpnNat.TranslatePacket(T, C("to-branch1"), 1, NatDirection.Inbound, Ip("10.5.1.1"), Ip("100.0.1.4"));
        Assert.Equal(Ip("10.5.1.1"), first.Source);
        Assert.Equal(Ip("100.5.1.1"), second.Source);
    }

    [Fact]
    public void Selectors_on_the_wire_use_the_sites_own_ranges_and_the_vnet_external_range()
    {
        var azureView = Ts("10.0.1.0/24", "100.0.2.0/24");
        var wire = VpnNat.SelectorToWire(T, C("to-branch1"), 0, azureView);
        Assert.Equal("100.0.1.0/24<->10.0.1.0/24", wire.ToString());
        Assert.Equal(azureView.ToString(), VpnNat.SelectorFromWire(T, C("to-branch1"), 0, wire).ToString());

        // A wider range is split: the covered part translated, the rest kept.
        var wide = VpnNat.SelectorToWire(T, C("to-branch1"), 0, Ts("10.0.0.0/23", "0.0.0.0/0"));
        Assert.Equal(["10.0.0.0/24", "100.0.1.0/24"], wide.Local.Select(p => p.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Bgp_routes_learned_and_advertised()
    {
        var learned = VpnNat.TranslateLearnedRoute(T, C("to-branch1"), Prefix.Parse("10.0.1.0/24"));
        Assert.Equal(["100.0.2.0/24"], learned.Prefixes.Select(x => x.ToString()));
        Assert.Contains("F3", learned.Explanation, StringComparison.Ordinal);

        var sub = VpnNat.TranslateLearnedRoute(T, C("to-branch1"), Prefix.Parse("10.0.1.128/25"));
        Assert.Equal(["100.0.2.128/25"], sub.Prefixes.Select(x => x.ToString()));
        Assert.Contains("advertise exactly", sub.Explanation, StringComparison.Ordinal);

        var advertised = VpnNat.TranslateAdvertisedRoute(T, C("to-branch2"), Prefix.Parse("10.0.1.0/24"));
        Assert.Equal(["100.0.1.0/24"], advertised.Prefixes.Select(x => x.ToString()));
        var untouched = VpnNat.TranslateAdvertisedRoute(T, C("to-branch2"), Prefix.Parse("10.0.9.0/24"));
        Assert.Equal(["10.0.9.0/24"], untouched.Prefixes.Select(x => x.ToString()));

        var pooled = VpnNat.TranslateLearnedRoute(T, C("to-branch2"), Prefix.Parse("10.0.1.0/24"));
        Assert.Equal(["100.0.3.0/26"], pooled.Prefixes.Select(x => x.ToString()));
    }

    [Fact]
    public void Static_address_mapping_keeps_the_offset_and_dynamic_reverse_needs_state()
    {
        var rules = T.VirtualNetworkGateway("gw")!.NatRules;
        var st = rules.Single(r => r.Name == "branch1");
        Assert.Equal(Ip("100.0.2.200"), VpnNat.MapAddress(st, Ip("10.0.1.200"), toExternal: true));
        Assert.Equal(Ip("10.0.1.200"), VpnNat.MapAddress(st, Ip("100.0.2.200"), toExternal: false));
        Assert.Null(VpnNat.MapAddress(st, Ip("10.0.2.1"), toExternal: true));
        var dyn = rules.Single(r => r.Name == "branch2-pool");
        Assert.Null(VpnNat.MapAddress(dyn, Ip("100.0.3.5"), toExternal: false));
    }

    [Fact]
    public void Nat_is_not_applied_to_vnet_to_vnet_connections()
    {
        var v2v = C("to-branch1") with { ConnectionType = ConnectionType.Vnet2Vnet };
        Assert.Empty(VpnNat.Rules(T, v2v, NatRuleMode.IngressSnat));
    }
}
