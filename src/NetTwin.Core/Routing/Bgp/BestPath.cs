namespace NetTwin.Routing.Bgp;

/// <summary>The BGP decision process (Cisco/FRR order): weight, local preference, locally originated,
/// AS path length, origin, MED (same neighbor AS only), eBGP over iBGP, router id, neighbor address.
/// The reason strings are FRR's bestpath reasons. IGP metric and path age are not modelled (a twin has
/// neither), so the process is deterministic.</summary>
internal static class BestPath
{
    /// <summary>Compares two paths; on a complete tie the first one wins.</summary>
    public static (BgpPath Winner, string Reason) Compare(BgpPath a, BgpPath b)
    {
        if (a.Weight != b.Weight) return (a.Weight > b.Weight ? a : b, "Weight");
        if (a.LocalPreference != b.LocalPreference) return (a.LocalPreference > b.LocalPreference ? a : b, "Local Pref");
        var aLocal = a.Source == BgpPathSource.Local;
        var bLocal = b.Source == BgpPathSource.Local;
        if (aLocal != bLocal) return (aLocal ? a : b, "Local Route");
        if (a.AsPath.Length != b.AsPath.Length) return (a.AsPath.Length < b.AsPath.Length ? a : b, "AS Path");
        if (a.Origin != b.Origin) return (a.Origin < b.Origin ? a : b, "ORIGIN");
        if (a.Med != b.Med && !aLocal && !bLocal && NeighborAs(a) == NeighborAs(b))
            return (a.Med < b.Med ? a : b, "MED");
        if (a.Source != b.Source && !aLocal && !bLocal) return (a.Source == BgpPathSource.Ebgp ? a : b, "Peer Type");
        if (a.PeerRouterId != b.PeerRouterId) return (a.PeerRouterId < b.PeerRouterId ? a : b, "Router ID");
        var pa = a.PeerAddress?.Value ?? 0;
        var pb = b.PeerAddress?.Value ?? 0;
        if (pa != pb) return (pa < pb ? a : b, "Neighbor IP");
        return (a, "Nothing left to compare");
    }

    private static long? NeighborAs(BgpPath p) => p.AsPath.IsEmpty ? null : p.AsPath[0];

    /// <summary>Orders the candidate paths of one prefix: best first, each other path with the reason it lost
    /// against the best.</summary>
    public static IEnumerable<BgpCandidate> Rank(IEnumerable<BgpPath> candidates)
    {
        var list = candidates.ToList();
        if (list.Count == 0) yield break;
        var best = list[0];
        foreach (var c in list.Skip(1))
            if (ReferenceEquals(Compare(best, c).Winner, c)) best = c;
        yield return new BgpCandidate(best, true, null);
        foreach (var c in list)
            if (!ReferenceEquals(c, best)) yield return new BgpCandidate(c, false, Compare(best, c).Reason);
    }
}
