using NetTwin.Questions;

namespace NetTwin.Cli;

internal static partial class Render
{
    public static void Trace(TextWriter w, TraceView view)
    {
        w.WriteLine($"{view.From} -> {view.To}: {view.Flow}");
        Direction(w, "Request", view.Request);
        if (view.Reply is { } reply) Direction(w, "Reply", reply);
        w.WriteLine();
        w.WriteLine($"{(view.Reaches ? "REACHES" : "DOES NOT REACH")}: request {view.Request.Disposition}" + (view.Reply is { } rp ? $", reply {rp.Disposition}" : ""));
        w.WriteLine(view.Symmetry);
        foreach (var n in view.Notes) w.WriteLine($"note: {n}");
    }

    private static void Direction(TextWriter w, string title, DirectionView d)
    {
        Table(w, ["#", "Node", "Step", "Decision", "Why", "Packet"],
            d.Hops.Select(h => new[] { h.Hop.ToString(), h.Node, h.Step, h.Decision, h.Detail, h.Flow }),
            $"{title}: {d.Flow} -> {d.Disposition}");
        w.WriteLine($"{title} {d.Disposition}: {d.Reason}");
    }
}
