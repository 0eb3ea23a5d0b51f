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
}
