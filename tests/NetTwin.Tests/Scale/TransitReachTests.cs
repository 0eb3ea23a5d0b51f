using NetTwin.Bench;
using NetTwin.Formats.Yaml;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Tests.Support;
using NetTwin.WhatIf;

namespace NetTwin.Tests.Scale;

/// <summary>Which sources a peering flag change selects towards the peering's VNet (<see cref="TransitReach"/>), on a
/// generated estate of two regions (seed 1): hub-westeurope with spoke-0001..0003 (10.16.0.0/23, 10.16.2.0/23,
/// 10.16.4.0/23), hub-northeurope with spoke-0004..0006. Every spoke sends 0.0.0.0/0 to its hub's firewall
/// (fw-hub-westeurope 10.0.1.4, fw-hub-northeurope 10.0.5.4), whose subnet's table drops the other region's spokes
/// (10.0.0.0/8 None). The change: spoke-0002-to-hub-westeurope stops allowing forwarded traffic (rule C2 then blocks
/// what crosses from hub-westeurope into spoke-0002 from outside hub-westeurope).</summary>
public class TransitReachTests
{
    internal static readonly EstateSpec TwoHubs = EstateSpec.Small with { Name = "two-hubs", Regions = 2, Spokes = 6, VpnSites = 4, RouteTables = 6 };

    private static readonly string[] WestEurope = ["hub-westeurope", "spoke-0001", "spoke-0002", "spoke-0003"];

    private static string[] Reaching(Topology t)
    {
        var planes = Planes.Compute(t);
        var spoke = t.VirtualNetwork("spoke-0002")!;
        return [.. TransitReach.Of(planes.Routing).VnetsReaching(spoke.AddressPrefixes, ["hub-westeurope"], []).Order(StringComparer.Ordinal)];
    }

    /// <summary>The subnets the flow diff traces towards spoke-0002's addresses from, after the change.</summary>
    private static string[] SourcesTowardsTheSpoke(Topology before, Topology after)
    {
        var (pb, pa) = (Planes.Compute(before), Planes.Compute(after));
        var selection = FlowSelection.Of(pb, pa, ChangeScope.Of(before, after));
        var spoke = Prefix.Parse("10.16.2.0/23");
        IReadOnlyList<(ulong Lo, ulong Hi)> intervals = [((ulong)spoke.First.Value, spoke.Last.Value)];
        return [.. before.Subnets.Where(s => s.VirtualNetwork != "spoke-0002" && s.HoldsWorkloads)
            .Where(s => selection.IntervalsFor(s.Id, s.VirtualNetwork, () => s.AddressPrefix.First.Add(4), [s.AddressPrefix], intervals).Any())
            .Select(s => s.Id).Order(StringComparer.Ordinal)];
    }

    /// <summary>Gives the subnet of hub-northeurope with prefix <paramref name="subnetPrefix"/> a new route table,
    /// <paramref name="table"/>, whose one route sends spoke-0002 (10.16.2.0/23) to westeurope's firewall (10.0.1.4).</summary>
    private static void SendTheSpokeThroughWestEurope(string folder, string subnetPrefix, string table) =>
        GiveARoute(folder, subnetPrefix, table, "northeurope", "spoke-0002-through-westeurope", "10.16.2.0/23", "10.0.1.4");

    /// <summary>Gives the subnet with prefix <paramref name="subnetPrefix"/> a new route table, <paramref name="table"/>
    /// in <paramref name="location"/>, whose one route sends <paramref name="prefix"/> to the appliance at <paramref name="nextHop"/>.</summary>
    internal static void GiveARoute(string folder, string subnetPrefix, string table, string location, string route, string prefix, string nextHop)
    {
        var network = Path.Combine(folder, "network.yaml");
        var text = File.ReadAllText(network);
        var subnet = $"        addressPrefix: {subnetPrefix}\n";
        Assert.Contains(subnet, text);
        File.WriteAllText(network, text.Replace(subnet, subnet + $"        routeTable: {table}\n"));
        Nt.InsertBefore(folder, "routing.yaml", "  - name: rt-gateway-hub-westeurope\n", $$"""
              - name: {{table}}
                location: {{location}}
                routes:
                  - { name: {{route}}, addressPrefix: {{prefix}}, nextHopType: VirtualAppliance, nextHopIpAddress: {{nextHop}} }

            """);
    }

    internal static Topology Changed(string folder) => TopologyLoader.Load(folder, [Path.Combine(folder, "changes", "one-peering-flag.yaml")]);

    [Fact]
    public void ASpokesFlagChangeSelectsOnlyTheSourcesWhoseRequestsCanReachItsHub() => Nt.WithEstate(TwoHubs, folder =>
    {
        var (before, after) = (TopologyLoader.Load(folder), Changed(folder));
        // The region's spokes send spoke-0002's addresses to hub-westeurope's firewall; northeurope's firewall drops them.
        Assert.Equal(WestEurope, Reaching(before));
        Assert.Equal(["hub-westeurope/shared", "spoke-0001/app", "spoke-0001/web", "spoke-0003/app", "spoke-0003/web"], SourcesTowardsTheSpoke(before, after));
        WhatIfEquivalence.AssertSameDifferences(before, after, "spoke-0002's flag");
    });

    /// <summary>northeurope's firewall subnet given a route sending spoke-0002 to westeurope's firewall: northeurope's
    /// spokes now reach spoke-0002 through both firewalls (before the change, the reply has no way back: 10.0.0.0/8
    /// None in westeurope's firewall subnet), and the change blocks their requests at the crossing into spoke-0002.
    /// The chain is two VNets long (spoke-0005 → hub-northeurope → hub-westeurope), so it is found only by following
    /// appliance routes from VNet to VNet.</summary>
    [Fact]
    public void ARouteToAnotherHubsFirewallBringsThatHubsSourcesIn() => Nt.WithEstate(TwoHubs, folder =>
    {
        SendTheSpokeThroughWestEurope(folder, "10.0.5.0/26", "rt-firewall-hub-northeurope");
        var (before, after) = (TopologyLoader.Load(folder), Changed(folder));
        Assert.Equal(["hub-northeurope", .. WestEurope, "spoke-0004", "spoke-0005", "spoke-0006"], Reaching(before));
        Assert.Contains("spoke-0005/web", SourcesTowardsTheSpoke(before, after));
        var baseline = EstateAnalysis.Of(before);
        var flows = Differ.Compare(baseline, baseline.Derive(after)).Flows;
        var blocked = Assert.Single(flows, f => f.From == "spoke-0005/web" && f.To == "spoke-0002/web");
        Assert.Equal(["10.16.2.0/24"], blocked.Destinations);
        Assert.Equal("DELIVERED, reply NO_ROUTE at vm-spoke-0002, asymmetric", blocked.Before);
        Assert.Equal("FORWARDED_TRAFFIC_BLOCKED at fw-hub-westeurope", blocked.After);
        WhatIfEquivalence.AssertSameDifferences(before, after, "spoke-0002's flag, northeurope through westeurope");
    });

    /// <summary>The tables a change gives some subnets count with the control plane's: hub-northeurope/shared given a
    /// route sending spoke-0002 to westeurope's firewall leads hub-northeurope there, and with it the spokes whose
    /// routes lead into hub-northeurope (an over-approximation: their packets are at its firewall, not in that subnet).</summary>
    [Fact]
    public void TheTablesAChangeGivesCountWithTheControlPlanes() => Nt.WithEstate(TwoHubs, folder =>
    {
        var before = TopologyLoader.Load(folder);
        SendTheSpokeThroughWestEurope(folder, "10.0.6.0/24", "rt-shared-hub-northeurope");
        var after = Planes.Compute(TopologyLoader.Load(folder));
        var reach = TransitReach.Of(Planes.Compute(before).Routing);
        var spoke = before.VirtualNetwork("spoke-0002")!.AddressPrefixes;
        Assert.Equal(WestEurope, reach.VnetsReaching(spoke, ["hub-westeurope"], []).Order(StringComparer.Ordinal));
        var changed = reach.VnetsReaching(spoke, ["hub-westeurope"], [("hub-northeurope", after.Routing.EffectiveRoutes("hub-northeurope/shared"))]);
        Assert.Equal(["hub-northeurope", .. WestEurope, "spoke-0004", "spoke-0005", "spoke-0006"], changed.Order(StringComparer.Ordinal));
        // The control plane's own answer is unchanged by the question (the change's tables are not kept with it).
        Assert.Equal(WestEurope, reach.VnetsReaching(spoke, ["hub-westeurope"], []).Order(StringComparer.Ordinal));
    });

    /// <summary>A route table change with the flag change: the selection reads the changed tables too (a touched
    /// subnet's new table may lead elsewhere), and sources in and out of the reach set take their own interval lists.
    /// rt-hub-northeurope-001 (northeurope's spokes) loses its first route (0.0.0.0/0 to the firewall); the diff equals
    /// the full comparison, on a plain and on a prepared baseline.</summary>
    [Fact]
    public void AFlagChangeWithARouteTableChangeEqualsTheFullComparison() => Nt.WithEstate(TwoHubs, folder =>
    {
        var before = TopologyLoader.Load(folder);
        var flagged = Changed(folder);
        var i = flagged.RouteTables.IndexOf(flagged.RouteTables.Single(rt => rt.Name == "rt-hub-northeurope-001"));
        var table = flagged.RouteTables[i];
        Assert.Equal("0.0.0.0/0", table.Routes[0].AddressPrefix.ToString());
        var after = flagged with { RouteTables = flagged.RouteTables.SetItem(i, table with { Routes = table.Routes.RemoveAt(0) }) };
        var scope = ChangeScope.Of(before, after);
        Assert.Equal(RoutingScope.RouteTables, scope.Routing);
        Assert.Equal(["spoke-0002"], scope.ForwardedTrafficVnets);
        Assert.False(FlowSelection.Of(Planes.Compute(before), Planes.Compute(after), scope).IsEverything);
        WhatIfEquivalence.AssertSameDifferences(before, after, "spoke-0002's flag and northeurope's first route table");
    });
}
