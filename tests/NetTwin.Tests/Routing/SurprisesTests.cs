using NetTwin.Model;
using NetTwin.Routing;
using static NetTwin.Tests.Routing.RoutingKit;

namespace NetTwin.Tests.Routing;

/// <summary>The routing items of the spec's "Surprises worth a test each" list (items 5 and 6 are IPsec/NAT).</summary>
public class SurprisesTests
{
    private static Estate HubWithEr(params string[] subnets) => new Estate()
        .Vnet("hub", "10.100.0.0/16", ["GatewaySubnet=10.100.0.0/27", .. subnets])
        .ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit");

    [Fact]
    public void Surprise1_invalid_only_for_same_prefix_overrides()
    {
        // Longer routes covering all of 0/0 and 10/8 leave both Active (shadowed); only the equal prefix turns Invalid.
        var t = HubWithEr("s1=10.100.1.0/24")
            .Circuit("circuit", 0, 65001, "Standard", "0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/9", "10.128.0.0/9", "172.16.0.0/12")
            .Compute().EffectiveRoutes("hub/s1");
        foreach (var p in new[] { "0.0.0.0/0", "10.0.0.0/8" })
        {
            var r = Route(t, RouteSource.Default, p);
            Assert.Equal((RouteState.Active, true), (r.State, r.IsShadowed));
        }
        var same = Route(t, RouteSource.Default, "172.16.0.0/12");
        Assert.Equal((RouteState.Invalid, "B2"), (same.State, same.InvalidBecause!.Rule));
        Assert.All(t.Routes.Where(r => r.State == RouteState.Invalid), r => Assert.Contains(t.Routes, w => w != r && w.AddressPrefix == r.AddressPrefix && w.State == RouteState.Active));
    }

    [Fact]
    public void Surprise2_system_routes_beat_more_specific_bgp_yet_user_routes_override_them()
    {
        var cp = HubWithEr("s1=10.100.1.0/24@rt", "s2=10.100.2.0/24")
            .Vnet("peer", "10.60.0.0/16", "s1=10.60.1.0/24").Peering("hub", "peer")
            .Circuit("circuit", 0, 65001, "Standard", "10.60.7.0/24")
            .RouteTable("rt", false, "steer 10.60.0.0/16 VirtualAppliance 10.100.2.4").Compute();
        // B3: the BGP /24 inside the peered VNet does not win in either subnet...
        Assert.Equal(NextHopType.VNetPeering, cp.Lookup("hub/s2", Ip("10.60.7.1"))!.NextHopType);
        Assert.Contains(cp.EffectiveRoutes("hub/s2").Removed, r => r.Reason.Rule == "B3" && r.AddressPrefix == P("10.60.7.0/24"));
        // ...while a user route with the peering's prefix overrides the peering route (B4, B2).
        Assert.Equal(NextHopType.VirtualAppliance, cp.Lookup("hub/s1", Ip("10.60.7.1"))!.NextHopType);
        AssertRoute(cp.EffectiveRoutes("hub/s1"), RouteSource.Default, RouteState.Invalid, "10.60.0.0/16", NextHopType.VNetPeering);
    }

    [Fact]
    public void Surprise3_a_default_user_route_to_an_appliance_deletes_the_private_range_none_routes()
    {
        var t = new Estate().Vnet("v1", "10.1.0.0/16", "s1=10.1.1.0/24@rt")
            .RouteTable("rt", false, "nva 0.0.0.0/0 VirtualAppliance 10.1.9.4").Compute().EffectiveRoutes("v1/s1");
        foreach (var p in new[] { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10" })
        {
            AssertNoRoute(t, p);
            Assert.Contains(t.Removed, r => r.AddressPrefix == P(p) && r.Reason.Rule == "A3");
        }
        // So private destinations outside the VNet now go to the appliance, not to None.
        Assert.Equal(NextHopType.VirtualAppliance, t.Lookup(Ip("192.168.1.1"))!.NextHopType);
    }

    [Fact]
    public void Surprise4_no_user_route_to_the_gateway_once_expressroute_and_vpn_coexist()
    {
        var t = HubWithEr("s1=10.100.1.0/24@rt").Circuit("circuit", 0, 65001)
            .VpnGateway("vpn", "hub", false, 65515, "10.100.0.12/198.51.100.1")
            .RouteTable("rt", false, "to-vpn 10.99.0.0/16 VirtualNetworkGateway").Compute().EffectiveRoutes("hub/s1");
        var r = Route(t, RouteSource.User, "10.99.0.0/16");
        Assert.Contains(r.Notes, n => n.StartsWith("rule A8", StringComparison.Ordinal) && n.Contains("coexist"));
    }

    [Fact]
    public void Surprise7_no_transit_between_expressroute_and_vpn_sites()
    {
        var cp = HubWithEr("s1=10.100.1.0/24").Circuit("circuit", 0, 65001, "Standard", "10.1.0.0/16")
            .VpnGateway("vpn", "hub", true, 65515, "10.100.0.12/198.51.100.1")
            .Device("branch", 65002, ["wan 203.0.113.2/24", "lo 192.0.2.2/32"], "10.2.0.0/16")
            .Site("site", "203.0.113.2", "65002@192.0.2.2", "192.0.2.2/32").IpsecConnection("s", "vpn", "site", bgp: true).Compute();
        // The branch learns the hub, not on-premises behind ExpressRoute; the circuit does not learn the branch.
        var branch = cp.Bgp.DeviceTable("branch").Select(r => r.Network).ToList();
        Assert.Contains(P("10.100.0.0/16"), branch);
        Assert.DoesNotContain(P("10.1.0.0/16"), branch);
        var onPremises = cp.Bgp.DeviceTable("circuit (on-premises)");
        Assert.Contains(onPremises, r => r.Network == P("10.100.0.0/16")); // the table exists: the hub reaches it over the circuit
        Assert.DoesNotContain(onPremises, r => r.Network == P("10.2.0.0/16"));
        // The two gateways of the hub do not exchange routes at all (no Route Server is modelled, rule D8).
        Assert.DoesNotContain(cp.Bgp.LearnedRoutes("er"), r => r.Network == P("10.2.0.0/16"));
        Assert.DoesNotContain(cp.Bgp.LearnedRoutes("vpn"), r => r.Network == P("10.1.0.0/16"));
        // Azure itself reaches both.
        Assert.Equal("er", cp.Lookup("hub/s1", Ip("10.1.0.1"))!.Gateway);
        Assert.Equal("vpn", cp.Lookup("hub/s1", Ip("10.2.0.1"))!.Gateway);
    }
}
