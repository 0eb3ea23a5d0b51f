using System.Text.Json;
using System.Text.Json.Serialization;
using NetTwin.Questions;
using NetTwin.Validation;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NetTwin.Cli;

/// <summary>Turns answers into text: Spectre.Console tables for people, JSON for scripts.</summary>
internal static partial class Render
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
        // Plain text in strings (apostrophes, <, >, +): the output goes to files and terminals, never into HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Json(TextWriter w, object value) => w.WriteLine(JsonSerializer.Serialize(value, value.GetType(), JsonOptions));

    public static IAnsiConsole Console(TextWriter w)
    {
        var redirected = !ReferenceEquals(w, System.Console.Out) || System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(w),
            Interactive = InteractionSupport.No,
        });
        if (redirected) console.Profile.Width = 240;
        return console;
    }

    public static void Table(TextWriter w, string[] headers, IEnumerable<string[]> rows, string? title = null)
    {
        var table = new Table().Border(TableBorder.Simple);
        if (title is not null) table.Title = new TableTitle(title);
        foreach (var h in headers) table.AddColumn(new TableColumn(Markup.Escape(h)));
        foreach (var row in rows) table.AddRow(row.Select(c => (IRenderable)new Text(c ?? "")).ToArray());
        Console(w).Write(table);
    }

    public static void Heading(TextWriter w, string text)
    {
        w.WriteLine();
        w.WriteLine(text);
        w.WriteLine(new string('=', text.Length));
    }

    /// <summary>Findings as compiler-style lines (one per finding, never wrapped, so messages stay greppable):
    /// <c>file:line:col: error NT-PEER-001 [resource]: message</c>, then the help link.</summary>
    public static void Findings(TextWriter w, IReadOnlyList<Finding> findings)
    {
        if (findings.Count == 0) { w.WriteLine("No findings: the topology follows every rule NetTwin checks."); return; }
        foreach (var f in findings)
            FindingLine(w, f.Source.ToString(), f.Severity.ToString(), f.Id, f.Resource, f.Message, f.Rule.HelpLink);
        var errors = findings.Count(f => f.Severity == Severity.Error);
        var warnings = findings.Count(f => f.Severity == Severity.Warning);
        w.WriteLine($"{errors} error(s), {warnings} warning(s).");
    }

    private static void FindingLine(TextWriter w, string where, string severity, string id, string resource, string message, string link)
    {
        w.WriteLine($"{where}: {severity.ToLowerInvariant()} {id} [{resource}]: {message}");
        if (link.Length > 0) w.WriteLine($"    see {link}");
    }

    public static void Report(TextWriter w, ReportAnswer report)
    {
        w.WriteLine($"NetTwin report: {report.Path}" + (report.ChangeSets.Count > 0 ? $" + {string.Join(" + ", report.ChangeSets)}" : ""));
        Heading(w, "Inventory");
        Table(w, ["Kind", "Count"], report.Inventory.Counts.Where(c => c.Count > 0).Select(c => new[] { c.Kind, c.Count.ToString() }));
        Table(w, ["VNet", "Location", "Address space", "Subnet", "Prefix", "Route table", "NSG", "NICs"],
            report.Inventory.VirtualNetworks.SelectMany(v => v.Subnets.Count == 0
                ? [[v.Name, v.Location, string.Join(" ", v.AddressPrefixes), "", "", "", "", ""]]
                : v.Subnets.Select((s, i) => new[] { i == 0 ? v.Name : "", i == 0 ? v.Location : "", i == 0 ? string.Join(" ", v.AddressPrefixes) : "",
                    s.Name, s.AddressPrefix, s.RouteTable ?? "", s.NetworkSecurityGroup ?? "", s.NetworkInterfaces.ToString() })),
            "Virtual networks");
        var peerings = report.Inventory.VirtualNetworks.SelectMany(v => v.Peerings.Select(p => new[] { v.Name, p })).ToList();
        if (peerings.Count > 0) Table(w, ["VNet", "Peering"], peerings, "Peerings");
        if (report.Inventory.Gateways.Count > 0)
            Table(w, ["Gateway", "VNet", "Type", "VPN type", "SKU", "Active-active", "BGP", "ASN", "Instances"],
                report.Inventory.Gateways.Select(g => new[] { g.Name, g.VirtualNetwork, g.GatewayType, g.VpnType, g.Sku, g.ActiveActive ? "yes" : "no",
                    g.EnableBgp ? "yes" : "no", g.Asn.ToString(), string.Join("; ", g.Instances) }), "Gateways");
        if (report.Inventory.Connections.Count > 0)
            Table(w, ["Connection", "Type", "Gateway", "To", "BGP", "Policy-based TS", "Mode", "Failed"],
                report.Inventory.Connections.Select(c => new[] { c.Name, c.ConnectionType, c.From, c.To, c.EnableBgp ? "yes" : "no",
                    c.UsePolicyBasedTrafficSelectors ? "yes" : "no", c.ConnectionMode, c.Failed ? "FAILED" : "" }), "Connections");
        if (report.Inventory.Failures.Count > 0)
        {
            w.WriteLine("Failed by change sets: " + string.Join(", ", report.Inventory.Failures));
        }
        Heading(w, "Validation");
        if (report.Validation.Findings.Count == 0) w.WriteLine("No findings: the topology follows every rule NetTwin checks.");
        else
        {
            foreach (var f in report.Validation.Findings)
                FindingLine(w, f.Line > 0 ? $"{f.File}:{f.Line}:{f.Column}" : f.File, f.Severity, f.Id, f.Resource, f.Message, f.HelpLink);
            w.WriteLine($"{report.Validation.Errors} error(s), {report.Validation.Warnings} warning(s).");
        }
        Heading(w, "Routing");
        if (report.Validation.Errors > 0)
            w.WriteLine("Azure would refuse this topology (see Validation): the routes, tunnels and traces below are computed as written, to show what the design would do.");
        if (report.Routing.Subnets.Count > SubnetTablesListed)
        {
            // A large estate: one line per subnet; `nettwin routes` (or the JSON report) has the rows.
            Table(w, ["Subnet", "Route table", "Routes", "User", "Invalid", "Shadowed", "0.0.0.0/0 goes to"],
                report.Routing.Subnets.Select(x => new[]
                {
                    x.Subnet, x.RouteTable ?? "", (x.Routes.Count + x.Omitted).ToString(), x.Routes.Count(r => r.Source == "User").ToString(),
                    x.Routes.Count(r => r.State == "Invalid").ToString(), x.Routes.Count(r => r.Shadowed).ToString(),
                    x.Routes.FirstOrDefault(r => r.State == "Active" && r.AddressPrefix.Contains("0.0.0.0/0")) is { } d
                        ? d.NextHopType + (d.NextHopIpAddress.Count > 0 ? " " + string.Join(" ", d.NextHopIpAddress) : "") + (d.Shadowed ? " (shadowed)" : "") : "",
                }), $"Effective routes of {report.Routing.Subnets.Count} workload subnets (nettwin routes PATH --subnet VNET/SUBNET lists one)");
        }
        else foreach (var subnet in report.Routing.Subnets)
        {
            Table(w, ["Source", "State", "Address Prefix", "Next Hop Type", "Next Hop IP", "Why"],
                subnet.Routes.Select(v => new[] { v.Source, v.State + (v.Shadowed ? " (shadowed)" : ""), string.Join(" ", v.AddressPrefix), v.NextHopType,
                    string.Join(" ", v.NextHopIpAddress), v.Explanation }),
                $"Effective routes of {subnet.Subnet}" + (subnet.RouteTable is null ? "" : $" (route table {subnet.RouteTable})"));
            if (subnet.Omitted > 0)
                w.WriteLine($"{subnet.Subnet}: {subnet.Omitted} more Active routes not listed (nettwin routes PATH --subnet {subnet.Subnet} shows them all).");
        }
        if (report.Routing.BgpSessions.Count > 0)
            Table(w, ["Speaker", "Neighbor", "ASN", "State", "RoutesReceived", "Reason"],
                report.Routing.BgpSessions.Select(p => new[] { p.Speaker, p.Neighbor, p.Asn?.ToString() ?? "", p.State, p.RoutesReceived.ToString(), p.Reason ?? "" }),
                "BGP sessions");
        foreach (var n in report.Routing.Notes) w.WriteLine($"note: {n}");
        Heading(w, "Tunnels");
        Tunnels(w, report.Tunnels);
        Heading(w, "Intents");
        if (report.Intents.Check.Intents.Count == 0) w.WriteLine("No intents.yaml in the topology folder (see docs/intents.md).");
        else
        {
            Check(w, report.Intents.Check);
            foreach (var t in report.Intents.Traces.OfType<TraceView>())
            {
                w.WriteLine();
                Trace(w, t);
            }
        }
        Heading(w, "Reachability");
        if (report.Reachability.Skipped is { } skipped) w.WriteLine($"Reachability matrix {skipped}.");
        else if (report.Reachability.Cells.Count == 0) w.WriteLine("No workload subnet with a destination to reach.");
        else Matrix(w, report.Reachability);
    }

    /// <summary>Up to this many workload subnets, the report prints each one's effective routes; beyond, one line each.</summary>
    private const int SubnetTablesListed = 20;

    public static void Tunnels(TextWriter w, TunnelsView view)
    {
        if (view.Connections.Count == 0) { w.WriteLine("No IPsec or VNet-to-VNet connections."); return; }
        Table(w, ["Connection", "Gateway", "Peer", "State", "Reason", "Initiator", "Selectors (Azure <-> site)"],
            view.Connections.Select(c => new[] { c.Connection, c.Gateway, c.Peer, c.State + (c.Failure is null ? "" : $" ({c.Failure})"), c.Reason, c.Initiator,
                string.Join("\n", c.Selectors.Select(s => $"{s.Local} <-> {s.Remote} [{s.InitiatedBy}, instance {s.Instance}]")) }));
        foreach (var t in view.Transits)
            w.WriteLine($"transit via {t.Gateway}: {t.From} ({string.Join(",", t.Sources)}) -> {t.To} ({string.Join(",", t.Destinations)}); to stop it: {t.Stop}");
        foreach (var f in view.Findings.Findings)
            FindingLine(w, f.Line > 0 ? $"{f.File}:{f.Line}:{f.Column}" : f.Resource, f.Severity, f.Id, f.Resource, f.Message, f.HelpLink);
        w.WriteLine(view.Underlay);
    }
}
