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

    public static void Matrix(TextWriter w, MatrixView view)
    {
        if (view.Cells.Count > MatrixCellsInFull)
        {
            // An estate's matrix has hundreds of thousands of cells: a terminal gets them counted; JSON keeps every cell.
            var rows = ReachQuestion.Summarise(view.Cells);
            Table(w, ["From", "Verdict", "Reaches", "Destinations", "Ranges", "For example"],
                rows.Select(r => new[] { r.From, r.Disposition, r.Reaches ? (r.Asymmetric ? "yes (asymmetric)" : "yes") : "no",
                    r.Destinations.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Ranges.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    string.Join(", ", r.Examples) + (r.Destinations > r.Examples.Count ? ", …" : "") }),
                $"Reachability {view.Protocol}/{view.Port}: {view.Sources} subnets to {view.Destinations} destinations ({view.Classes} address classes), {view.Cells.Count} cells counted by source and verdict");
            w.WriteLine($"(more than {MatrixCellsInFull} cells: counted by source subnet and verdict; every cell with its path: -o json)");
            return;
        }
        Table(w, ["From", "To", "Range", "Verdict", "Reaches", "Path"],
            view.Cells.Select(c => new[] { c.From, c.To, c.Range, c.Disposition, c.Reaches ? (c.Asymmetric ? "yes (asymmetric)" : "yes") : "no", string.Join(" > ", c.Path) }),
            $"Reachability {view.Protocol}/{view.Port}: {view.Sources} subnets to {view.Destinations} destinations ({view.Classes} address classes)");
    }

    public static void Check(TextWriter w, CheckView view)
    {
        Table(w, ["Intent", "Kind", "Flow", "Holds", "Verdict"],
            view.Intents.Select(i => new[] { i.Name, i.Kind, $"{i.From} -> {i.To} {i.Protocol}/{i.Port}" + (i.Via is { } v ? $" via {v}" : ""), i.Holds ? "yes" : "NO", i.Verdict }),
            "Intents");
        w.WriteLine($"{view.Holding} intent(s) hold, {view.Violated} violated.");
    }
}
