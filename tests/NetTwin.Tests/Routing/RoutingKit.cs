using System.Runtime.CompilerServices;
using NetTwin.Formats.Yaml;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.Tests.Routing;

/// <summary>Helpers for routing tests: load YAML, compute, and assert exact routes.</summary>
internal static class RoutingKit
{
    public static ControlPlane Compute(string yaml, RoutingOptions? options = null, params string[] changeSets) =>
        ControlPlane.Compute(TopologyLoader.LoadText(yaml, changeSetTexts: changeSets), options);

    /// <summary>The repository root: the folder holding NetTwin.slnx, found by walking up from the test binaries.</summary>
    public static string RepoRoot([CallerFilePath] string sourceFile = "")
    {
        static string? Up(string? start)
        {
            var dir = start is null ? null : new DirectoryInfo(start);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetTwin.slnx"))) dir = dir.Parent;
            return dir?.FullName;
        }
        // Built with --artifacts-path the binaries live outside the repository: then start from this source file.
        return Up(AppContext.BaseDirectory) ?? Up(Path.GetDirectoryName(sourceFile))
            ?? throw new InvalidOperationException($"no NetTwin.slnx above {AppContext.BaseDirectory} or {sourceFile}");
    }

    public static string Example(string name) => Path.Combine(RepoRoot(), "examples", name);

    public static ControlPlane ComputeExample(string name, RoutingOptions? options, params string[] changes)
    {
        var folder = Example(name);
        var topology = TopologyLoader.Load(folder, changes.Select(c => Path.Combine(folder, "changes", c)));
        return ControlPlane.Compute(topology, options);
    }

    public static Prefix P(string s) => Prefix.Parse(s);
    public static Ipv4 Ip(string s) => Ipv4.Parse(s);

    /// <summary>The route with this prefix and source; fails when there is not exactly one.</summary>
    public static EffectiveRoute Route(EffectiveRouteTable table, RouteSource source, string prefix)
    {
        var matches = table.Routes.Where(r => r.Source == source && r.AddressPrefix == P(prefix)).ToList();
        Assert.True(matches.Count == 1, $"expected one {source} route {prefix}, found {matches.Count}:\n{Dump(table)}");
        return matches[0];
    }

    /// <summary>Asserts one route exactly: source, state, prefix, next hop type and IPs.</summary>
    public static EffectiveRoute AssertRoute(EffectiveRouteTable table, RouteSource source, RouteState state, string prefix, NextHopType type, params string[] ips)
    {
        var r = Route(table, source, prefix);
        Assert.True(r.State == state && r.NextHopType == type && r.NextHopIpAddress.Select(i => i.ToString()).SequenceEqual(ips),
            $"expected {source} {state} {prefix} {type} [{string.Join(" ", ips)}], got {r}\n{Dump(table)}");
        return r;
    }

    /// <summary>Asserts the whole table, in order: "Source State prefix NextHopType [ips]" per line.</summary>
    public static void AssertTable(EffectiveRouteTable table, params string[] expected)
    {
        var actual = table.Routes.Select(Line).ToArray();
        Assert.True(expected.SequenceEqual(actual), $"expected:\n{string.Join("\n", expected)}\nactual:\n{string.Join("\n", actual)}");
    }

    public static string Line(EffectiveRoute r) =>
        $"{r.Source} {r.State} {r.AddressPrefix} {r.NextHopType}" + (r.NextHopIpAddress.IsEmpty ? "" : " " + string.Join(" ", r.NextHopIpAddress))
        + (r.IsShadowed ? " shadowed" : "");

    public static string Dump(EffectiveRouteTable table) => string.Join("\n", table.Routes.Select(r => Line(r) + "   # " + r.Explanation));

    public static void AssertNoRoute(EffectiveRouteTable table, string prefix) =>
        Assert.False(table.Routes.Any(r => r.AddressPrefix == P(prefix)), $"{prefix} should not be in the table:\n{Dump(table)}");
}
