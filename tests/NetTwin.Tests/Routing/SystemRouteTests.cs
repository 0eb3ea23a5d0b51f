using NetTwin.Model;
using NetTwin.Routing;
using static NetTwin.Tests.Routing.RoutingKit;

namespace NetTwin.Tests.Routing;

/// <summary>Spec section A: system routes of a subnet.</summary>
public class SystemRouteTests
{
    [Fact]
    public void A1_default_set()
    {
        var cp = new Estate().Vnet("v1", "10.1.0.0/16, 10.9.0.0/16", "s1=10.1.1.0/24").Compute();
        var t = cp.EffectiveRoutes("v1/s1");
        AssertTable(t,
            "Default Active 10.1.0.0/16 VnetLocal",
            "Default Active 10.9.0.0/16 VnetLocal",
            "Default Active 0.0.0.0/0 Internet",
            "Default Active 10.0.0.0/8 None",
            "Default Active 172.16.0.0/12 None",
            "Default Active 192.168.0.0/16 None",
            "Default Active 100.64.0.0/10 None");
        Assert.All(t.Routes, r => Assert.Equal("A1", r.Origin.Rule));
        // No per-subnet route: the subnet prefix is not listed.
        AssertNoRoute(t, "10.1.1.0/24");
    }

    [Fact]
    public void A2_vnet_equal_to_a_reserved_range_turns_its_none_route_into_vnetlocal()
    {
        var t = new Estate().Vnet("v1", "10.0.0.0/8", "s1=10.1.1.0/24").Compute().EffectiveRoutes("v1/s1");
        var r = AssertRoute(t, RouteSource.Default, RouteState.Active, "10.0.0.0/8", NextHopType.VnetLocal);
        Assert.Equal("A2", r.Origin.Rule);
        Assert.Single(t.Routes, x => x.AddressPrefix == P("10.0.0.0/8"));
    }

    [Fact]
    public void A2_vnet_containing_a_reserved_range_removes_its_none_route()
    {
        var t = new Estate().Vnet("v1", "192.168.0.0/15", "s1=192.168.1.0/24").Compute().EffectiveRoutes("v1/s1");
        AssertRoute(t, RouteSource.Default, RouteState.Active, "192.168.0.0/15", NextHopType.VnetLocal);
        AssertNoRoute(t, "192.168.0.0/16");
        var removed = Assert.Single(t.Removed);
        Assert.Equal((P("192.168.0.0/16"), "A2"), (removed.AddressPrefix, removed.Reason.Rule));
    }

    [Fact]
    public void A2_vnet_inside_a_reserved_range_keeps_both_and_lpm_picks_the_vnet()
    {
        var cp = new Estate().Vnet("v1", "10.1.0.0/16", "s1=10.1.1.0/24").Compute();
        var t = cp.EffectiveRoutes("v1/s1");
        AssertRoute(t, RouteSource.Default, RouteState.Active, "10.1.0.0/16", NextHopType.VnetLocal);
        AssertRoute(t, RouteSource.Default, RouteState.Active, "10.0.0.0/8", NextHopType.None);
        Assert.Equal(NextHopType.VnetLocal, cp.Lookup("v1/s1", Ip("10.1.200.1"))!.NextHopType);
        Assert.Equal(NextHopType.None, cp.Lookup("v1/s1", Ip("10.2.0.1"))!.NextHopType);
    }

    [Fact]
    public void A3_default_user_route_to_an_appliance_removes_the_reserved_none_routes()
    {
        var cp = new Estate().Vnet("v1", "10.1.0.0/16", "s1=10.1.1.0/24@rt", "s2=10.1.2.0/24")
            .RouteTable("rt", false, "to-nva 0.0.0.0/0 VirtualAppliance 10.1.2.4").Compute();
        var t = cp.EffectiveRoutes("v1/s1");
        AssertTable(t,
            "Default Active 10.1.0.0/16 VnetLocal",
            "Default Invalid 0.0.0.0/0 Internet",
            "User Active 0.0.0.0/0 VirtualAppliance 10.1.2.4");
        Assert.Equal(4, t.Removed.Count(r => r.Reason.Rule == "A3"));
        // Other subnets keep them.
        AssertRoute(cp.EffectiveRoutes("v1/s2"), RouteSource.Default, RouteState.Active, "10.0.0.0/8", NextHopType.None);
    }

    [Fact]
    public void A3_default_user_route_to_the_vpn_gateway_also_removes_them_flagged_unverified()
    {
        var t = new Estate().Vnet("v1", "10.1.0.0/16", "GatewaySubnet=10.1.0.0/27", "s1=10.1.1.0/24@rt")
            .VpnGateway("vpn", "v1", false, 65515, "10.1.0.4/198.51.100.1")
            .RouteTable("rt", false, "to-gw 0.0.0.0/0 VirtualNetworkGateway").Compute().EffectiveRoutes("v1/s1");
        AssertNoRoute(t, "10.0.0.0/8");
        Assert.All(t.Removed.Where(r => r.Reason.Rule == "A3"), r => Assert.Contains("unverified", r.Reason.Text));
        AssertRoute(t, RouteSource.User, RouteState.Active, "0.0.0.0/0", NextHopType.VirtualNetworkGateway, "10.1.0.4");
    }

    [Fact]
    public void A3_a_bgp_default_route_keeps_the_reserved_none_routes()
    {
        var t = new Estate().Vnet("hub", "10.100.0.0/16", "GatewaySubnet=10.100.0.0/27", "s1=10.100.1.0/24")
            .ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit")
            .Circuit("circuit", 0, 65001, "Standard", "0.0.0.0/0").Compute().EffectiveRoutes("hub/s1");
        AssertRoute(t, RouteSource.Default, RouteState.Active, "10.0.0.0/8", NextHopType.None);
        AssertRoute(t, RouteSource.VirtualNetworkGateway, RouteState.Active, "0.0.0.0/0", NextHopType.VirtualNetworkGateway, "10.100.0.4");
    }

    [Fact]
    public void A4_peering_routes_same_region_and_global()
    {
        var cp = new Estate()
            .Vnet("v1", "10.1.0.0/16", "s1=10.1.1.0/24")
            .Vnet("v2", "10.2.0.0/16, 10.22.0.0/16", "s1=10.2.1.0/24")
            .VnetIn("v3", "northeurope", "10.3.0.0/16", "s1=10.3.1.0/24")
            .Peering("v1", "v2").Peering("v1", "v3").Compute();
        var t = cp.EffectiveRoutes("v1/s1");
        AssertRoute(t, RouteSource.Default, RouteState.Active, "10.2.0.0/16", NextHopType.VNetPeering);
        AssertRoute(t, RouteSource.Default, RouteState.Active, "10.22.0.0/16", NextHopType.VNetPeering);
        AssertRoute(t, RouteSource.Default, RouteState.Active, "10.3.0.0/16", NextHopType.VNetGlobalPeering);
        // C3: peering is not transitive.
        AssertNoRoute(cp.EffectiveRoutes("v2/s1"), "10.3.0.0/16");
    }

    [Fact]
    public void A4_peering_routes_need_both_directions_and_access()
    {
        var oneWay = new Estate().Vnet("v1", "10.1.0.0/16", "s1=10.1.1.0/24").Vnet("v2", "10.2.0.0/16", "s1=10.2.1.0/24")
            .Peering("v1", "v2", bothWays: false).Compute();
        AssertNoRoute(oneWay.EffectiveRoutes("v1/s1"), "10.2.0.0/16");
        var blocked = new Estate().Vnet("v1", "10.1.0.0/16", "s1=10.1.1.0/24").Vnet("v2", "10.2.0.0/16", "s1=10.2.1.0/24")
            .Peering("v1", "v2", access: false).Compute();
        AssertNoRoute(blocked.EffectiveRoutes("v1/s1"), "10.2.0.0/16");
        AssertRoute(blocked.EffectiveRoutes("v2/s1"), RouteSource.Default, RouteState.Active, "10.1.0.0/16", NextHopType.VNetPeering);
    }

    [Fact]
    public void A4_gateway_routes_reach_every_subnet_and_the_spokes_using_the_gateway()
    {
        var cp = new Estate()
            .Vnet("hub", "10.100.0.0/16", "GatewaySubnet=10.100.0.0/27", "s1=10.100.1.0/24", "s2=10.100.2.0/24")
            .Vnet("spoke", "10.110.0.0/16", "s1=10.110.1.0/24")
            .Vnet("other", "10.120.0.0/16", "s1=10.120.1.0/24")
            .Peering("spoke", "hub", spokeUsesHub: true).Peering("other", "hub")
            .VpnGateway("vpn", "hub", false, 65515, "10.100.0.4/198.51.100.1")
            .Site("site", "203.0.113.1", null, "192.0.2.0/24").IpsecConnection("c", "vpn", "site").Compute();
        foreach (var subnet in new[] { "hub/GatewaySubnet", "hub/s1", "hub/s2", "spoke/s1" })
        {
            var r = AssertRoute(cp.EffectiveRoutes(subnet), RouteSource.VirtualNetworkGateway, RouteState.Active, "192.0.2.0/24", NextHopType.VirtualNetworkGateway, "10.100.0.4");
            Assert.Equal("A4", r.Origin.Rule);
        }
        // C10: a peering without useRemoteGateways carries no gateway routes.
        AssertNoRoute(cp.EffectiveRoutes("other/s1"), "192.0.2.0/24");
    }

    [Fact]
    public void A5_user_route_next_hop_types()
    {
        var t = new Estate().Vnet("v1", "10.1.0.0/16", "s1=10.1.1.0/24@rt")
            .RouteTable("rt", false,
                "nva 10.50.0.0/16 VirtualAppliance 10.1.9.4",
                "local 10.1.9.0/24 VnetLocal",
                "web 203.0.113.0/24 Internet",
                "drop 10.60.0.0/16 None").Compute().EffectiveRoutes("v1/s1");
        AssertRoute(t, RouteSource.User, RouteState.Active, "10.50.0.0/16", NextHopType.VirtualAppliance, "10.1.9.4");
        AssertRoute(t, RouteSource.User, RouteState.Active, "10.1.9.0/24", NextHopType.VnetLocal);
        AssertRoute(t, RouteSource.User, RouteState.Active, "203.0.113.0/24", NextHopType.Internet);
        var drop = AssertRoute(t, RouteSource.User, RouteState.Active, "10.60.0.0/16", NextHopType.None);
        Assert.Equal(("drop", "rt"), (drop.Name, drop.RouteTable));
    }

    [Fact]
    public void A6_invalid_routes_stay_listed()
    {
        var t = new Estate().Vnet("v1", "10.1.0.0/16", "s1=10.1.1.0/24@rt")
            .RouteTable("rt", false, "override 10.1.0.0/16 VirtualAppliance 10.1.9.4").Compute().EffectiveRoutes("v1/s1");
        AssertRoute(t, RouteSource.Default, RouteState.Invalid, "10.1.0.0/16", NextHopType.VnetLocal);
        AssertRoute(t, RouteSource.User, RouteState.Active, "10.1.0.0/16", NextHopType.VirtualAppliance, "10.1.9.4");
    }

    [Fact]
    public void A7_gateway_routes_list_the_instance_ips_and_drop_failed_instances()
    {
        var estate = new Estate().Vnet("hub", "10.100.0.0/16", "GatewaySubnet=10.100.0.0/27", "s1=10.100.1.0/24")
            .VpnGateway("vpn", "hub", false, 65515, "10.100.0.4/198.51.100.1", "10.100.0.5/198.51.100.2")
            .Site("site", "203.0.113.1", null, "192.0.2.0/24").IpsecConnection("c", "vpn", "site");
        AssertRoute(estate.Compute().EffectiveRoutes("hub/s1"), RouteSource.VirtualNetworkGateway, RouteState.Active, "192.0.2.0/24",
            NextHopType.VirtualNetworkGateway, "10.100.0.4", "10.100.0.5");
        var one = estate.Compute(null, "changes:\n  - fail: virtualNetworkGateways/vpn/instances/0\n");
        AssertRoute(one.EffectiveRoutes("hub/s1"), RouteSource.VirtualNetworkGateway, RouteState.Active, "192.0.2.0/24",
            NextHopType.VirtualNetworkGateway, "10.100.0.5");
        var none = estate.Compute(null, "changes:\n  - fail: virtualNetworkGateways/vpn/instances/0\n  - fail: virtualNetworkGateways/vpn/instances/1\n");
        var r = AssertRoute(none.EffectiveRoutes("hub/s1"), RouteSource.VirtualNetworkGateway, RouteState.Active, "192.0.2.0/24", NextHopType.VirtualNetworkGateway);
        Assert.Contains(r.Notes, n => n.Contains("A7"));
    }

    [Fact]
    public void A8_user_route_to_a_gateway_needs_a_vpn_gateway_and_no_coexistence()
    {
        var erOnly = new Estate().Vnet("hub", "10.100.0.0/16", "GatewaySubnet=10.100.0.0/27", "s1=10.100.1.0/24@rt")
            .ErGateway("er", "hub", "10.100.0.4").RouteTable("rt", false, "gw 10.200.0.0/16 VirtualNetworkGateway").Compute();
        var r = Route(erOnly.EffectiveRoutes("hub/s1"), RouteSource.User, "10.200.0.0/16");
        Assert.Empty(r.NextHopIpAddress);
        Assert.Contains(r.Notes, n => n.Contains("A8") && n.Contains("no VPN gateway"));

        var both = new Estate().Vnet("hub", "10.100.0.0/16", "GatewaySubnet=10.100.0.0/27", "s1=10.100.1.0/24@rt")
            .ErGateway("er", "hub", "10.100.0.4").VpnGateway("vpn", "hub", false, 65515, "10.100.0.12/198.51.100.1")
            .RouteTable("rt", false, "gw 10.200.0.0/16 VirtualNetworkGateway").Compute();
        var c = Route(both.EffectiveRoutes("hub/s1"), RouteSource.User, "10.200.0.0/16");
        Assert.Contains(c.Notes, n => n.Contains("A8") && n.Contains("coexist"));
    }

    [Fact]
    public void A8_appliance_reachable_only_through_expressroute_is_flagged()
    {
        var t = new Estate().Vnet("hub", "10.100.0.0/16", "GatewaySubnet=10.100.0.0/27", "s1=10.100.1.0/24@rt")
            .ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit")
            .Circuit("circuit", 0, 65001, "Standard", "10.1.0.0/16")
            .RouteTable("rt", false, "onprem-nva 8.8.8.8/32 VirtualAppliance 10.1.0.10", "local-nva 9.9.9.9/32 VirtualAppliance 10.100.1.10")
            .Compute().EffectiveRoutes("hub/s1");
        Assert.Contains(Route(t, RouteSource.User, "8.8.8.8/32").Notes, n => n.Contains("A8") && n.Contains("ExpressRoute"));
        Assert.Empty(Route(t, RouteSource.User, "9.9.9.9/32").Notes);
    }
}
