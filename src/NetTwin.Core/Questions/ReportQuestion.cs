using NetTwin.Forwarding;
using NetTwin.Formats.Yaml;
using NetTwin.Ipsec;
using NetTwin.Routing;
using NetTwin.Validation;

namespace NetTwin.Questions;

/// <summary>`nettwin report`: everything NetTwin can say about an estate. Sections grow as stages land.</summary>
public sealed record ReportAnswer(string Path, IReadOnlyList<string> ChangeSets, InventoryAnswer Inventory, FindingsAnswer Validation,
    RoutingSection Routing, TunnelsView Tunnels, IntentsSection Intents, MatrixView Reachability);

/// <summary>The intents of intents.yaml with their verdicts and the trace of each one's flow.</summary>
public sealed record IntentsSection(CheckView Check, IReadOnlyList<TraceView?> Traces);

/// <summary>The routing part of the report: each workload subnet's routes that carry traffic (Active, not
/// shadowed) and the routes that surprise (Invalid, shadowed), every BGP session, and the routing notes.</summary>
public sealed record RoutingSection(IReadOnlyList<SubnetRoutesView> Subnets, IReadOnlyList<PeerStatusView> BgpSessions, IReadOnlyList<string> Notes);

/// <param name="Omitted">How many Active, unshadowed routes of the subnet are not listed (a large table: the report
/// keeps the routes that surprise — User, Invalid, shadowed — and the first of the rest; `nettwin routes` shows all).</param>
public sealed record SubnetRoutesView(string Subnet, string? RouteTable, IReadOnlyList<RouteView> Routes, int Omitted = 0);

public static class ReportQuestion
{
    /// <summary>The most traces the report's reachability section runs (about 10 s on the bench machine); larger
    /// estates get the matrix from `nettwin reach --matrix`.</summary>
    public const long MatrixBudget = 20_000;

    /// <summary>A subnet's table is listed whole up to this many routes; larger ones are summarised.</summary>
    public const int RoutesListed = 40;

    private static SubnetRoutesView Summarised(RoutesView v)
    {
        if (v.Value.Count <= RoutesListed) return new SubnetRoutesView(v.Subnet, v.RouteTable, v.Value);
        bool Surprising(RouteView r) => r.Source == "User" || r.State == "Invalid" || r.Shadowed;
        var surprising = v.Value.Where(Surprising).ToHashSet();
        var room = Math.Max(0, RoutesListed - surprising.Count);
        var rest = v.Value.Where(r => !surprising.Contains(r)).Take(room).ToHashSet();
        var kept = v.Value.Where(r => surprising.Contains(r) || rest.Contains(r)).ToList();
        return new SubnetRoutesView(v.Subnet, v.RouteTable, kept, v.Value.Count - kept.Count);
    }

    public static ReportAnswer Ask(EstateInput input)
    {
        var topology = input.Load();
        var findings = Validator.Validate(topology);
        var planes = Planes.Compute(topology);
        var cp = planes.Routing;
        var subnets = topology.Subnets.Where(s => s.HoldsWorkloads).OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => RoutesQuestion.Ask(cp, s.Id, null)!)
            .Select(v => Summarised(v)).ToList();
        var routing = new RoutingSection(subnets, BgpQuestion.Peers(cp, null),
            cp.Notes.Select(n => $"rule {n.Rule}: {n.Subject}: {n.Message}").Distinct().ToList());
        var forwarder = new Forwarder(planes);
        var intents = IntentsLoader.LoadFolder(input.Path);
        var results = IntentCheck.Check(forwarder, intents);
        var check = ReachQuestion.Check(input.Path, results);
        var traces = results.Select(r => r.Flow is null ? null
            : TraceQuestion.View(Endpoints.Resolve(topology, r.Intent.From), Endpoints.Resolve(topology, r.Intent.To), r.Flow)).ToList();
        return new ReportAnswer(input.Path, input.ChangeSets, Inventory.Of(topology), FindingsJson.Of(findings), routing, TunnelsQuestion.Ask(planes.Tunnels),
            new IntentsSection(check, traces), ReachQuestion.Matrix(forwarder, Model.TransportProtocol.Tcp, 443, MatrixBudget));
    }
}
