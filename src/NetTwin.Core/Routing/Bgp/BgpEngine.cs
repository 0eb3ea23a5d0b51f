using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Routing.Bgp;

/// <summary>A speaker's own policy: what it accepts, what it advertises, how it sets attributes.
/// Vendor or platform behaviour (Azure rules D5/B3, IOS route maps) lives in subclasses.</summary>
internal abstract class SpeakerPolicy
{
    /// <summary>Applies inbound policy to a path received over a session; null rejects it with a reason.</summary>
    public virtual BgpPath? Import(Neighbor from, BgpPath path, out string? reason)
    {
        reason = null;
        return path;
    }

    /// <summary>Applies outbound policy to the speaker's best path before the standard eBGP/iBGP rewriting;
    /// null keeps it from this neighbor with a reason.</summary>
    public virtual BgpPath? Export(Neighbor to, BgpPath best, out string? reason)
    {
        reason = null;
        return best;
    }

    /// <summary>Rewrites the AS path after the speaker's own ASN was prepended (MSEE as-override).</summary>
    public virtual ImmutableArray<long> RewriteOutgoingAsPath(Neighbor to, ImmutableArray<long> asPath) => asPath;

    /// <summary>False for speakers whose local paths already carry their full AS path (customer edge stand-in).</summary>
    public virtual bool PrependOwnAsn => true;

    /// <summary>True when the speaker sets itself as next hop towards this iBGP neighbor.</summary>
    public virtual bool NextHopSelf(Neighbor to) => false;

    /// <summary>Default weight of paths learned from a neighbor.</summary>
    public virtual int LearnedWeight(Neighbor from) => 0;
}

internal sealed class NoPolicy : SpeakerPolicy
{
    public static readonly NoPolicy Instance = new();
}

/// <summary>A BGP speaker as the engine runs it.</summary>
internal sealed class Speaker(string id, string name, BgpSpeakerKind kind, long asn, Ipv4 routerId, string node)
{
    public string Id { get; } = id;
    public string Name { get; } = name;
    public int? Instance { get; init; }
    public BgpSpeakerKind Kind { get; } = kind;
    public long Asn { get; } = asn;
    public Ipv4 RouterId { get; } = routerId;
    /// <summary>The physical thing it runs on (a gateway instance, a device): used to check that a BGP
    /// address behind a tunnel belongs to the tunnel's far end.</summary>
    public string Node { get; } = node;
    public List<Ipv4> Addresses { get; } = [];
    public List<BgpPath> Local { get; } = [];
    public List<Neighbor> Neighbors { get; } = [];
    public SpeakerPolicy Policy { get; set; } = NoPolicy.Instance;
    /// <summary>Answers any session a neighbor configures towards one of its addresses (YAML devices).</summary>
    public bool Passive { get; init; }
    public List<RoutingNote> Notes { get; } = [];

    // Run state.
    public Dictionary<Prefix, List<BgpPath>> LocalByPrefix { get; private set; } = [];
    public readonly Dictionary<Prefix, RibState> Rib = [];

    public void IndexLocal()
    {
        LocalByPrefix = [];
        foreach (var p in Local)
        {
            if (!LocalByPrefix.TryGetValue(p.Prefix, out var l)) LocalByPrefix[p.Prefix] = l = [];
            l.Add(p);
        }
    }
    public readonly HashSet<Prefix> Dirty = [];

    public override string ToString() => Id;
}

internal sealed class RibState
{
    public BgpPath? Best;
    public int Changes;
}

/// <summary>One neighbor statement of a speaker (one direction of a session).</summary>
internal sealed class Neighbor(Speaker owner, Ipv4 peerAddress, Ipv4? localAddress, long? remoteAsn, string via)
{
    public Speaker Owner { get; } = owner;
    public Ipv4 PeerAddress { get; } = peerAddress;
    public Ipv4? LocalAddress { get; set; } = localAddress;
    public long? RemoteAsn { get; } = remoteAsn;
    public string Via { get; } = via;
    public SourceRef? Source { get; init; }
    /// <summary>Why this end cannot bring the session up by itself (failed connection, instance, shutdown...).</summary>
    public string? DownReason { get; set; }
    /// <summary>Checks the speaker that owns the peer address; returns why it is not an acceptable partner.</summary>
    public Func<Speaker, string?>? PeerCheck { get; init; }
    /// <summary>For sessions inside the platform (MSEE - ExpressRoute gateway, gateway instances): the partner, no address lookup.</summary>
    public Neighbor? Fixed { get; set; }
    /// <summary>The session is torn down when more prefixes than this arrive (rules D4, D7); 0 = no limit.</summary>
    public int PrefixLimit { get; init; }
    public object? Tag { get; init; }

    // Run state.
    public Neighbor? Partner;
    public Session? Session;
    public readonly Dictionary<Prefix, BgpPath> AdjIn = [];
    public readonly Dictionary<Prefix, string> RejectedIn = [];
    public readonly Dictionary<Prefix, BgpPath> AdjOut = [];
    public readonly Dictionary<Prefix, string> NotAdvertised = [];

    public bool Up => Session is { State: BgpSessionState.Connected };
    public bool IsEbgp => Partner is null ? RemoteAsn != Owner.Asn : Partner.Owner.Asn != Owner.Asn;

    public override string ToString() => $"{Owner.Id} -> {PeerAddress}";
}

internal sealed class Session(Neighbor a, Neighbor? b)
{
    public Neighbor A { get; } = a;
    public Neighbor? B { get; } = b;
    public BgpSessionState State { get; set; } = BgpSessionState.Connecting;
    public string? Reason { get; set; }
}

/// <summary>Runs BGP to a fixpoint over a set of speakers: pairs neighbor statements into sessions (both ends
/// must agree), then propagates best paths until nothing changes. Deterministic: speakers and prefixes are
/// processed in a fixed order.</summary>
internal sealed class BgpEngine
{
    private readonly List<Speaker> _speakers;
    private readonly Topology _topology;
    private readonly Dictionary<Ipv4, Speaker> _byAddress = [];
    public List<Session> Sessions { get; } = [];
    public List<RoutingNote> Notes { get; } = [];
    public bool Converged { get; private set; } = true;
    public int Rounds { get; private set; }

    /// <summary>Best-path changes of one prefix at one speaker before the run is declared oscillating.</summary>
    private const int OscillationLimit = 64;

    public BgpEngine(IEnumerable<Speaker> speakers, Topology topology) : this(speakers, null, topology) { }

    /// <summary>An engine over <paramref name="all"/> speakers (addresses, rule D4's duplicate check) that runs only
    /// <paramref name="run"/> (null: all): a set closed under neighbor statements (<see cref="BgpComponents"/>), so
    /// no session leaves it; the other speakers keep the state an earlier run gave them and are not touched.</summary>
    public BgpEngine(IEnumerable<Speaker> all, IReadOnlySet<Speaker>? run, Topology topology)
    {
        var everyone = all.ToList();
        _speakers = run is null ? everyone : [.. everyone.Where(run.Contains)];
        _topology = topology;
        foreach (var s in _speakers) s.IndexLocal();
        foreach (var s in everyone)
            foreach (var a in s.Addresses)
                if (!_byAddress.TryAdd(a, s) && _byAddress[a] != s)
                    Notes.Add(new RoutingNote("D4", s.Id, $"BGP address {a} is also used by {_byAddress[a].Id}: sessions to it go to {_byAddress[a].Id}"));
    }

    public void Run()
    {
        Pair();
        Converge();
    }

    // ------------------------------------------------------------------ sessions

    private void Pair()
    {
        foreach (var s in _speakers)
            foreach (var n in s.Neighbors)
            {
                if (n.Session is not null) continue;
                if (n.Fixed is { } f) { Establish(n, f); continue; }
                if (!_byAddress.TryGetValue(n.PeerAddress, out var target))
                {
                    Down(n, null, BgpSessionState.Connecting, $"no BGP speaker answers at {n.PeerAddress}");
                    continue;
                }
                if (target == s)
                {
                    Down(n, null, BgpSessionState.Idle, $"{n.PeerAddress} is this speaker's own address");
                    continue;
                }
                if (n.LocalAddress is null)
                {
                    Down(n, null, BgpSessionState.Idle, n.DownReason ?? $"no local address to reach {n.PeerAddress} from");
                    continue;
                }
                var partner = target.Neighbors.FirstOrDefault(m => m.Session is null && m.Fixed is null && m.PeerAddress == n.LocalAddress);
                if (partner is null && target.Passive)
                {
                    partner = new Neighbor(target, n.LocalAddress.Value, n.PeerAddress, s.Asn, $"answers {s.Id} (device declared in YAML: accepts every session)");
                    target.Neighbors.Add(partner);
                }
                if (partner is null)
                {
                    var other = target.Neighbors.FirstOrDefault(m => m.PeerAddress == n.LocalAddress);
                    Down(n, null, BgpSessionState.Connecting,
                        other is not null ? $"{target.Id} already uses its neighbor {n.LocalAddress} for another session"
                        : $"{target.Id} has no BGP neighbor {n.LocalAddress} (the address {s.Id} speaks from)"
                          + (target.Neighbors.Count > 0 ? $"; its neighbors are {string.Join(", ", target.Neighbors.Select(m => m.PeerAddress).Distinct())}" : ""));
                    continue;
                }
                Establish(n, partner);
            }
    }

    private void Establish(Neighbor n, Neighbor m)
    {
        var s = n.Owner;
        var t = m.Owner;
        var session = new Session(n, m);
        n.Session = m.Session = session;
        n.Partner = m;
        m.Partner = n;
        Sessions.Add(session);
        string? reason = null;
        var state = BgpSessionState.Connecting;
        if (n.DownReason is { } dn) { reason = $"{s.Id}: {dn}"; state = BgpSessionState.Idle; }
        else if (m.DownReason is { } dm) { reason = $"{t.Id}: {dm}"; state = BgpSessionState.Idle; }
        else if (n.Fixed is null && m.LocalAddress is { } ml && ml != n.PeerAddress)
            reason = $"{t.Id} speaks from {ml}, but {s.Id} expects {n.PeerAddress}";
        else if (n.RemoteAsn is { } ra && ra != t.Asn)
            reason = $"ASN mismatch: {s.Id} expects AS {ra} at {n.PeerAddress}, {t.Id} is AS {t.Asn}";
        else if (m.RemoteAsn is { } rb && rb != s.Asn)
            reason = $"ASN mismatch: {t.Id} expects AS {rb} at {m.PeerAddress}, {s.Id} is AS {s.Asn}";
        else if (n.RemoteAsn is null || m.RemoteAsn is null)
            reason = $"{(n.RemoteAsn is null ? s.Id : t.Id)} has no remote-as for this neighbor";
        else if (n.PeerCheck?.Invoke(t) is { } c1) reason = c1;
        else if (m.PeerCheck?.Invoke(s) is { } c2) reason = c2;
        else if ((Failed(s, n) ?? Failed(t, m)) is { } f) { reason = f; state = BgpSessionState.Idle; }
        if (reason is not null)
        {
            session.State = state;
            session.Reason = reason;
            return;
        }
        session.State = BgpSessionState.Connected;
    }

    private string? Failed(Speaker s, Neighbor n) =>
        _topology.IsFailed(new Failure(FailureKind.BgpPeer, s.Name, null, n.PeerAddress))
            ? $"bgpPeers/{s.Name}/{n.PeerAddress} is failed (change set)" : null;

    private void Down(Neighbor n, Neighbor? m, BgpSessionState state, string reason)
    {
        var session = new Session(n, m) { State = n.DownReason is not null ? BgpSessionState.Idle : state, Reason = n.DownReason ?? reason };
        n.Session = session;
        Sessions.Add(session);
    }

    // ------------------------------------------------------------------ propagation

    private void Converge()
    {
        var queue = new Queue<Speaker>();
        var queued = new HashSet<Speaker>();
        foreach (var s in _speakers)
        {
            foreach (var p in s.Local) s.Dirty.Add(p.Prefix);
            if (s.Dirty.Count > 0) { queue.Enqueue(s); queued.Add(s); }
        }
        while (queue.Count > 0)
        {
            var s = queue.Dequeue();
            queued.Remove(s);
            Rounds++;
            var dirty = s.Dirty.OrderBy(p => p).ToList();
            s.Dirty.Clear();
            foreach (var prefix in dirty)
            {
                var best = Decide(s, prefix);
                if (!s.Rib.TryGetValue(prefix, out var state)) s.Rib[prefix] = state = new RibState();
                if (best is null ? state.Best is null : best.SameAs(state.Best)) continue;
                state.Best = best;
                if (++state.Changes > OscillationLimit)
                {
                    if (Converged)
                        Notes.Add(new RoutingNote("BGP", s.Id, $"best path for {prefix} keeps changing: BGP does not converge (stopped after {OscillationLimit} changes)"));
                    Converged = false;
                    continue;
                }
                foreach (var n in s.Neighbors)
                {
                    if (!n.Up) continue;
                    var outgoing = Advertise(s, n, best);
                    if (outgoing is null ? !n.AdjOut.ContainsKey(prefix) : outgoing.SameAs(n.AdjOut.GetValueOrDefault(prefix))) continue;
                    if (outgoing is null) n.AdjOut.Remove(prefix); else n.AdjOut[prefix] = outgoing;
                    var m = n.Partner!;
                    Receive(m, prefix, outgoing);
                    CheckLimit(m);
                    if (m.Owner.Dirty.Count > 0 && queued.Add(m.Owner)) queue.Enqueue(m.Owner);
                    if (n.Owner.Dirty.Count > 0 && queued.Add(n.Owner)) queue.Enqueue(n.Owner);
                }
            }
        }
    }

    private void Receive(Neighbor m, Prefix prefix, BgpPath? path)
    {
        m.RejectedIn.Remove(prefix);
        BgpPath? accepted = null;
        if (path is not null)
        {
            if (path.AsPath.Contains(m.Owner.Asn))
                m.RejectedIn[prefix] = $"AS path {path.AsPathText} contains {m.Owner.Id}'s own AS {m.Owner.Asn} (loop prevention)";
            else
            {
                var incoming = path with { Weight = m.Owner.Policy.LearnedWeight(m) };
                accepted = m.Owner.Policy.Import(m, incoming, out var reason);
                if (accepted is null) m.RejectedIn[prefix] = reason ?? "rejected by inbound policy";
            }
        }
        var had = m.AdjIn.TryGetValue(prefix, out var old);
        if (accepted is null)
        {
            if (!had) return;
            m.AdjIn.Remove(prefix);
        }
        else
        {
            if (had && accepted.SameAs(old)) return;
            m.AdjIn[prefix] = accepted;
        }
        m.Owner.Dirty.Add(prefix);
    }

    // Rules D4/D7: too many prefixes from a neighbor drop the session.
    private void CheckLimit(Neighbor m)
    {
        if (m.PrefixLimit <= 0 || m.AdjIn.Count <= m.PrefixLimit || m.Session is not { State: BgpSessionState.Connected } session) return;
        session.State = BgpSessionState.Idle;
        session.Reason = $"{m.Owner.Id} received more than {m.PrefixLimit} prefixes from {m.PeerAddress}: the session is dropped";
        foreach (var side in new[] { session.A, session.B! })
        {
            foreach (var p in side.AdjIn.Keys) side.Owner.Dirty.Add(p);
            side.AdjIn.Clear();
            side.AdjOut.Clear();
        }
    }

    /// <summary>What a speaker sends a neighbor for its best path: split horizon, no iBGP to iBGP,
    /// outbound policy, then the standard eBGP rewriting (own ASN prepended, next hop self, LOCAL_PREF and
    /// a learned MED not sent).</summary>
    private static BgpPath? Advertise(Speaker s, Neighbor n, BgpPath? best)
    {
        if (best is null) return null;
        n.NotAdvertised.Remove(best.Prefix);
        if (n.AdjIn.TryGetValue(best.Prefix, out var fromHere) && ReferenceEquals(fromHere, best))
        {
            n.NotAdvertised[best.Prefix] = "learned from this neighbor (not sent back)";
            return null;
        }
        var ebgp = n.IsEbgp;
        if (!ebgp && best.Source == BgpPathSource.Ibgp)
        {
            n.NotAdvertised[best.Prefix] = "learned over iBGP: not advertised to another iBGP neighbor";
            return null;
        }
        var path = s.Policy.Export(n, best, out var reason);
        if (path is null)
        {
            n.NotAdvertised[best.Prefix] = reason ?? "denied by outbound policy";
            return null;
        }
        var local = n.LocalAddress ?? s.RouterId;
        if (ebgp)
        {
            var asPath = s.Policy.PrependOwnAsn || path.Source != BgpPathSource.Local ? path.AsPath.Insert(0, s.Asn) : path.AsPath;
            asPath = s.Policy.RewriteOutgoingAsPath(n, asPath);
            return path with
            {
                NextHop = local,
                AsPath = asPath,
                LocalPreference = BgpPath.DefaultLocalPreference,
                // MED is not passed on to another AS, unless outbound policy set it for this neighbor.
                Med = path.Source == BgpPathSource.Local || path.Med != best.Med ? path.Med : 0,
                Weight = 0,
                Source = BgpPathSource.Ebgp,
                PeerAddress = local,
                PeerRouterId = s.RouterId,
                PolicyNote = null,
            };
        }
        return path with
        {
            NextHop = path.Source == BgpPathSource.Local || s.Policy.NextHopSelf(n) ? local : path.NextHop,
            Weight = 0,
            Source = BgpPathSource.Ibgp,
            PeerAddress = local,
            PeerRouterId = s.RouterId,
            PolicyNote = null,
        };
    }

    private static BgpPath? Decide(Speaker s, Prefix prefix)
    {
        BgpPath? best = null;
        foreach (var c in Candidates(s, prefix))
            if (best is null || ReferenceEquals(BestPath.Compare(best, c).Winner, c)) best = c;
        return best;
    }

    internal static IEnumerable<BgpPath> Candidates(Speaker s, Prefix prefix)
    {
        if (s.LocalByPrefix.TryGetValue(prefix, out var locals))
            foreach (var l in locals) yield return l;
        foreach (var n in s.Neighbors)
            if (n.Up && n.AdjIn.TryGetValue(prefix, out var p)) yield return p;
    }
}
