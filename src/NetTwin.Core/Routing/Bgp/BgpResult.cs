using System.Collections.Immutable;
using NetTwin.Model;
using NetTwin.Routing.Bgp;

namespace NetTwin.Routing;

/// <summary>A BGP speaker after convergence: who it is and what it holds.</summary>
public sealed class BgpSpeaker
{
    internal BgpSpeaker(Speaker s, ImmutableArray<BgpRibEntry> rib)
    {
        Id = s.Id;
        Name = s.Name;
        Instance = s.Instance;
        Kind = s.Kind;
        Asn = s.Asn;
        RouterId = s.RouterId;
        Addresses = [.. s.Addresses];
        Rib = rib;
    }

    /// <summary>Unique id: "vpngateway#0" for instance 0 of an active-active gateway, "R1", "er-circuit (MSEE primary)".</summary>
    public string Id { get; }
    /// <summary>The resource it belongs to: gateway, device or circuit name.</summary>
    public string Name { get; }
    /// <summary>Gateway instance index for VPN gateways.</summary>
    public int? Instance { get; }
    public BgpSpeakerKind Kind { get; }
    public long Asn { get; }
    public Ipv4 RouterId { get; }
    /// <summary>The addresses it speaks BGP from.</summary>
    public ImmutableArray<Ipv4> Addresses { get; }
    /// <summary>Every prefix it holds with every path, best first (the Loc-RIB with the losers and why they lost).</summary>
    public ImmutableArray<BgpRibEntry> Rib { get; }

    public override string ToString() => Id;
}

/// <summary>The converged BGP state of the whole estate (rule set D4-D8): speakers, sessions, and the
/// per-gateway and per-device views the CLI prints (I2, <c>show ip bgp</c>).</summary>
public sealed class BgpResult
{
    private readonly Dictionary<string, Speaker> _internal;
    private readonly Dictionary<string, BgpSpeaker> _byId;
    private readonly IReadOnlyDictionary<string, DeviceConfig?> _configs;

    private readonly Topology _topology;

    internal BgpResult(BgpEngine engine, List<Speaker> speakers, IReadOnlyDictionary<string, DeviceConfig?> configs, IEnumerable<RoutingNote> notes, Topology topology)
        : this(speakers, engine.Sessions, engine.Converged, engine.Notes, configs, notes, topology, null) { }

    /// <summary>The result of a run that reused an earlier one's speakers (<paramref name="reused"/>, with their
    /// state): their public views and sessions are that result's; the others are built from their run.
    /// <paramref name="sessions"/> are in the order a run over every speaker creates them.</summary>
    internal BgpResult(IReadOnlyList<Speaker> speakers, IReadOnlyList<Session> sessions, bool converged, IEnumerable<RoutingNote> engineNotes,
        IReadOnlyDictionary<string, DeviceConfig?> configs, IEnumerable<RoutingNote> notes, Topology topology, BgpResult? reused)
    {
        _topology = topology;
        _internal = speakers.ToDictionary(s => s.Id, StringComparer.Ordinal);
        _configs = configs;
        Internal = speakers;
        RawSessions = sessions;
        BgpSpeaker View(Speaker s) => reused is not null && reused._internal.GetValueOrDefault(s.Id) == s ? reused._byId[s.Id] : new BgpSpeaker(s, RibOf(s));
        Speakers = [.. speakers.Select(View)];
        _byId = Speakers.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var earlier = reused?.PublicSessions();
        Sessions = [.. sessions.Select(x => earlier is not null && earlier.TryGetValue(x, out var p) ? p : ToPublic(x))];
        Converged = converged;
        Notes = [.. notes.Concat(engineNotes).Concat(speakers.SelectMany(s => s.Notes))];
    }

    /// <summary>The speakers as the engine ran them, in the builder's order, and their sessions in creation order
    /// (for a later run that reuses some of them).</summary>
    internal IReadOnlyList<Speaker> Internal { get; }
    internal IReadOnlyList<Session> RawSessions { get; }
    internal Speaker? InternalSpeaker(string id) => _internal.GetValueOrDefault(id);

    private Dictionary<Session, BgpSession> PublicSessions()
    {
        var map = new Dictionary<Session, BgpSession>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < RawSessions.Count; i++) map[RawSessions[i]] = Sessions[i];
        return map;
    }

    public ImmutableArray<BgpSpeaker> Speakers { get; }
    /// <summary>Every session and every neighbor statement that found no partner, with state and reason.</summary>
    public ImmutableArray<BgpSession> Sessions { get; }
    /// <summary>False when some best path kept changing (a BGP oscillation); the state is then the last one reached.</summary>
    public bool Converged { get; }
    public ImmutableArray<RoutingNote> Notes { get; }

    public BgpSpeaker? Speaker(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The speakers of a gateway, device or circuit, by resource name.</summary>
    public IEnumerable<BgpSpeaker> SpeakersOf(string name) => Speakers.Where(s => s.Name == name);

    private static ImmutableArray<BgpRibEntry> RibOf(Speaker s) =>
        [.. s.Rib.Keys.Order().Select(p => new BgpRibEntry(p, [.. BestPath.Rank(BgpEngine.Candidates(s, p))])).Where(e => !e.Paths.IsEmpty)];

    private static BgpSession ToPublic(Session session)
    {
        static BgpSessionEnd End(Neighbor n) => new(n.Owner.Id, n.Owner.Name, n.LocalAddress, n.Owner.Asn, n.PeerAddress, n.RemoteAsn, n.Via);
        return new BgpSession(End(session.A), session.B is null ? null : End(session.B), session.State, session.Reason, session.A.IsEbgp)
        {
            PrefixesReceived = session.A.AdjIn.Count,
            PrefixesSent = session.A.AdjOut.Count,
        };
    }

    private IEnumerable<Speaker> GatewaySpeakers(string gateway) =>
        _internal.Values.Where(s => s.Name == gateway && s.Kind is BgpSpeakerKind.VpnGateway or BgpSpeakerKind.ExpressRouteGateway).OrderBy(s => s.Instance ?? 0);

    /// <summary><c>az network vnet-gateway list-learned-routes</c>: every route every instance of the gateway
    /// holds, its own (origin Network) and learned ones (EBgp, IBgp), all paths, not only the best.</summary>
    public ImmutableArray<GatewayBgpRoute> LearnedRoutes(string gateway)
    {
        var rows = new List<GatewayBgpRoute>();
        foreach (var s in GatewaySpeakers(gateway))
        {
            var local = s.Addresses.Count > 0 ? s.Addresses[0] : s.RouterId;
            // As Get-AzVirtualNetworkGatewayLearnedRoute shows them: own and static routes with origin Network, no next
            // hop, the gateway itself as source peer, weight 32768; learned ones with the peer as next hop and source.
            foreach (var p in s.Local)
                rows.Add(new GatewayBgpRoute(local, p.Prefix, null, local, "Network", "", p.Weight));
            foreach (var n in s.Neighbors.Where(n => n.Up))
                foreach (var p in n.AdjIn.Values)
                    rows.Add(new GatewayBgpRoute(n.LocalAddress ?? local, p.Prefix, p.NextHop, n.PeerAddress,
                        p.Source == BgpPathSource.Ibgp ? "IBgp" : "EBgp", p.AsPathText, p.Weight));
        }
        return [.. rows.OrderBy(r => r.LocalAddress).ThenBy(r => r.Network).ThenBy(r => r.Origin == "Network" ? 0 : 1).ThenBy(r => r.SourcePeer)];
    }

    /// <summary><c>az network vnet-gateway list-advertised-routes --peer IP</c>: what the gateway sends that
    /// BGP neighbor (rule D5).</summary>
    public ImmutableArray<GatewayBgpRoute> AdvertisedRoutes(string gateway, Ipv4 peer)
    {
        var rows = new List<GatewayBgpRoute>();
        foreach (var s in GatewaySpeakers(gateway))
            foreach (var n in s.Neighbors.Where(n => n.Up && n.PeerAddress == peer))
                foreach (var p in n.AdjOut.Values)
                    rows.Add(new GatewayBgpRoute(n.LocalAddress ?? s.RouterId, p.Prefix, p.NextHop, null,
                        p.Origin switch { BgpOrigin.Igp => "Igp", BgpOrigin.Egp => "Egp", _ => "Incomplete" }, p.AsPathText, 0));
        return [.. rows.OrderBy(r => r.Network).ThenBy(r => r.LocalAddress)];
    }

    /// <summary>Why a gateway does not advertise a prefix to a peer (D5, policy, split horizon), when it holds it.</summary>
    public string? WhyNotAdvertised(string gateway, Ipv4 peer, Prefix prefix) =>
        GatewaySpeakers(gateway).SelectMany(s => s.Neighbors).Where(n => n.PeerAddress == peer)
            .Select(n => n.NotAdvertised.GetValueOrDefault(prefix)).FirstOrDefault(r => r is not null);

    /// <summary>Why a speaker did not accept a prefix from a neighbor (loop prevention, B3 filter, route map).</summary>
    public string? WhyRejected(string speakerId, Ipv4 neighbor, Prefix prefix) =>
        _internal.GetValueOrDefault(speakerId)?.Neighbors.Where(n => n.PeerAddress == neighbor)
            .Select(n => n.RejectedIn.GetValueOrDefault(prefix)).FirstOrDefault(r => r is not null);

    /// <summary><c>az network vnet-gateway list-bgp-peer-status</c>: every neighbor of every instance of the
    /// gateway, with the reason when not Connected.</summary>
    public ImmutableArray<BgpPeerStatus> PeerStatus(string gateway) =>
        [.. GatewaySpeakers(gateway).SelectMany(s => s.Neighbors.Select(n => new BgpPeerStatus(n.LocalAddress, n.PeerAddress, n.RemoteAsn,
            n.Session?.State ?? BgpSessionState.Idle, n.Up ? n.AdjIn.Count : 0, n.Up ? null : n.Session?.Reason ?? n.DownReason)))];

    /// <summary>The neighbors of any speaker (device, circuit edge...), as <see cref="PeerStatus"/> shows them.</summary>
    public ImmutableArray<BgpPeerStatus> NeighborsOf(string speakerId) =>
        _internal.TryGetValue(speakerId, out var s)
            ? [.. s.Neighbors.Select(n => new BgpPeerStatus(n.LocalAddress, n.PeerAddress, n.RemoteAsn, n.Session?.State ?? BgpSessionState.Idle,
                n.Up ? n.AdjIn.Count : 0, n.Up ? null : n.Session?.Reason ?? n.DownReason))]
            : [];

    /// <summary><c>show ip bgp</c> of an on-premises router: every path, the best marked, the reason the others lost.</summary>
    public ImmutableArray<DeviceBgpRow> DeviceTable(string device)
    {
        if (!_byId.TryGetValue(device, out var s)) return [];
        return [.. s.Rib.SelectMany(e => e.Paths.Select(c => new DeviceBgpRow(e.Prefix, c.Path.NextHop, c.Path.Med, c.Path.LocalPreference,
            c.Path.Weight, c.Path.AsPath, c.Path.Origin, c.Best, c.NotBestReason)))];
    }

    /// <summary>The routing table of an on-premises router: connected, static and installed BGP routes.</summary>
    public DeviceRoutingTable? DeviceRoutes(string device)
    {
        if (_topology.OnPremisesDevice(device) is not { } d) return null;
        var speaker = _byId.GetValueOrDefault(device);
        return DeviceRoutingTable.WithBgp(device, _configs.GetValueOrDefault(device), d.Interfaces, speaker?.Rib ?? []);
    }
}
