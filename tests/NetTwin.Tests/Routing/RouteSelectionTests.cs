using NetTwin.Model;
using NetTwin.Routing;
using static NetTwin.Tests.Routing.RoutingKit;

namespace NetTwin.Tests.Routing;

/// <summary>Spec section B: route selection.</summary>
public class RouteSelectionTests
{
    private static Estate Hub(params string[] subnets) => new Estate()
        .Vnet("hub", "10.100.0.0/16", ["GatewaySubnet=10.100.0.0/27", .. subnets]);

    [Fact]
    public void B1_longest_prefix_match_over_active_routes_none_drops()
    {
        var cp = Hub("s1=10.100.1.0/24@rt")
            .RouteTable("rt", false, "wide 10.50.0.0/16 VirtualAppliance 10.100.1.4", "narrow 10.50.1.0/24 None", "host 10.50.1.7/32 Internet")
            .Compute();
        Assert.Equal(P("10.50.0.0/16"), cp.Lookup("hub/s1", Ip("10.50.2.1"))!.AddressPrefix);
        Assert.Equal(NextHopType.None, cp.Lookup("hub/s1", Ip("10.50.1.1"))!.NextHopType);
        Assert.Equal(NextHopType.Internet, cp.Lookup("hub/s1", Ip("10.50.1.7"))!.NextHopType);
        Assert.Equal(P("0.0.0.0/0"), cp.Lookup("hub/s1", Ip("8.8.8.8"))!.AddressPrefix);
    }

    [Fact]
    public void B1_no_active_route_means_no_route()
    {
        var cp = Hub("s1=10.100.1.0/24@rt").RouteTable("rt", false, "v 10.100.0.0/16 None").Compute();
        var t = cp.EffectiveRoutes("hub/s1");
        // Internet is still there; only a lookup that finds nothing returns null. Build one with 0/0 user None
        // removed is impossible, so check the drop by None instead.
        Assert.Equal(NextHopType.None, cp.Lookup("hub/s1", Ip("10.100.1.5"))!.NextHopType);
        Assert.Equal(RouteState.Invalid, Route(t, RouteSource.Default, "10.100.0.0/16").State);
    }

    [Fact]
    public void B2_same_prefix_user_beats_gateway_beats_default()
    {
        var estate = Hub("s1=10.100.1.0/24", "s2=10.100.2.0/24@rt")
            .VpnGateway("vpn", "hub", false, 65515, "10.100.0.4/198.51.100.1")
            .Site("site", "203.0.113.1", null, "192.168.0.0/16").IpsecConnection("c", "vpn", "site")
            .RouteTable("rt", false, "mine 192.168.0.0/16 VirtualAppliance 10.100.1.4");
        var cp = estate.Compute();
        var s1 = cp.EffectiveRoutes("hub/s1");
        var none = AssertRoute(s1, RouteSource.Default, RouteState.Invalid, "192.168.0.0/16", NextHopType.None);
        Assert.Equal("B2", none.InvalidBecause!.Rule);
        Assert.Contains("gateway route via vpn", none.InvalidBecause.Text);
        AssertRoute(s1, RouteSource.VirtualNetworkGateway, RouteState.Active, "192.168.0.0/16", NextHopType.VirtualNetworkGateway, "10.100.0.4");

        var s2 = cp.EffectiveRoutes("hub/s2");
        AssertRoute(s2, RouteSource.Default, RouteState.Invalid, "192.168.0.0/16", NextHopType.None);
        var gw = AssertRoute(s2, RouteSource.VirtualNetworkGateway, RouteState.Invalid, "192.168.0.0/16", NextHopType.VirtualNetworkGateway, "10.100.0.4");
        Assert.Contains("User route mine", gw.InvalidBecause!.Text);
        AssertRoute(s2, RouteSource.User, RouteState.Active, "192.168.0.0/16", NextHopType.VirtualAppliance, "10.100.1.4");
        Assert.Equal(NextHopType.VirtualAppliance, cp.Lookup("hub/s2", Ip("192.168.5.5"))!.NextHopType);
    }

    [Fact]
    public void B3_gateway_routes_inside_vnet_or_peering_prefixes_are_dropped()
    {
        // The hub learns 10.50.1.0/24 (inside the spoke's peer "side", not a spoke of the hub) and 10.0.0.0/8 (a supernet).
        var cp = Hub("s1=10.100.1.0/24")
            .Vnet("spoke", "10.110.0.0/16", "s1=10.110.1.0/24").Vnet("side", "10.50.0.0/16", "s1=10.50.9.0/24")
            .Peering("spoke", "hub", spokeUsesHub: true).Peering("spoke", "side")
            .ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit")
            .Circuit("circuit", 0, 65001, "Standard", "10.50.1.0/24", "10.0.0.0/8", "10.110.1.0/24", "10.100.5.0/24")
            .Compute();
        var t = cp.EffectiveRoutes("spoke/s1");
        AssertNoRoute(t, "10.50.1.0/24");
        var removed = Assert.Single(t.Removed, r => r.AddressPrefix == P("10.50.1.0/24"));
        Assert.Equal("B3", removed.Reason.Rule);
        Assert.Equal(NextHopType.VNetPeering, cp.Lookup("spoke/s1", Ip("10.50.1.5"))!.NextHopType);
        // A covering supernet is accepted and used outside the VNet and peering ranges.
        AssertRoute(t, RouteSource.VirtualNetworkGateway, RouteState.Active, "10.0.0.0/8", NextHopType.VirtualNetworkGateway, "10.100.0.4");
        Assert.Equal(NextHopType.VirtualNetworkGateway, cp.Lookup("spoke/s1", Ip("10.60.0.1"))!.NextHopType);
        // The gateway itself filters prefixes equal to or inside its VNet and its spokes (B3, VPN FAQ).
        Assert.Contains("B3", cp.Bgp.WhyRejected("er", Ip("172.31.0.2"), P("10.110.1.0/24")));
        Assert.Contains("B3", cp.Bgp.WhyRejected("er", Ip("172.31.0.2"), P("10.100.5.0/24")));
        Assert.DoesNotContain(cp.Bgp.LearnedRoutes("er"), r => r.Network == P("10.110.1.0/24"));
    }

    [Fact]
    public void B4_user_routes_override_vnetlocal_and_peering_with_equal_prefixes()
    {
        var t = new Estate().Vnet("v1", "10.0.0.0/16", "s1=10.0.0.0/24@rt").Vnet("v2", "10.1.0.0/16", "s1=10.1.0.0/24")
            .Peering("v1", "v2")
            .RouteTable("rt", false, "Within-VNet1 10.0.0.0/16 VirtualAppliance 10.0.100.4", "Within-Subnet1 10.0.0.0/24 VnetLocal", "ToVNet2 10.1.0.0/16 None")
            .Compute().EffectiveRoutes("v1/s1");
        AssertRoute(t, RouteSource.Default, RouteState.Invalid, "10.0.0.0/16", NextHopType.VnetLocal);
        AssertRoute(t, RouteSource.Default, RouteState.Invalid, "10.1.0.0/16", NextHopType.VNetPeering);
        AssertRoute(t, RouteSource.User, RouteState.Active, "10.0.0.0/16", NextHopType.VirtualAppliance, "10.0.100.4");
        AssertRoute(t, RouteSource.User, RouteState.Active, "10.1.0.0/16", NextHopType.None);
        AssertRoute(t, RouteSource.User, RouteState.Active, "10.0.0.0/24", NextHopType.VnetLocal);
        Assert.Equal(NextHopType.VnetLocal, t.Lookup(Ip("10.0.0.9"))!.NextHopType);
        Assert.Equal(NextHopType.VirtualAppliance, t.Lookup(Ip("10.0.5.9"))!.NextHopType);
    }

    [Fact]
    public void B5_expressroute_preferred_over_vpn_for_the_same_prefix()
    {
        var cp = Hub("s1=10.100.1.0/24")
            .ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit").Circuit("circuit", 0, 65001, "Standard", "10.1.0.0/16")
            .VpnGateway("vpn", "hub", false, 65515, "10.100.0.12/198.51.100.1")
            .Site("site", "203.0.113.1", null, "10.1.0.0/16", "10.2.0.0/16").IpsecConnection("s", "vpn", "site").Compute();
        var t = cp.EffectiveRoutes("hub/s1");
        var r = AssertRoute(t, RouteSource.VirtualNetworkGateway, RouteState.Active, "10.1.0.0/16", NextHopType.VirtualNetworkGateway, "10.100.0.4");
        Assert.Contains("B5", r.Origin.Text);
        Assert.Equal("er", r.Gateway);
        AssertRoute(t, RouteSource.VirtualNetworkGateway, RouteState.Active, "10.2.0.0/16", NextHopType.VirtualNetworkGateway, "10.100.0.12");
    }

    [Fact]
    public void B5_between_expressroute_connections_weight_comes_before_as_path_length()
    {
        var estate = Hub("s1=10.100.1.0/24")
            .ErGateway("er", "hub", "10.100.0.4")
            .Circuit("long", 0, 65001, "Standard", "10.1.0.0/16:65001 65001 65001")
            .Circuit("short", 1, 65002, "Standard", "10.1.0.0/16:65002");
        var byPath = estate.ErConnection("c-long", "er", "long").ErConnection("c-short", "er", "short").Compute();
        Assert.Equal("12076-65002", BestAt(byPath, "er", "10.1.0.0/16").AsPathText);

        var weighted = Hub("s1=10.100.1.0/24").ErGateway("er", "hub", "10.100.0.4")
            .Circuit("long", 0, 65001, "Standard", "10.1.0.0/16:65001 65001 65001")
            .Circuit("short", 1, 65002, "Standard", "10.1.0.0/16:65002")
            .ErConnection("c-long", "er", "long", weight: 100).ErConnection("c-short", "er", "short").Compute();
        var entry = weighted.Bgp.Speaker("er")!.Rib.Single(e => e.Prefix == P("10.1.0.0/16"));
        Assert.Equal("12076-65001-65001-65001", entry.Best!.AsPathText);
        Assert.All(entry.Paths.Where(p => !p.Best && p.Path.AsPath.Contains(65002)), p => Assert.Equal("Weight", p.NotBestReason));
    }

    private static BgpPath BestAt(ControlPlane cp, string speaker, string prefix) =>
        cp.Bgp.Speaker(speaker)!.Rib.Single(e => e.Prefix == P(prefix)).Best!;

    [Fact]
    public void B6_forced_tunnelling_a_bgp_default_invalidates_the_internet_route()
    {
        var cp = Hub("s1=10.100.1.0/24")
            .ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit").Circuit("circuit", 0, 65001, "Standard", "0.0.0.0/0")
            .Compute();
        var t = cp.EffectiveRoutes("hub/s1");
        var internet = AssertRoute(t, RouteSource.Default, RouteState.Invalid, "0.0.0.0/0", NextHopType.Internet);
        Assert.Equal("B2", internet.InvalidBecause!.Rule);
        AssertRoute(t, RouteSource.VirtualNetworkGateway, RouteState.Active, "0.0.0.0/0", NextHopType.VirtualNetworkGateway, "10.100.0.4");
        Assert.Equal(NextHopType.VirtualNetworkGateway, cp.Lookup("hub/s1", Ip("8.8.8.8"))!.NextHopType);
    }

    [Fact]
    public void B6_a_vpn_gateway_never_readvertises_a_default_route()
    {
        var cp = Hub("s1=10.100.1.0/24")
            .VpnGateway("vpn", "hub", true, 65515, "10.100.0.4/198.51.100.1")
            .Device("a", 65001, ["wan 203.0.113.1/24", "bgp 192.0.2.1/32"], "0.0.0.0/0", "10.1.0.0/16")
            .Device("b", 65002, ["wan 203.0.113.2/24", "bgp 192.0.2.2/32"], "10.2.0.0/16")
            .Site("site-a", "203.0.113.1", "65001@192.0.2.1", "192.0.2.1/32").IpsecConnection("ca", "vpn", "site-a", bgp: true)
            .Site("site-b", "203.0.113.2", "65002@192.0.2.2", "192.0.2.2/32").IpsecConnection("cb", "vpn", "site-b", bgp: true)
            .Compute();
        var toB = cp.Bgp.AdvertisedRoutes("vpn", Ip("192.0.2.2")).Select(r => r.Network).ToList();
        Assert.Contains(P("10.1.0.0/16"), toB);   // transit between BGP sites works (D5)
        Assert.DoesNotContain(P("0.0.0.0/0"), toB);
        Assert.Contains("D5", cp.Bgp.WhyNotAdvertised("vpn", Ip("192.0.2.2"), P("0.0.0.0/0")));
        // The hub itself is forced-tunnelled to site a.
        Assert.Equal("vpn", cp.Lookup("hub/s1", Ip("8.8.8.8"))!.Gateway);
    }

    [Fact]
    public void B7_propagation_off_removes_every_gateway_route_static_and_bgp()
    {
        var cp = Hub("s1=10.100.1.0/24@rt", "s2=10.100.2.0/24")
            .Vnet("peer", "10.120.0.0/16", "s1=10.120.1.0/24").Peering("hub", "peer")
            .ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit").Circuit("circuit", 0, 65001, "Standard", "10.1.0.0/16")
            .VpnGateway("vpn", "hub", false, 65515, "10.100.0.12/198.51.100.1")
            .Site("site", "203.0.113.1", null, "10.2.0.0/16").IpsecConnection("s", "vpn", "site")
            .RouteTable("rt", true).Compute();
        var off = cp.EffectiveRoutes("hub/s1");
        Assert.DoesNotContain(off.Routes, r => r.Source == RouteSource.VirtualNetworkGateway);
        Assert.Contains(off.Removed, r => r.Reason.Rule == "B7");
        AssertRoute(off, RouteSource.Default, RouteState.Active, "10.120.0.0/16", NextHopType.VNetPeering);
        var on = cp.EffectiveRoutes("hub/s2");
        Assert.Equal(2, on.Routes.Count(r => r.Source == RouteSource.VirtualNetworkGateway));
    }

    [Fact]
    public void B9_an_active_route_covered_by_longer_routes_is_shadowed_not_invalid()
    {
        var cp = Hub("s1=10.100.1.0/24@rt", "s2=10.100.2.0/24")
            .VpnGateway("vpn", "hub", false, 65515, "10.100.0.12/198.51.100.1")
            .Site("site", "203.0.113.1", null, "0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/9", "10.128.0.0/9")
            .IpsecConnection("s", "vpn", "site")
            .RouteTable("rt", false, "ten 10.0.0.0/8 VirtualAppliance 10.100.2.4", "half 0.0.0.0/1 Internet").Compute();
        var s2 = cp.EffectiveRoutes("hub/s2");
        var internet = AssertRoute(s2, RouteSource.Default, RouteState.Active, "0.0.0.0/0", NextHopType.Internet);
        Assert.True(internet.IsShadowed);
        // 10.0.0.0/8 None is covered by the two /9 gateway routes.
        Assert.True(Route(s2, RouteSource.Default, "10.0.0.0/8").IsShadowed);
        Assert.Equal([P("10.0.0.0/9"), P("10.128.0.0/9")], Route(s2, RouteSource.Default, "10.0.0.0/8").ShadowedBy!.By.ToArray());
        Assert.False(Route(s2, RouteSource.Default, "172.16.0.0/12").IsShadowed);

        var s1 = cp.EffectiveRoutes("hub/s1");
        // The user /8 is shadowed by the gateway /9s; the user /1 replaces the gateway /1 (Invalid) and still
        // covers its half, so 0/0 stays shadowed.
        Assert.True(Route(s1, RouteSource.User, "10.0.0.0/8").IsShadowed);
        Assert.Equal(RouteState.Invalid, Route(s1, RouteSource.VirtualNetworkGateway, "0.0.0.0/1").State);
        Assert.False(Route(s1, RouteSource.VirtualNetworkGateway, "0.0.0.0/1").IsShadowed);
        Assert.True(Route(s1, RouteSource.Default, "0.0.0.0/0").IsShadowed);
        Assert.Equal([P("0.0.0.0/1"), P("128.0.0.0/1")], Route(s1, RouteSource.Default, "0.0.0.0/0").ShadowedBy!.By.ToArray());
    }

    [Fact]
    public void B9_only_half_covered_is_not_shadowed()
    {
        var t = Hub("s1=10.100.1.0/24")
            .VpnGateway("vpn", "hub", false, 65515, "10.100.0.12/198.51.100.1")
            .Site("site", "203.0.113.1", null, "0.0.0.0/1").IpsecConnection("s", "vpn", "site").Compute().EffectiveRoutes("hub/s1");
        Assert.False(Route(t, RouteSource.Default, "0.0.0.0/0").IsShadowed);
        Assert.Equal(NextHopType.Internet, t.Lookup(Ip("200.1.1.1"))!.NextHopType);
    }

    [Fact]
    public void B9_is_recomputed_per_table_where_the_tables_own_routes_cover_a_shared_gateway_route()
    {
        // The gateway learns 10.60.0.0/15 and 10.61.0.0/16: not shadowed in the hub. A spoke also peered with
        // "side" (10.60.0.0/16) holds a peering route for the other half: there the /15 is shadowed.
        var cp = Hub("s1=10.100.1.0/24")
            .Vnet("spoke", "10.110.0.0/16", "s1=10.110.1.0/24").Vnet("side", "10.60.0.0/16", "s1=10.60.9.0/24")
            .Peering("spoke", "hub", spokeUsesHub: true).Peering("spoke", "side")
            .ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit")
            .Circuit("circuit", 0, 65001, "Standard", "10.60.0.0/15", "10.61.0.0/16", "10.60.5.0/24").Compute();
        var hub = cp.EffectiveRoutes("hub/s1");
        Assert.False(Route(hub, RouteSource.VirtualNetworkGateway, "10.60.0.0/15").IsShadowed);
        AssertRoute(hub, RouteSource.VirtualNetworkGateway, RouteState.Active, "10.60.5.0/24", NextHopType.VirtualNetworkGateway, "10.100.0.4");
        var spoke = cp.EffectiveRoutes("spoke/s1");
        var wide = Route(spoke, RouteSource.VirtualNetworkGateway, "10.60.0.0/15");
        Assert.True(wide.IsShadowed);
        Assert.Equal([P("10.60.0.0/16"), P("10.61.0.0/16")], wide.ShadowedBy!.By.ToArray());
        AssertNoRoute(spoke, "10.60.5.0/24"); // inside the peering prefix: dropped (B3)
        Assert.Equal(NextHopType.VNetPeering, spoke.Lookup(Ip("10.60.5.1"))!.NextHopType);
    }

    [Fact]
    public void B11_the_whole_algorithm_on_one_subnet()
    {
        var cp = Hub("s1=10.100.1.0/24@rt")
            .Vnet("spoke", "10.110.0.0/16", "s1=10.110.1.0/24").Peering("spoke", "hub", spokeUsesHub: true)
            .ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit")
            .Circuit("circuit", 0, 65001, "Standard", "10.1.0.0/16", "10.100.7.0/24", "192.168.0.0/16")
            .RouteTable("rt", false, "to-nva 10.1.5.0/24 VirtualAppliance 10.100.1.4", "block 192.168.0.0/16 None").Compute();
        AssertTable(cp.EffectiveRoutes("hub/s1"),
            "Default Active 10.100.0.0/16 VnetLocal",
            "Default Active 10.110.0.0/16 VNetPeering",
            "Default Active 0.0.0.0/0 Internet",
            "Default Active 10.0.0.0/8 None",
            "Default Active 172.16.0.0/12 None",
            "Default Invalid 192.168.0.0/16 None",
            "Default Active 100.64.0.0/10 None",
            "VirtualNetworkGateway Active 10.1.0.0/16 VirtualNetworkGateway 10.100.0.4",
            "VirtualNetworkGateway Invalid 192.168.0.0/16 VirtualNetworkGateway 10.100.0.4",
            "User Active 10.1.5.0/24 VirtualAppliance 10.100.1.4",
            "User Active 192.168.0.0/16 None");
    }
}

/// <summary>Rule B8: what a GatewaySubnet's route table must not do, seen from routing.</summary>
public class GatewaySubnetTests
{
    [Fact]
    public void B8_propagation_off_or_a_default_route_on_the_gateway_subnet_is_flagged()
    {
        var cp = new Estate().Vnet("hub", "10.100.0.0/16", "GatewaySubnet=10.100.0.0/27@gw-rt", "s1=10.100.1.0/24")
            .VpnGateway("vpn", "hub", false, 65515, "10.100.0.4/198.51.100.1")
            .Site("site", "203.0.113.1", null, "192.0.2.0/24").IpsecConnection("c", "vpn", "site")
            .RouteTable("gw-rt", true, "fw 0.0.0.0/0 VirtualAppliance 10.100.1.4").Compute();
        var b8 = cp.Notes.Where(n => n.Rule == "B8").Select(n => n.Message).ToList();
        Assert.Equal(2, b8.Count);
        Assert.Contains(b8, m => m.Contains("will not function"));
        Assert.Contains(b8, m => m.Contains("0.0.0.0/0"));
        // The GatewaySubnet's table is computed as Azure would hold it: no gateway routes.
        Assert.DoesNotContain(cp.EffectiveRoutes("hub/GatewaySubnet").Routes, r => r.Source == RouteSource.VirtualNetworkGateway);
        Assert.Empty(new Estate().Vnet("v", "10.1.0.0/16", "GatewaySubnet=10.1.0.0/27").Compute().Notes.Where(n => n.Rule == "B8"));
    }
}
