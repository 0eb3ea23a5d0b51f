using System.Collections.Concurrent;
using System.Collections.Immutable;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.Forwarding;

/// <summary>The forwarding stage: follows a packet hop by hop through the estate as the control plane and the
/// tunnels left it (<see cref="Planes"/>), then traces its reply back, after NAT, and compares the stateful devices
/// both directions passed (rule H4). Pure over the immutable planes; per-subnet and per-device lookups are cached, so
/// one forwarder answers many traces (reachability, intents) safely from several threads.</summary>
public sealed class Forwarder
{
    /// <summary>The source port NetTwin gives a request (the first ephemeral port).</summary>
    public const int EphemeralPort = 49152;

    private readonly ConcurrentDictionary<string, DeviceRoutingTable?> _deviceTables = new(StringComparer.Ordinal);
    // A speaker's best paths as a trie, made once per speaker (its RIB is immutable): every forwarder over planes that
    // share a BGP result (a what-if's two sides, its intents' traces) shares them; a circuit's edge holds 10,000 paths.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<BgpSpeaker, PrefixTrie<BgpRibEntry>> Ribs = new();
    private readonly ConcurrentDictionary<string, BgpSpeaker[]> _edges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), Connection?> _erConnections = new();
    private readonly ConcurrentDictionary<(string, Ipv4), BgpSpeaker?> _speakerAt = new();
    private readonly ConcurrentDictionary<string, PrefixTrie<PeeringAt>> _peeringTries = new(StringComparer.Ordinal);

    public Planes Planes { get; }
    public Topology Topology => Planes.Topology;
    public ControlPlane Routing => Planes.Routing;
    public TunnelsAnswer Tunnels => Planes.Tunnels;

    public Forwarder(Planes planes) => Planes = planes ?? throw new ArgumentNullException(nameof(planes));

    /// <summary>False for questions that read only dispositions, devices and reasons (the matrix, the flow diff): the
    /// hops' decision and detail texts that are built by formatting are left empty (tests check everything else of a
    /// trace is the same).</summary>
    public bool HopTexts { get; init; } = true;

    /// <summary>False for questions that read only verdicts (the matrix, the flow diff): no hop is recorded
    /// (<see cref="Trace.Hops"/> is empty), so none is formatted either; dispositions, reasons, devices, stateful devices,
    /// symmetry and notes are those of a trace with hops (tests check it).</summary>
    public bool Hops { get; init; } = true;

    /// <summary>Traces a flow from <paramref name="from"/> to <paramref name="to"/> and its reply.</summary>
    public FlowResult Trace(Endpoint from, Endpoint to, TransportProtocol protocol = TransportProtocol.Tcp, int port = 443)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var icmp = protocol == TransportProtocol.Icmp;
        var flow = new Flow(from.Address, to.Address, protocol == TransportProtocol.Any ? TransportProtocol.Tcp : protocol,
            icmp ? 0 : EphemeralPort, icmp ? 0 : port);
        var request = new Walk(this, flow, null);
        request.Start(from);
        var req = request.Result();
        Walk? back = null;
        if (request.ReplyStart is { } start && req.Disposition.IsSuccess())
        {
            back = new Walk(this, req.FinalFlow.Reverse(), request);
            start(back);
        }
        var reply = back?.Result();
        var (asym, symmetry) = Symmetry(req, reply);
        var notes = !request.HasNotes && back?.HasNotes != true ? []
            : ImmutableArray.CreateRange(request.Notes.Concat(back?.Notes ?? []).Distinct());
        return new FlowResult(req, reply, asym, symmetry, notes);
    }

    /// <summary>Rule H4: the two directions of a flow must pass the same stateful devices; otherwise the device that saw
    /// only one direction drops or mistracks the flow.</summary>
    private static (bool, string) Symmetry(Trace request, Trace? reply)
    {
        if (reply is null) return (false, "no reply: the request was not delivered");
        // A trace's stateful devices are listed once each (Walk.Result).
        var there = request.StatefulDevices;
        var back = reply.StatefulDevices;
        static string Show(ImmutableArray<string> l) => l.Length == 0 ? "no stateful device" : string.Join(", ", l);
        if (there.Length == back.Length && there.All(back.Contains))
            return (false, there.Length == 0 ? "symmetric: neither direction passes a stateful device"
                : $"symmetric: both directions pass {Show(there)}");
        return (true, $"asymmetric: the request passes {Show(there)}, the reply passes {Show(back)} (rule H4: a stateful device sees one direction only)");
    }

    // ---------------------------------------------------------------- cached lookups

    /// <summary>The VirtualNetwork service tag of a subnet (G4): its effective route table's, shared by every subnet
    /// holding that table.</summary>
    internal Func<Ipv4, bool> VirtualNetworkTag(string subnet) => NsgEvaluation.VirtualNetworkTag(Routing.EffectiveRoutes(subnet));

    internal DeviceRoutingTable? DeviceTable(string device) => _deviceTables.GetOrAdd(device, d => Routing.Bgp.DeviceRoutes(d));

    /// <summary>The first ExpressRoute connection of <paramref name="gateway"/> to <paramref name="circuit"/>, or null.</summary>
    internal Connection? ExpressRouteConnection(string gateway, string circuit) =>
        _erConnections.TryGetValue((gateway, circuit), out var c) ? c
            : _erConnections.GetOrAdd((gateway, circuit), k => Topology.Connections.FirstOrDefault(x =>
                x.ConnectionType == ConnectionType.ExpressRoute && x.VirtualNetworkGateway1 == k.Item1 && x.Peer == k.Item2));

    /// <summary>A circuit's Microsoft edges, by id.</summary>
    internal BgpSpeaker[] EdgesOf(string circuit) =>
        _edges.TryGetValue(circuit, out var e) ? e
            : _edges.GetOrAdd(circuit, c => [.. Routing.Bgp.SpeakersOf(c).Where(s => s.Kind == BgpSpeakerKind.MicrosoftEdge).OrderBy(s => s.Id, StringComparer.Ordinal)]);

    /// <summary>The first speaker other than <paramref name="edge"/> that holds <paramref name="peerAddress"/> or has it
    /// as router id: who an edge's best path came from.</summary>
    internal BgpSpeaker? SpeakerAt(BgpSpeaker edge, Ipv4 peerAddress)
    {
        var key = (edge.Id, peerAddress);
        if (_speakerAt.TryGetValue(key, out var found)) return found;
        return _speakerAt.GetOrAdd(key, k => Routing.Bgp.Speakers.FirstOrDefault(s => s.Id != k.Item1 && (s.Addresses.Contains(k.Item2) || s.RouterId == k.Item2)));
    }

    /// <summary>True unless the IPsec stage found the connection's tunnel on that instance down (an ExpressRoute
    /// connection has no tunnel report: up).</summary>
    internal bool InstanceUp(string connection, int instance)
    {
        if (Tunnels.Connection(connection) is not { } r) return true;
        foreach (var i in r.Instances)
            if (i.Instance == instance) return i.State == Ipsec.TunnelState.Up;
        return false;
    }

    /// <summary>The path a gateway follows for a route with paths: the first (by instance, a stable order) whose
    /// instance is up, else the first.</summary>
    internal GatewayVia ChosenPath(GatewayRoute route)
    {
        GatewayVia? up = null, first = null;
        foreach (var v in route.Via)
        {
            if (first is null || v.Instance < first.Instance) first = v;
            if ((up is null || v.Instance < up.Instance) && InstanceUp(v.Connection, v.Instance)) up = v;
        }
        return up ?? first!;
    }

    /// <summary>A circuit's first Microsoft edge holding a best path for the address: the entry, the edge, and the
    /// speaker the path came from.</summary>
    internal (BgpRibEntry Entry, BgpSpeaker Edge, BgpSpeaker? Owner)? EdgeRoute(string circuit, Ipv4 ip)
    {
        foreach (var edge in EdgesOf(circuit))
            if (RibLookup(edge, ip) is { Best: { } best } e)
                return (e, edge, best.PeerAddress is { } pa ? SpeakerAt(edge, pa) : null);
        return null;
    }

    /// <summary>A peering of a VNet and its place in the VNet's list of peerings.</summary>
    private sealed record PeeringAt(int Index, VirtualNetworkPeering Peering);

    /// <summary>The first of <paramref name="localVnet"/>'s peerings (in the topology's order) whose remote VNet holds
    /// <paramref name="ip"/>, or null. A hub has a peering per spoke: past a few, a trie of the remote VNets' prefixes
    /// answers, each prefix holding the first peering among those whose remote VNet has it or a prefix around it.</summary>
    internal VirtualNetworkPeering? PeeringTo(string localVnet, Ipv4 ip)
    {
        var peerings = Topology.PeeringsFrom(localVnet);
        if (peerings.Count <= 4)
        {
            foreach (var p in peerings)
                if (Topology.VirtualNetwork(p.RemoteVirtualNetwork)?.Contains(ip) == true) return p;
            return null;
        }
        var trie = _peeringTries.TryGetValue(localVnet, out var found) ? found : _peeringTries.GetOrAdd(localVnet, static (_, x) =>
        {
            var (t, list) = x;
            var own = new List<(Prefix Prefix, PeeringAt At)>();
            var first = new Dictionary<Prefix, PeeringAt>();
            for (var i = 0; i < list.Count; i++)
                foreach (var prefix in t.VirtualNetwork(list[i].RemoteVirtualNetwork)?.AddressPrefixes ?? [])
                    if (first.TryAdd(prefix, new PeeringAt(i, list[i]))) own.Add((prefix, first[prefix]));
            var trie = new PrefixTrie<PeeringAt>();
            // Shorter prefixes first, so each prefix's value can take the first peering of the prefixes around it.
            foreach (var (prefix, at) in own.OrderBy(e => e.Prefix.Length))
            {
                var best = at;
                foreach (var outer in trie.Covering(prefix))
                    if (outer.Index < best.Index) best = outer;
                trie.Set(prefix, best);
            }
            trie.Freeze();
            return trie;
        }, (Topology, peerings));
        return trie.LongestMatch(ip)?.Peering;
    }

    /// <summary>The best BGP path a speaker holds for an address (longest prefix).</summary>
    internal BgpRibEntry? RibLookup(BgpSpeaker speaker, Ipv4 ip)
    {
        // The speaker is passed to the factory, not captured: a captured parameter costs a closure on every call.
        var trie = Ribs.GetValue(speaker, static s =>
        {
            var t = new PrefixTrie<BgpRibEntry>();
            foreach (var e in s.Rib.Where(e => e.Best is not null)) t.Set(e.Prefix, e);
            t.Freeze();
            return t;
        });
        return trie.LongestMatch(ip);
    }
}
