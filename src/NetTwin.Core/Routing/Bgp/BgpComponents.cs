using NetTwin.Model;

namespace NetTwin.Routing.Bgp;

/// <summary>The speakers of an estate fall apart into components: sets linked by neighbor statements (a platform
/// link's fixed partner, or the speaker that owns a neighbor's peer address, as <see cref="BgpEngine"/> pairs them).
/// No session and so no route crosses from one component to another, so each converges on its own: a change that
/// touches no speaker of a component leaves that component's BGP state as it was.</summary>
internal static class BgpComponents
{
    /// <summary>A component key per speaker (the sorted ids of its component, joined), in the speakers' order.</summary>
    public static string[] Of(IReadOnlyList<Speaker> speakers)
    {
        var index = new Dictionary<Speaker, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < speakers.Count; i++) index[speakers[i]] = i;
        // The engine's address map: the first speaker holding an address answers for it.
        var byAddress = new Dictionary<Ipv4, int>();
        for (var i = 0; i < speakers.Count; i++)
            foreach (var a in speakers[i].Addresses) byAddress.TryAdd(a, i);
        var parent = Enumerable.Range(0, speakers.Count).ToArray();
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        void Union(int a, int b) { var (ra, rb) = (Find(a), Find(b)); if (ra != rb) parent[Math.Max(ra, rb)] = Math.Min(ra, rb); }
        for (var i = 0; i < speakers.Count; i++)
            foreach (var n in speakers[i].Neighbors)
            {
                if (n.Fixed is { } f) { if (index.TryGetValue(f.Owner, out var j)) Union(i, j); }
                else if (byAddress.TryGetValue(n.PeerAddress, out var k)) Union(i, k);
            }
        var members = new Dictionary<int, List<string>>();
        for (var i = 0; i < speakers.Count; i++)
        {
            if (!members.TryGetValue(Find(i), out var list)) members[Find(i)] = list = [];
            list.Add(speakers[i].Id);
        }
        var keys = members.ToDictionary(m => m.Key, m => string.Join("\n", m.Value.Order(StringComparer.Ordinal)));
        return [.. Enumerable.Range(0, speakers.Count).Select(i => keys[Find(i)])];
    }
}
