using NetTwin.Model;
using NetTwin.Routing;
using static NetTwin.Tests.Routing.RoutingKit;

namespace NetTwin.Tests.Routing;

/// <summary>Scenario S2 (seed 002): IPsec backup for a primary path, manual fail-over, step by step.</summary>
public class ScenarioS2Tests
{
    private const string Ex = "s2-ipsec-backup";
    private static readonly string[] Step2 = ["step2-primary-fails.yaml"];
    private static readonly string[] Step3 = [.. Step2, "step3-unpeer-vnet2.yaml"];
    private static readonly string[] Step4 = [.. Step3, "step4-peer-vnet3.yaml"];

    private static HashSet<Prefix> Table(ControlPlane cp, string gateway) =>
        [.. cp.Bgp.LearnedRoutes(gateway).Select(r => r.Network)];

    [Fact]
    public void Step1_primary_gateway_table_holds_every_vnet_and_vm1_reaches_vnet5_through_it()
    {
        var cp = ComputeExample(Ex, null);
        var vng1 = Table(cp, "vng1");
        foreach (var p in new[] { "10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16", "10.5.0.0/16" })
            Assert.Contains(P(p), vng1);
        var peer = Assert.Single(cp.Bgp.PeerStatus("vng1"));
        Assert.Equal((Ip("10.4.0.254"), BgpSessionState.Connected, 65020L), (peer.Neighbor, peer.State, peer.Asn!.Value));
        // 10.5.0.0/16 (vnet5, a spoke of vng3) learned over BGP with AS path 65020.
        var learned = cp.Bgp.LearnedRoutes("vng1").Single(r => r.Network == P("10.5.0.0/16"));
        Assert.Equal(("EBgp", "65020", Ip("10.4.0.254")), (learned.Origin, learned.AsPath, learned.SourcePeer!.Value));

        var hop = cp.Lookup("vnet1/vnet1-sub1", Ip("10.5.0.4"))!;
        Assert.Equal((RouteSource.VirtualNetworkGateway, "vng1"), (hop.Source, hop.Gateway));
        Assert.Equal([Ip("10.2.0.4")], hop.NextHopIpAddress.ToArray());
        var nat = cp.Lookup("vnet1/vnet1-sub1", Ip("8.8.4.4"))!;
        Assert.Equal((RouteSource.User, NextHopType.VirtualAppliance, Ip("10.2.2.4")), (nat.Source, nat.NextHopType, nat.NextHopIpAddress[0]));
    }

    [Fact]
    public void Next_hop_from_vm1_like_show_next_hop()
    {
        var cp = ComputeExample(Ex, null);
        var nat = cp.NextHop(Ip("10.1.0.4"), Ip("8.8.4.4"));
        Assert.Equal(("vnet1/vnet1-sub1", NextHopType.VirtualAppliance, Ip("10.2.2.4"), "vnet1-rt"), (nat.SubnetId!, nat.NextHopType, nat.NextHopIpAddress!.Value, nat.RouteTableId));
        var vm2 = cp.NextHop(Ip("10.1.0.4"), Ip("10.5.0.4"));
        Assert.Equal((NextHopType.VirtualNetworkGateway, Ip("10.2.0.4"), "System Route"), (vm2.NextHopType, vm2.NextHopIpAddress!.Value, vm2.RouteTableId));
        Assert.Null(cp.NextHop(Ip("192.0.2.1"), Ip("10.5.0.4")).SubnetId);
    }

    [Fact]
    public void Step2_the_session_to_the_unused_address_is_down_and_vnet5_is_unreachable()
    {
        var cp = ComputeExample(Ex, null, Step2);
        var peer = Assert.Single(cp.Bgp.PeerStatus("vng1"));
        Assert.Equal(Ip("10.4.0.253"), peer.Neighbor);
        Assert.NotEqual(BgpSessionState.Connected, peer.State);
        Assert.Contains("10.4.0.253", peer.Reason);
        // vng3's side of the primary is down too: vng1 does not peer with 10.4.0.254 any more.
        var vng3 = cp.Bgp.PeerStatus("vng3").Single(p => p.Neighbor == Ip("10.2.0.254"));
        Assert.NotEqual(BgpSessionState.Connected, vng3.State);
        Assert.Contains("no BGP neighbor 10.4.0.254", vng3.Reason);

        Assert.DoesNotContain(P("10.5.0.0/16"), Table(cp, "vng1"));
        var hop = cp.Lookup("vnet1/vnet1-sub1", Ip("10.5.0.4"))!;
        Assert.Equal((RouteSource.Default, NextHopType.None), (hop.Source, hop.NextHopType));
        // The site's static prefix stays: the tunnel is still up (rule A4, static local network gateway prefix).
        AssertRoute(cp.EffectiveRoutes("vnet1/vnet1-sub1"), RouteSource.VirtualNetworkGateway, RouteState.Active, "10.4.0.0/16", NextHopType.VirtualNetworkGateway, "10.2.0.4");
        Assert.Equal(NextHopType.VirtualAppliance, cp.Lookup("vnet1/vnet1-sub1", Ip("8.8.4.4"))!.NextHopType);
    }

    [Fact]
    public void Step3_vnet1_keeps_the_peering_but_no_gateway_routes()
    {
        var cp = ComputeExample(Ex, null, Step3);
        var t = cp.EffectiveRoutes("vnet1/vnet1-sub1");
        Assert.DoesNotContain(t.Routes, r => r.Source == RouteSource.VirtualNetworkGateway);
        Assert.Null(t.GatewayRoutesVia);
        Assert.Equal(NextHopType.None, cp.Lookup("vnet1/vnet1-sub1", Ip("10.5.0.4"))!.NextHopType);
        Assert.Equal(NextHopType.VirtualAppliance, cp.Lookup("vnet1/vnet1-sub1", Ip("8.8.4.4"))!.NextHopType);
        // The appliance route still resolves over the peering.
        Assert.Equal(NextHopType.VNetPeering, cp.Lookup("vnet1/vnet1-sub1", Ip("10.2.2.4"))!.NextHopType);
        // vng1 no longer advertises vnet1.
        Assert.DoesNotContain(P("10.1.0.0/16"), Table(cp, "vng1"));
    }

    [Fact]
    public void Step4_the_backup_path_carries_vnet1_and_vm1_reaches_vnet5_again()
    {
        var cp = ComputeExample(Ex, null, Step4);
        Assert.Contains(P("10.1.0.0/16"), Table(cp, "vng2"));
        var atVng3 = cp.Bgp.LearnedRoutes("vng3").Single(r => r.Network == P("10.1.0.0/16"));
        Assert.Equal(("EBgp", "65010", Ip("10.3.0.254")), (atVng3.Origin, atVng3.AsPath, atVng3.SourcePeer!.Value));
        Assert.Contains(cp.Bgp.AdvertisedRoutes("vng2", Ip("10.4.0.254")), r => r.Network == P("10.1.0.0/16") && r.AsPath == "65010");
        var hop = cp.Lookup("vnet1/vnet1-sub1", Ip("10.5.0.4"))!;
        Assert.Equal((RouteSource.VirtualNetworkGateway, "vng2"), (hop.Source, hop.Gateway));
        // vnet5's side: 10.1.0.0/16 through vng3.
        Assert.Equal("vng3", cp.Lookup("vnet5/vnet5-sub1", Ip("10.1.0.4"))!.Gateway);
    }

    [Fact]
    public void Step4_before_step3_keeps_the_first_remote_gateway_and_says_so()
    {
        var cp = ComputeExample(Ex, null, [.. Step2, "step4-peer-vnet3.yaml"]);
        Assert.Equal("vnet2", cp.Transit.HubOf("vnet1"));
        Assert.Contains(cp.Notes, n => n.Rule == "C10" && n.Message.Contains("C4"));
    }
}
