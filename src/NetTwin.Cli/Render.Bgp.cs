using NetTwin.Questions;

namespace NetTwin.Cli;

internal static partial class Render
{
    public static void GatewayRoutes(TextWriter w, IReadOnlyList<GatewayRouteView> rows, string title)
    {
        if (rows.Count == 0) { w.WriteLine($"{title}: none."); return; }
        Table(w, ["Network", "NextHop", "Origin", "SourcePeer", "AsPath", "Weight"],
            rows.Select(r => new[] { r.Network, r.NextHop ?? "", r.Origin, r.SourcePeer ?? "", r.AsPath, r.Weight.ToString() }), title);
    }

    /// <summary>As IOS prints <c>show ip bgp</c>, plus why each non-best path lost.</summary>
    public static void DeviceBgp(TextWriter w, DeviceBgpView view)
    {
        w.WriteLine($"BGP table of {view.Device}, local router ID is {view.RouterId}, local AS {view.LocalAs}");
        w.WriteLine("Status codes: * valid, > best");
        w.WriteLine($"     {"Network",-20} {"Next Hop",-16} {"Metric",6} {"LocPrf",6} {"Weight",6} Path");
        string? last = null;
        foreach (var p in view.Paths)
        {
            var net = p.Network == last ? "" : p.Network;
            last = p.Network;
            w.WriteLine($" {p.Status,-3} {net,-20} {p.NextHop,-16} {p.Metric,6} {p.LocalPreference,6} {p.Weight,6} {p.Path}"
                + (p.NotBestReason is null ? "" : $"   ({p.NotBestReason})"));
        }
        if (view.Neighbors.Count > 0)
            Table(w, ["Neighbor", "ASN", "State", "PfxRcd", "Reason"],
                view.Neighbors.Select(n => new[] { n.Neighbor, n.Asn?.ToString() ?? "", n.State, n.RoutesReceived.ToString(), n.Reason ?? "" }), "Neighbors");
    }
}
