using NetTwin.Forwarding;
using NetTwin.Formats.Yaml;
using NetTwin.Ipsec;
using NetTwin.Model;

namespace NetTwin.Questions;

/// <summary>`nettwin reach --to DST[:PORT] [--via NODE]`: every workload subnet's verdict towards one destination.</summary>
public sealed record ReachView(string Destination, string Protocol, int Port, string? Via, IReadOnlyList<ReachRow> Subnets);

/// <summary>`nettwin reach --matrix`: subnet to subnet and subnet to on-premises network, over equivalence classes.</summary>
/// <param name="Skipped">Why the cells were not computed (the report's budget), or null.</param>
public sealed record MatrixView(string Protocol, int Port, int Sources, int Destinations, int Classes, IReadOnlyList<MatrixCell> Cells, string? Skipped = null);

/// <summary>`nettwin reach --matrix` as it is traced: the same header as <see cref="MatrixView"/>, and each source
/// subnet's cells as they come (<see cref="Reachability.MatrixBySource"/>), for output that is written or counted
/// without holding the whole matrix.</summary>
public sealed record MatrixStream(string Protocol, int Port, int Sources, int Destinations, int Classes, IEnumerable<IReadOnlyList<MatrixCell>> Rows);

/// <summary>The matrix's cells of one source subnet with one verdict, counted: how many destinations and ranges, and
/// the first few destinations (for a terminal, where an estate's hundreds of thousands of cells cannot be read).</summary>
public sealed record MatrixSummaryRow(string From, string Disposition, bool Reaches, bool Asymmetric, int Destinations, int Ranges, IReadOnlyList<string> Examples);

/// <summary>`nettwin check`: every intent of intents.yaml with its verdict.</summary>
public sealed record CheckView(string Path, int Holding, int Violated, IReadOnlyList<IntentView> Intents);

public sealed record IntentView(string Name, string Kind, string From, string To, string Protocol, int Port, string? Via, bool Holds, string Verdict, string Source);

public static class ReachQuestion
{
    /// <summary>Splits "DST[:PORT]".</summary>
    public static (string Destination, int? Port) ParseTarget(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text[(colon + 1)..], out var port))
        {
            if (port is < 0 or > 65535) throw new EndpointException($"port {port} in '{text}' is not a port (0-65535)");
            return (text[..colon], port);
        }
        return (text, null);
    }

    public static ReachView To(Forwarder f, string target, TransportProtocol protocol, int port, string? via)
    {
        var (name, p) = ParseTarget(target);
        var dst = Endpoints.Resolve(f.Topology, name);
        if (via is not null && !KnownNode(f.Topology, via)) throw new EndpointException($"--via {via}: no device, gateway, connection, local network gateway, firewall, VM, NIC or subnet has that name");
        var proto = protocol.ToString().ToLowerInvariant();
        return new ReachView(dst.Label, proto, p ?? port, via, Reachability.To(f, dst, protocol, p ?? port, via));
    }

    /// <summary>The matrix; with <paramref name="maxTraces"/>, not computed when it would take more traces than that
    /// (the report keeps its size bounded on large estates and says so).</summary>
    public static MatrixView Matrix(Forwarder f, TransportProtocol protocol, int port, long? maxTraces = null)
    {
        var m = MatrixRows(f, protocol, port);
        if (maxTraces is { } max && (long)m.Sources * m.Classes > max)
            return new MatrixView(m.Protocol, port, m.Sources, m.Destinations, m.Classes, [],
                string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"not computed here: {m.Sources:N0} subnets x {m.Classes:N0} address classes is {(long)m.Sources * m.Classes:N0} traces; run nettwin reach --matrix"));
        return new MatrixView(m.Protocol, port, m.Sources, m.Destinations, m.Classes, [.. m.Rows.SelectMany(r => r)]);
    }

    /// <summary>The matrix as it is traced, one source subnet's cells at a time (nothing is traced until
    /// <see cref="MatrixStream.Rows"/> is read).</summary>
    public static MatrixStream MatrixRows(Forwarder f, TransportProtocol protocol, int port)
    {
        var dests = Reachability.Destinations(f);
        return new MatrixStream(protocol.ToString().ToLowerInvariant(), port, Reachability.WorkloadSubnets(f.Topology).Count, dests.Count,
            dests.Sum(d => d.Classes.Length), Reachability.MatrixBySource(f, dests, protocol, port));
    }

    /// <summary>The cells grouped by source subnet and verdict (disposition, reaches, asymmetric), in the cells' order
    /// of sources and, within a source, by the number of destinations (most first).</summary>
    public static IReadOnlyList<MatrixSummaryRow> Summarise(IReadOnlyList<MatrixCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        // One source's row as the matrix makes it: counted from its compact cells, none made.
        if (cells is MatrixRow row)
            return row.Count == 0 ? [] : [.. row.Summarise()
                .Select(g => new MatrixSummaryRow(row[0].From, g.Disposition, g.Reaches, g.Asymmetric, g.Destinations, g.Ranges, g.Examples))
                .OrderByDescending(r => r.Destinations).ThenBy(r => r.Disposition, StringComparer.Ordinal)];
        return [.. cells.GroupBy(c => c.From, StringComparer.Ordinal)
            .SelectMany(source => source.GroupBy(c => (c.Disposition, c.Reaches, c.Asymmetric))
                .Select(g =>
                {
                    var destinations = g.Select(c => c.To).Distinct(StringComparer.Ordinal).ToList();
                    return new MatrixSummaryRow(source.Key, g.Key.Disposition, g.Key.Reaches, g.Key.Asymmetric, destinations.Count, g.Count(), [.. destinations.Take(3)]);
                })
                .OrderByDescending(r => r.Destinations).ThenBy(r => r.Disposition, StringComparer.Ordinal))];
    }

    public static bool KnownNode(Topology t, string name) =>
        t.OnPremisesDevice(name) is not null || t.VirtualNetworkGateway(name) is not null || t.Connection(name) is not null
        || t.LocalNetworkGateway(name) is not null || t.AzureFirewall(name) is not null || t.VirtualMachine(name) is not null
        || t.NetworkInterface(name) is not null || t.Subnet(name) is not null || t.ExpressRouteCircuit(name) is not null
        || t.VirtualNetworkPeerings.Any(p => p.Name == name) || name == "internet";

    /// <summary>The intents of the topology folder (intents.yaml), checked against the topology with its change sets.</summary>
    public static CheckView Check(EstateInput input, Forwarder? forwarder = null)
    {
        var intents = IntentsLoader.LoadFolder(input.Path);
        var f = forwarder ?? new Forwarder(Planes.Compute(input.Load()));
        return Check(input.Path, f, intents);
    }

    public static CheckView Check(string path, Forwarder f, IReadOnlyList<Intent> intents) => Check(path, IntentCheck.Check(f, intents));

    /// <summary>The view of intents already checked.</summary>
    public static CheckView Check(string path, IReadOnlyList<IntentResult> results)
    {
        var views = results.Select(r => new IntentView(r.Intent.Name, r.Intent.Kind.ToString().ToLowerInvariant(), r.Intent.From, r.Intent.To,
            r.Intent.Protocol.ToString().ToLowerInvariant(), r.Intent.Port, r.Intent.Via, r.Holds, r.Verdict, r.Intent.Source.ToString())).ToList();
        return new CheckView(path, views.Count(v => v.Holds), views.Count(v => !v.Holds), views);
    }
}
