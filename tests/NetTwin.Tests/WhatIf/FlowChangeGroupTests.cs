using NetTwin.Bench;
using NetTwin.Tests.Support;
using NetTwin.WhatIf;

namespace NetTwin.Tests.WhatIf;

/// <summary>Large flow diffs grouped by source (FlowChanges.BySource) and shown grouped by `nettwin whatif`'s table.</summary>
public class FlowChangeGroupTests
{
    private static FlowChange Flow(string from, string to, string range, string before, string after) =>
        new(from, to, [range], "disposition", before, after, [from, "fw"], [from, "fw"]);

    [Fact]
    public void FlowsThatDifferOnlyInTheirSourceAreOneGroupLargestFirst()
    {
        var groups = FlowChanges.BySource(
        [
            Flow("a/x", "v/web", "10.2.0.0/24", "DELIVERED at v/web", "FORWARDED_TRAFFIC_BLOCKED at fw"),
            Flow("v/app", "b/x", "10.3.0.0/24", "DELIVERED at b/x", "DELIVERED, reply FORWARDED_TRAFFIC_BLOCKED at b/x"),
            Flow("b/x", "v/web", "10.2.0.0/24", "DELIVERED at v/web", "FORWARDED_TRAFFIC_BLOCKED at fw"),
            Flow("c/x", "v/web", "10.2.0.0/24", "DELIVERED at v/web", "FORWARDED_TRAFFIC_BLOCKED at fw"),
            // Same destination, other verdict before: its own group.
            Flow("d/x", "v/web", "10.2.0.0/24", "DROPPED at d/x", "FORWARDED_TRAFFIC_BLOCKED at fw"),
        ]);
        Assert.Equal(3, groups.Count);
        Assert.Equal(["a/x", "b/x", "c/x"], groups[0].Sources);
        Assert.Equal(("v/web", "10.2.0.0/24", "DELIVERED at v/web", "FORWARDED_TRAFFIC_BLOCKED at fw"),
            (groups[0].To, Assert.Single(groups[0].Destinations), groups[0].Before, groups[0].After));
        Assert.Equal(["v/app"], groups[1].Sources);
        Assert.Equal("b/x", groups[1].To);
        Assert.Equal(["d/x"], groups[2].Sources);
        Assert.Equal("DROPPED at d/x", groups[2].Before);
    }

    /// <summary>The small generated estate's peering-flag change (a spoke stops accepting what its hub's firewall
    /// forwards) changes 80 flows: the table shows them grouped, the JSON keeps every flow.</summary>
    [Fact]
    public void WhatIfGroupsManyFlowChangesInItsTable() => Nt.WithEstate(folder =>
    {
        var change = Path.Combine(folder, EstateGenerator.PeeringChangeFile);
        var table = Nt.Run("whatif", folder, "--change", change);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("Flows: 80 changes, 26 group(s) of sources that changed alike", table.Out, StringComparison.Ordinal);
        Assert.Contains("18 subnets: spoke-0001/app, spoke-0001/web,", table.Out, StringComparison.Ordinal);
        Assert.Contains("(more than 40 flow changes: grouped by source; every flow with its paths: -o json)", table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Path before", table.Out, StringComparison.Ordinal);

        var json = Nt.Run("whatif", folder, "--change", change, "-o", "json");
        Assert.Equal(0, json.ExitCode);
        var flows = System.Text.Json.JsonDocument.Parse(json.Out).RootElement.GetProperty("differences").GetProperty("flows");
        Assert.Equal(80, flows.GetArrayLength());
    });
}
