using NetTwin.Bench;
using NetTwin.Formats.Yaml;
using NetTwin.Forwarding;
using NetTwin.Model;
using NetTwin.Routing;
using NetTwin.Tests.Routing;
using NetTwin.Tests.Scale;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.Forwarding;

/// <summary>The VirtualNetwork tag a subnet's NSGs read (rule G4) holds exactly the addresses of the subnet's listed
/// effective routes that are VnetLocal, peering, gateway or User, whatever their state: the table's own few Default
/// routes scanned, a hub's many in a trie, the user routes through their layer's Active trie (B2 keeps one of a
/// prefix Active), the gateway routes through the hub's set.</summary>
public class VirtualNetworkTagTests
{
    public static TheoryData<string> Examples() => Nt.Examples();

    [Theory]
    [MemberData(nameof(Examples))]
    public void The_tag_is_the_listed_routes_on_every_example_and_variant(string example)
    {
        var t = TopologyLoader.Load(Nt.Example(example));
        AssertTagIsListing(t, example);
        foreach (var (name, after) in WhatIfEquivalence.Mutations(t)) AssertTagIsListing(after, $"{example}: {name}");
    }

    [Fact]
    public void The_tag_is_the_listed_routes_on_a_generated_estate_whose_hub_has_more_peerings_than_are_scanned() =>
        // 24 spokes: the hub's table has 25 Default routes in the tag, more than the 16 scanned without a trie.
        Nt.WithEstate(EstateSpec.Small with { Name = "wide-hub", Spokes = 24 }, folder => AssertTagIsListing(TopologyLoader.Load(folder), "wide-hub"));

    [Fact]
    public void A_user_route_that_lost_to_a_same_prefix_route_still_widens_the_tag()
    {
        // Two user routes with one prefix: B2 keeps the first Active and makes the second Invalid; the tag holds the
        // prefix either way, and an address outside every route is not in it.
        var cp = new Estate().Vnet("v", "10.0.0.0/16", "s=10.0.1.0/24@rt")
            .RouteTable("rt", false, "first 172.16.0.0/12 VirtualAppliance 10.0.1.10", "second 172.16.0.0/12 None")
            .Compute();
        var table = cp.EffectiveRoutes("v/s");
        Assert.Equal(RouteState.Invalid, table.Routes.Single(r => r.Name == "second").State);
        var tag = NsgEvaluation.VirtualNetworkTag(table);
        Assert.True(tag(Ipv4.Parse("172.20.1.1")));
        Assert.True(tag(Ipv4.Parse("10.0.200.1")));
        Assert.False(tag(Ipv4.Parse("192.168.1.1")));
    }

    private static bool InTag(EffectiveRoute r) =>
        r.NextHopType is NextHopType.VnetLocal or NextHopType.VNetPeering or NextHopType.VNetGlobalPeering or NextHopType.VirtualNetworkGateway
        || r.Source == RouteSource.User;

    private static void AssertTagIsListing(Topology t, string what)
    {
        var cp = ControlPlane.Compute(t);
        foreach (var (subnet, table) in cp.AllSubnetTables())
        {
            var tagged = table.Routes.Where(InTag).Select(r => r.AddressPrefix).ToList();
            var probes = table.Routes.SelectMany(r => new[] { r.AddressPrefix.First, r.AddressPrefix.Last })
                .Concat(table.Routes.Where(r => r.AddressPrefix.Length > 0 && r.AddressPrefix.First.Value > 0).Select(r => new Ipv4(r.AddressPrefix.First.Value - 1)))
                .Append(Ipv4.Parse("8.8.8.8")).Append(Ipv4.Parse("192.168.255.1")).Distinct().ToList();
            var tag = NsgEvaluation.VirtualNetworkTag(table);
            foreach (var ip in probes)
                Assert.True(tag(ip) == tagged.Any(p => p.Contains(ip)), $"{what}: {subnet.Id} {ip}: tag {tag(ip)}, listing {!tag(ip)}");
        }
    }
}
