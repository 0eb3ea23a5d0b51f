using NetTwin.Questions;
using NetTwin.WhatIf;

namespace NetTwin.Cli;

internal static partial class Render
{
    public const string NoDifference = "no difference";

    /// <summary>Up to this many flow changes are listed one by one, with their paths; above it they are grouped.</summary>
    public const int FlowRowsInFull = 40;

    private static string SourceList(IReadOnlyList<string> sources) =>
        sources.Count <= 3 ? string.Join(", ", sources) : $"{sources.Count} subnets: {string.Join(", ", sources.Take(3))}, …";

    public static void WhatIf(TextWriter w, WhatIfAnswer a)
    {
        w.WriteLine($"What if: {a.Path}" + (a.Apply.Count > 0 ? $" + {string.Join(" + ", a.Apply)}" : "")
            + $", then {string.Join(" + ", a.Changes)}");
        Differences(w, a.Differences);
    }

    /// <summary>The differences, one table per kind that has any; "no difference" when none has.</summary>
    public static void Differences(TextWriter w, Differences d)
    {
        if (d.IsEmpty) { w.WriteLine(NoDifference); return; }
        if (d.Findings.Count > 0)
            Table(w, ["Change", "Severity", "Rule", "Resource", "Message", "Where"],
                d.Findings.Select(f => new[] { f.Change, f.Severity, f.Id, f.Resource, f.Message, f.Source }), "Validation findings");
        foreach (var g in d.Routes.GroupBy(r => r.Subnet))
            Table(w, ["Change", "Source", "Address Prefix", "Next Hop Type", "Next Hop IP", "State", "Why"],
                g.Select(r => new[] { r.Change, r.Source, r.AddressPrefix, r.NextHopType, string.Join(" ", r.NextHopIpAddress),
                    r.Change == "changed" ? $"{r.Before} -> {r.After}" : r.After ?? r.Before ?? "", r.Explanation }),
                $"Effective routes of {g.Key}");
        if (d.BgpSessions.Count > 0)
            Table(w, ["Change", "Speaker", "Neighbor", "Remote", "State", "Reason"],
                d.BgpSessions.Select(s => new[] { s.Change, s.Speaker, s.Peer, s.Remote ?? "",
                    s.Change == "changed" ? $"{s.Before} -> {s.After}" : s.After ?? s.Before ?? "", s.Reason ?? "" }), "BGP sessions");
        if (d.LearnedRoutes.Count > 0)
            Table(w, ["Change", "Gateway", "Network", "NextHop", "Origin", "SourcePeer", "AsPath"],
                d.LearnedRoutes.Select(l => new[] { l.Change, l.Gateway, l.Network, l.NextHop ?? "", l.Origin, l.SourcePeer ?? "", l.AsPath }),
                "Learned routes");
        if (d.Tunnels.Count > 0)
            Table(w, ["Connection", "Gateway", "Peer", "Before", "After", "Reason"],
                d.Tunnels.Select(t => new[] { t.Connection, t.Gateway, t.Peer, t.Before ?? "(none)", t.After ?? "(none)", t.Reason }), "Tunnels");
        if (d.Flows.Count > FlowRowsInFull)
        {
            // Thousands of rows (a spoke cut off from every other subnet) are unreadable: one row per group of sources
            // whose flows changed alike; the JSON output keeps every flow with its paths.
            var groups = FlowChanges.BySource(d.Flows);
            Table(w, ["Sources", "To", "Destinations", "Change", "Before", "After"],
                groups.Select(g => new[] { SourceList(g.Sources), g.To, string.Join(" ", g.Destinations), g.Change, g.Before, g.After }),
                $"Flows: {d.Flows.Count} changes, {groups.Count} group(s) of sources that changed alike");
            w.WriteLine($"(more than {FlowRowsInFull} flow changes: grouped by source; every flow with its paths: -o json)");
        }
        else if (d.Flows.Count > 0)
            Table(w, ["From", "To", "Destinations", "Change", "Before", "After", "Path before", "Path after"],
                d.Flows.Select(f => new[] { f.From, f.To, string.Join(" ", f.Destinations), f.Change, f.Before, f.After,
                    string.Join(" > ", f.BeforePath), string.Join(" > ", f.AfterPath) }), "Flows");
        if (d.Intents.Count > 0)
            Table(w, ["Intent", "Kind", "Change", "Before", "After"],
                d.Intents.Select(i => new[] { i.Intent, i.Kind, i.Change, i.Before, i.After }), "Intents");
        foreach (var u in d.Unavailable) w.WriteLine($"not compared: {u}");
    }
}
