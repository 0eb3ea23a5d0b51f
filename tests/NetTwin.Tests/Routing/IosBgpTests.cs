using NetTwin.Formats.Yaml;
using NetTwin.Model;
using NetTwin.Routing;
using static NetTwin.Tests.Routing.RoutingKit;

namespace NetTwin.Tests.Routing;

/// <summary>On-premises IOS routers as BGP speakers: neighbors, networks, route maps, prefix lists.</summary>
public sealed class IosBgpTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nettwin-ios-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private const string Azure = """
        virtualNetworks:
          - name: hub
            location: westeurope
            addressSpace: [10.100.0.0/16]
            subnets:
              - { name: GatewaySubnet, addressPrefix: 10.100.0.0/27 }
              - { name: s1, addressPrefix: 10.100.1.0/24 }
        virtualNetworkGateways:
          - name: er
            subnet: hub/GatewaySubnet
            gatewayType: ExpressRoute
            sku: Standard
            ipConfigurations: [ { name: default, privateIPAddress: 10.100.0.4 } ]
        connections:
          - { name: c, connectionType: ExpressRoute, virtualNetworkGateway1: er, peer: circuit }
        expressRouteCircuits:
          - name: circuit
            location: westeurope
            peerings:
              - peeringType: AzurePrivatePeering
                peerASN: 65001
                primaryPeerAddressPrefix: 172.31.0.0/30
                secondaryPeerAddressPrefix: 172.31.0.4/30
                vlanId: 100
        onPremisesDevices:
          - { name: R, config: R.ios }
        """;

    private ControlPlane Run(string ios)
    {
        File.WriteAllText(Path.Combine(_dir, "topology.yaml"), Azure);
        File.WriteAllText(Path.Combine(_dir, "R.ios"), ios);
        return ControlPlane.Compute(TopologyLoader.Load(_dir));
    }

    private const string Base = """
        hostname R
        interface Loopback0
         ip address 10.1.255.1 255.255.255.255
        interface GigabitEthernet1
         ip address 172.31.0.1 255.255.255.252
        interface GigabitEthernet2
         ip address 10.1.0.1 255.255.0.0
        ip route 10.9.0.0 255.255.0.0 10.1.0.254
        ip prefix-list ONLY-LAN seq 10 permit 10.1.0.0/16
        ip prefix-list ONLY-LAN seq 20 permit 10.9.0.0/16 le 24
        route-map TO-AZURE permit 10
         match ip address prefix-list ONLY-LAN
         set as-path prepend 65001 65001
        route-map FROM-AZURE permit 10
         set local-preference 300

        """;

    [Fact]
    public void Networks_in_the_rib_are_advertised_through_the_outbound_route_map()
    {
        var cp = Run(Base + """
            router bgp 65001
             network 10.1.0.0 mask 255.255.0.0
             network 10.1.255.1 mask 255.255.255.255
             network 10.9.0.0 mask 255.255.0.0
             network 10.77.0.0 mask 255.255.0.0
             neighbor 172.31.0.2 remote-as 12076
             neighbor 172.31.0.2 route-map TO-AZURE out
             neighbor 172.31.0.2 route-map FROM-AZURE in
            """);
        var learned = cp.Bgp.LearnedRoutes("er");
        Assert.Contains(learned, r => r.Network == P("10.1.0.0/16") && r.AsPath == "12076-65001-65001-65001");
        Assert.Contains(learned, r => r.Network == P("10.9.0.0/16"));                    // static route in the RIB
        Assert.DoesNotContain(learned, r => r.Network == P("10.1.255.1/32"));            // denied by TO-AZURE (implicit deny)
        Assert.DoesNotContain(learned, r => r.Network == P("10.77.0.0/16"));             // not in the RIB
        Assert.Contains(cp.Notes, n => n.Message.Contains("network 10.77.0.0/16 is not in the routing table"));
        var hub = Assert.Single(cp.Bgp.DeviceTable("R"), r => r.Network == P("10.100.0.0/16"));
        Assert.Equal((300L, "12076 65515 i", Ip("172.31.0.2")), (hub.LocalPreference, hub.Path, hub.NextHop));
        Assert.Equal(NextHopType.VirtualNetworkGateway, cp.Lookup("hub/s1", Ip("10.9.1.1"))!.NextHopType);
        var rib = cp.Bgp.DeviceRoutes("R")!;
        Assert.Equal((DeviceRouteProtocol.Bgp, "GigabitEthernet1"), (rib.Lookup(Ip("10.100.1.5"))!.Protocol, rib.Lookup(Ip("10.100.1.5"))!.Interface));
        Assert.Equal(DeviceRouteProtocol.Connected, rib.Lookup(Ip("10.1.2.3"))!.Protocol);
    }

    [Fact]
    public void An_inbound_route_map_that_matches_nothing_denies_everything()
    {
        var cp = Run(Base + """
            router bgp 65001
             network 10.1.0.0 mask 255.255.0.0
             neighbor 172.31.0.2 remote-as 12076
             neighbor 172.31.0.2 route-map TO-AZURE in
            """);
        Assert.DoesNotContain(cp.Bgp.DeviceTable("R"), r => r.Network == P("10.100.0.0/16"));
        Assert.Contains("implicit deny", cp.Bgp.WhyRejected("R", Ip("172.31.0.2"), P("10.100.0.0/16")));
    }

    [Fact]
    public void Sessions_that_cannot_come_up_say_why()
    {
        var wrongAs = Run(Base + "router bgp 65001\n neighbor 172.31.0.2 remote-as 12077\n");
        Assert.Contains("ASN mismatch", Assert.Single(wrongAs.Bgp.NeighborsOf("R")).Reason);

        var shut = Run(Base + "router bgp 65001\n neighbor 172.31.0.2 remote-as 12076\n neighbor 172.31.0.2 shutdown\n");
        var n = Assert.Single(shut.Bgp.NeighborsOf("R"));
        Assert.Equal(BgpSessionState.Idle, n.State);
        Assert.Contains("shut down", n.Reason);

        var multihop = Run(Base + "router bgp 65001\n neighbor 172.31.0.2 remote-as 12076\n neighbor 172.31.0.2 update-source Loopback0\n");
        // The session comes from the loopback, which the Microsoft edge does not peer with.
        Assert.NotEqual(BgpSessionState.Connected, Assert.Single(multihop.Bgp.NeighborsOf("R")).State);

        var unreachable = Run(Base + "router bgp 65001\n neighbor 192.0.2.9 remote-as 65009\n");
        Assert.Contains("no route to neighbor", Assert.Single(unreachable.Bgp.NeighborsOf("R")).Reason);
    }

    [Fact]
    public void Weight_from_the_neighbor_and_the_route_map()
    {
        var cp = Run(Base + """
            router bgp 65001
             neighbor 172.31.0.2 remote-as 12076
             neighbor 172.31.0.2 weight 500
            """);
        Assert.Equal(500, Assert.Single(cp.Bgp.DeviceTable("R"), r => r.Network == P("10.100.0.0/16")).Weight);
    }
}
