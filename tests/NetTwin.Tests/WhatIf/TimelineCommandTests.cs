using System.Text.Json;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.WhatIf;

/// <summary>`nettwin timeline` through the CLI's own code path.</summary>
public class TimelineCommandTests
{
    private static readonly string S2Timeline = Path.Combine(Nt.Example("s2-ipsec-backup"), "timeline.yaml");
    private static readonly string WrongOrder = Path.Combine(Nt.Root, "tests", "NetTwin.Tests", "WhatIf", "Fixtures", "s2-wrong-order.yaml");

    private static List<(int Step, string Expected, bool Met)> Expectations(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("steps").EnumerateArray().SelectMany(s => s.GetProperty("expectations").EnumerateArray()
            .Select(e => (s.GetProperty("step").GetInt32(), e.GetProperty("expected").GetString()!, e.GetProperty("met").GetBoolean())))];

    [Fact]
    public void S2DrillMeetsEveryStepsExpectations()
    {
        var r = Nt.Run("timeline", S2Timeline, "-o", "json");
        Assert.Equal("", r.Err);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
        [
            (1, "valid", true),
            (1, "intent vm1-reaches-vm2 holds", true),
            (1, "intent vm1-internet-via-vm3 holds", true),
            (1, "BGP session vng1 -> 10.4.0.254 Connected", true),
            (1, "vng1 learned 10.1.0.0/16", true),
            (1, "vng1 learned 10.2.0.0/16", true),
            (1, "vng1 learned 10.3.0.0/16", true),
            (1, "vng1 learned 10.4.0.0/16", true),
            (1, "vng1 learned 10.5.0.0/16", true),
            (2, "valid", true),
            (2, "intent vm1-internet-via-vm3 holds", true),
            (2, "intent vm1-reaches-vm2 violated", true),
            (2, "BGP session vng1 -> 10.4.0.253 notConnected", true),
            (2, "not vng1 learned 10.5.0.0/16", true),
            (3, "valid", true),
            (3, "intent vm1-internet-via-vm3 holds", true),
            (3, "intent vm1-reaches-vm2 violated", true),
            (4, "valid", true),
            (4, "intent vm1-reaches-vm2 holds", true),
            (4, "intent vm1-internet-via-vm3 holds", true),
            (4, "vng3 learned 10.1.0.0/16 from 10.3.0.254", true),
        ], Expectations(r.Out));
        var steps = JsonDocument.Parse(r.Out).RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.False(steps[0].GetProperty("difference").GetBoolean());
        Assert.All(steps.Skip(1), s => Assert.True(s.GetProperty("difference").GetBoolean()));
    }

    [Fact]
    public void S2TableOutputSaysPassed()
    {
        var r = Nt.Run("timeline", S2Timeline);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Step 1: initial\n===============\nvalidation: valid\nno difference\n", r.Out.Replace("\r\n", "\n"));
        Assert.EndsWith("timeline passed: 21 expectation(s) met over 4 step(s)", r.Out.TrimEnd());
    }

    [Fact]
    public void Step4BeforeStep3FailsValidationAtThatStepAndExits1()
    {
        var r = Nt.Run("timeline", WrongOrder, "-o", "json");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
        [
            (1, "valid", true),
            (1, "intent vm1-reaches-vm2 violated", true),
            (2, "valid", false),
            (3, "valid", true),
            (3, "intent vm1-reaches-vm2 holds", true),
        ], Expectations(r.Out));
        var step2 = JsonDocument.Parse(r.Out).RootElement.GetProperty("steps")[1];
        Assert.False(step2.GetProperty("valid").GetBoolean());
        var gained = Assert.Single(step2.GetProperty("differences").GetProperty("findings").EnumerateArray());
        Assert.Equal("gained", gained.GetProperty("change").GetString());
        Assert.Equal("NT-PEER-001", gained.GetProperty("id").GetString());
        Assert.StartsWith("Peering vnet1/vnet1-to-vnet3 cannot have UseRemoteGateways flag set to true, because another peering ",
            gained.GetProperty("message").GetString());
        Assert.EndsWith("/virtualNetworkPeerings/vnet1-to-vnet2 already has UseRemoteGateways flag set to true.", gained.GetProperty("message").GetString());
        var table = Nt.Run("timeline", WrongOrder);
        Assert.Equal(1, table.ExitCode);
        Assert.EndsWith("timeline FAILED: 1 of 5 expectation(s) not met (steps 2)", table.Out.TrimEnd());
    }

    private static string Timeline(string body)
    {
        var dir = Nt.TempTopology(("timeline.yaml", body.Replace("S2", Nt.Example("s2-ipsec-backup"))));
        return Path.Combine(dir, "timeline.yaml");
    }

    [Fact]
    public void AnUnknownIntentNameIsBadInputNamingFileAndLine()
    {
        var file = Timeline("""
            topology: S2
            intents: S2/intents.yaml
            steps:
              - name: initial
                expect:
                  holds: [vm1-reaches-vm3]
            """);
        var r = Nt.Run("timeline", file);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"{file}:6:15: error: no intent named 'vm1-reaches-vm3' in {Nt.Example("s2-ipsec-backup")}/intents.yaml (did you mean 'vm1-reaches-vm2'?) (at step 1)", r.Err.Trim());
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void UnknownKeysMissingChangeSetsAndBadStatesAreAllReportedWithTheirLines()
    {
        var file = Timeline("""
            topology: S2
            steps:
              - name: one
                changes: [nope.yaml]
                expect:
                  valdi: true
                  bgpSessions:
                    - { speaker: vng1, neighbor: 10.4.0.254, state: Up }
            """);
        var r = Nt.Run("timeline", file);
        Assert.Equal(2, r.ExitCode);
        var dir = Path.GetDirectoryName(file)!;
        Assert.Equal(
        [
            $"{file}:4:15: error: change set 'nope.yaml' not found (looked for {dir}/nope.yaml)",
            $"{file}:6:7: error: unknown key 'valdi' in 'expect' (did you mean 'valid'?)",
            $"{file}:8:57: error: 'state' must be one of Connected, Connecting, Idle, notConnected, not 'Up'",
        ], r.Err.Trim().Split('\n').Select(l => l.TrimEnd()).ToList());
    }

    [Fact]
    public void AMissingTimelineIsBadInput()
    {
        var r = Nt.Run("timeline", "/nonexistent/timeline.yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("/nonexistent/timeline.yaml: error: timeline not found: no such file", r.Err.Trim());
    }

    [Fact]
    public void MalformedYamlIsBadInputWithItsLine()
    {
        var file = Timeline("steps:\n  - name: [unclosed\n");
        var r = Nt.Run("timeline", file);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"{file}:", r.Err);
        Assert.DoesNotContain("Exception", r.Err);
    }
}
