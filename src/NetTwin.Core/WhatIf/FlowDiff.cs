using NetTwin.Forwarding;
using NetTwin.Ipsec;
using NetTwin.Model;

namespace NetTwin.WhatIf;

/// <summary>The flows of two estates compared class by class. A class is a source subnet (one holding workloads)
/// and an interval of destination addresses inside which nothing either estate knows draws a line: the boundaries
/// <c>reach --matrix</c> uses (VNets, subnets, route tables, NSG and firewall rules, sites, appliance routes,
/// selectors, gateway and on-premises routing tables) of either side, every effective route, and the ranges that are
/// not the internet — so the classes refine the matrix's on both sides and add the internet, which the matrix does
/// not cover (a what-if must show internet flows changing path, S0). One flow per class and side (from the
/// subnet's first NIC, to one address of the interval, tcp/443 unless told otherwise) stands for the whole class;
/// classes whose verdict and path are equal on both sides are left out, the rest are merged back into ranges.</summary>
public static class FlowDiff
{
    // Never a unicast host anywhere: a class here is skipped unless a NIC or device owns the address.
    private static readonly Prefix[] NoHosts = [.. new[] { "0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3" }.Select(Prefix.Parse)];

    private sealed record Verdict(string To, string Disposition, string Text, IReadOnlyList<string> Path, IReadOnlyList<string> ReplyPath)
    {
        public bool SameAs(Verdict o) => Text == o.Text && Path.SequenceEqual(o.Path) && ReplyPath.SequenceEqual(o.ReplyPath);
    }

    /// <param name="touchedOnly">When only route tables changed (what-if scope RouteTables): the subnets whose tables
    /// changed. A flow that neither starts nor ends in one of them, where none of them holds a forwarding device
    /// (an appliance NIC or a firewall: the only way a packet leaves a subnet it is not addressed to), performs no
    /// lookup there and passes no NSG there, so it walks the same on both sides: only the flows from and to those
    /// subnets are traced. Null: every flow.</param>
    public static IReadOnlyList<FlowChange> Compare(Planes before, Planes after, TransportProtocol protocol = TransportProtocol.Tcp, int port = 443,
        IReadOnlySet<string>? touchedOnly = null)
    {
        var (bt, at) = (before.Topology, after.Topology);
        var cuts = new SortedSet<ulong> { 0, 1UL << 32 };
        void Cut(Prefix p) { cuts.Add(p.First.Value); cuts.Add((ulong)p.Last.Value + 1); }
        foreach (var p in AddressRanges.NotPublic) Cut(p); // boundaries between internet and non-internet destinations
        var (fb, fa) = (new Forwarder(before), new Forwarder(after));
        foreach (var f in new[] { fb, fa })
        {
            // What reach --matrix separates (tables, NSG and firewall rules, sites, circuits, appliance and router
            // routes, selectors, gateway routes), plus the devices' declared networks and every effective route.
            foreach (var p in Reachability.Boundaries(f)) Cut(p);
            foreach (var d in f.Topology.OnPremisesDevices) foreach (var p in Endpoints.DeviceNetworks(d)) Cut(p);
            foreach (var (_, table) in f.Routing.AllSubnetTables()) foreach (var r in table.Routes) Cut(r.AddressPrefix);
        }
        var bounds = cuts.ToList();
        var intervals = Enumerable.Range(0, bounds.Count - 1).Select(i => (Lo: bounds[i], Hi: bounds[i + 1] - 1)).ToList();

        var sources = bt.Subnets.Concat(at.Subnets).Where(s => s.HoldsWorkloads).Select(s => s.Id).Distinct().Order(StringComparer.Ordinal).ToList();
        // What does not depend on the pair is resolved once per side: each interval's target, each source's endpoint.
        var (tb, ta) = (Targets(bt, intervals), Targets(at, intervals));
        var (fromBefore, fromAfter) = (Sources(bt, sources), Sources(at, sources));
        var touched = touchedOnly is { Count: > 0 } ts && !HoldsForwarder(bt, ts) && !HoldsForwarder(at, ts)
            ? ts.SelectMany(id => new[] { bt.Subnet(id), at.Subnet(id) }).OfType<Subnet>().Select(x => x.AddressPrefix).Distinct().ToList()
            : null;
        bool Relevant(string source, ulong lo, ulong hi) =>
            touched is null || touchedOnly!.Contains(source) || touched.Any(p => p.First.Value <= lo && hi <= p.Last.Value);
        var work = sources.SelectMany((s, si) => intervals.Select((iv, ii) => (Source: s, iv.Lo, iv.Hi, si, ii)))
            .Where(w => Relevant(w.Source, w.Lo, w.Hi)).ToList();
        var rows = new (Verdict? Before, Verdict? After)[work.Count];
        Parallel.For(0, work.Count, i =>
        {
            var (_, lo, _, si, ii) = work[i];
            rows[i] = (Run(fb, fromBefore[si], tb[ii], lo, protocol, port), Run(fa, fromAfter[si], ta[ii], lo, protocol, port));
        });

        // Changed classes, grouped by source, destination and both verdicts; intervals merged where contiguous.
        var groups = new Dictionary<string, (string From, Verdict? B, Verdict? A, List<(ulong Lo, ulong Hi)> Ranges)>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var i = 0; i < work.Count; i++)
        {
            var (b, a) = rows[i];
            if (b is null && a is null) continue;
            if (b is not null && a is not null && b.SameAs(a)) continue;
            var key = $"{work[i].Source}|{Key(b)}|{Key(a)}";
            if (!groups.TryGetValue(key, out var g)) { groups[key] = g = (work[i].Source, b, a, []); order.Add(key); }
            if (g.Ranges.Count > 0 && g.Ranges[^1].Hi + 1 == work[i].Lo) g.Ranges[^1] = (g.Ranges[^1].Lo, work[i].Hi);
            else g.Ranges.Add((work[i].Lo, work[i].Hi));
        }
        return [.. order.Select(k => groups[k]).Select(g => new FlowChange(g.From,
                g.A?.To ?? g.B!.To,
                [.. g.Ranges.Select(r => Range(r.Lo, r.Hi))],
                g.B is null ? "added" : g.A is null ? "removed" : g.B.Disposition != g.A.Disposition ? "disposition" : g.B.Path.SequenceEqual(g.A.Path) ? "reply path" : "path",
                g.B?.Text ?? "(no such source)", g.A?.Text ?? "(no such source)", g.B?.Path ?? [], g.A?.Path ?? []))
            .OrderBy(f => f.From, StringComparer.Ordinal).ThenBy(f => f.To, StringComparer.Ordinal).ThenBy(f => f.Destinations[0], StringComparer.Ordinal)];
    }

    /// <summary>True when one of the subnets holds an appliance NIC (IP forwarding) or an Azure Firewall.</summary>
    private static bool HoldsForwarder(Topology t, IReadOnlySet<string> subnets) =>
        t.AzureFirewalls.Any(f => subnets.Contains(f.Subnet))
        || t.NetworkInterfaces.Any(n => subnets.Contains(n.Subnet)
            && (n.EnableIPForwarding || (n.VirtualMachine is { } vm && t.VirtualMachine(vm)?.Appliance is not null)));

    private static string Key(Verdict? v) => v is null ? "-" : $"{v.To}|{v.Text}|{string.Join(">", v.Path)}|{string.Join(">", v.ReplyPath)}";

    /// <summary>Each interval's target on one side: its representative's endpoint, or null when none stands for it
    /// (the address resolves to nothing, or it is no unicast host and no NIC or device owns it).</summary>
    private static Endpoint?[] Targets(Topology t, List<(ulong Lo, ulong Hi)> intervals)
    {
        var targets = new Endpoint?[intervals.Count];
        Parallel.For(0, intervals.Count, i =>
        {
            var target = Representative(t, intervals[i].Lo, intervals[i].Hi);
            Endpoint to;
            try { to = Endpoints.Of(t, target); }
            catch (EndpointException) { return; }
            if (to.Kind is EndpointKind.Site or EndpointKind.Internet or EndpointKind.CircuitNetwork && NoHosts.Any(p => p.Contains(target))) return;
            targets[i] = to;
        });
        return targets;
    }

    /// <summary>Each source subnet on one side, with its endpoint (null when the side has no such subnet).</summary>
    private static (Subnet Subnet, Endpoint From)?[] Sources(Topology t, List<string> sources) =>
        [.. sources.Select(id => t.Subnet(id) is { } s ? (s, Endpoints.Resolve(t, id)) : ((Subnet, Endpoint)?)null)];

    private static Verdict? Run(Forwarder f, (Subnet Subnet, Endpoint From)? source, Endpoint? to, ulong lo, TransportProtocol protocol, int port)
    {
        var t = f.Topology;
        if (source is not { } src) return null;
        if (src.Subnet.AddressPrefix.Contains(new Ipv4((uint)lo))) return null; // the subnet's own range
        if (to is null) return null;
        var r = f.Trace(src.From, to, protocol, port);
        var disposition = r.Request.Disposition.Code();
        if (r.Request.Disposition.IsSuccess() && !r.Reaches) disposition += r.Reply is { } reply ? $", reply {reply.Disposition.Code()}" : ", no reply";
        var text = disposition;
        var last = r.Request.Devices.IsEmpty ? "" : r.Request.Devices[^1];
        if (last.Length > 0) text += $" at {last}";
        if (r.Asymmetric) text += ", asymmetric";
        return new Verdict(Destination(t, to), disposition, text, r.Request.Devices, r.Reply?.Devices ?? []);
    }

    /// <summary>The address standing for an interval: a NIC's or device's own address in it when there is one, else
    /// a subnet's first usable address (.4), else the interval's first address.</summary>
    private static Ipv4 Representative(Topology t, ulong lo, ulong hi)
    {
        bool In(Ipv4 ip) => ip.Value >= lo && ip.Value <= hi;
        var owned = t.NetworkInterfaces.Select(n => n.PrivateIPAddress).Where(In).Order().ToList();
        if (owned.Count > 0) return owned[0];
        owned = [.. t.OnPremisesDevices.SelectMany(Endpoints.DeviceAddresses).Where(In).Order()];
        if (owned.Count > 0) return owned[0];
        var first = new Ipv4((uint)lo);
        if (Endpoints.SubnetContaining(t, first) is { } s && s.AddressPrefix.First.Value == lo && hi - lo >= 4) return first.Add(4);
        return first;
    }

    private static string Destination(Topology t, Endpoint e) => e.Kind switch
    {
        EndpointKind.Nic or EndpointKind.SubnetHost => t.SubnetContaining(e.Address)?.Id ?? e.Node,
        EndpointKind.Internet => "internet",
        _ => e.Node,
    };

    /// <summary>An interval as a prefix when it is one, else "first-last".</summary>
    public static string Range(ulong lo, ulong hi)
    {
        var size = hi - lo + 1;
        if ((size & (size - 1)) == 0 && lo % size == 0)
        {
            var len = 32 - System.Numerics.BitOperations.Log2(size);
            return new Prefix(new Ipv4((uint)lo), len).ToString();
        }
        return $"{new Ipv4((uint)lo)}-{new Ipv4((uint)hi)}";
    }
}
