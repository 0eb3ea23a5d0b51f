using System.Text.Json;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.WhatIf;

/// <summary>`nettwin failures` through the CLI's own code path.</summary>
public class FailuresCommandTests
{
    private static JsonElement Outcome(string json, string failure) =>
        JsonDocument.Parse(json).RootElement.GetProperty("breaking").EnumerateArray()
            .Single(o => string.Join(" + ", o.GetProperty("failures").EnumerateArray().Select(f => f.GetString())) == failure);

    private static List<string> Names(JsonElement o, string list, string field) =>
        [.. o.GetProperty(list).EnumerateArray().Select(x => x.GetProperty(field).GetString()!)];

    [Fact]
    public void S1LosingTheCircuitTakesBothTunnelsDownWithIt()
    {
        var r = Nt.Run("failures", Nt.Example("s1-vpn-over-er"), "--k", "1", "-o", "json");
        Assert.Equal("", r.Err);
        Assert.Equal(1, r.ExitCode); // some failure breaks an intent
        var root = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal(root.GetProperty("planned").GetInt32(), root.GetProperty("finished").GetInt32());
        Assert.False(root.GetProperty("stopped").GetBoolean());
        var circuit = Outcome(r.Out, "expressRouteCircuits/er-circuit");
        Assert.Equal(["datacenter01_connection", "datacenter02_connection"], Names(circuit, "tunnelsDown", "connection"));
        Assert.All(circuit.GetProperty("tunnelsDown").EnumerateArray(), t => Assert.Contains("but circuit er-circuit is failed", t.GetProperty("reason").GetString()));
        Assert.Equal(["spoke-reaches-datacenter", "spoke-datacenter-symmetric", "datacenter-reaches-spoke"], Names(circuit, "brokenIntents", "intent"));
        // Worst first: the circuit breaks all three intents, and is listed before any failure breaking fewer.
        var first = root.GetProperty("breaking")[0];
        Assert.Equal(3, first.GetProperty("brokenIntents").GetArrayLength());
    }

    [Fact]
    public void S2LosingThePrimaryBreaksVm1ToVm2AndNothingBreaksTheInternetIntent()
    {
        var r = Nt.Run("failures", Nt.Example("s2-ipsec-backup"), "-o", "json");
        Assert.Equal(1, r.ExitCode);
        var primary = Outcome(r.Out, "connections/vng1-to-lng1");
        Assert.Equal(["vm1-reaches-vm2", "vm2-reaches-vm1"], Names(primary, "brokenIntents", "intent"));
        Assert.Equal(["vng1-to-lng1", "vng3-to-lng3"], Names(primary, "tunnelsDown", "connection"));
        var session = Outcome(r.Out, "bgpPeers/vng1/10.4.0.254");
        Assert.Equal(["vm1-reaches-vm2", "vm2-reaches-vm1"], Names(session, "brokenIntents", "intent"));
        var backup = Outcome(r.Out, "connections/vng2-to-lng2");
        Assert.Empty(backup.GetProperty("brokenIntents").EnumerateArray());
        Assert.DoesNotContain("vm1-internet-via-vm3", r.Out);
    }

    [Fact]
    public void PairsIncludeEverySingleAndEveryPair()
    {
        var one = JsonDocument.Parse(Nt.Run("failures", Nt.Example("s2-ipsec-backup"), "-o", "json").Out).RootElement;
        var two = JsonDocument.Parse(Nt.Run("failures", Nt.Example("s2-ipsec-backup"), "--k", "2", "-o", "json").Out).RootElement;
        var n = one.GetProperty("candidates").GetArrayLength();
        Assert.Equal(n, one.GetProperty("planned").GetInt32());
        Assert.Equal(n + n * (n - 1) / 2, two.GetProperty("planned").GetInt32());
        // Losing both paths breaks VM1 -> VM2.
        var both = Outcome(two.GetRawText(), "connections/vng1-to-lng1 + connections/vng2-to-lng2");
        Assert.Contains("vm1-reaches-vm2", Names(both, "brokenIntents", "intent"));
    }

    [Fact]
    public void KOtherThanOneOrTwoIsAUsageError()
    {
        var r = Nt.Run("failures", Nt.Example("s2-ipsec-backup"), "--k", "3");
        Assert.Equal(2, r.ExitCode);
    }
}
