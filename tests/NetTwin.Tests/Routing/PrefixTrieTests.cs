using NetTwin.Model;
using NetTwin.Routing;
using static NetTwin.Tests.Routing.RoutingKit;

namespace NetTwin.Tests.Routing;

/// <summary>The binary prefix trie against brute force on random prefix sets.</summary>
public class PrefixTrieTests
{
    private sealed record Item(Prefix Prefix);

    private static List<Prefix> RandomPrefixes(Random rng, int count)
    {
        // Clustered in a few /8s so that nesting and covering actually happen.
        var set = new HashSet<Prefix>();
        while (set.Count < count)
        {
            var top = (uint)(10 + rng.Next(3)) << 24;
            var len = rng.Next(4) == 0 ? rng.Next(0, 9) : rng.Next(8, 33);
            set.Add(new Prefix(new Ipv4(top | (uint)rng.Next(0, 1 << 24)), len));
        }
        return [.. set];
    }

    private static PrefixTrie<Item> Build(IEnumerable<Prefix> prefixes)
    {
        var t = new PrefixTrie<Item>();
        foreach (var p in prefixes) t.Set(p, new Item(p));
        return t.Freeze();
    }

    private static bool BruteCovered(List<Prefix> all, Prefix p)
    {
        // Every address of p is inside a strictly longer prefix of the set: check by halving.
        bool Full(Prefix q) =>
            all.Contains(q) || (q.Length < 32 && all.Any(x => q.Contains(x) && x != q) && PrefixTrie<Item>.Halves(q) is var (lo, hi) && Full(lo) && Full(hi));
        return p.Length < 32 && PrefixTrie<Item>.Halves(p) is var (l, h) && Full(l) && Full(h);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Longest_match_within_covering_and_coverage_agree_with_brute_force(int seed)
    {
        var rng = new Random(seed);
        var prefixes = RandomPrefixes(rng, 300);
        var trie = Build(prefixes);
        Assert.Equal(prefixes.Count, trie.Count);
        for (var i = 0; i < 2000; i++)
        {
            var ip = new Ipv4(((uint)(10 + rng.Next(3)) << 24) | (uint)rng.Next(1 << 24));
            var expected = prefixes.Where(p => p.Contains(ip)).OrderByDescending(p => p.Length).Select(p => (Prefix?)p).FirstOrDefault();
            Assert.Equal(expected, trie.LongestMatch(ip)?.Prefix);
        }
        foreach (var p in prefixes.Take(60))
        {
            Assert.Equal(prefixes.Where(p.Contains).Order().ToList(), trie.Within(p).Select(x => x.Prefix).Order().ToList());
            Assert.Equal(prefixes.Where(x => x.Contains(p) && x != p).OrderBy(x => x.Length).ToList(), trie.Covering(p).Select(x => x.Prefix).ToList());
            Assert.Equal(BruteCovered(prefixes, p), trie.IsCoveredByLonger(p));
        }
    }

    /// <summary>Every query of the path-compressed trie against brute force, asked also of prefixes the set does not
    /// hold (they fall between nodes, on a compressed edge, or outside every value), with values set twice and in
    /// random order (a later, shorter prefix is put between a node and its parent).</summary>
    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Every_query_agrees_with_brute_force_for_prefixes_in_and_out_of_the_set(int seed)
    {
        var rng = new Random(seed);
        var prefixes = RandomPrefixes(rng, 200);
        var trie = new PrefixTrie<Item>();
        foreach (var p in prefixes) trie.Set(p, new Item(P("0.0.0.0/0")));     // replaced below: Count stays
        foreach (var p in prefixes.OrderBy(_ => rng.Next())) trie.Set(p, new Item(p));
        trie.Freeze();
        Assert.Equal(prefixes.Count, trie.Count);
        var queries = prefixes.Take(80).Concat(RandomPrefixes(new Random(seed + 100), 120)).Append(P("0.0.0.0/0")).Distinct().ToList();
        foreach (var q in queries)
        {
            var inside = prefixes.Where(q.Contains).ToList();
            Assert.Equal(prefixes.Contains(q) ? q : null, trie.Get(q)?.Prefix);
            Assert.Equal(inside.Count > 0, trie.HasAnyWithin(q));
            Assert.Equal(inside.Order().ToList(), trie.Within(q).Select(x => x.Prefix).ToList());
            Assert.Equal(prefixes.Where(x => x.Contains(q) && x != q).OrderBy(x => x.Length).ToList(), trie.Covering(q).Select(x => x.Prefix).ToList());
            Assert.Equal(BruteFull(inside, q), trie.IsFull(q));
            Assert.Equal(BruteCovered(inside, q), trie.IsCoveredByLonger(q));
            var strictly = inside.Where(x => x != q).ToList();
            // The longest value holding the whole of q (q included), with and without a filter, and whether one lies
            // strictly inside q (counted whatever the filter says).
            var holding = prefixes.Where(x => x.Contains(q)).OrderByDescending(x => x.Length).ToList();
            Assert.Equal(holding.Select(x => (Prefix?)x).FirstOrDefault(), trie.LongestCovering(q, null, out var parted)?.Prefix);
            Assert.Equal(strictly.Count > 0, parted);
            Assert.Equal(holding.Where(x => x.Length % 2 == 0).Select(x => (Prefix?)x).FirstOrDefault(), trie.LongestCovering(q, x => x.Prefix.Length % 2 == 0, out parted)?.Prefix);
            Assert.Equal(strictly.Count > 0, parted);
            var outermost = strictly.Where(x => !strictly.Any(y => y != x && y.Contains(x))).Order().ToList();
            Assert.Equal(outermost, trie.OutermostWithin(q).Select(x => x.Prefix).Order().ToList());
        }
        for (var i = 0; i < 2000; i++)
        {
            var ip = new Ipv4(((uint)(9 + rng.Next(5)) << 24) | (uint)rng.Next(1 << 24));
            Assert.Equal(prefixes.Any(p => p.Contains(ip)), trie.HasMatch(ip));
            Assert.Equal(prefixes.Where(p => p.Contains(ip)).OrderByDescending(p => p.Length).Select(p => (Prefix?)p).FirstOrDefault(), trie.LongestMatch(ip)?.Prefix);
        }
        // An empty trie holds nothing, though its root stands for 0.0.0.0/0.
        var empty = new PrefixTrie<Item>().Freeze();
        Assert.Null(empty.LongestMatch(Ip("10.0.0.1")));
        Assert.False(empty.HasMatch(Ip("10.0.0.1")));
        Assert.False(empty.IsFull(P("0.0.0.0/0")));
        Assert.False(empty.HasAnyWithin(P("0.0.0.0/0")));
        Assert.Null(empty.LongestCovering(P("0.0.0.0/0"), null, out var none));
        Assert.False(none);
        Assert.Empty(empty.All());
    }

    private static bool BruteFull(List<Prefix> all, Prefix q) =>
        all.Contains(q) || (q.Length < 32 && all.Any(x => q.Contains(x) && x != q) && PrefixTrie<Item>.Halves(q) is var (lo, hi) && BruteFull(all, lo) && BruteFull(all, hi));

    [Fact]
    public void Longest_match_with_a_filter_skips_rejected_values()
    {
        var trie = Build([P("0.0.0.0/0"), P("10.0.0.0/8"), P("10.1.0.0/16")]);
        Assert.Equal(P("10.1.0.0/16"), trie.LongestMatch(Ip("10.1.2.3"))!.Prefix);
        Assert.Equal(P("10.0.0.0/8"), trie.LongestMatch(Ip("10.1.2.3"), x => x.Prefix.Length != 16)!.Prefix);
        Assert.Null(trie.LongestMatch(Ip("10.1.2.3"), _ => false));
    }

    [Fact]
    public void Halves_cover_exactly_and_outermost_stops_at_the_first_value()
    {
        var trie = Build([P("0.0.0.0/0"), P("0.0.0.0/1"), P("128.0.0.0/1"), P("10.0.0.0/8")]);
        Assert.True(trie.IsCoveredByLonger(P("0.0.0.0/0")));
        Assert.False(trie.IsCoveredByLonger(P("0.0.0.0/1")));
        Assert.Equal([P("0.0.0.0/1"), P("128.0.0.0/1")], trie.OutermostWithin(P("0.0.0.0/0")).Select(x => x.Prefix).ToArray());
        Assert.Equal((P("10.0.0.0/9"), P("10.128.0.0/9")), PrefixTrie<Item>.Halves(P("10.0.0.0/8"))!.Value);
        Assert.Null(PrefixTrie<Item>.Halves(P("10.0.0.1/32")));
    }
}
