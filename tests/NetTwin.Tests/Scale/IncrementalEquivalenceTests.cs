using System.Collections.Immutable;
using NetTwin.Bench;
using NetTwin.Formats.Yaml;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Tests.Support;
using NetTwin.WhatIf;

namespace NetTwin.Tests.Scale;

/// <summary>The shortcuts issue 7 takes for speed give the answers of the plain definitions they replace. Not timed.</summary>
public class IncrementalEquivalenceTests
{
    public static TheoryData<string> Examples() => Nt.Examples();

    [Theory]
    [MemberData(nameof(Examples))]
    public void RoutesLostPerChangedPrefixEqualsTheFullComparisonOnEveryExampleFailure(string example)
    {
        var t = TopologyLoader.Load(Nt.Example(example));
        AssertSameRoutesLost(t);
    }

    [Fact]
    public void RoutesLostPerChangedPrefixEqualsTheFullComparisonOnTheSmallGeneratedEstate() =>
        Nt.WithEstate(folder => AssertSameRoutesLost(TopologyLoader.Load(folder)));

    private static void AssertSameRoutesLost(Topology t)
    {
        var baseline = EstateAnalysis.Of(t);
        foreach (var f in FailureSweep.Candidates(baseline))
        {
            var failed = Planes.Compute(t with { Failures = t.Failures.Add(f) }).Routing;
            Assert.Equal(FailureSweep.RoutesLostInFull(baseline.Routing, failed), FailureSweep.RoutesLost(baseline.Routing, failed));
        }
    }

    public static TheoryData<string, string[]> RouteTableChanges() => new()
    {
        { "s0-proxy-tunnel", ["solution4-hub-vpn.yaml", "app-default-udr.yaml"] },
        { "s0-proxy-tunnel", ["solution4-hub-vpn.yaml", "app-half-default-udr.yaml"] },
        { "s0-proxy-tunnel", ["solution4-hub-vpn.yaml", "app-no-propagation.yaml"] },
    };

    /// <summary>The flow diff of a route-table-only change set of the examples, traced only where the change can
    /// reach (FlowSelection), equals the diff over every flow (the baseline is everything but the last change set).</summary>
    [Theory]
    [MemberData(nameof(RouteTableChanges))]
    public void FlowDiffOverTouchedSubnetsEqualsTheFullDiff(string example, string[] changes)
    {
        var before = TopologyLoader.Load(Nt.Example(example), changes[..^1].Select(c => Nt.Change(example, c)));
        var after = TopologyLoader.Load(Nt.Example(example), changes.Select(c => Nt.Change(example, c)));
        Assert.Equal(RoutingScope.RouteTables, ChangeScope.Of(before, after).Routing);
        WhatIfEquivalence.AssertSameDifferences(before, after);
    }

    [Fact]
    public void FlowDiffOverTouchedSubnetsEqualsTheFullDiffOnTheSmallGeneratedEstate() => Nt.WithEstate(folder =>
    {
        var before = TopologyLoader.Load(folder);
        foreach (var change in new[] { "one-udr.yaml", "one-peering-flag.yaml" })
            WhatIfEquivalence.AssertSameDifferences(before, TopologyLoader.Load(folder, [Path.Combine(folder, "changes", change)]));
    });

    /// <summary>Estates that differ only in peerings' allowForwardedTraffic are swept together, both sides in one pass
    /// (ClassSweep.Rows): the what-if equals the one traced class by class, with the flag cleared on one spoke's
    /// peering and set again, and flipped on every peering at once (hub and spoke sides), and its flow diff is not
    /// empty.</summary>
    [Fact]
    public void ForwardedTrafficChangesSweptTogetherEqualTheFullDiff() => Nt.WithEstate(folder =>
    {
        var before = TopologyLoader.Load(folder);
        var after = TopologyLoader.Load(folder, [Path.Combine(folder, "changes", "one-peering-flag.yaml")]);
        var all = before with { VirtualNetworkPeerings = [.. before.VirtualNetworkPeerings.Select(p => p with { AllowForwardedTraffic = !p.AllowForwardedTraffic })] };
        foreach (var (b, a, flipped) in new[] { (before, after, 1), (after, before, 1), (before, all, before.VirtualNetworkPeerings.Length), (all, before, before.VirtualNetworkPeerings.Length) })
        {
            var baseline = EstateAnalysis.Of(b, Probes.None);
            var derived = baseline.Derive(a);
            Assert.Equal(TopologyParts.PeeringForwardedTraffic, derived.Scope!.Changed);
            Assert.Equal(flipped, FlowDiff.ForwardedTrafficOnly(baseline.Planes, derived.Planes, derived.Scope)?.Count);
            Assert.NotEmpty(Differ.Compare(baseline, derived).Flows);
            WhatIfEquivalence.AssertSameDifferences(b, a);
        }
    });

    /// <summary>Tunnels down only because their own connection or instance is failed need no second routing pass:
    /// the planes equal those of the plain two-pass definition for every failure case.</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void PlanesWithoutTheRedundantSecondPassEqualThePlainOnesForEveryFailure(string example) =>
        AssertSamePlanesForEveryFailure(TopologyLoader.Load(Nt.Example(example)));

    [Fact]
    public void PlanesWithoutTheRedundantSecondPassEqualThePlainOnesOnTheSmallGeneratedEstate() =>
        Nt.WithEstate(folder => AssertSamePlanesForEveryFailure(TopologyLoader.Load(folder)));

    private static void AssertSamePlanesForEveryFailure(Topology t)
    {
        var baseline = EstateAnalysis.Of(t);
        foreach (var f in FailureSweep.Candidates(baseline).Append(null))
        {
            var failed = f is null ? t : t with { Failures = t.Failures.Add(f) };
            Assert.Equal(Fingerprint(Planes.Compute(failed, skipKnownToRouting: false)), Fingerprint(Planes.Compute(failed)));
        }
    }

    /// <summary>The planes of a failure case recomputed from the baseline's (BGP only in the components the failure
    /// reaches, the other hubs' gateway routes and tables kept) equal the plain computation from scratch, for every
    /// failure candidate alone, every pair of the first candidates, and the way back (restoring a failed element).</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void PlanesRecomputedFromTheBaselineEqualThePlainOnesForEveryFailure(string example) =>
        AssertSameRecomputedPlanes(TopologyLoader.Load(Nt.Example(example)));

    [Fact]
    public void PlanesRecomputedFromTheBaselineEqualThePlainOnesOnTheSmallGeneratedEstate() =>
        Nt.WithEstate(folder => AssertSameRecomputedPlanes(TopologyLoader.Load(folder)));

    [Fact]
    public void PlanesRecomputedFromTheBaselineEqualThePlainOnesOnATwoHubGeneratedEstate() =>
        Nt.WithEstate(TwoHubs, folder => AssertSameRecomputedPlanes(TopologyLoader.Load(folder)));

    // Two regions: two BGP components, so a failure in one hub reuses the other hub's BGP, routes and tables.
    private static readonly EstateSpec TwoHubs = EstateSpec.Small with { Name = "two-hubs", Regions = 2, Spokes = 6, VpnSites = 4, RouteTables = 6 };

    [Fact]
    public void AFailureInOneHubReusesTheOtherHubsBgpGatewayRoutesAndTables() => Nt.WithEstate(TwoHubs, folder =>
    {
        var t = TopologyLoader.Load(folder);
        var baseline = Planes.Compute(t);
        var hubs = t.VirtualNetworks.Where(v => t.GatewaysIn(v.Name).Count > 0).Select(v => v.Name).ToList();
        Assert.Equal(2, hubs.Count);
        var site = t.Connections.First(c => c.ConnectionType == ConnectionType.IPsec && t.VirtualNetworkGateway(c.VirtualNetworkGateway1)!.VirtualNetwork == hubs[0]);
        var otherSpokeSubnet = t.Subnets.First(s => s.VirtualNetwork != hubs[1] && baseline.Routing.Transit.HubOf(s.VirtualNetwork) == hubs[1]);
        var otherTable = baseline.Routing.EffectiveRoutes(otherSpokeSubnet.Id); // built before: a recomputed plane shares what the baseline has built
        var failed = Planes.Recompute(baseline, t with { Failures = t.Failures.Add(new Failure(FailureKind.Connection, site.Name)) });
        // The failed hub's gateway routes are computed again (the site's prefixes are gone), the other hub's are the baseline's object.
        Assert.NotSame(baseline.Routing.GatewayRoutes(hubs[0]), failed.Routing.GatewayRoutes(hubs[0]));
        Assert.Same(baseline.Routing.GatewayRoutes(hubs[1]), failed.Routing.GatewayRoutes(hubs[1]));
        Assert.Same(otherTable, failed.Routing.EffectiveRoutes(otherSpokeSubnet.Id));
        var otherGateway = t.GatewaysIn(hubs[1]).First(g => g.GatewayType == GatewayType.ExpressRoute).Name;
        Assert.Same(baseline.Routing.Bgp.Speaker(otherGateway), failed.Routing.Bgp.Speaker(otherGateway));
        var lost = LocalNetworkPrefixes(t, site);
        Assert.All(lost, p => Assert.DoesNotContain(failed.Routing.GatewayRoutes(hubs[0])!.Routes, r => r.Prefix == p));
    });

    private static IEnumerable<Prefix> LocalNetworkPrefixes(Topology t, Connection c) => t.LocalNetworkGateway(c.LocalNetworkGateway2!)!.AddressPrefixes;

    private static void AssertSameRecomputedPlanes(Topology t)
    {
        var baseline = Planes.Compute(t);
        Assert.Equal(Fingerprint(Planes.Compute(t, skipKnownToRouting: false)), Fingerprint(baseline));
        var candidates = FailureSweep.Candidates(EstateAnalysis.Of(t));
        var cases = candidates.Select(f => ImmutableArray.Create(f))
            .Concat(candidates.Take(6).SelectMany((a, i) => candidates.Skip(i + 1).Take(6).Select(b => ImmutableArray.Create(a, b))));
        foreach (var failures in cases)
        {
            var failed = t with { Failures = t.Failures.Union(failures) };
            var plain = Fingerprint(Planes.Compute(failed, skipKnownToRouting: false));
            var recomputed = Planes.Recompute(baseline, failed);
            Assert.True(plain.SequenceEqual(Fingerprint(recomputed)), $"{string.Join(" + ", failures)}: {FirstDifference(plain, Fingerprint(recomputed))}");
            // The way back: from the failed state to the baseline (a timeline step that restores the element).
            Assert.True(Fingerprint(baseline).SequenceEqual(Fingerprint(Planes.Recompute(recomputed, t))), $"restoring {string.Join(" + ", failures)}");
        }
    }

    private static string FirstDifference(string[] a, string[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            if (a[i] != b[i]) return $"line {i}: plain '{a[i]}' vs recomputed '{b[i]}'";
        return $"lengths {a.Length} vs {b.Length}";
    }

    private static string[] Fingerprint(Planes p) =>
    [
        .. p.Routing.Bgp.Sessions.Select(s => $"{s.Local.Speaker}|{s.Local.PeerAddress}|{s.Remote?.Speaker}|{s.State}|{s.Reason}|{s.PrefixesReceived}|{s.PrefixesSent}"),
        .. p.Routing.Bgp.Speakers.SelectMany(s => s.Rib.SelectMany(e => e.Paths.Select(c => $"{s.Id}|{e.Prefix}|{c.Path.NextHop}|{c.Path.AsPathText}|{c.Best}|{c.NotBestReason}"))),
        .. p.Routing.Notes.Select(n => $"note|{n}"),
        .. p.Routing.AllSubnetTables().SelectMany(x => x.Table.Routes.Select(r => $"{x.Subnet.Id}|{r}|{r.Explanation}")),
        .. p.Routing.Topology.VirtualNetworkGateways.SelectMany(g => p.Routing.Bgp.LearnedRoutes(g.Name).Select(r => $"{g.Name}|{r}")),
        .. p.Routing.Topology.VirtualNetworkGateways.SelectMany(g => p.Routing.Bgp.PeerStatus(g.Name).Select(r => $"{g.Name}|{r}")),
        .. p.Routing.Topology.VirtualNetworks.SelectMany(v => p.Routing.GatewayRoutes(v.Name)?.Routes.Select(r => $"{v.Name}|gw|{r}|{string.Join(",", r.Via)}") ?? []),
        .. p.Routing.Topology.OnPremisesDevices.SelectMany(d => p.Routing.Bgp.DeviceTable(d.Name).Select(r => $"{d.Name}|{r}")),
        .. p.Tunnels.Connections.Select(c => $"{c.Connection}|{c.State}|{c.Reason}"),
    ];
}
