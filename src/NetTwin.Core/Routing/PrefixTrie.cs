using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>A binary trie of IPv4 prefixes, path-compressed: a node only where a value is or where two branches part
/// (a chain of single children is one edge), so a trie of n prefixes has fewer than 2n nodes, whatever their lengths.
/// Longest-prefix match, "what lies inside this prefix", "what covers this prefix" and "is this range fully covered
/// by longer prefixes" (rule B9) all walk at most 33 nodes plus what they return. Built once, then read; not
/// thread-safe while being built.</summary>
/// <remarks>Tables are built by the ten thousand on a large estate: one node per address bit made a spoke table's
/// eight Default routes about 120 nodes, and its tries most of what a table kept.</remarks>
public sealed class PrefixTrie<T> where T : class
{
    private sealed class Node(uint network, int length)
    {
        /// <summary>The node's prefix: its network (bits past <see cref="Length"/> are zero) and length.</summary>
        public readonly uint Network = network;
        public readonly int Length = length;
        /// <summary>The subtrees whose prefixes continue with a 0 or a 1 bit at position <see cref="Length"/>; a child
        /// may be many bits longer.</summary>
        public Node? Zero, One;
        public T? Value;
        /// <summary>Every address of this node's range is inside some value at or below it.</summary>
        public bool Full;
    }

    private readonly Node _root = new(0, 0);
    private bool _fullComputed;

    public int Count { get; private set; }

    private static int Bit(uint address, int depth) => (int)((address >> (31 - depth)) & 1);

    private static uint Mask(int length) => length == 0 ? 0u : uint.MaxValue << (32 - length);

    private static bool Holds(Node n, uint address) => (address & Mask(n.Length)) == n.Network;

    /// <summary>Sets the value of a prefix (replacing any previous one).</summary>
    public void Set(Prefix prefix, T value)
    {
        var (net, len) = (prefix.Network.Value & Mask(prefix.Length), prefix.Length);
        _fullComputed = false;
        var node = _root;
        while (true)
        {
            // node's prefix holds the new one.
            if (node.Length == len)
            {
                if (node.Value is null) Count++;
                node.Value = value;
                return;
            }
            var zero = Bit(net, node.Length) == 0;
            var child = zero ? node.Zero : node.One;
            Node put;
            if (child is null) put = new Node(net, len) { Value = value };
            else
            {
                // How many leading bits the child's prefix and the new one share, up to the shorter's length.
                var diff = child.Network ^ net;
                var common = Math.Min(diff == 0 ? 32 : System.Numerics.BitOperations.LeadingZeroCount(diff), Math.Min(child.Length, len));
                if (common == child.Length) { node = child; continue; }
                if (common == len)
                {
                    // The new prefix holds the child: it goes between.
                    put = new Node(net, len) { Value = value };
                    if (Bit(child.Network, len) == 0) put.Zero = child; else put.One = child;
                }
                else
                {
                    // They part at bit `common`: a branch node there holds both.
                    put = new Node(net & Mask(common), common);
                    var leaf = new Node(net, len) { Value = value };
                    if (Bit(net, common) == 0) (put.Zero, put.One) = (leaf, child); else (put.Zero, put.One) = (child, leaf);
                }
            }
            if (zero) node.Zero = put; else node.One = put;
            Count++;
            return;
        }
    }

    /// <summary>The first node at or inside the prefix (the node of the prefix itself when there is one: then
    /// <paramref name="exact"/>), or null when no value lies at or inside it.</summary>
    private Node? Locate(Prefix prefix, out bool exact)
    {
        var (net, len) = (prefix.Network.Value & Mask(prefix.Length), prefix.Length);
        exact = false;
        var node = _root;
        while (true)
        {
            if (node.Length >= len)
            {
                // The root stands for 0.0.0.0/0 even in an empty trie: then nothing is inside.
                if ((node.Network & Mask(len)) != net || node is { Value: null, Zero: null, One: null }) return null;
                exact = node.Length == len;
                return node;
            }
            if (!Holds(node, net)) return null;
            var child = Bit(net, node.Length) == 0 ? node.Zero : node.One;
            if (child is null) return null;
            node = child;
        }
    }

    /// <summary>The value stored at exactly this prefix.</summary>
    public T? Get(Prefix prefix) => Locate(prefix, out var exact) is { } n && exact ? n.Value : null;

    /// <summary>True when some value lies at or inside the prefix.</summary>
    public bool HasAnyWithin(Prefix prefix) => Locate(prefix, out _) is not null;

    /// <summary>The value of the longest prefix holding the whole of <paramref name="prefix"/> (itself included) that
    /// <paramref name="accept"/> accepts; and, in <paramref name="parted"/>, whether some value lies strictly inside it.
    /// When none does, that value is the longest match of every address of the prefix.</summary>
    public T? LongestCovering(Prefix prefix, Func<T, bool>? accept, out bool parted)
    {
        var len = prefix.Length;
        var net = prefix.Network.Value & Mask(len);
        T? best = null;
        parted = false;
        for (var node = _root; node is not null; node = Bit(net, node.Length) == 0 ? node.Zero : node.One)
        {
            // A node longer than the prefix on its path lies inside it (a node without a value has two below it).
            if (node.Length > len) { parted = (node.Network & Mask(len)) == net; return best; }
            if (!Holds(node, net)) return best;
            if (node.Value is { } v && (accept is null || accept(v))) best = v;
            if (node.Length == len) { parted = node.Zero is not null || node.One is not null; return best; }
        }
        return best;
    }

    /// <summary>The value of the longest prefix holding the address that <paramref name="accept"/> accepts.</summary>
    public T? LongestMatch(Ipv4 address, Func<T, bool>? accept = null)
    {
        T? best = null;
        var a = address.Value;
        for (var node = _root; node is not null && Holds(node, a); node = Bit(a, node.Length) == 0 ? node.Zero : node.One)
        {
            if (node.Value is { } v && (accept is null || accept(v))) best = v;
            if (node.Length == 32) break;
        }
        return best;
    }

    /// <summary>True when some prefix holds the address: the first value on the way down answers (a membership test
    /// need not find the longest).</summary>
    public bool HasMatch(Ipv4 address)
    {
        var a = address.Value;
        for (var node = _root; node is not null && Holds(node, a); node = Bit(a, node.Length) == 0 ? node.Zero : node.One)
        {
            if (node.Value is not null) return true;
            if (node.Length == 32) break;
        }
        return false;
    }

    /// <summary>Values at or inside the prefix, in address order (shorter first at equal address).</summary>
    public IEnumerable<T> Within(Prefix prefix)
    {
        var start = Locate(prefix, out _);
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
        var (net, len) = (prefix.Network.Value & Mask(prefix.Length), prefix.Length);
        for (var node = _root; node is not null && node.Length < len && Holds(node, net); node = Bit(net, node.Length) == 0 ? node.Zero : node.One)
            if (node.Value is { } v) yield return v;
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

    // Post-order, recursive: a trie is at most 33 nodes deep, and no stack is allocated (tables are built by the
    // thousand, and an explicit stack's growth was most of a small trie's freeze). A half of a node's range is full
    // only through a child exactly one bit longer: a longer child leaves part of that half uncovered.
    private static bool MarkFull(Node n)
    {
        var zero = n.Zero is not null && MarkFull(n.Zero) && n.Zero.Length == n.Length + 1;
        var one = n.One is not null && MarkFull(n.One) && n.One.Length == n.Length + 1;
        return n.Full = n.Value is not null || (zero && one);
    }

    /// <summary>True when every address of the prefix lies inside some value at or inside it.</summary>
    public bool IsFull(Prefix prefix)
    {
        EnsureFull();
        // A node strictly inside the prefix leaves the rest of the prefix's range uncovered.
        return Locate(prefix, out var exact) is { } n && exact && n.Full;
    }

    /// <summary>True when the prefix's whole range is covered by values strictly inside it (rule B9):
    /// a value at this prefix could then never be the longest match for any address.</summary>
    public bool IsCoveredByLonger(Prefix prefix)
    {
        if (prefix.Length == 32) return false;
        EnsureFull();
        return Locate(prefix, out var exact) is { } n && exact
            && n.Zero is { Full: true } z && z.Length == n.Length + 1
            && n.One is { Full: true } o && o.Length == n.Length + 1;
    }

    /// <summary>The outermost values strictly inside the prefix (no value between them and the prefix).</summary>
    public IEnumerable<T> OutermostWithin(Prefix prefix)
    {
        var start = Locate(prefix, out var exact);
        if (start is null) yield break;
        var stack = new Stack<Node>();
        if (!exact) stack.Push(start);   // the first node is already strictly inside
        else
        {
            if (start.One is not null) stack.Push(start.One);
            if (start.Zero is not null) stack.Push(start.Zero);
        }
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
