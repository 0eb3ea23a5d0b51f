using NetTwin.Formats.Ios;
using NetTwin.Model;
using NetTwin.Routing;
using static NetTwin.Tests.Routing.RoutingKit;

namespace NetTwin.Tests.Routing;

/// <summary>Scenario S1 (seed 001): site-to-site VPN over ExpressRoute private peering, routers R1/R2 in IOS.</summary>
public class ScenarioS1Tests
{
    private const string Ex = "s1-vpn-over-er";

    [Fact]
    public void Both_gateways_advertise_the_hub_and_the_spoke()
    {
        var cp = ComputeExample(Ex, null);
        var er = cp.Bgp.AdvertisedRoutes("ExpressrouteGateway", Ip("192.168.100.2"));
        Assert.Equal([P("10.64.0.0/23"), P("172.16.0.0/16")], er.Select(r => r.Network).ToArray());
        var vpn = cp.Bgp.AdvertisedRoutes("vpngateway", Ip("169.254.21.1"));
        Assert.Equal([P("10.64.0.0/23"), P("172.16.0.0/16")], vpn.Select(r => r.Network).ToArray());
        Assert.All(vpn, r => Assert.Equal(("Igp", "65515", Ip("169.254.21.2")), (r.Origin, r.AsPath, r.LocalAddress)));
        // The ExpressRoute-learned loopbacks do not cross to the VPN side (rule D8).
        Assert.DoesNotContain(vpn, r => r.Network == P("10.10.10.1/32"));
        Assert.Contains("D5", cp.Bgp.WhyNotAdvertised("ExpressrouteGateway", Ip("192.168.200.2"), P("10.10.10.1/32")));
        Assert.Contains("not sent back", cp.Bgp.WhyNotAdvertised("ExpressrouteGateway", Ip("192.168.100.2"), P("10.10.10.1/32")));
    }

    [Fact]
    public void R1_holds_both_paths_and_prefers_the_vpn_gateway_with_local_preference_200()
    {
        var cp = ComputeExample(Ex, null);
        var rows = cp.Bgp.DeviceTable("R1");
        foreach (var prefix in new[] { "10.64.0.0/23", "172.16.0.0/16" })
        {
            var paths = rows.Where(r => r.Network == P(prefix)).ToList();
            Assert.Equal(2, paths.Count);
            var best = Assert.Single(paths, p => p.Best);
            Assert.Equal((Ip("169.254.21.2"), 200L, "65515 i"), (best.NextHop, best.LocalPreference, best.Path));
            var other = Assert.Single(paths, p => !p.Best);
            Assert.Equal((Ip("192.168.100.2"), 100L, "12076 65515 i", "Local Pref"), (other.NextHop, other.LocalPreference, other.Path, other.NotBestReason));
        }
        // R1's own networks.
        Assert.Contains(rows, r => r.Network == P("10.10.10.1/32") && r.Best && r.Weight == 32768 && r.NextHop == default);
        Assert.Contains(rows, r => r.Network == P("10.200.0.0/16") && r.Best);
    }

    [Fact]
    public void Sessions_up_where_both_ends_agree_and_down_with_a_reason_elsewhere()
    {
        var cp = ComputeExample(Ex, null);
        var peers = cp.Bgp.PeerStatus("vpngateway");
        var r1 = Assert.Single(peers, p => p.LocalAddress == Ip("169.254.21.2") && p.Neighbor == Ip("169.254.21.1"));
        Assert.Equal(BgpSessionState.Connected, r1.State);
        Assert.Equal(1, r1.RoutesReceived); // 10.200.0.0/16 only (VPN-OUT)
        // Instance 1 also tries R1 (both instances serve every connection) but R1 only peers with instance 0.
        var stray = Assert.Single(peers, p => p.LocalAddress == Ip("169.254.22.2") && p.Neighbor == Ip("169.254.21.1"));
        Assert.Equal(BgpSessionState.Connecting, stray.State);
        Assert.Contains("R1 has no BGP neighbor 169.254.22.2", stray.Reason);
        Assert.All(cp.Bgp.NeighborsOf("R1"), n => Assert.Equal(BgpSessionState.Connected, n.State));
    }

    [Fact]
    public void Azure_learns_the_lan_over_the_tunnels_and_the_loopbacks_over_expressroute()
    {
        var cp = ComputeExample(Ex, null);
        var spoke = cp.EffectiveRoutes("vnet-spoke/workload");
        // R2 prepends the LAN twice: instance 1 prefers R1's path through instance 0 (iBGP), so only 10.64.0.12 forwards.
        var lan = AssertRoute(spoke, RouteSource.VirtualNetworkGateway, RouteState.Active, "10.200.0.0/16", NextHopType.VirtualNetworkGateway, "10.64.0.12");
        Assert.Equal("vpngateway", lan.Gateway);
        AssertRoute(spoke, RouteSource.VirtualNetworkGateway, RouteState.Active, "10.10.10.1/32", NextHopType.VirtualNetworkGateway, "10.64.0.4");
        AssertRoute(spoke, RouteSource.VirtualNetworkGateway, RouteState.Active, "10.20.10.1/32", NextHopType.VirtualNetworkGateway, "10.64.0.4");
        var inst1 = cp.Bgp.Speaker("vpngateway#1")!.Rib.Single(e => e.Prefix == P("10.200.0.0/16"));
        Assert.Equal(BgpPathSource.Ibgp, inst1.Best!.Source);
        Assert.Equal("AS Path", inst1.Paths.Single(p => !p.Best).NotBestReason);
        Assert.Equal("65501-65501-65501", inst1.Paths.Single(p => !p.Best).Path.AsPathText);
        // The ExpressRoute gateway sees the loopbacks with Microsoft's ASN first (rule D7).
        Assert.Contains(cp.Bgp.LearnedRoutes("ExpressrouteGateway"), r => r.Network == P("10.10.10.1/32") && r.AsPath == "12076-65501" && r.Origin == "EBgp");
    }

    [Fact]
    public void R1_routing_table_pins_the_gateway_subnet_to_expressroute()
    {
        var cp = ComputeExample(Ex, null);
        var rib = cp.Bgp.DeviceRoutes("R1")!;
        var tunnelEndpoint = rib.Lookup(Ip("10.64.0.12"))!;
        Assert.Equal((DeviceRouteProtocol.Static, P("10.64.0.0/26"), Ip("192.168.100.2")), (tunnelEndpoint.Protocol, tunnelEndpoint.Prefix, tunnelEndpoint.NextHop!.Value));
        var hub = rib.Lookup(Ip("10.64.1.10"))!;
        Assert.Equal((DeviceRouteProtocol.Bgp, Ip("169.254.21.2"), "Tunnel0"), (hub.Protocol, hub.NextHop!.Value, hub.Interface));
    }

    [Fact]
    public void Without_the_pin_r1_reaches_the_tunnel_endpoint_through_the_tunnel_itself()
    {
        var cp = ComputeExample(Ex, null, "prefer-vpn-for-gateway-subnet.yaml");
        var hop = cp.Bgp.DeviceRoutes("R1")!.Lookup(Ip("10.64.0.12"))!;
        Assert.Equal((DeviceRouteProtocol.Bgp, "Tunnel0"), (hop.Protocol, hop.Interface));

        // The same question without a change set: hand the routing stage another configuration for R1.
        var noPin = IosParser.ParseFile(Path.Combine(Example(Ex), "R1-no-pin.ios")).Config;
        var tried = ComputeExample(Ex, new RoutingOptions { DeviceConfigs = d => d.Name == "R1" ? noPin : d.Configuration });
        Assert.Equal(DeviceRouteProtocol.Bgp, tried.Bgp.DeviceRoutes("R1")!.Lookup(Ip("10.64.0.12"))!.Protocol);
        Assert.Equal(DeviceRouteProtocol.Static, cp.Bgp.DeviceRoutes("R2")!.Lookup(Ip("10.64.0.13"))!.Protocol);
    }
}
