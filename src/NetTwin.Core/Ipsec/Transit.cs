using System.Collections.Immutable;
using NetTwin.Model;
using NetTwin.Validation;

namespace NetTwin.Ipsec;

/// <summary>One way a connection's site reaches another connection's site through their common gateway: hosts in
/// <see cref="Sources"/> behind <see cref="From"/> reach <see cref="Destinations"/> behind <see cref="To"/>, entering
/// over child SA <see cref="Inbound"/> of From and leaving over <see cref="Outbound"/> of To (the reply takes the same
/// two SAs back). <see cref="Stop"/> names the setting that would end it.</summary>
public sealed record TransitPath(
    string Gateway,
    string From,
    string To,
    ImmutableArray<Prefix> Sources,
    ImmutableArray<Prefix> Destinations,
    ChildSa Inbound,
    ChildSa Outbound,
    string Stop)
{
    public bool Allows(Ipv4 source, Ipv4 destination) =>
        Prefixes.Contains(Sources, source) && Prefixes.Contains(Destinations, destination);

    public override string ToString() =>
        $"{string.Join(", ", Sources)} -> {string.Join(", ", Destinations)}: in over {From} SA {Inbound.Selector} "
        + $"({Who(Inbound)}{Where(Inbound)}), out over {To} SA {Outbound.Selector} ({Who(Outbound)}{Where(Outbound)})";

    private static string Who(ChildSa sa) => sa.Initiator == Side.Azure ? "Azure-initiated" : "peer-initiated";
    private static string Where(ChildSa sa) => sa.Source.Line > 0 ? ", " + sa.Source : "";
}

/// <summary>Third-party transit: for each pair of connections on one gateway, whether one's site can reach the
/// other's through the gateway. The gateway routes between its connections (each site's prefixes are routes to its
/// connection, rule A4); what limits it is the child SAs: a packet from site X to site Y enters over an SA of X whose
/// Azure side holds Y's address, and leaves over an SA of Y whose Azure side holds X's address (rules E1, E5).
/// Sites are the local network gateways' prefixes (or the other VNet's for VNet-to-VNet); BGP-learned site prefixes
/// and NAT are not taken into account here.</summary>
public static class Transit
{
    public static ImmutableArray<TransitPath> Find(Topology t, IReadOnlyList<TunnelReport> reports)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(reports);
        var paths = ImmutableArray.CreateBuilder<TransitPath>();
        // A gateway's sites pair with each other (quadratic in its connections): each site's prefixes, each gateway's
        // Azure prefixes and each SA's stop text are worked out once, not once per pair.
        var azure = new Dictionary<string, string>(StringComparer.Ordinal);
        var stops = new Dictionary<(string Connection, ChildSa Sa), string>();
        string Stop(TunnelReport r, ChildSa sa)
        {
            if (!stops.TryGetValue((r.Connection, sa), out var text)) stops[(r.Connection, sa)] = text = StopText(t, r, sa, azure);
            return text;
        }
        foreach (var gw in reports.GroupBy(r => r.Gateway))
        {
            var live = gw.Where(r => r.State != TunnelState.Down && !r.Selectors.IsEmpty).ToList();
            var sites = live.Select(r => SitePrefixes(t, r)).ToList();
            for (var i = 0; i < live.Count; i++)
                for (var j = 0; j < live.Count; j++)
                {
                    var (x, y) = (live[i], live[j]);
                    if (y.Connection == x.Connection) continue;
                    var (ax, ay) = (sites[i], sites[j]);
                    foreach (var s in x.Selectors)
                        foreach (var o in y.Selectors)
                        {
                            var sources = Prefixes.Intersect(Prefixes.Intersect(s.Selector.Remote, o.Selector.Local), ax);
                            var destinations = Prefixes.Intersect(Prefixes.Intersect(s.Selector.Local, o.Selector.Remote), ay);
                            if (sources.IsEmpty || destinations.IsEmpty) continue;
                            paths.Add(new TransitPath(gw.Key, x.Connection, y.Connection, sources, destinations, s, o,
                                Stop(x, s) + "; or " + Stop(y, o)));
                        }
                }
        }
        return paths.ToImmutable();
    }

    /// <summary>True when some path lets <paramref name="source"/> behind connection <paramref name="from"/> reach
    /// <paramref name="destination"/> behind <paramref name="to"/>.</summary>
    public static bool Allows(IEnumerable<TransitPath> paths, string from, string to, Ipv4 source, Ipv4 destination) =>
        paths.Any(p => p.From == from && p.To == to && p.Allows(source, destination));

    /// <summary>One finding per pair of connections (both directions), with the paths that allow it.</summary>
    public static ImmutableArray<Finding> Findings(Topology t, ImmutableArray<TransitPath> paths) =>
        [.. FindingsByPair(t, paths).Select(f => f.Finding)];

    internal static List<(string A, string B, Finding Finding)> FindingsByPair(Topology t, ImmutableArray<TransitPath> paths)
    {
        ArgumentNullException.ThrowIfNull(t);
        var findings = new List<(string, string, Finding)>();
        foreach (var pair in paths.GroupBy(p => string.CompareOrdinal(p.From, p.To) < 0 ? (p.From, p.To) : (p.To, p.From)))
        {
            var (a, b) = pair.Key;
            var ca = t.Connection(a);
            var cb = t.Connection(b);
            if (ca is null || cb is null) continue;
            var shown = pair.GroupBy(p => p.From).Select(g => g.First()).ToList();
            findings.Add((a, b, TunnelRules.Transit.Create(ca, a, Site(t, ca), b, Site(t, cb), pair.First().Gateway,
                string.Join("; ", shown.Select(p => p.ToString())), shown[0].Stop)));
        }
        return findings;
    }

    internal static ImmutableArray<Prefix> SitePrefixes(Topology t, TunnelReport r)
    {
        var c = t.Connection(r.Connection);
        if (c is null) return [];
        if (c.ConnectionType == ConnectionType.Vnet2Vnet)
            return t.VirtualNetworkGateway(c.VirtualNetworkGateway2 ?? "") is { } g2 ? AzureParties.AllPrefixes(t, g2) : [];
        return t.LocalNetworkGateway(c.LocalNetworkGateway2 ?? "")?.AddressPrefixes ?? [];
    }

    private static string Site(Topology t, Connection c) => c.ConnectionType == ConnectionType.Vnet2Vnet
        ? $"VNet-to-VNet to {c.VirtualNetworkGateway2}"
        : $"site {c.LocalNetworkGateway2}: {string.Join(", ", t.LocalNetworkGateway(c.LocalNetworkGateway2 ?? "")?.AddressPrefixes ?? [])}";

    private static string StopText(Topology t, TunnelReport r, ChildSa sa, Dictionary<string, string> azureByGateway)
    {
        var c = t.Connection(r.Connection)!;
        if (!azureByGateway.TryGetValue(c.VirtualNetworkGateway1, out var azure))
            azureByGateway[c.VirtualNetworkGateway1] = azure = t.VirtualNetworkGateway(c.VirtualNetworkGateway1) is { } g
                ? string.Join(", ", AzureParties.AllPrefixes(t, g)) : "";
        var site = string.Join(", ", SitePrefixes(t, r));
        var policies = $"trafficSelectorPolicies {azure} <-> {site}";
        if (sa.Initiator == Side.Peer)
        {
            return $"on {c.Name}, SA {sa.Selector} comes from the peer ({sa.Origin}{(sa.Source.Line > 0 ? ", " + sa.Source : "")}) and Azure accepts whatever "
                + $"the peer proposes in connection mode {c.ConnectionMode} (rules E1, E5): set usePolicyBasedTrafficSelectors, {policies} and "
                + "connectionMode InitiatorOnly, with the peer's crypto ACL equal to them (seed 003 case f), or have the peer remove that ACL entry";
        }
        return $"on {c.Name}, SA {sa.Selector} is Azure's own proposal ({sa.Origin}): set usePolicyBasedTrafficSelectors, {policies} and connectionMode InitiatorOnly";
    }
}
