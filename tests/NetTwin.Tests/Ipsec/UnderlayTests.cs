using NetTwin.Ipsec;
using NetTwin.Model;
using static NetTwin.Tests.Ipsec.IpsecKit;

namespace NetTwin.Tests.Ipsec;

/// <summary>The underlay through a reachability oracle (the routing engine's job; faked here).</summary>
public class UnderlayTests
{
    /// <summary>A stand-in for the routing engine in S1: Azure reaches the routers' loopbacks over ExpressRoute; a
    /// router reaches the gateway's private IP over ExpressRoute unless, with the tunnel up, its best route is the BGP
    /// route learned through the tunnel - which happens when no static route of its configuration pins the gateway's
    /// address to ExpressRoute (static routes beat BGP).</summary>
    private static UnderlayOracle S1Routing(Func<OnPremisesDevice, DeviceConfig?> configs, Topology t) => q =>
    {
        if (q.Direction == UnderlayDirection.AzureToPeer)
            return new UnderlayAnswer(true, UnderlayPath.ExpressRoute, "er-circuit", $"{q.Source} -> {q.Destination} over ExpressRoute (learned from the circuit)");
        var cfg = configs(t.OnPremisesDevice(q.Peer!)!)!;
        var pinned = cfg.StaticRoutes.FirstOrDefault(r => r.Prefix.Contains(q.Destination));
        if (!q.TunnelUp || pinned is not null)
            return new UnderlayAnswer(true, UnderlayPath.ExpressRoute, "er-circuit",
                $"{q.Source} -> {q.Destination} over ExpressRoute" + (pinned is null ? "" : $" (static route {pinned.Prefix} at {pinned.Source})"));
        return new UnderlayAnswer(true, UnderlayPath.VpnTunnel, q.Connection, $"{q.Peer}'s best route to {q.Destination} is 10.64.0.0/23 via the tunnel (BGP, local preference 200)", q.Instance);
    };

    private static TunnelReport S1(params string[] changes)
    {
        var t = Example("s1-vpn-over-er", changes);
        var configs = Configs(WithDhGroup2);
        return Tunnels.Evaluate(t, S1Routing(configs, t), configs).Connection("datacenter01_connection")!;
    }

    [Fact]
    public void S1_tunnel_is_up_while_its_endpoints_are_reached_over_expressroute()
    {
        var r = S1();
        Assert.Equal(TunnelState.Up, r.State);
        var inst0 = r.Instances.Single(i => i.Instance == 0);
        Assert.Equal(TunnelState.Up, inst0.State);
        Assert.Equal(Ip("10.64.0.12"), inst0.AzureAddress); // the private IP: useLocalAzureIpAddress
        Assert.Equal(UnderlayPath.ExpressRoute, inst0.Underlay!.PeerToAzureTunnelUp!.Path);
        Assert.Equal(["0.0.0.0/0<->0.0.0.0/0"], Selectors(r));
        // R1 has no tunnel to instance 1 (10.64.0.13): that instance's tunnel is not configured on R1.
        Assert.Equal(TunnelFailure.PeerNotConfigured, r.Instances.Single(i => i.Instance == 1).Failure);
    }

    [Fact]
    public void S1_without_the_static_pin_is_recursive_and_unstable_never_simply_up()
    {
        var r = S1("prefer-vpn-for-gateway-subnet.yaml");
        Assert.Equal(TunnelState.Recursive, r.State);
        Assert.NotEqual(TunnelState.Up, r.State);
        Assert.Contains("comes up over ExpressRoute", r.Reason, StringComparison.Ordinal);
        Assert.Contains("moves into it", r.Reason, StringComparison.Ordinal);
        Assert.Contains("goes down", r.Reason, StringComparison.Ordinal);
        Assert.Contains("falls back over ExpressRoute", r.Reason, StringComparison.Ordinal);
        var finding = Assert.Single(r.Findings, f => f.Id == "NT-TUNNEL-002");
        Assert.Contains("recursive and unstable", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recursion_is_only_about_this_very_tunnel()
    {
        // The peer reaches Azure through *another* tunnel once things are up: not recursive.
        UnderlayOracle viaOther = q => q.TunnelUp && q.Direction == UnderlayDirection.PeerToAzure
            ? new UnderlayAnswer(true, UnderlayPath.VpnTunnel, "some-other-connection", "through another tunnel")
            : new UnderlayAnswer(true, UnderlayPath.Internet, null, "over the internet");
        var r = Tunnels.Evaluate(Lab(CiscoPeer()), viaOther, Configs()).Connection("conn")!;
        Assert.Equal(TunnelState.Up, r.State);

        UnderlayOracle viaSelf = q => q.TunnelUp && q.Direction == UnderlayDirection.AzureToPeer
            ? new UnderlayAnswer(true, UnderlayPath.VpnTunnel, q.Connection, "the gateway's route to the peer points into the tunnel", q.Instance)
            : new UnderlayAnswer(true, UnderlayPath.Internet, null, "over the internet");
        var self = Tunnels.Evaluate(Lab(CiscoPeer()), viaSelf, Configs()).Connection("conn")!;
        Assert.Equal(TunnelState.Recursive, self.State);
        Assert.Contains("gw -> 203.0.113.10 then goes through the tunnel itself", self.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Oracle_is_asked_from_the_private_ip_with_use_local_azure_ip_address()
    {
        var asked = new List<UnderlayQuery>();
        UnderlayOracle spy = q => { asked.Add(q); return new UnderlayAnswer(true, UnderlayPath.ExpressRoute, "er", "over ER"); };
        Tunnels.Evaluate(Lab(CiscoPeer(azure: "172.16.1.228"), "useLocalAzureIpAddress: true"), spy, Configs());
        Assert.Contains(asked, q => q.Direction == UnderlayDirection.AzureToPeer && q.Source == Ip("172.16.1.228") && q.Destination == Ip("203.0.113.10") && !q.TunnelUp);
        Assert.Contains(asked, q => q.Direction == UnderlayDirection.PeerToAzure && q.Source == Ip("203.0.113.10") && q.Peer == "red" && q.TunnelUp);
        Assert.All(asked, q => Assert.True(q.UseLocalAzureIpAddress));
    }

    [Fact]
    public void Public_internet_oracle_refuses_private_addresses()
    {
        Assert.True(Underlay.IsPublic(Ip("198.51.100.40")));
        Assert.False(Underlay.IsPublic(Ip("10.10.10.1")));
        Assert.False(Underlay.IsPublic(Ip("100.64.0.1")));
        var q = new UnderlayQuery("c", 0, "g", null, UnderlayDirection.AzureToPeer, Ip("10.64.0.12"), Ip("10.10.10.1"), true, false);
        Assert.False(Underlay.PublicInternet(q).Reachable);
    }
}
