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
    public static TheoryData<string> Examples() => ["s0-proxy-tunnel", "s1-vpn-over-er", "s2-ipsec-backup", "s3-third-parties", "s4-vnet-to-vnet"];

    [Theory]
    [MemberData(nameof(Examples))]
    public void RoutesLostPerChangedPrefixEqualsTheFullComparisonOnEveryExampleFailure(string example)
    {
        var t = TopologyLoader.Load(Nt.Example(example));
        AssertSameRoutesLost(t);
    }

    [Fact]
    public void RoutesLostPerChangedPrefixEqualsTheFullComparisonOnTheSmallGeneratedEstate()
    {
        var folder = EstateGenerator.Generate(EstateSpec.Small).WriteToTemp();
        try { AssertSameRoutesLost(TopologyLoader.Load(folder)); }
        finally { Directory.Delete(folder, recursive: true); }
    }

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
    public void FlowDiffOverTouchedSubnetsEqualsTheFullDiffOnTheSmallGeneratedEstate()
    {
        var folder = EstateGenerator.Generate(EstateSpec.Small).WriteToTemp();
        try
        {
            var before = TopologyLoader.Load(folder);
            foreach (var change in new[] { "one-udr.yaml", "one-peering-flag.yaml" })
                WhatIfEquivalence.AssertSameDifferences(before, TopologyLoader.Load(folder, [Path.Combine(folder, "changes", change)]));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>Tunnels down only because their own connection or instance is failed need no second routing pass:
    /// the planes equal those of the plain two-pass definition for every failure case.</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void PlanesWithoutTheRedundantSecondPassEqualThePlainOnesForEveryFailure(string example) =>
        AssertSamePlanesForEveryFailure(TopologyLoader.Load(Nt.Example(example)));

    [Fact]
    public void PlanesWithoutTheRedundantSecondPassEqualThePlainOnesOnTheSmallGeneratedEstate()
    {
        var folder = EstateGenerator.Generate(EstateSpec.Small).WriteToTemp();
        try { AssertSamePlanesForEveryFailure(TopologyLoader.Load(folder)); }
        finally { Directory.Delete(folder, recursive: true); }
    }

    private static void AssertSamePlanesForEveryFailure(Topology t)
    {
        var baseline = EstateAnalysis.Of(t);
        foreach (var f in FailureSweep.Candidates(baseline).Append(null))
        {
            var failed = f is null ? t : t with { Failures = t.Failures.Add(f) };
            Assert.Equal(Fingerprint(Planes.Compute(failed, skipKnownToRouting: false)), Fingerprint(Planes.Compute(failed)));
        }
    }

    private static string[] Fingerprint(Planes p) =>
    [
        .. p.Routing.Bgp.Sessions.Select(s => $"{s.Local.Speaker}|{s.Local.PeerAddress}|{s.Remote?.Speaker}|{s.State}|{s.Reason}|{s.PrefixesReceived}"),
        .. p.Routing.AllSubnetTables().SelectMany(x => x.Table.Routes.Select(r => $"{x.Subnet.Id}|{r}|{r.Explanation}")),
        .. p.Routing.Topology.VirtualNetworkGateways.SelectMany(g => p.Routing.Bgp.LearnedRoutes(g.Name).Select(r => $"{g.Name}|{r}")),
        .. p.Tunnels.Connections.Select(c => $"{c.Connection}|{c.State}|{c.Reason}"),
    ];
}
