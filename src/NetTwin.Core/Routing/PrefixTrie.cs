using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>A binary trie of IPv4 prefixes: one level per address bit, a value at the node of its prefix.
/// Longest-prefix match, "what lies inside this prefix", "what covers this prefix" and "is this range
/// fully covered by longer prefixes" (rule B9) all walk at most 32 levels plus what they return.
/// Built once, then read; not thread-safe while being built.</summary>
public sealed class PrefixTrie<T> where T : class
{
    private sealed class Node
    {
        public Node? Zero, One;
        public T? Value;
        /// <summary>Every address of this node's range is inside some value at or below it.</summary>
        public bool Full;
    }

    private readonly Node _root = new();
    private bool _fullComputed;

    public int Count { get; private set; }

    private static int Bit(uint address, int depth) => (int)((address >> (31 - depth)) & 1);

    /// <summary>Sets the value of a prefix (replacing any previous one).</summary>
    public void Set(Prefix prefix, T value)
    {
        var node = _root;
        for (var d = 0; d < prefix.Length; d++)
            node = Bit(prefix.Network.Value, d) == 0 ? node.Zero ??= new Node() : node.One ??= new Node();
        if (node.Value is null) Count++;
        node.Value = value;
        _fullComputed = false;
    }

    private Node? Find(Prefix prefix)
    {
        var node = _root;
        for (var d = 0; d < prefix.Length && node is not null; d++)
            node = Bit(prefix.Network.Value, d) == 0 ? node.Zero : node.One;
        return node;
    }

    /// <summary>The value stored at exactly this prefix.</summary>
    public T? Get(Prefix prefix) => Find(prefix)?.Value;

    /// <summary>True when some value lies at or inside the prefix.</summary>
    public bool HasAnyWithin(Prefix prefix) => Find(prefix) is not null;

    /// <summary>The value of the longest prefix holding the address that <paramref name="accept"/> accepts.</summary>
    public T? LongestMatch(Ipv4 address, Func<T, bool>? accept = null)
    {
        T? best = null;
        var node = _root;
        for (var d = 0; node is not null; d++)
        {
            if (node.Value is { } v && (accept is null || accept(v))) best = v;
            if (d == 32) break;
            node = Bit(address.Value, d) == 0 ? node.Zero : node.One;
        }
        return best;
    }

    /// <summary>True when some prefix holds the address: the first value on the way down answers (a membership test
    /// need not find the longest).</summary>
    public bool HasMatch(Ipv4 address)
    {
        var node = _root;
        for (var d = 0; node is not null; d++)
        {
            if (node.Value is not null) return true;
            if (d == 32) break;
            node = Bit(address.Value, d) == 0 ? node.Zero : node.One;
        }
        return false;
    }

    /// <summary>Values at or inside the prefix, in address order (shorter first at equal address).</summary>
    public IEnumerable<T> Within(Prefix prefix)
    {
        var start = Find(prefix);
        if (start is null) yield break;
        var stack = new Stack<Node>();
        stack.Push(start);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n.Value is { } v) yield return v;
            if (n.One is not null) stack.Push(n.One);
            if (n.Zero is not null) stack.Push(n.Zero);
        }
    }

    /// <summary>Values at strict supernets of the prefix (shortest first).</summary>
    public IEnumerable<T> Covering(Prefix prefix)
    {
        var node = _root;
        for (var d = 0; d < prefix.Length && node is not null; d++)
        {
            if (node.Value is { } v) yield return v;
            node = Bit(prefix.Network.Value, d) == 0 ? node.Zero : node.One;
        }
    }

    /// <summary>Every value, in address order.</summary>
    public IEnumerable<T> All() => Within(Prefix.Default);

    /// <summary>Computes the coverage flags now, so later reads from several threads only read.</summary>
    public PrefixTrie<T> Freeze()
    {
        EnsureFull();
        return this;
    }

    private void EnsureFull()
    {
        if (_fullComputed) return;
        MarkFull(_root);
        _fullComputed = true;
    }

    // Post-order, recursive: a trie is at most 33 levels deep, and no stack is allocated (tables are built by the
    // thousand, and an explicit stack's growth was most of a small trie's freeze).
    private static bool MarkFull(Node n)
    {
        var zero = n.Zero is not null && MarkFull(n.Zero);
        var one = n.One is not null && MarkFull(n.One);
        return n.Full = n.Value is not null || (zero && one);
    }

    /// <summary>True when every address of the prefix lies inside some value at or inside it.</summary>
    public bool IsFull(Prefix prefix)
    {
        EnsureFull();
        return Find(prefix)?.Full ?? false;
    }

    /// <summary>True when the prefix's whole range is covered by values strictly inside it (rule B9):
    /// a value at this prefix could then never be the longest match for any address.</summary>
    public bool IsCoveredByLonger(Prefix prefix)
    {
        if (prefix.Length == 32) return false;
        EnsureFull();
        var n = Find(prefix);
        return n is { Zero.Full: true, One.Full: true };
    }

    /// <summary>The outermost values strictly inside the prefix (no value between them and the prefix).</summary>
    public IEnumerable<T> OutermostWithin(Prefix prefix)
    {
        var start = Find(prefix);
        if (start is null) yield break;
        var stack = new Stack<Node>();
        if (start.One is not null) stack.Push(start.One);
        if (start.Zero is not null) stack.Push(start.Zero);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n.Value is { } v) { yield return v; continue; }
            if (n.One is not null) stack.Push(n.One);
            if (n.Zero is not null) stack.Push(n.Zero);
        }
    }

    /// <summary>The lower and upper halves of a prefix (null for a /32).</summary>
    public static (Prefix Low, Prefix High)? Halves(Prefix p) =>
        p.Length == 32 ? null
            : (new Prefix(p.Network, p.Length + 1), new Prefix(new Ipv4(p.Network.Value | (1u << (31 - p.Length))), p.Length + 1));
}
