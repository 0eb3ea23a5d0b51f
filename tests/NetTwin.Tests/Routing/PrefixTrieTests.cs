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
