using NetTwin.Forwarding;
using NetTwin.Questions;

namespace NetTwin.Cli;

internal static partial class Render
{
    public static void Reach(TextWriter w, ReachView view)
    {
        var title = $"Workload subnets towards {view.Destination} {view.Protocol}/{view.Port}" + (view.Via is { } v ? $" through {v}" : "");
        if (view.Subnets.Count == 0) { w.WriteLine($"{title}: none."); return; }
        Table(w, ["Subnet", "From", "Verdict", "Reaches", "Path", "Why"],
            view.Subnets.Select(s => new[] { s.Subnet, s.Source, s.Disposition, s.Reaches ? "yes" : "no", string.Join(" > ", s.Path), s.Reason }), title);
    }

    /// <summary>Up to this many cells the matrix is listed cell by cell; above, one row per source subnet and verdict.</summary>
    public const int MatrixCellsInFull = 200;

    /// <summary>The matrix as it is traced: every cell when there are few (as <see cref="Matrix(TextWriter, MatrixView)"/>),
    /// else counted source by source without holding the cells.</summary>
    public static void Matrix(TextWriter w, MatrixStream m)
    {
        var firstCells = new List<MatrixCell>();
        var summary = new List<MatrixSummaryRow>();
        var count = 0;
        foreach (var row in m.Rows)
        {
            count += row.Count;
            if (count <= MatrixCellsInFull) { firstCells.AddRange(row); continue; }
            if (firstCells.Count > 0) { summary.AddRange(ReachQuestion.Summarise(firstCells)); firstCells.Clear(); }
            summary.AddRange(ReachQuestion.Summarise(row));
        }
        if (count <= MatrixCellsInFull) { Matrix(w, new MatrixView(m.Protocol, m.Port, m.Sources, m.Destinations, m.Classes, firstCells)); return; }
        MatrixSummary(w, m.Protocol, m.Port, m.Sources, m.Destinations, m.Classes, count, summary);
    }

    /// <summary>The matrix as JSON, written as it is traced: the same text as the <see cref="MatrixView"/> serialised
    /// whole (<see cref="Json"/>), holding one source's cells at a time.</summary>
    public static void MatrixJson(TextWriter w, MatrixStream m)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1 << 16);
        var json = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true, Encoder = JsonOptions.Encoder });
        string Name(string property) => JsonOptions.PropertyNamingPolicy!.ConvertName(property);
        void Flush()
        {
            json.Flush();
            w.Write(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
            buffer.Clear();
        }
        json.WriteStartObject();
        json.WriteString(Name(nameof(MatrixView.Protocol)), m.Protocol);
        json.WriteNumber(Name(nameof(MatrixView.Port)), m.Port);
        json.WriteNumber(Name(nameof(MatrixView.Sources)), m.Sources);
        json.WriteNumber(Name(nameof(MatrixView.Destinations)), m.Destinations);
        json.WriteNumber(Name(nameof(MatrixView.Classes)), m.Classes);
        json.WriteStartArray(Name(nameof(MatrixView.Cells)));
        foreach (var row in m.Rows)
        {
            foreach (var cell in row) System.Text.Json.JsonSerializer.Serialize(json, cell, JsonOptions);
            if (buffer.WrittenCount > 1 << 20) Flush();
        }
        json.WriteEndArray();
        json.WriteNull(Name(nameof(MatrixView.Skipped)));
        json.WriteEndObject();
        Flush();
        w.WriteLine();
    }

    public static void Matrix(TextWriter w, MatrixView view)
    {
        if (view.Cells.Count > MatrixCellsInFull)
        {
            // An estate's matrix has hundreds of thousands of cells: a terminal gets them counted; JSON keeps every cell.
            MatrixSummary(w, view.Protocol, view.Port, view.Sources, view.Destinations, view.Classes, view.Cells.Count, ReachQuestion.Summarise(view.Cells));
            return;
        }
        Table(w, ["From", "To", "Range", "Verdict", "Reaches", "Path"],
            view.Cells.Select(c => new[] { c.From, c.To, c.Range, c.Disposition, c.Reaches ? (c.Asymmetric ? "yes (asymmetric)" : "yes") : "no", string.Join(" > ", c.Path) }),
            $"Reachability {view.Protocol}/{view.Port}: {view.Sources} subnets to {view.Destinations} destinations ({view.Classes} address classes)");
    }

    private static void MatrixSummary(TextWriter w, string protocol, int port, int sources, int destinations, int classes, int cells,
        IReadOnlyList<MatrixSummaryRow> rows)
    {
        Table(w, ["From", "Verdict", "Reaches", "Destinations", "Ranges", "For example"],
            rows.Select(r => new[] { r.From, r.Disposition, r.Reaches ? (r.Asymmetric ? "yes (asymmetric)" : "yes") : "no",
                r.Destinations.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Ranges.ToString(System.Globalization.CultureInfo.InvariantCulture),
                string.Join(", ", r.Examples) + (r.Destinations > r.Examples.Count ? ", …" : "") }),
            $"Reachability {protocol}/{port}: {sources} subnets to {destinations} destinations ({classes} address classes), {cells} cells counted by source and verdict");
        w.WriteLine($"(more than {MatrixCellsInFull} cells: counted by source subnet and verdict; every cell with its path: -o json)");
    }

    public static void Check(TextWriter w, CheckView view)
    {
        Table(w, ["Intent", "Kind", "Flow", "Holds", "Verdict"],
            view.Intents.Select(i => new[] { i.Name, i.Kind, $"{i.From} -> {i.To} {i.Protocol}/{i.Port}" + (i.Via is { } v ? $" via {v}" : ""), i.Holds ? "yes" : "NO", i.Verdict }),
            "Intents");
        w.WriteLine($"{view.Holding} intent(s) hold, {view.Violated} violated.");
    }
}
