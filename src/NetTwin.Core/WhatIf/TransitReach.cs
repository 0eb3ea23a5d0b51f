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
    /// they read (shared by many VNets' tables, asked once each).</summary>
    private sealed record Vnet(string Name, EffectiveRoute[] Defaults, UserRouteLayer[] Layers, GatewayRouteSet[] Gateways);

    private readonly Topology _topology;
    private readonly Vnet[] _vnets;

    private static readonly ConditionalWeakTable<ControlPlane, TransitReach> Cache = new();

    /// <summary>The VNets' routes of <paramref name="routing"/>, gathered once per control plane (every subnet's table
    /// is read: <see cref="FlowDiff.PrepareBaseline"/> gathers them with the rest).</summary>
    public static TransitReach Of(ControlPlane routing) => Cache.GetValue(routing, r => new TransitReach(r.Topology, r.Topology.VirtualNetworks.Select(v =>
        (v.Name, v.Subnets.Select(s => r.EffectiveRoutes(s.Id))))));

    private TransitReach(Topology topology, IEnumerable<(string Vnet, IEnumerable<EffectiveRouteTable> Tables)> vnets)
    {
        _topology = topology;
        var list = vnets.ToList();
        _vnets = new Vnet[list.Count];
        Parallel.For(0, list.Count, i => _vnets[i] = Gather(list[i].Vnet, list[i].Tables));
    }

    private static Vnet Gather(string name, IEnumerable<EffectiveRouteTable> tables)
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
        return new Vnet(name, [.. defaults], [.. layers], [.. gateways]);
    }

    /// <summary>The VNets from which a request towards an address inside <paramref name="destinations"/> may be in one
    /// of <paramref name="entries"/> (those VNets included), over this control plane's tables and
    /// <paramref name="more"/> (the tables a change gave some subnets, by VNet). The topology's VNets and peerings are
    /// the change's too (a change of address spaces or peerings, but for their allowForwardedTraffic, is no narrow one).</summary>
    public HashSet<string> VnetsReaching(IReadOnlyList<Prefix> destinations, IEnumerable<string> entries,
        IEnumerable<(string Vnet, EffectiveRouteTable Table)> more)
    {
        var vnets = _topology.VirtualNetworks;
        var index = new Dictionary<string, int>(vnets.Length, StringComparer.Ordinal);
        for (var i = 0; i < vnets.Length; i++) index.TryAdd(vnets[i].Name, i);
        // The VNets a route overlapping the destinations leads to from x (-1: anywhere), and the VNets each VNet's
        // routes lead from (edges reversed).
        var holders = new Dictionary<Ipv4, int[]>();
        var from = new List<int>?[vnets.Length];
        var anywhere = new bool[vnets.Length];
        // A layer's or a gateway route set's routes overlapping the destinations lead to the same VNets whichever VNet's
        // table reads them: found once each.
        var layers = new Dictionary<UserRouteLayer, List<int>>(ReferenceEqualityComparer.Instance);
        var gateways = new Dictionary<GatewayRouteSet, bool>(ReferenceEqualityComparer.Instance);
        var targets = new List<int>();
        foreach (var v in _vnets.Concat(more.GroupBy(m => m.Vnet).Select(g => Gather(g.Key, g.Select(m => m.Table)))))
        {
            if (!index.TryGetValue(v.Name, out var x)) continue;
            foreach (var set in v.Gateways)
            {
                if (!gateways.TryGetValue(set, out var overlaps))
                    gateways[set] = overlaps = destinations.Any(d => set.Trie.HasAnyWithin(d) || set.Trie.Covering(d).Any());
                anywhere[x] |= overlaps;
            }
            targets.Clear();
            foreach (var r in v.Defaults)
                if (destinations.Any(d => d.Overlaps(r.AddressPrefix))) Follow(v.Name, r, targets);
            foreach (var layer in v.Layers)
            {
                if (!layers.TryGetValue(layer, out var leads))
                {
                    leads = [];
                    foreach (var r in destinations.SelectMany(d => layer.UserTrie.Covering(d).Concat(layer.UserTrie.Within(d))))
                        Follow(null, r, leads);
                    // Hundreds of a table's routes may lead to one firewall: each VNet once.
                    layers[layer] = leads = [.. leads.Distinct()];
                }
                targets.AddRange(leads);
            }
            foreach (var y in targets)
                if (y < 0) anywhere[x] = true;
                else if (from[y] is not { } xs) from[y] = [x];
                else if (xs[^1] != x) xs.Add(x);
        }

        // Every VNet from which a chain of edges leads to an entry or to a VNet whose routes lead anywhere.
        var reaching = new bool[vnets.Length];
        var queue = new Queue<int>();
        foreach (var e in entries)
            if (index.TryGetValue(e, out var i)) queue.Enqueue(i);
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

        // Where route r of a table of VNet x (null for a layer's route: not a peering) leads.
        void Follow(string? x, EffectiveRoute r, List<int> leads)
        {
            switch (r.NextHopType)
            {
                case NextHopType.VnetLocal or NextHopType.Internet or NextHopType.None:
                    return;
                case NextHopType.VNetPeering or NextHopType.VNetGlobalPeering when x is not null:
                    foreach (var p in _topology.PeeringsFrom(x))
                        if (_topology.VirtualNetwork(p.RemoteVirtualNetwork) is { } remote && remote.AddressPrefixes.Any(a => a.Overlaps(r.AddressPrefix))
                            && index.TryGetValue(remote.Name, out var y))
                            leads.Add(y);
                    return;
                case NextHopType.VirtualAppliance when r.NextHopIpAddress.Length > 0:
                    foreach (var ip in r.NextHopIpAddress)
                    {
                        if (!holders.TryGetValue(ip, out var at))
                        {
                            at = [.. Enumerable.Range(0, vnets.Length).Where(i => vnets[i].Contains(ip))];
                            holders[ip] = at.Length == 0 ? [-1] : at;
                            at = holders[ip];
                        }
                        leads.AddRange(at);
                    }
                    return;
                default:
                    leads.Add(-1);
                    return;
            }
        }
    }
}
