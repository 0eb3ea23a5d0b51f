using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.WhatIf;

/// <summary>The destinations to which no request from a VNet's subnets is ever delivered, found from the route tables
/// alone: the proof that lets a flow diff of peerings' allowForwardedTraffic leave them out of the VNet's own rows.</summary>
/// <remarks>
/// <para>A request from a subnet of V follows its subnet's table (B1): the route holding the destination. Here a
/// destination is undeliverable when, from every source subnet of V, that route drops it (None, or no route), or sends
/// it to an Azure Firewall whose subnet's table drops it in turn, and so on through firewalls. Any other route (a
/// peering, VnetLocal, the internet, a gateway, a service endpoint, an appliance that is not a firewall) counts as
/// delivering. On the largest generated estate a spoke's requests into the other regions' spokes are of this kind:
/// they end at their hub's firewall, whose subnet's table drops 10.0.0.0/8 outside the hub's peerings (the system route
/// to None, rule A1): three quarters of a spoke's destinations.</para>
/// <para>Such a flow cannot change with a peering's allowForwardedTraffic. Forwarding reads the flag of X → Z only for a
/// packet crossing a peering from Z into X (rule C2, by a peering route), and the request's path here crosses no
/// peering: firewalls are reached by appliance routes, and a firewall decides by its rules and its subnet's table, which
/// the flag does not touch. So the request ends as it did, where it did, and a request that is not delivered has no
/// reply. (Were forwarding to read the flag also where a firewall hands a packet to a firewall in another VNet, a chain
/// of two firewalls would need it here too: the equivalence tests hold the diff to the full comparison.)</para>
/// <para>It is asked per address prefix of the other VNets: a table none of whose routes lies strictly inside a prefix
/// answers every address of it alike (<see cref="EffectiveRouteTable.ForwardOver"/>), so a VNet's intervals take one
/// lookup per table, and only where a table parts the prefix is each interval asked on its own (no table's answer
/// changes inside one of the flow diff's intervals). Destinations outside every VNet (the internet, on-premises) are
/// left in: they leave through the internet or a gateway.</para>
/// </remarks>
internal static class Undeliverable
{
    /// <summary>Whether each of <paramref name="intervals"/> is undeliverable from every subnet of
    /// <paramref name="vnet"/> that holds workloads (the flow diff's sources), over <paramref name="planes"/>' tables.</summary>
    public static bool[] From(Planes planes, string vnet, IReadOnlyList<(ulong Lo, ulong Hi)> intervals)
    {
        var dead = new bool[intervals.Count];
        var t = planes.Topology;
        if (t.VirtualNetwork(vnet) is not { } v) return dead;
        // The sources' tables (subnets with one route table share one), each asked once per interval.
        var starts = v.Subnets.Where(s => s.HoldsWorkloads).Select(s => planes.Routing.EffectiveRoutes(s.Id))
            .Distinct(ReferenceEqualityComparer.Instance).Cast<EffectiveRouteTable>().ToArray();
        if (starts.Length == 0) return dead;
        // The table each firewall's address forwards by (the first firewall with it, as forwarding finds it).
        var firewalls = new Dictionary<Ipv4, EffectiveRouteTable>();
        foreach (var fw in t.AzureFirewalls)
            if (!firewalls.ContainsKey(fw.PrivateIPAddress) && t.Subnet(fw.Subnet) is not null)
                firewalls[fw.PrivateIPAddress] = planes.Routing.EffectiveRoutes(fw.Subnet);
        // Each table's answer for the prefix being asked (a firewall's table is met from every source's table).
        var known = new Dictionary<EffectiveRouteTable, bool?>(ReferenceEqualityComparer.Instance);
        foreach (var y in t.VirtualNetworks)
        {
            if (y.Name == vnet) continue;
            foreach (var p in y.AddressPrefixes)
            {
                var (from, to) = FlowDiff.IntervalsWithin(intervals, p.First.Value, p.Last.Value);
                if (from >= to) continue;
                known.Clear();
                // Dropped from every source's table: all of it; taken elsewhere from one: none of it; else interval by interval.
                var parted = false;
                var delivered = false;
                foreach (var start in starts)
                {
                    var answer = Dropped(start, p);
                    if (answer == false) { delivered = true; break; }
                    parted |= answer is null;
                }
                if (delivered) continue;
                if (!parted) Array.Fill(dead, true, from, to - from);
                else
                    for (var i = from; i < to; i++)
                    {
                        known.Clear();
                        var address = new Prefix(new Ipv4((uint)intervals[i].Lo), 32);
                        dead[i] = starts.All(start => Dropped(start, address) == true);
                    }
            }
        }
        return dead;

        // True when the route a table gives the prefix's addresses drops them (None, or no route: B1), there or after
        // firewalls; false when it takes them elsewhere; null when some table on the way parts the prefix. Each table
        // gives every address of the prefix one route, so where a table leads is the same from wherever it is met; a
        // table met again on the way is a loop (false: not proven, Walk ends it otherwise).
        bool? Dropped(EffectiveRouteTable table, Prefix p)
        {
            if (known.TryGetValue(table, out var answer)) return answer;
            known[table] = false;
            var r = table.ForwardOver(p, out var parted);
            if (parted) answer = null;
            else if (r is null || r.NextHopType == NextHopType.None) answer = true;
            // Forwarding takes an appliance route's first next hop (Walk.RouteFrom).
            else if (r is { NextHopType: NextHopType.VirtualAppliance, NextHopIpAddress: [var ip, ..] } && firewalls.TryGetValue(ip, out var next))
                answer = Dropped(next, p);
            else answer = false;
            return known[table] = answer;
        }
    }
}
