using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Ipsec;

/// <summary>Which end of a tunnel: the Azure gateway of the connection evaluated, or the peer it connects to
/// (an on-premises device, another Azure gateway, or an address NetTwin does not model).</summary>
public enum Side { Azure, Peer }

/// <summary>A pair of IKEv2 traffic selector sets (RFC 7296 §3.13), always oriented from the Azure gateway of the
/// connection evaluated: <see cref="Local"/> is the Azure side (VNet, spokes), <see cref="Remote"/> the peer's side
/// (the site). When Azure initiates, Local is TSi and Remote TSr; when the peer initiates, the reverse. Only address
/// ranges are modelled (protocol "any", all ports), as Azure proposes them.</summary>
public sealed record TrafficSelector(ImmutableArray<Prefix> Local, ImmutableArray<Prefix> Remote)
{
    /// <summary>0.0.0.0/0 &lt;-&gt; 0.0.0.0/0, Azure's default proposal (rule E2).</summary>
    public static readonly TrafficSelector AnyToAny = new([Prefix.Default], [Prefix.Default]);

    public static TrafficSelector Single(Prefix local, Prefix remote) => new([local], [remote]);

    /// <summary>True when both sides hold the same ranges (order ignored).</summary>
    public bool SetEquals(TrafficSelector other) =>
        Local.ToHashSet().SetEquals(other.Local) && Remote.ToHashSet().SetEquals(other.Remote);

    /// <summary>True when every range of this selector lies inside a range of <paramref name="other"/> (a subset,
    /// what an RFC 7296 responder may return).</summary>
    public bool IsWithin(TrafficSelector other) =>
        Local.All(l => other.Local.Any(o => o.Contains(l))) && Remote.All(r => other.Remote.Any(o => o.Contains(r)));

    /// <summary>The part of this selector inside <paramref name="other"/> on both sides, or null when a side is empty
    /// (RFC 7296 §2.9 narrowing).</summary>
    public TrafficSelector? Intersect(TrafficSelector other)
    {
        var local = Prefixes.Intersect(Local, other.Local);
        var remote = Prefixes.Intersect(Remote, other.Remote);
        return local.IsEmpty || remote.IsEmpty ? null : new TrafficSelector(local, remote);
    }

    /// <summary>True when a packet between <paramref name="azureSide"/> and <paramref name="peerSide"/> (either
    /// direction) is inside this selector.</summary>
    public bool Covers(Ipv4 azureSide, Ipv4 peerSide) =>
        Local.Any(p => p.Contains(azureSide)) && Remote.Any(p => p.Contains(peerSide));

    /// <summary>The same selector seen from the other end (Local and Remote swapped).</summary>
    public TrafficSelector Flip() => new(Remote, Local);

    public override string ToString() => $"{Show(Local)}<->{Show(Remote)}";

    private static string Show(ImmutableArray<Prefix> ps) => ps.Length == 1 ? ps[0].ToString() : "{" + string.Join(", ", ps) + "}";
}

/// <summary>An IPsec child SA the negotiation produced: its selectors (Azure side ↔ peer side), who initiated it,
/// on which gateway instance, and where the selector came from (Azure's proposal or the peer's ACL entry, with the
/// file and line when a configuration file holds it).</summary>
public sealed record ChildSa(TrafficSelector Selector, Side Initiator, int Instance, string Origin, SourceRef Source)
{
    public override string ToString() => $"{Selector} (initiated by {(Initiator == Side.Azure ? "Azure" : "the peer")}, instance {Instance})";
}

/// <summary>Prefix-set arithmetic used by the selector and NAT code.</summary>
public static class Prefixes
{
    /// <summary>The intersection of two prefixes: the longer one when one holds the other, else null.</summary>
    public static Prefix? Intersect(Prefix a, Prefix b) => a.Contains(b) ? b : b.Contains(a) ? a : null;

    /// <summary>Pairwise intersections of two prefix sets, without duplicates, in address order.</summary>
    public static ImmutableArray<Prefix> Intersect(IEnumerable<Prefix> a, IEnumerable<Prefix> b)
    {
        var bs = b.ToList();
        return [.. a.SelectMany(x => bs.Select(y => Intersect(x, y))).OfType<Prefix>().Distinct().Order()];
    }

    /// <summary>True when an address is inside any prefix of the set.</summary>
    public static bool Contains(IEnumerable<Prefix> set, Ipv4 ip) => set.Any(p => p.Contains(ip));
}
