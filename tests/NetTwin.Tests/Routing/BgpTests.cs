using System.Collections.Immutable;
using NetTwin.Model;
using NetTwin.Routing;
using static NetTwin.Tests.Routing.RoutingKit;

namespace NetTwin.Tests.Routing;

/// <summary>Spec sections C10 and D4-D8: BGP between gateways, circuits and on-premises devices.</summary>
public class BgpTests
{
    private static Estate Hub(params string[] subnets) => new Estate()
        .Vnet("hub", "10.100.0.0/16", ["GatewaySubnet=10.100.0.0/27", .. subnets]);

    /// <summary>Hub VPN gateway with BGP (10.100.0.30), two YAML BGP sites a (65001) and b (65002).</summary>
    private static Estate TwoSites(string[] aPrefixes, string[] bPrefixes, long bAsn = 65002) => Hub("s1=10.100.1.0/24")
        .VpnGateway("vpn", "hub", true, 65515, "10.100.0.4/198.51.100.1")
        .Device("a", 65001, ["wan 203.0.113.1/24", "bgp 192.0.2.1/32"], aPrefixes)
        .Device("b", bAsn, ["wan 203.0.113.2/24", "bgp 192.0.2.2/32"], bPrefixes)
        .Site("site-a", "203.0.113.1", "65001@192.0.2.1", "192.0.2.1/32").IpsecConnection("ca", "vpn", "site-a", bgp: true)
        .Site("site-b", "203.0.113.2", $"{bAsn}@192.0.2.2", "192.0.2.2/32").IpsecConnection("cb", "vpn", "site-b", bgp: true);

    [Fact]
    public void C10_the_hub_gateway_advertises_spokes_using_it_and_only_those()
    {
        var cp = TwoSites(["10.1.0.0/16"], ["10.2.0.0/16"])
            .Vnet("spoke", "10.110.0.0/16", "s1=10.110.1.0/24").Peering("spoke", "hub", spokeUsesHub: true)
            .Vnet("notransit", "10.120.0.0/16", "s1=10.120.1.0/24").Peering("notransit", "hub", spokeUsesHub: true, transit: false)
            .Compute();
        var advertised = cp.Bgp.AdvertisedRoutes("vpn", Ip("192.0.2.1")).Select(r => r.Network).ToList();
        Assert.Contains(P("10.110.0.0/16"), advertised);
        Assert.DoesNotContain(P("10.120.0.0/16"), advertised);
        AssertRoute(cp.EffectiveRoutes("spoke/s1"), RouteSource.VirtualNetworkGateway, RouteState.Active, "10.1.0.0/16", NextHopType.VirtualNetworkGateway, "10.100.0.4");
        AssertNoRoute(cp.EffectiveRoutes("notransit/s1"), "10.1.0.0/16");
        Assert.Contains(cp.Notes, n => n.Subject == "virtualNetworkPeerings/notransit-to-hub" && n.Message.Contains("gateway transit"));
        // The device on the other side sees the spoke behind AS 65515.
        Assert.Contains(cp.Bgp.DeviceTable("a"), r => r.Network == P("10.110.0.0/16") && r.Best && r.Path == "65515 i");
        var rib = cp.Bgp.DeviceRoutes("a")!;
        Assert.Equal((DeviceRouteProtocol.Bgp, Ip("10.100.0.30")), (rib.Lookup(Ip("10.110.1.1"))!.Protocol, rib.Lookup(Ip("10.110.1.1"))!.NextHop!.Value));
        Assert.Equal(DeviceRouteProtocol.Connected, rib.Lookup(Ip("203.0.113.9"))!.Protocol);
    }

    [Fact]
    public void D4_bgp_address_is_apipa_when_the_peer_uses_apipa_else_the_default_bgp_ip()
    {
        var cp = Hub("s1=10.100.1.0/24")
            .VpnGateway("vpn", "hub", true, 65515, "10.100.0.4/198.51.100.1/169.254.21.2", "10.100.0.5/198.51.100.2/169.254.22.2")
            .Device("apipa", 65001, ["wan 203.0.113.1/24", "tun 169.254.21.1/30"], "10.1.0.0/16")
            .Device("plain", 65002, ["wan 203.0.113.2/24", "lo 192.0.2.2/32"], "10.2.0.0/16")
            .Site("s-apipa", "203.0.113.1", "65001@169.254.21.1").IpsecConnection("c1", "vpn", "s-apipa", bgp: true)
            .Site("s-plain", "203.0.113.2", "65002@192.0.2.2", "192.0.2.2/32").IpsecConnection("c2", "vpn", "s-plain", bgp: true)
            .Compute();
        var peers = cp.Bgp.PeerStatus("vpn");
        Assert.Contains(peers, p => p.LocalAddress == Ip("169.254.21.2") && p.Neighbor == Ip("169.254.21.1") && p.State == BgpSessionState.Connected);
        Assert.Contains(peers, p => p.LocalAddress == Ip("169.254.22.2") && p.Neighbor == Ip("169.254.21.1") && p.State == BgpSessionState.Connected);
        // Default BGP IPs: the GatewaySubnet's last usable addresses (.30 for instance 0, .29 for instance 1).
        Assert.Contains(peers, p => p.LocalAddress == Ip("10.100.0.30") && p.Neighbor == Ip("192.0.2.2") && p.State == BgpSessionState.Connected);
        Assert.Contains(peers, p => p.LocalAddress == Ip("10.100.0.29") && p.Neighbor == Ip("192.0.2.2") && p.State == BgpSessionState.Connected);
        // Both instances learned both sites: the routes list both instance IPs (A7).
        AssertRoute(cp.EffectiveRoutes("hub/s1"), RouteSource.VirtualNetworkGateway, RouteState.Active, "10.1.0.0/16", NextHopType.VirtualNetworkGateway, "10.100.0.4", "10.100.0.5");
    }

    [Fact]
    public void D4_apipa_peer_without_custom_apipa_address_and_asn_mismatch_keep_the_session_down()
    {
        var cp = Hub("s1=10.100.1.0/24")
            .VpnGateway("vpn", "hub", true, 65515, "10.100.0.4/198.51.100.1")
            .Device("apipa", 65001, ["wan 203.0.113.1/24", "tun 169.254.21.1/30"], "10.1.0.0/16")
            .Device("wrong", 65009, ["wan 203.0.113.2/24", "lo 192.0.2.2/32"], "10.2.0.0/16")
            .Site("s-apipa", "203.0.113.1", "65001@169.254.21.1").IpsecConnection("c1", "vpn", "s-apipa", bgp: true)
            .Site("s-wrong", "203.0.113.2", "65002@192.0.2.2", "192.0.2.2/32").IpsecConnection("c2", "vpn", "s-wrong", bgp: true)
            .Compute();
        var peers = cp.Bgp.PeerStatus("vpn");
        var apipa = Assert.Single(peers, p => p.Neighbor == Ip("169.254.21.1"));
        Assert.Equal(BgpSessionState.Idle, apipa.State);
        Assert.Contains("APIPA", apipa.Reason);
        var wrong = Assert.Single(peers, p => p.Neighbor == Ip("192.0.2.2"));
        Assert.Equal(BgpSessionState.Connecting, wrong.State);
        Assert.Contains("ASN mismatch", wrong.Reason);
        Assert.Contains("65009", wrong.Reason);
        AssertNoRoute(cp.EffectiveRoutes("hub/s1"), "10.2.0.0/16");
    }

    [Fact]
    public void D4_the_bgp_peer_must_be_behind_the_sites_tunnel()
    {
        var cp = Hub("s1=10.100.1.0/24").VpnGateway("vpn", "hub", true, 65515, "10.100.0.4/198.51.100.1")
            .Device("x", 65001, ["wan 203.0.113.1/24"], "10.1.0.0/16")
            .Device("y", 65001, ["wan 203.0.113.9/24", "lo 192.0.2.9/32"], "10.9.0.0/16")
            .Site("site", "203.0.113.1", "65001@192.0.2.9", "192.0.2.9/32").IpsecConnection("c", "vpn", "site", bgp: true).Compute();
        var peer = Assert.Single(cp.Bgp.PeerStatus("vpn"));
        Assert.Equal(BgpSessionState.Connecting, peer.State);
        Assert.Contains("not reachable through it", peer.Reason);
    }

    [Fact]
    public void D4_more_than_4000_prefixes_drop_the_session()
    {
        var many = Enumerable.Range(0, 4001).Select(i => $"10.{64 + i / 256}.{i % 256}.0/24").ToArray();
        var cp = TwoSites(many, ["10.2.0.0/16"]).Compute();
        var a = Assert.Single(cp.Bgp.PeerStatus("vpn"), p => p.Neighbor == Ip("192.0.2.1"));
        Assert.Equal(BgpSessionState.Idle, a.State);
        Assert.Contains("4000", a.Reason);
        var t = cp.EffectiveRoutes("hub/s1");
        Assert.DoesNotContain(t.Routes, r => r.AddressPrefix == P("10.64.0.0/24"));
        AssertRoute(t, RouteSource.VirtualNetworkGateway, RouteState.Active, "10.2.0.0/16", NextHopType.VirtualNetworkGateway, "10.100.0.4");
    }

    [Fact]
    public void D5_what_a_vpn_gateway_advertises()
    {
        // a advertises a site prefix, a prefix inside the hub (filtered, B3), a covering supernet (accepted but
        // not re-advertised: it overlaps the VNet) and a default route (not re-advertised).
        var cp = TwoSites(["10.1.0.0/16", "10.100.5.0/24", "10.0.0.0/8", "0.0.0.0/0"], ["10.2.0.0/16"])
            .Site("static", "203.0.113.3", null, "172.20.0.0/16").IpsecConnection("cs", "vpn", "static").Compute();
        var toB = cp.Bgp.AdvertisedRoutes("vpn", Ip("192.0.2.2"));
        Assert.Equal(
            ["10.1.0.0/16 65515-65001", "10.100.0.0/16 65515", "172.20.0.0/16 65515", "192.0.2.1/32 65515", "192.0.2.2/32 65515"],
            toB.Select(r => $"{r.Network} {r.AsPath}").ToArray());
        Assert.Contains("D5", cp.Bgp.WhyNotAdvertised("vpn", Ip("192.0.2.2"), P("10.0.0.0/8")));
        Assert.Contains("B3", cp.Bgp.WhyRejected("vpn", Ip("192.0.2.1"), P("10.100.5.0/24")));
        // The supernet is still a route in the VNet, used outside the VNet's own range (B3 keeps the VnetLocal route).
        AssertRoute(cp.EffectiveRoutes("hub/s1"), RouteSource.VirtualNetworkGateway, RouteState.Active, "10.0.0.0/8", NextHopType.VirtualNetworkGateway, "10.100.0.4");
        Assert.Equal(NextHopType.VnetLocal, cp.Lookup("hub/s1", Ip("10.100.5.1"))!.NextHopType);
    }

    [Fact]
    public void D6_learned_routes_list_local_network_entries_and_ebgp_paths()
    {
        var cp = TwoSites(["10.1.0.0/16"], ["10.1.0.0/16", "10.2.0.0/16"]).Compute();
        var learned = cp.Bgp.LearnedRoutes("vpn");
        Assert.Contains(learned, r => r.Network == P("10.100.0.0/16") && r.Origin == "Network" && r.Weight == 32768 && r.AsPath == "");
        Assert.Contains(learned, r => r.Network == P("192.0.2.1/32") && r.Origin == "Network" && r.NextHop == null && r.SourcePeer == Ip("10.100.0.30"));
        // Both paths for 10.1.0.0/16 are listed, not only the best.
        var ten = learned.Where(r => r.Network == P("10.1.0.0/16")).ToList();
        Assert.Equal(2, ten.Count);
        Assert.All(ten, r => Assert.Equal(("EBgp", 32768, Ip("10.100.0.30")), (r.Origin, r.Weight, r.LocalAddress)));
        Assert.Equal([Ip("192.0.2.1"), Ip("192.0.2.2")], ten.Select(r => r.SourcePeer!.Value).ToArray());
        var entry = cp.Bgp.Speaker("vpn")!.Rib.Single(e => e.Prefix == P("10.1.0.0/16"));
        Assert.Equal(Ip("192.0.2.1"), entry.Best!.PeerAddress);
        Assert.Equal("Router ID", entry.Paths.Single(p => !p.Best).NotBestReason);
    }

    [Fact]
    public void D7_expressroute_paths_carry_microsoft_asn_both_ways()
    {
        var cp = Hub("s1=10.100.1.0/24").ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit")
            .Circuit("circuit", 0, 65001)
            .Device("ce", 65001, ["link 172.31.0.1/30", "lan 10.1.0.1/16"], "10.1.0.0/16")
            .Compute();
        Assert.Contains(cp.Bgp.LearnedRoutes("er"), r => r.Network == P("10.1.0.0/16") && r.AsPath == "12076-65001" && r.Origin == "EBgp");
        var row = Assert.Single(cp.Bgp.DeviceTable("ce"), r => r.Network == P("10.100.0.0/16"));
        Assert.Equal((Ip("172.31.0.2"), "12076 65515 i"), (row.NextHop, row.Path));
        // The secondary link has no router and no peerAdvertisedRoutes: its session does not come up.
        Assert.Contains(cp.Bgp.NeighborsOf("circuit (MSEE secondary)"), n => n.State != BgpSessionState.Connected && n.Reason!.Contains("172.31.0.5"));
    }

    [Fact]
    public void D7_standard_circuit_drops_the_session_over_4000_prefixes_premium_does_not()
    {
        var many = Enumerable.Range(0, 4001).Select(i => $"10.{64 + i / 256}.{i % 256}.0/24").ToArray();
        Estate Make(string tier) => Hub("s1=10.100.1.0/24").ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit")
            .Circuit("circuit", 0, 65001, tier, many);
        var standard = Make("Standard").Compute();
        Assert.All(standard.Bgp.NeighborsOf("circuit (MSEE primary)").Where(n => n.Neighbor == Ip("172.31.0.1")),
            n => Assert.Contains("4000", n.Reason));
        Assert.DoesNotContain(standard.EffectiveRoutes("hub/s1").Routes, r => r.AddressPrefix == P("10.64.0.0/24"));
        var premium = Make("Premium").Compute();
        Assert.Contains(premium.EffectiveRoutes("hub/s1").Routes, r => r.AddressPrefix == P("10.64.0.0/24"));
    }

    [Fact]
    public void D8_no_transit_between_expressroute_and_vpn()
    {
        var cp = TwoSites(["10.1.0.0/16"], ["10.2.0.0/16"])
            .ErGateway("er", "hub", "10.100.0.12").ErConnection("c", "er", "circuit").Circuit("circuit", 0, 65100, "Standard", "10.50.0.0/16")
            .Compute();
        Assert.DoesNotContain(cp.Bgp.AdvertisedRoutes("vpn", Ip("192.0.2.1")), r => r.Network == P("10.50.0.0/16"));
        var toMsee = cp.Bgp.AdvertisedRoutes("er", Ip("172.31.0.2")).Select(r => r.Network).ToArray();
        Assert.Equal([P("10.100.0.0/16")], toMsee);
        // The primary edge taught it (not sent back); towards the secondary edge rule D8 keeps it.
        Assert.Contains("D8", cp.Bgp.WhyNotAdvertised("er", Ip("172.31.0.6"), P("10.50.0.0/16")));
        // The hub's subnets still get both.
        var t = cp.EffectiveRoutes("hub/s1");
        Assert.Equal("er", Route(t, RouteSource.VirtualNetworkGateway, "10.50.0.0/16").Gateway);
        Assert.Equal("vpn", Route(t, RouteSource.VirtualNetworkGateway, "10.1.0.0/16").Gateway);
    }

    [Fact]
    public void Loop_prevention_rejects_paths_holding_the_receivers_asn()
    {
        var cp = TwoSites(["10.1.0.0/16"], ["10.2.0.0/16"], bAsn: 65001).Compute();
        Assert.Contains("loop prevention", cp.Bgp.WhyRejected("b", Ip("10.100.0.30"), P("10.1.0.0/16")));
        Assert.DoesNotContain(cp.Bgp.DeviceTable("b"), r => r.Network == P("10.1.0.0/16"));
    }

    [Fact]
    public void Vnet_to_vnet_with_bgp_and_without()
    {
        Estate Two(bool bgp, long asn2) => new Estate()
            .Vnet("v1", "10.1.0.0/16", "GatewaySubnet=10.1.0.0/27", "s1=10.1.1.0/24")
            .VnetIn("v2", "northeurope", "10.2.0.0/16", "GatewaySubnet=10.2.0.0/27", "s1=10.2.1.0/24")
            .VpnGateway("g1", "v1", bgp, 65010, "10.1.0.4/198.51.100.1").VpnGateway("g2", "v2", bgp, asn2, "10.2.0.4/198.51.100.2")
            .Vnet2VnetConnection("c12", "g1", "g2", bgp).Vnet2VnetConnection("c21", "g2", "g1", bgp);
        var stat = Two(false, 65020).Compute();
        var r = AssertRoute(stat.EffectiveRoutes("v1/s1"), RouteSource.VirtualNetworkGateway, RouteState.Active, "10.2.0.0/16", NextHopType.VirtualNetworkGateway, "10.1.0.4");
        Assert.Contains("VNet-to-VNet", r.Origin.Text);

        var bgp = Two(true, 65020).Compute();
        Assert.Equal(BgpSessionState.Connected, Assert.Single(bgp.Bgp.PeerStatus("g1")).State);
        Assert.Contains("BGP", AssertRoute(bgp.EffectiveRoutes("v1/s1"), RouteSource.VirtualNetworkGateway, RouteState.Active, "10.2.0.0/16",
            NextHopType.VirtualNetworkGateway, "10.1.0.4").Origin.Text);

        var sameAsn = Two(true, 65010).Compute();
        Assert.Contains("different ASN", Assert.Single(sameAsn.Bgp.PeerStatus("g1")).Reason);

        var oneWay = new Estate()
            .Vnet("v1", "10.1.0.0/16", "GatewaySubnet=10.1.0.0/27", "s1=10.1.1.0/24").Vnet("v2", "10.2.0.0/16", "GatewaySubnet=10.2.0.0/27")
            .VpnGateway("g1", "v1", false, 65010, "10.1.0.4/198.51.100.1").VpnGateway("g2", "v2", false, 65020, "10.2.0.4/198.51.100.2")
            .Vnet2VnetConnection("c12", "g1", "g2").Compute();
        AssertNoRoute(oneWay.EffectiveRoutes("v1/s1"), "10.2.0.0/16");
        Assert.Contains(oneWay.Notes, n => n.Rule == "D10");
    }

    [Fact]
    public void Failed_connection_peer_and_tunnel_take_the_session_down_with_the_reason()
    {
        var estate = TwoSites(["10.1.0.0/16"], ["10.2.0.0/16"]);
        var conn = estate.Compute(null, "changes:\n  - fail: connections/ca\n");
        var a = Assert.Single(conn.Bgp.PeerStatus("vpn"), p => p.Neighbor == Ip("192.0.2.1"));
        Assert.Equal(BgpSessionState.Idle, a.State);
        Assert.Contains("connection ca is failed", a.Reason);
        AssertNoRoute(conn.EffectiveRoutes("hub/s1"), "10.1.0.0/16");
        AssertNoRoute(conn.EffectiveRoutes("hub/s1"), "192.0.2.1/32"); // the site's static prefix goes with the connection

        var peer = estate.Compute(null, "changes:\n  - fail: virtualNetworkGateways/vpn/bgpPeers/192.0.2.2\n");
        var b = Assert.Single(peer.Bgp.PeerStatus("vpn"), p => p.Neighbor == Ip("192.0.2.2"));
        Assert.Equal(BgpSessionState.Idle, b.State);
        Assert.Contains("failed", b.Reason);

        var tunnel = estate.Compute(new RoutingOptions { TunnelDown = (c, _) => c.Name == "cb" ? "no matching proposal" : null });
        Assert.Contains("no matching proposal", Assert.Single(tunnel.Bgp.PeerStatus("vpn"), p => p.Neighbor == Ip("192.0.2.2")).Reason);
        Assert.Equal(BgpSessionState.Connected, Assert.Single(tunnel.Bgp.PeerStatus("vpn"), p => p.Neighbor == Ip("192.0.2.1")).State);
    }
}

/// <summary>The BGP decision process, step by step (FRR's bestpath reasons).</summary>
public class BestPathTests
{
    private static BgpPath Path(string peer = "10.0.0.1", int weight = 0, long lp = 100, string asPath = "65001", BgpOrigin origin = BgpOrigin.Igp,
        long med = 0, BgpPathSource source = BgpPathSource.Ebgp, string? routerId = null) =>
        new(P("10.1.0.0/16"), Ip(peer), [.. asPath.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse)], origin, med, lp, weight, source,
            Ip(peer), Ip(routerId ?? peer), "test");

    private static string Winner(BgpPath a, BgpPath b, out string reason)
    {
        var (w, r) = NetTwin.Routing.Bgp.BestPath.Compare(a, b);
        var (w2, r2) = NetTwin.Routing.Bgp.BestPath.Compare(b, a);
        Assert.Same(w, w2);
        Assert.Equal(r, r2);
        reason = r;
        return ReferenceEquals(w, a) ? "a" : "b";
    }

    [Theory]
    [InlineData("Weight")]
    [InlineData("Local Pref")]
    [InlineData("Local Route")]
    [InlineData("AS Path")]
    [InlineData("ORIGIN")]
    [InlineData("MED")]
    [InlineData("Peer Type")]
    [InlineData("Router ID")]
    [InlineData("Neighbor IP")]
    public void Each_step_decides_when_the_earlier_ones_tie(string step)
    {
        var (better, worse) = step switch
        {
            "Weight" => (Path(weight: 100, asPath: "1 2 3"), Path(peer: "10.0.0.0")),
            "Local Pref" => (Path(lp: 200, asPath: "1 2 3"), Path(peer: "10.0.0.0")),
            "Local Route" => (Path(source: BgpPathSource.Local, asPath: "1 2"), Path(peer: "10.0.0.0")),
            "AS Path" => (Path(asPath: "65001", origin: BgpOrigin.Incomplete), Path(peer: "10.0.0.0", asPath: "65001 65001")),
            "ORIGIN" => (Path(origin: BgpOrigin.Igp, med: 50), Path(peer: "10.0.0.0", origin: BgpOrigin.Egp)),
            "MED" => (Path(med: 10, source: BgpPathSource.Ibgp), Path(peer: "10.0.0.0", med: 20)),
            "Peer Type" => (Path(source: BgpPathSource.Ebgp, routerId: "10.9.9.9"), Path(peer: "10.0.0.0", source: BgpPathSource.Ibgp)),
            "Router ID" => (Path(peer: "10.0.0.9", routerId: "1.1.1.1"), Path(peer: "10.0.0.0", routerId: "2.2.2.2")),
            _ => (Path(peer: "10.0.0.1", routerId: "1.1.1.1"), Path(peer: "10.0.0.2", routerId: "1.1.1.1")),
        };
        Assert.Equal("a", Winner(better, worse, out var reason));
        Assert.Equal(step, reason);
    }

    [Fact]
    public void Med_is_compared_only_between_paths_from_the_same_neighbor_as()
    {
        Assert.Equal("b", Winner(Path(asPath: "65001", med: 50, routerId: "9.9.9.9"), Path(asPath: "65002", med: 90, routerId: "1.1.1.1"), out var reason));
        Assert.Equal("Router ID", reason);
    }

    [Fact]
    public void Rank_lists_the_best_first_and_why_each_other_lost()
    {
        var ranked = NetTwin.Routing.Bgp.BestPath.Rank([Path(peer: "10.0.0.3", asPath: "1 2 3"), Path(peer: "10.0.0.2", lp: 50), Path(peer: "10.0.0.1", weight: 10)]).ToList();
        Assert.True(ranked[0].Best);
        Assert.Equal(Ip("10.0.0.1"), ranked[0].Path.PeerAddress);
        Assert.Equal(["Weight", "Weight"], ranked.Skip(1).Select(c => c.NotBestReason ?? "").ToArray());
    }
}
