using System.Reflection;
using System.Text.RegularExpressions;
using NetTwin.Model;
using NetTwin.Routing;
using NetTwin.Tests.Support;
using static NetTwin.Tests.Routing.RoutingKit;

namespace NetTwin.Tests.Routing;

/// <summary>Issue 3's "a test for every rule in spec sections A and B, and for each routing item in the spec's
/// Surprises list", enforced: test methods are named after the rule they prove (<c>A3_…</c>, <c>B11_…</c>,
/// <c>Surprise4_…</c>), and every id must have at least one.</summary>
public class SpecCoverageTests
{
    private static readonly string[] Rules =
        [.. Enumerable.Range(1, 8).Select(i => $"A{i}"), .. Enumerable.Range(1, 11).Select(i => $"B{i}"), "Surprise1", "Surprise2", "Surprise3", "Surprise4", "Surprise7"];

    [Fact]
    public void Every_rule_of_sections_A_and_B_and_every_routing_surprise_has_a_test()
    {
        var names = typeof(SpecCoverageTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes().Any(a => a is FactAttribute))
            .Select(m => m.Name).ToList();
        var missing = Rules.Where(r => !names.Any(n => n.StartsWith(r + "_", StringComparison.Ordinal))).ToList();
        Assert.True(missing.Count == 0, "no test named after: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_spec_still_has_exactly_these_rules()
    {
        // If the spec gains a rule in A or B, this list (and a test) must follow.
        var spec = Path.Combine(Nt.Root, "..", "shared", "spec", "azure-semantics.md");
        if (!File.Exists(spec)) return; // the spec lives beside the repository, not in a fresh clone
        var ids = Regex.Matches(File.ReadAllText(spec), @"^- \*\*([AB]\d+)\b", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(Rules.Where(r => !r.StartsWith("Surprise", StringComparison.Ordinal)), ids);
    }
}

/// <summary>Rules B5 (between VPN connections) and B10, which had no test of their own.</summary>
public class RouteSelectionGapTests
{
    /// <summary>Hub gateway vpn (65515) with a BGP site a (65001) advertising 10.1.0.0/16, and a VNet-to-VNet BGP
    /// connection to hub2's gateway vpn2 (65020), whose own BGP site c (65003) advertises 10.1.0.0/16 as well:
    /// at vpn the path through a is "65001", through vpn2 "65020-65003".</summary>
    private static Estate TwoPaths() => new Estate()
        .Vnet("hub", "10.100.0.0/16", "GatewaySubnet=10.100.0.0/27", "s1=10.100.1.0/24")
        .VpnGateway("vpn", "hub", true, 65515, "10.100.0.4/198.51.100.1")
        .Device("a", 65001, ["wan 203.0.113.1/24", "bgp 192.0.2.1/32"], "10.1.0.0/16")
        .Site("site-a", "203.0.113.1", "65001@192.0.2.1", "192.0.2.1/32").IpsecConnection("ca", "vpn", "site-a", bgp: true)
        .Vnet("hub2", "10.200.0.0/16", "GatewaySubnet=10.200.0.0/27", "s1=10.200.1.0/24")
        .VpnGateway("vpn2", "hub2", true, 65020, "10.200.0.4/198.51.100.2")
        .Device("c", 65003, ["wan 203.0.113.3/24", "bgp 192.0.2.3/32"], "10.1.0.0/16")
        .Site("site-c", "203.0.113.3", "65003@192.0.2.3", "192.0.2.3/32").IpsecConnection("cc", "vpn2", "site-c", bgp: true)
        .Vnet2VnetConnection("v12", "vpn", "vpn2", bgp: true).Vnet2VnetConnection("v21", "vpn2", "vpn", bgp: true);

    [Fact]
    public void B5_between_vpn_connections_the_shorter_as_path_wins()
    {
        var cp = TwoPaths().Compute();
        var entry = cp.Bgp.Speaker("vpn")!.Rib.Single(e => e.Prefix == P("10.1.0.0/16"));
        Assert.Equal(["65001", "65020-65003"], entry.Paths.Select(p => p.Path.AsPathText).Order(StringComparer.Ordinal));
        Assert.Equal(("65001", Ip("192.0.2.1")), (entry.Best!.AsPathText, entry.Best.PeerAddress));
        Assert.Equal("AS Path", entry.Paths.Single(p => !p.Best).NotBestReason);
    }

    [Fact]
    public void B5_routing_weight_is_ignored_on_vpn_connections()
    {
        // routingWeight is an ExpressRoute setting: on the VNet-to-VNet connection it must not beat the shorter path.
        var cp = TwoPaths().Compute(null, "changes:\n  - set:\n      resource: connections/v12\n      properties: { routingWeight: 100 }\n");
        var entry = cp.Bgp.Speaker("vpn")!.Rib.Single(e => e.Prefix == P("10.1.0.0/16"));
        Assert.Equal("65001", entry.Best!.AsPathText);
        Assert.All(cp.Bgp.LearnedRoutes("vpn").Where(r => r.Network == P("10.1.0.0/16")), r => Assert.Equal(32768, r.Weight));
    }

    private static Nt.Result ValidateRoutes(int count)
    {
        var routes = string.Concat(Enumerable.Range(0, count).Select(i => $"      - {{ name: r{i}, addressPrefix: 10.{i / 256}.{i % 256}.0/24, nextHopType: None }}\n"));
        var dir = Nt.TempTopology(("net.yaml", $"routeTables:\n  - name: rt\n    routes:\n{routes}"));
        try { return Nt.Run("validate", dir, "-o", "json"); }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void B10_a_route_table_holds_at_most_400_routes()
    {
        var over = ValidateRoutes(401);
        Assert.Equal(1, over.ExitCode);
        Assert.Contains("\"message\": \"Route table rt has 401 routes: Azure allows 400 routes per route table.\"", over.Out);
        var at = ValidateRoutes(400);
        Assert.Equal(0, at.ExitCode);
        Assert.DoesNotContain("NT-RT-009", at.Out);
    }
}
