using NetTwin.Formats.Ios;
using NetTwin.Model;
using static NetTwin.Tests.Ios.Ios;

namespace NetTwin.Tests.Ios;

public class IosPrefixListTests
{
    private static PrefixList List(string entries) =>
        Clean(string.Join("\n", entries.Split('|').Select(e => $"ip prefix-list L {e.Trim()}"))).PrefixLists["L"];

    [Fact]
    public void ParsesEntriesWithSequenceActionPrefixAndBounds()
    {
        var config = Clean("""
            ip prefix-list Azure-Advertised-Routes description routes the gateways advertise
            ip prefix-list Azure-Advertised-Routes seq 10 permit 10.64.0.0/23
            ip prefix-list Azure-Advertised-Routes seq 20 deny 172.16.0.0/16 ge 24 le 28
            """);
        var list = config.PrefixLists["Azure-Advertised-Routes"];
        Assert.Equal("Azure-Advertised-Routes", list.Name);
        Assert.Equal("routes the gateways advertise", list.Description);
        Assert.Equal(new SourceRef(Ios.File, 1, 1), list.Source);
        Assert.Collection(list.Entries,
            e =>
            {
                Assert.Equal(10, e.Sequence);
                Assert.Equal(LineAction.Permit, e.Action);
                Assert.Equal(P("10.64.0.0/23"), e.Prefix);
                Assert.Null(e.Ge);
                Assert.Null(e.Le);
                Assert.Equal((23, 23), (e.MinLength, e.MaxLength));
                Assert.Equal(2, e.Source.Line);
            },
            e =>
            {
                Assert.Equal(20, e.Sequence);
                Assert.Equal(LineAction.Deny, e.Action);
                Assert.Equal(P("172.16.0.0/16"), e.Prefix);
                Assert.Equal(24, e.Ge);
                Assert.Equal(28, e.Le);
                Assert.Equal((24, 28), (e.MinLength, e.MaxLength));
                Assert.Equal(3, e.Source.Line);
            });
    }

    [Fact]
    public void EntriesWithoutSeqAreNumberedInStepsOfFiveAfterTheHighest()
    {
        var list = List("permit 10.0.0.0/8 | seq 12 permit 11.0.0.0/8 | permit 12.0.0.0/8 | seq 1 deny 0.0.0.0/0");
        Assert.Equal([1L, 5L, 12L, 17L], list.Entries.Select(e => e.Sequence));
        Assert.Equal(P("0.0.0.0/0"), list.Entries[0].Prefix); // evaluated first: sorted by sequence
    }

    [Theory]
    // exact match only without ge/le
    [InlineData("permit 10.0.0.0/8", "10.0.0.0/8", true)]
    [InlineData("permit 10.0.0.0/8", "10.0.0.0/9", false)]
    [InlineData("permit 10.0.0.0/8", "10.1.0.0/16", false)]
    [InlineData("permit 10.0.0.0/8", "11.0.0.0/8", false)]
    // le 32: the prefix itself and everything inside it
    [InlineData("permit 10.0.0.0/8 le 32", "10.0.0.0/8", true)]
    [InlineData("permit 10.0.0.0/8 le 32", "10.255.255.255/32", true)]
    [InlineData("permit 10.0.0.0/8 le 32", "10.0.0.0/7", false)]
    [InlineData("permit 10.0.0.0/8 le 32", "11.0.0.0/8", false)]
    [InlineData("permit 10.0.0.0/8 le 32", "0.0.0.0/0", false)]
    // ge 1 from the default: everything except the default route itself
    [InlineData("permit 0.0.0.0/0 ge 1", "0.0.0.0/0", false)]
    [InlineData("permit 0.0.0.0/0 ge 1", "0.0.0.0/1", true)]
    [InlineData("permit 0.0.0.0/0 ge 1", "128.0.0.0/1", true)]
    [InlineData("permit 0.0.0.0/0 ge 1", "10.1.2.3/32", true)]
    // the default route only
    [InlineData("permit 0.0.0.0/0", "0.0.0.0/0", true)]
    [InlineData("permit 0.0.0.0/0", "10.0.0.0/8", false)]
    // everything
    [InlineData("permit 0.0.0.0/0 le 32", "0.0.0.0/0", true)]
    [InlineData("permit 0.0.0.0/0 le 32", "192.168.1.1/32", true)]
    // ge alone runs to /32
    [InlineData("permit 10.0.0.0/8 ge 24", "10.1.2.0/24", true)]
    [InlineData("permit 10.0.0.0/8 ge 24", "10.1.2.3/32", true)]
    [InlineData("permit 10.0.0.0/8 ge 24", "10.1.0.0/16", false)]
    [InlineData("permit 10.0.0.0/8 ge 24", "10.0.0.0/8", false)]
    // ge and le: a band of lengths
    [InlineData("permit 10.0.0.0/8 ge 16 le 24", "10.1.0.0/16", true)]
    [InlineData("permit 10.0.0.0/8 ge 16 le 24", "10.1.2.0/24", true)]
    [InlineData("permit 10.0.0.0/8 ge 16 le 24", "10.1.2.0/25", false)]
    [InlineData("permit 10.0.0.0/8 ge 16 le 24", "10.0.0.0/15", false)]
    // ge = le: one length
    [InlineData("permit 10.0.0.0/8 ge 24 le 24", "10.9.9.0/24", true)]
    [InlineData("permit 10.0.0.0/8 ge 24 le 24", "10.9.0.0/23", false)]
    // le only starts at the prefix's own length
    [InlineData("permit 172.16.0.0/12 le 16", "172.16.0.0/12", true)]
    [InlineData("permit 172.16.0.0/12 le 16", "172.31.0.0/16", true)]
    [InlineData("permit 172.16.0.0/12 le 16", "172.31.1.0/24", false)]
    [InlineData("permit 172.16.0.0/12 le 16", "172.32.0.0/16", false)]
    // le before ge is accepted
    [InlineData("permit 10.0.0.0/8 le 24 ge 16", "10.1.0.0/16", true)]
    public void MatchesFollowsIosSemantics(string entry, string candidate, bool expected) =>
        Assert.Equal(expected, List(entry).Matches(P(candidate)));

    [Fact]
    public void FirstMatchDecidesAndNoMatchIsTheImplicitDeny()
    {
        var list = List("seq 5 deny 10.1.0.0/16 le 32 | seq 10 permit 10.0.0.0/8 le 32");
        Assert.False(list.Matches(P("10.1.2.0/24")));
        Assert.Equal(5, list.FirstMatch(P("10.1.2.0/24"))!.Sequence);
        Assert.True(list.Matches(P("10.2.0.0/16")));
        Assert.Equal(10, list.FirstMatch(P("10.2.0.0/16"))!.Sequence);
        Assert.False(list.Matches(P("192.168.0.0/16")));   // implicit deny
        Assert.Null(list.FirstMatch(P("192.168.0.0/16")));
    }

    [Fact]
    public void AListWithOnlyADescriptionPermitsEverythingLikeAnUndefinedOne()
    {
        var config = Clean("ip prefix-list EMPTY description nothing yet");
        Assert.Empty(config.PrefixLists["EMPTY"].Entries);
        Assert.True(config.PrefixLists["EMPTY"].Matches(P("10.0.0.0/8")));
        Assert.True(config.PrefixListPermits("EMPTY", P("10.0.0.0/8")));
        Assert.True(config.PrefixListPermits("NOT-DEFINED", P("10.0.0.0/8")));
    }

    [Fact]
    public void HostBitsAreClearedWithAWarning()
    {
        var result = Parse("ip prefix-list L seq 5 permit 10.1.1.0/16");
        Assert.Equal(P("10.1.0.0/16"), result.Config.PrefixLists["L"].Entries[0].Prefix);
        var d = Single(result);
        Assert.Equal(IosDiagnosticKind.Warning, d.Kind);
        Assert.Equal((1, 31), (d.Line, d.Column));
        Assert.Equal("10.1.1.0/16 has host bits set (prefix-list entry); IOS stores it as 10.1.0.0/16", d.Message);
    }

    [Theory]
    [InlineData("ip prefix-list L permit 10.0.0.0/8 ge 8", 36, "invalid prefix range for 10.0.0.0/8: IOS requires len < ge-value <= le-value <= 32")]
    [InlineData("ip prefix-list L permit 10.0.0.0/8 le 8", 36, "invalid prefix range for 10.0.0.0/8: IOS requires len < ge-value <= le-value <= 32")]
    [InlineData("ip prefix-list L permit 10.0.0.0/8 ge 24 le 16", 36, "invalid prefix range for 10.0.0.0/8: IOS requires len < ge-value <= le-value <= 32")]
    [InlineData("ip prefix-list L permit 10.0.0.0/16 ge 12", 37, "invalid prefix range for 10.0.0.0/16: IOS requires len < ge-value <= le-value <= 32")]
    [InlineData("ip prefix-list L permit 10.0.0.0/8 le 33", 39, "le length 33 is out of range (0-32)")]
    [InlineData("ip prefix-list L permit 10.0.0.0/33", 25, "'10.0.0.0/33': the prefix length must be 0 to 32")]
    [InlineData("ip prefix-list L permit 10.0.0.256/8", 25, "'10.0.0.256/8' is not a valid prefix: '10.0.0.256' is not an IPv4 address")]
    [InlineData("ip prefix-list L permit 10.0.0.0/8 ge 9 ge 10", 41, "'ge' is given twice")]
    [InlineData("ip prefix-list L allow 10.0.0.0/8", 18, "unexpected word `allow`, expected 'permit' or 'deny'")]
    [InlineData("ip prefix-list L permit 10.0.0.0 255.0.0.0", 25, "unexpected address `10.0.0.0`, expected prefix (a.b.c.d/n)")]
    [InlineData("ip prefix-list L permit 10.0.0.0/8 ge", 38, "unexpected end of input, expected prefix length")]
    public void InvalidEntriesAreErrorsAndAreNotApplied(string line, int column, string message)
    {
        var result = Parse(line);
        var d = Single(result);
        Assert.Equal(IosDiagnosticKind.Error, d.Kind);
        Assert.Equal(Ios.File, d.File);
        Assert.Equal(1, d.Line);
        Assert.Equal(column, d.Column);
        Assert.Equal(line, d.Text);
        Assert.Equal(message, d.Message);
        Assert.Empty(result.Config.PrefixLists);
        Assert.Equal(SourceLineKind.Error, result.Config.SourceLines[0].Kind);
    }

    [Fact]
    public void ASequenceGivenAgainReplacesTheEntryWithAWarning()
    {
        var result = Parse("ip prefix-list L seq 5 permit 10.0.0.0/8\nip prefix-list L seq 5 deny 10.0.0.0/8");
        Assert.Equal(LineAction.Deny, Assert.Single(result.Config.PrefixLists["L"].Entries).Action);
        Assert.Equal("prefix-list L seq 5 replaces the entry at line 1", Single(result).Message);
    }
}
