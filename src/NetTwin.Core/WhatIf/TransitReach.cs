using System.Runtime.CompilerServices;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.WhatIf;

/// <summary>Which VNets a request towards some destinations can pass through, found from the route tables alone: the
/// proof <see cref="FlowSelection"/> uses to leave out sources whose requests into a VNet can never cross the peering
/// whose allowForwardedTraffic changed (rule C2 reads the flag of V → W only when a packet crosses from W into V, so
/// only when the packet is in W).</summary>
/// <remarks>A request moves from one VNet to another only by the route its table gives it:
/// <list type="bullet">
/// <item>a peering route (VNetPeering, VNetGlobalPeering) takes it into the peer whose address space the route's
/// prefix covers;</item>
/// <item>a VirtualAppliance route takes it to the appliance or firewall at the next hop address, in the VNet holding
/// that address, which forwards it by its own subnet's table (a table of that VNet);</item>
/// <item>a VnetLocal route keeps it in its VNet; Internet and None routes take it out of every VNet for good.</item>
/// </list>
/// A request in VNet X towards a destination d follows one of X's tables' routes covering d. Taking every Active route
/// of every table of X that overlaps the destinations, rather than the longest match of each address, over-approximates
/// where the request can go: so a VNet from which no chain of such routes leads to W sends no request to those
/// destinations into W. A route this cannot follow (to a gateway, to a service endpoint, to an address no VNet holds)
/// counts as reaching everywhere.</remarks>
internal sealed class TransitReach
{
    /// <summary>What a VNet's tables hold that can take a packet elsewhere: their own Active Default routes other than
    /// VnetLocal, Internet and None (peerings, service endpoints), and the user-route layers and gateway route sets
    /// they read, by position in <see cref="_layers"/> and <see cref="_gatewaySets"/> (shared by many VNets' tables,
    /// asked once each).</summary>
    private sealed record Vnet(int Id, EffectiveRoute[] Defaults, int[] Layers, int[] Gateways);

    private readonly Topology _topology;
    private readonly Dictionary<string, int> _index;
    private readonly List<UserRouteLayer> _layers = [];
    private readonly List<GatewayRouteSet> _gatewaySets = [];
    private readonly Dictionary<UserRouteLayer, int> _layerIds = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<GatewayRouteSet, int> _gatewayIds = new(ReferenceEqualityComparer.Instance);
    private readonly Vnet[] _vnets;

    private static readonly ConditionalWeakTable<ControlPlane, TransitReach> Cache = new();

    /// <summary>The VNets' routes of <paramref name="routing"/>, gathered once per control plane (every subnet's table
    /// is read: <see cref="FlowDiff.PrepareBaseline"/> gathers them with the rest).</summary>
    public static TransitReach Of(ControlPlane routing) => Cache.GetValue(routing, r => new TransitReach(r));

    private TransitReach(ControlPlane routing)
    {
        _topology = routing.Topology;
        var vnets = _topology.VirtualNetworks;
        _index = new Dictionary<string, int>(vnets.Length, StringComparer.Ordinal);
        for (var i = 0; i < vnets.Length; i++) _index.TryAdd(vnets[i].Name, i);
        var gathered = new (HashSet<EffectiveRoute>, HashSet<UserRouteLayer>, HashSet<GatewayRouteSet>)[vnets.Length];
        Parallel.For(0, vnets.Length, i => gathered[i] = Gather(vnets[i].Subnets.Select(s => routing.EffectiveRoutes(s.Id))));
        _vnets = new Vnet[vnets.Length];
        for (var i = 0; i < vnets.Length; i++) _vnets[i] = Indexed(i, gathered[i], (_layerIds, _layers), (_gatewayIds, _gatewaySets));
    }

    private static (HashSet<EffectiveRoute>, HashSet<UserRouteLayer>, HashSet<GatewayRouteSet>) Gather(IEnumerable<EffectiveRouteTable> tables)
    {
        var defaults = new HashSet<EffectiveRoute>(ReferenceEqualityComparer.Instance);
        var layers = new HashSet<UserRouteLayer>(ReferenceEqualityComparer.Instance);
        var gateways = new HashSet<GatewayRouteSet>(ReferenceEqualityComparer.Instance);
        var seen = new HashSet<EffectiveRouteTable>(ReferenceEqualityComparer.Instance);
        foreach (var t in tables)
        {
            if (!seen.Add(t)) continue;
            foreach (var r in t.PlainDefaultRoutes)
                if (r.State == RouteState.Active && r.NextHopType is not (NextHopType.VnetLocal or NextHopType.Internet or NextHopType.None)) defaults.Add(r);
            layers.Add(t.Layer);
            if (t.CarriedGatewayRoutes is { } g) gateways.Add(g);
        }
        return (defaults, layers, gateways);
    }

    /// <summary>A VNet's gathered routes with its layers and gateway route sets by position in the lists given (new
    /// ones added to them).</summary>
    private static Vnet Indexed(int id, (HashSet<EffectiveRoute> Defaults, HashSet<UserRouteLayer> Layers, HashSet<GatewayRouteSet> Gateways) g,
        (Dictionary<UserRouteLayer, int> Ids, List<UserRouteLayer> List) layers, (Dictionary<GatewayRouteSet, int> Ids, List<GatewayRouteSet> List) gateways) =>
        new(id, [.. g.Defaults], [.. g.Layers.Select(l => Id(layers, l))], [.. g.Gateways.Select(x => Id(gateways, x))]);

    private static int Id<T>((Dictionary<T, int> Ids, List<T> List) known, T item) where T : notnull
    {
        if (!known.Ids.TryGetValue(item, out var id))
        {
            known.Ids[item] = id = known.List.Count;
            known.List.Add(item);
        }
        return id;
    }

    /// <summary>The VNets from which a request towards an address inside <paramref name="destinations"/> may be in one
    /// of <paramref name="entries"/> (those VNets included), over this control plane's tables and
    /// <paramref name="more"/> (the tables a change gave some subnets, by VNet). The topology's VNets and peerings are
    /// the change's too (a change of address spaces or peerings, but for their allowForwardedTraffic, is no narrow one).</summary>
    public HashSet<string> VnetsReaching(IReadOnlyList<Prefix> destinations, IEnumerable<string> entries,
        IEnumerable<(string Vnet, EffectiveRouteTable Table)> more)
    {
        var vnets = _topology.VirtualNetworks;
        // The tables a change gave some subnets: their layers and route sets after the control plane's (in copies: the
        // control plane's are read by every what-if over it).
        var (layers, gatewaySets) = (_layers, _gatewaySets);
        Dictionary<UserRouteLayer, int>? layerIds = null;
        Dictionary<GatewayRouteSet, int>? gatewayIds = null;
        var changed = new List<Vnet>();
        foreach (var g in more.GroupBy(m => m.Vnet))
        {
            if (!_index.TryGetValue(g.Key, out var id)) continue;
            if (changed.Count == 0) (layers, gatewaySets) = ([.. _layers], [.. _gatewaySets]);
            changed.Add(Indexed(id, Gather(g.Select(m => m.Table)), (layerIds ??= new(_layerIds, ReferenceEqualityComparer.Instance), layers),
                (gatewayIds ??= new(_gatewayIds, ReferenceEqualityComparer.Instance), gatewaySets)));
        }
        // Where a layer's or a gateway route set's routes overlapping the destinations lead is the same whichever VNet's
        // table reads them: found once each.
        var leads = new int[]?[layers.Count];
        var overlapping = new bool?[gatewaySets.Count];
        var holders = new Dictionary<Ipv4, int[]>();
        // The VNets each VNet's routes lead from (edges reversed), and the VNets with a route this cannot follow.
        var from = new List<int>?[vnets.Length];
        var anywhere = new bool[vnets.Length];
        var targets = new List<int>();
        foreach (var v in _vnets.Concat(changed))
        {
            var x = v.Id;
            foreach (var g in v.Gateways) anywhere[x] |= overlapping[g] ??= Overlapping(gatewaySets[g]);
            targets.Clear();
            foreach (var r in v.Defaults)
                if (Overlaps(r.AddressPrefix)) Follow(vnets[x].Name, r, targets);
            foreach (var l in v.Layers) targets.AddRange(leads[l] ??= Leads(layers[l]));
            foreach (var y in targets)
                if (y < 0) anywhere[x] = true;
                else if (from[y] is not { } xs) from[y] = [x];
                else if (xs[^1] != x) xs.Add(x);
        }

        // Every VNet from which a chain of edges leads to an entry or to a VNet whose routes lead anywhere.
        var reaching = new bool[vnets.Length];
        var queue = new Queue<int>();
        foreach (var e in entries)
            if (_index.TryGetValue(e, out var i)) queue.Enqueue(i);
        for (var i = 0; i < vnets.Length; i++)
            if (anywhere[i]) queue.Enqueue(i);
        foreach (var i in queue) reaching[i] = true;
        while (queue.TryDequeue(out var y))
            foreach (var x in from[y] ?? [])
                if (!reaching[x]) { reaching[x] = true; queue.Enqueue(x); }
        var names = new HashSet<string>(entries, StringComparer.Ordinal);
        for (var i = 0; i < vnets.Length; i++)
            if (reaching[i]) names.Add(vnets[i].Name);
        return names;

        bool Overlaps(Prefix p)
        {
            foreach (var d in destinations) if (d.Overlaps(p)) return true;
            return false;
        }

        bool Overlapping(GatewayRouteSet set)
        {
            foreach (var d in destinations)
                if (set.Trie.HasAnyWithin(d) || set.Trie.Covering(d).Any()) return true;
            return false;
        }

        int[] Leads(UserRouteLayer layer)
        {
            var found = new List<int>();
            foreach (var d in destinations)
                foreach (var r in layer.UserTrie.Covering(d).Concat(layer.UserTrie.Within(d))) Follow(null, r, found);
            // Hundreds of a table's routes may lead to one firewall: each VNet once.
            return [.. found.Distinct()];
        }

        // Where route r of a table of VNet x (null for a layer's route: not a peering) leads.
        void Follow(string? x, EffectiveRoute r, List<int> found)
        {
            switch (r.NextHopType)
            {
                case NextHopType.VnetLocal or NextHopType.Internet or NextHopType.None:
                    return;
                case NextHopType.VNetPeering or NextHopType.VNetGlobalPeering when x is not null:
                    foreach (var p in _topology.PeeringsFrom(x))
                        if (_topology.VirtualNetwork(p.RemoteVirtualNetwork) is { } remote && remote.AddressPrefixes.Any(a => a.Overlaps(r.AddressPrefix))
                            && _index.TryGetValue(remote.Name, out var y))
                            found.Add(y);
                    return;
                case NextHopType.VirtualAppliance when r.NextHopIpAddress.Length > 0:
                    foreach (var ip in r.NextHopIpAddress)
                    {
                        if (!holders.TryGetValue(ip, out var at))
                        {
                            at = [.. Enumerable.Range(0, vnets.Length).Where(i => vnets[i].Contains(ip))];
                            holders[ip] = at = at.Length == 0 ? [-1] : at;
                        }
                        found.AddRange(at);
                    }
                    return;
                default:
                    found.Add(-1);
                    return;
            }
        }
    }
}
