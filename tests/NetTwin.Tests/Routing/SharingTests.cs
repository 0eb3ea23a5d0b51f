using NetTwin.Model;
using NetTwin.Routing;
using static NetTwin.Tests.Routing.RoutingKit;

namespace NetTwin.Tests.Routing;

/// <summary>Issue 7: computed once, shared by every subnet with the same inputs.</summary>
public class SharingTests
{
    private static ControlPlane Estate() => new Estate()
        .Vnet("hub", "10.100.0.0/16", "GatewaySubnet=10.100.0.0/27", "s1=10.100.1.0/24")
        .Vnet("a", "10.110.0.0/16", "s1=10.110.1.0/24@rt", "s2=10.110.2.0/24@rt", "s3=10.110.3.0/24")
        .Vnet("b", "10.120.0.0/16", "s1=10.120.1.0/24@rt")
        .Peering("a", "hub", spokeUsesHub: true).Peering("b", "hub", spokeUsesHub: true)
        .ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit")
        .Circuit("circuit", 0, 65001, "Standard", "10.1.0.0/16", "10.2.0.0/16")
        .RouteTable("rt", false, "fw 0.0.0.0/0 VirtualAppliance 10.100.1.4")
        .Compute();

    [Fact]
    public void Subnets_of_one_vnet_with_the_same_route_table_share_one_table()
    {
        var cp = Estate();
        Assert.Same(cp.EffectiveRoutes("a/s1"), cp.EffectiveRoutes("a/s2"));
        Assert.NotSame(cp.EffectiveRoutes("a/s1"), cp.EffectiveRoutes("a/s3"));
        Assert.NotSame(cp.EffectiveRoutes("a/s1"), cp.EffectiveRoutes("b/s1"));
        var all = cp.AllSubnetTables();
        Assert.Equal(cp.Topology.Subnets.Count(), all.Count);
        Assert.Equal(4, all.Select(x => x.Table).Distinct().Count()); // hub, a with rt, a without, b with rt
    }

    [Fact]
    public void The_hub_gateway_routes_are_the_same_objects_in_every_spoke()
    {
        var cp = Estate();
        var a = Route(cp.EffectiveRoutes("a/s1"), RouteSource.VirtualNetworkGateway, "10.1.0.0/16");
        var b = Route(cp.EffectiveRoutes("b/s1"), RouteSource.VirtualNetworkGateway, "10.1.0.0/16");
        var hub = Route(cp.EffectiveRoutes("hub/s1"), RouteSource.VirtualNetworkGateway, "10.1.0.0/16");
        Assert.Same(a, b);
        Assert.Same(a, hub);
        Assert.Same(cp.GatewayRoutes("a"), cp.GatewayRoutes("b"));
        // The user route's record is shared by both VNets using route table rt (same hub).
        Assert.Same(Route(cp.EffectiveRoutes("a/s1"), RouteSource.User, "0.0.0.0/0"), Route(cp.EffectiveRoutes("b/s1"), RouteSource.User, "0.0.0.0/0"));
    }

    [Fact]
    public void Nic_tables_are_their_subnets()
    {
        var cp = new Estate().Vnet("v1", "10.1.0.0/16", "s1=10.1.1.0/24").Compute(null,
            "changes:\n  - add:\n      networkInterfaces: [ { name: nic1, subnet: v1/s1, privateIPAddress: 10.1.1.4 } ]\n");
        Assert.Same(cp.EffectiveRoutes("v1/s1"), cp.EffectiveRoutesOfNic("nic1"));
        Assert.Throws<ArgumentException>(() => cp.EffectiveRoutes("v1/nope"));
    }
}
