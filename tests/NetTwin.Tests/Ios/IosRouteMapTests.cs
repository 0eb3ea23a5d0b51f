using NetTwin.Formats.Ios;
using NetTwin.Model;
using static NetTwin.Tests.Ios.Ios;

namespace NetTwin.Tests.Ios;

public class IosRouteMapTests
{
    private const string Policy = """
        ip prefix-list AZURE seq 10 permit 10.64.0.0/23
        ip prefix-list AZURE seq 20 permit 172.16.0.0/16
        ip prefix-list BOGONS seq 5 permit 192.168.0.0/16 le 32
        !
        route-map FROM-AZURE deny 5
         match ip address prefix-list BOGONS
        route-map FROM-AZURE permit 10
         description prefer the VPN
         match ip address prefix-list AZURE
         set local-preference 200
         set weight 100
         set metric 50
         set as-path prepend 65501 65501
         set ip next-hop 169.254.21.2
        """;

    private static BgpRouteAttributes Route(string prefix) => new(P(prefix)) { AsPath = [65515] };

    [Fact]
    public void ParsesEntriesMatchesAndSets()
    {
        var map = Clean(Policy).RouteMaps["FROM-AZURE"];
        Assert.Equal("FROM-AZURE", map.Name);
        Assert.Equal(5, map.Source.Line);
        Assert.Collection(map.Entries,
            e =>
            {
                Assert.Equal((5, LineAction.Deny), (e.Sequence, e.Action));
                Assert.Equal(["BOGONS"], e.MatchPrefixLists.AsEnumerable());
                Assert.Null(e.Sets.LocalPreference);
                Assert.Empty(e.Sets.AsPathPrepend);
            },
            e =>
            {
                Assert.Equal((10, LineAction.Permit), (e.Sequence, e.Action));
                Assert.Equal("prefer the VPN", e.Description);
                Assert.Equal(["AZURE"], e.MatchPrefixLists.AsEnumerable());
                Assert.Empty(e.MatchAccessLists);
                Assert.Equal(200L, e.Sets.LocalPreference);
                Assert.Equal(100, e.Sets.Weight);
                Assert.Equal(50L, e.Sets.Metric);
                Assert.Equal([65501L, 65501L], e.Sets.AsPathPrepend.AsEnumerable());
                Assert.Equal(Ip("169.254.21.2"), e.Sets.NextHop);
                Assert.Equal(7, e.Source.Line);
            });
    }

    [Fact]
    public void APermitEntryThatMatchesAppliesItsSets()
    {
        var config = Clean(Policy);
        var result = config.EvaluateRouteMap("FROM-AZURE", Route("10.64.0.0/23"));
        Assert.True(result.Permitted);
        Assert.Equal(10, result.Sequence);
        Assert.False(result.ImplicitDeny);
        Assert.Equal(200, result.Route.LocalPreference);
        Assert.Equal(100, result.Route.Weight);
        Assert.Equal(50, result.Route.Metric);
        Assert.Equal([65501L, 65501L, 65515L], result.Route.AsPath.AsEnumerable());
        Assert.Equal(Ip("169.254.21.2"), result.Route.NextHop);
        Assert.Equal(P("10.64.0.0/23"), result.Route.Prefix);
    }

    [Fact]
    public void ADenyEntryThatMatchesDropsTheRouteUnchanged()
    {
        var config = Clean(Policy);
        var route = Route("192.168.10.0/24");
        var result = config.EvaluateRouteMap("FROM-AZURE", route);
        Assert.False(result.Permitted);
        Assert.Equal(5, result.Sequence);
        Assert.False(result.ImplicitDeny);
        Assert.Same(route, result.Route);
    }

    [Fact]
    public void ARouteNoEntryMatchesMeetsTheImplicitDeny()
    {
        var result = Clean(Policy).EvaluateRouteMap("FROM-AZURE", Route("10.64.0.0/24"));
        Assert.False(result.Permitted);
        Assert.Null(result.Sequence);
        Assert.True(result.ImplicitDeny);
        Assert.Equal(100, result.Route.LocalPreference);
    }

    [Fact]
    public void AnEntryWithoutMatchClausesMatchesEveryRoute()
    {
        var config = Clean("""
            ip prefix-list ONLY-10 seq 5 permit 10.0.0.0/8
            route-map M deny 10
             match ip address prefix-list ONLY-10
            route-map M permit 20
             set local-preference 50
            """);
        Assert.False(config.EvaluateRouteMap("M", Route("10.0.0.0/8")).Permitted);
        var other = config.EvaluateRouteMap("M", Route("0.0.0.0/0"));
        Assert.True(other.Permitted);
        Assert.Equal(20, other.Sequence);
        Assert.Equal(50, other.Route.LocalPreference);
        Assert.False(config.RouteMaps["M"].Entries[1].HasMatchClauses);
    }

    [Fact]
    public void ADenyEntryWithoutMatchClausesDeniesEverything()
    {
        var config = Clean("route-map NONE deny 10");
        var result = config.EvaluateRouteMap("NONE", Route("10.0.0.0/8"));
        Assert.False(result.Permitted);
        Assert.Equal(10, result.Sequence);
        Assert.False(result.ImplicitDeny);
    }

    [Fact]
    public void SeveralPrefixListsInOneClauseAreAlternatives()
    {
        var config = Clean("""
            ip prefix-list A seq 5 permit 10.0.0.0/8
            ip prefix-list B seq 5 permit 11.0.0.0/8
            route-map M permit 10
             match ip address prefix-list A B
            """);
        Assert.Equal(["A", "B"], config.RouteMaps["M"].Entries[0].MatchPrefixLists.AsEnumerable());
        Assert.True(config.EvaluateRouteMap("M", Route("10.0.0.0/8")).Permitted);
        Assert.True(config.EvaluateRouteMap("M", Route("11.0.0.0/8")).Permitted);
        Assert.False(config.EvaluateRouteMap("M", Route("12.0.0.0/8")).Permitted);
    }

    [Fact]
    public void DefaultsArePermitAndSequenceTenAndReenteringAnEntryExtendsIt()
    {
        var config = Clean("""
            route-map M
             set weight 5
            route-map M deny 10
             set metric 7
            """);
        var entry = Assert.Single(config.RouteMaps["M"].Entries);
        Assert.Equal((10, LineAction.Deny), (entry.Sequence, entry.Action));
        Assert.Equal(5, entry.Sets.Weight);
        Assert.Equal(7L, entry.Sets.Metric);
    }

    [Fact]
    public void EntriesAreEvaluatedInSequenceOrderNotFileOrder()
    {
        var config = Clean("""
            route-map M permit 20
             set local-preference 20
            route-map M permit 10
             set local-preference 10
            """);
        Assert.Equal([10, 20], config.RouteMaps["M"].Entries.Select(e => e.Sequence));
        Assert.Equal(10, config.EvaluateRouteMap("M", Route("10.0.0.0/8")).Route.LocalPreference);
    }

    [Fact]
    public void AnUndefinedPrefixListInAMatchMatchesEverythingAndIsReported()
    {
        var result = Parse("route-map M permit 10\n match ip address prefix-list NOPE\n set weight 1");
        var d = Single(result);
        Assert.Equal(IosDiagnosticKind.Warning, d.Kind);
        Assert.Equal((2, 31), (d.Line, d.Column));
        Assert.Equal("prefix-list 'NOPE' (route-map match) is not defined; IOS then treats the match as matching every route", d.Message);
        var eval = result.Config.EvaluateRouteMap("M", Route("8.8.8.0/24"));
        Assert.True(eval.Permitted);
        Assert.Equal(["NOPE"], eval.UndefinedReferences.AsEnumerable());
    }

    [Fact]
    public void NoRouteMapPassesTheRouteAndAnUndefinedOneDeniesIt()
    {
        var config = Clean("hostname R1");
        var route = Route("10.0.0.0/8");
        Assert.True(config.EvaluateRouteMap(null, route).Permitted);
        var missing = config.EvaluateRouteMap("MISSING", route);
        Assert.False(missing.Permitted);
        Assert.Equal(["MISSING"], missing.UndefinedReferences.AsEnumerable());
    }

    [Fact]
    public void AccessListMatchesTestTheNetworkAddressAndForExtendedListsTheMask()
    {
        var config = Clean("""
            access-list 10 permit 10.0.0.0 0.255.255.255
            ip access-list extended SLASH24-IN-10
             permit ip 10.0.0.0 0.255.255.255 host 255.255.255.0
            route-map STD permit 10
             match ip address 10
            route-map EXT permit 10
             match ip address SLASH24-IN-10
            """);
        Assert.Equal(["10"], config.RouteMaps["STD"].Entries[0].MatchAccessLists.AsEnumerable());
        Assert.True(config.EvaluateRouteMap("STD", Route("10.1.0.0/16")).Permitted);
        Assert.False(config.EvaluateRouteMap("STD", Route("11.0.0.0/8")).Permitted);
        Assert.True(config.EvaluateRouteMap("EXT", Route("10.1.2.0/24")).Permitted);
        Assert.False(config.EvaluateRouteMap("EXT", Route("10.1.0.0/16")).Permitted);
    }

    [Fact]
    public void AMatchClauseNotModelledIsReportedAndItsEntryNeverMatches()
    {
        var result = Parse("""
            route-map M permit 10
             match as-path 1
             set local-preference 300
            route-map M permit 20
            """);
        var d = Single(result);
        Assert.Equal(IosDiagnosticKind.NotUnderstood, d.Kind);
        Assert.Equal(2, d.Line);
        Assert.Equal("'match as-path 1' is not modelled; NetTwin treats route-map M seq 10 as never matching", d.Message);
        Assert.Equal(["match as-path 1"], result.Config.RouteMaps["M"].Entries[0].UnsupportedMatches.AsEnumerable());
        var eval = result.Config.EvaluateRouteMap("M", Route("10.0.0.0/8"));
        Assert.True(eval.Permitted);
        Assert.Equal(20, eval.Sequence);
        Assert.Equal(100, eval.Route.LocalPreference);
        Assert.True(eval.Approximate);
    }

    [Theory]
    [InlineData(" set community 65000:1", 6, "'set community' is not modelled")]
    [InlineData(" set as-path prepend last-as 2", 22, "'set as-path prepend last-as' is not modelled")]
    [InlineData(" set metric +10", 13, "relative metrics are not modelled")]
    [InlineData(" continue 20", 2, "'continue' in route maps is not modelled")]
    public void SetClausesNotModelledAreReported(string line, int column, string message)
    {
        var result = Parse("route-map M permit 10\n" + line);
        var d = Single(result);
        Assert.Equal((IosDiagnosticKind.NotUnderstood, 2, column, message), (d.Kind, d.Line, d.Column, d.Message));
    }

    [Theory]
    [InlineData(" set local-preference high", 23, "'high' is not a number (local preference)")]
    [InlineData(" set weight 70000", 13, "weight 70000 is out of range (0-65535)")]
    [InlineData(" set ip next-hop 10.0.0.300", 18, "'10.0.0.300' is not a valid IPv4 address (next hop)")]
    [InlineData(" set as-path prepend", 21, "AS number to prepend expected")]
    public void BadSetValuesAreErrors(string line, int column, string message)
    {
        var result = Parse("route-map M permit 10\n" + line);
        var d = Single(result);
        Assert.Equal((IosDiagnosticKind.Error, 2, column, message), (d.Kind, d.Line, d.Column, d.Message));
        var sets = result.Config.RouteMaps["M"].Entries[0].Sets;
        Assert.Empty(sets.AsPathPrepend);
        Assert.Equal(RouteMapSets.None with { AsPathPrepend = sets.AsPathPrepend }, sets);
    }
}
