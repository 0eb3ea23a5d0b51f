using System.Collections.Immutable;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.Forwarding;

/// <summary>One workload subnet's verdict towards a destination: the traced flow from a representative address
/// (its first NIC, else the subnet's first usable address).</summary>
public sealed record ReachRow(string Subnet, string Source, string Disposition, bool Reaches, bool Asymmetric,
    IReadOnlyList<string> Path, IReadOnlyList<string> StatefulDevices, string Reason);

/// <summary>One cell of the matrix: a source subnet against a range of destination addresses that every route
/// table, NSG, firewall and selector treats alike (an equivalence class), with its verdict.</summary>
public sealed record MatrixCell(string From, string To, string Range, string Disposition, bool Reaches, bool Asymmetric, IReadOnlyList<string> Path);

/// <summary>A destination of the matrix: a workload subnet or an on-premises network, and the address ranges
/// (equivalence classes) inside it.</summary>
public sealed record MatrixDestination(string Name, Prefix Prefix, ImmutableArray<(Ipv4 First, Ipv4 Last)> Classes);

/// <summary>Reachability over the whole estate (issue 5): every workload subnet towards one destination, and the
/// subnet-to-subnet and subnet-to-on-premises matrix over packet equivalence classes.</summary>
public static class Reachability
{
    /// <summary>The subnets that can hold workloads (not GatewaySubnet, AzureFirewallSubnet, ...), by name.</summary>
    public static IReadOnlyList<Subnet> WorkloadSubnets(Topology t) =>
        [.. t.Subnets.Where(s => s.HoldsWorkloads).OrderBy(s => s.Id, StringComparer.Ordinal)];

    /// <summary>Every workload subnet towards <paramref name="destination"/>; with <paramref name="via"/>, only the
    /// subnets whose request passes that node.</summary>
    public static IReadOnlyList<ReachRow> To(Forwarder f, Endpoint destination, TransportProtocol protocol, int port, string? via = null)
    {
        var subnets = WorkloadSubnets(f.Topology);
        var rows = new ReachRow?[subnets.Count];
        Parallel.For(0, subnets.Count, i =>
        {
            var src = Endpoints.Resolve(f.Topology, subnets[i].Id);
            var r = f.Trace(src, destination, protocol, port);
            if (via is not null && !r.Request.Passes(via)) return;
            rows[i] = Row(subnets[i].Id, src, r);
        });
        return [.. rows.OfType<ReachRow>()];
    }

    private static ReachRow Row(string subnet, Endpoint src, FlowResult r) =>
        new(subnet, src.Label, r.Request.Disposition.Code(), r.Reaches, r.Asymmetric, r.Request.Devices,
            r.Request.StatefulDevices, r.Reaches ? r.Symmetry : (r.Reply is { Disposition: not Disposition.Delivered } reply ? $"reply {reply.Disposition.Code()}: {reply.Reason}" : r.Request.Reason));

    /// <summary>The destinations of the matrix: workload subnets, then on-premises networks (device LANs, site
    /// prefixes, networks behind circuits), each cut into the address ranges the estate's prefixes separate.</summary>
    public static IReadOnlyList<MatrixDestination> Destinations(Forwarder f)
    {
        var t = f.Topology;
        var cuts = Boundaries(f);
        var list = new List<(string Name, Prefix Prefix)>();
        list.AddRange(WorkloadSubnets(t).Select(s => (s.Id, s.AddressPrefix)));
        var onPrem = new SortedSet<Prefix>();
        foreach (var d in t.OnPremisesDevices)
            foreach (var p in d.AddressPrefixes.Concat(d.Configuration?.ConnectedAddresses
                         .Where(x => !x.Interface.IsTunnel && !x.Interface.IsLoopback && x.Address.Prefix.Length <= 29).Select(x => x.Address.Prefix) ?? []))
                onPrem.Add(p);
        foreach (var l in t.LocalNetworkGateways.Where(l => !t.OnPremisesDevices.Any(d => Endpoints.DeviceAddresses(d).Contains(l.GatewayIpAddress))))
            foreach (var p in l.AddressPrefixes.Where(p => p.Length >= 8 && !NsgEvaluation.IsInternet(p.Network)))
                onPrem.Add(p);
        foreach (var c in t.ExpressRouteCircuits)
            foreach (var r in c.Peerings.SelectMany(p => p.PeerAdvertisedRoutes))
                onPrem.Add(r.Prefix);
        foreach (var p in onPrem.Where(p => !t.Subnets.Any(s => s.AddressPrefix.Overlaps(p))))
            list.Add((p.ToString(), p));
        return [.. list.Select(x => new MatrixDestination(x.Name, x.Prefix, Classes(x.Prefix, cuts)))];
    }

    /// <summary>Every prefix some route table, NSG, firewall, selector or router distinguishes (the boundaries of the
    /// matrix's classes; the what-if flow diff adds its own to them).</summary>
    public static SortedSet<Prefix> Boundaries(Forwarder f) => [.. BoundaryPrefixes(f)];

    /// <summary>The prefixes of <see cref="Boundaries"/>, unsorted and with repeats, from the topology's own
    /// collections (<paramref name="topology"/> true) and from what the planes derived (<paramref name="planes"/>
    /// true: selectors, gateway routes, on-premises routers' tables). With <paramref name="routes"/> false, the prefixes of
    /// routes are left out (route tables' routes, circuits' advertised routes, the gateways' route sets): the what-if's
    /// destination classes read those with their attributes.</summary>
    public static IEnumerable<Prefix> BoundaryPrefixes(Forwarder f, bool topology = true, bool planes = true, bool routes = true)
    {
        var t = f.Topology;
        if (topology)
        {
            foreach (var v in t.VirtualNetworks)
            {
                foreach (var p in v.AddressPrefixes) yield return p;
                foreach (var s in v.Subnets) yield return s.AddressPrefix;
            }
            if (routes) foreach (var p in RouteTablePrefixes(t)) yield return p;
            foreach (var n in t.NetworkSecurityGroups)
                foreach (var r in n.SecurityRules)
                {
                    foreach (var a in r.SourceAddressPrefixes) if (a.Prefix is { } p) yield return p;
                    foreach (var a in r.DestinationAddressPrefixes) if (a.Prefix is { } p) yield return p;
                }
            foreach (var fw in t.AzureFirewalls)
                foreach (var c in fw.NetworkRuleCollections)
                    foreach (var r in c.Rules)
                    {
                        foreach (var a in r.SourceAddresses) if (a.Prefix is { } p) yield return p;
                        foreach (var a in r.DestinationAddresses) if (a.Prefix is { } p) yield return p;
                    }
            foreach (var l in t.LocalNetworkGateways) foreach (var p in l.AddressPrefixes) yield return p;
            foreach (var v in t.VirtualMachines) foreach (var r in v.Appliance?.Routes ?? []) yield return r.AddressPrefix;
            if (routes) foreach (var c in t.ExpressRouteCircuits) foreach (var pe in c.Peerings) foreach (var r in pe.PeerAdvertisedRoutes) yield return r.Prefix;
        }
        if (!planes) yield break;
        foreach (var c in f.Tunnels.Connections)
            foreach (var s in c.Selectors)
            {
                foreach (var p in s.Selector.Local) yield return p;
                foreach (var p in s.Selector.Remote) yield return p;
            }
        if (routes)
            foreach (var g in GatewayRouteSets(f))
                foreach (var r in g.Routes) yield return r.Prefix;
        foreach (var d in t.OnPremisesDevices)
            if (f.DeviceTable(d.Name) is { } table) foreach (var r in table.Routes) yield return r.Prefix;
    }

    /// <summary>The distinct route sets of the estate's gateways (one per hub), in VNet order.</summary>
    public static IEnumerable<GatewayRouteSet> GatewayRouteSets(Forwarder f) =>
        f.Topology.VirtualNetworks.Select(v => f.Routing.GatewayRoutes(v.Name)).OfType<GatewayRouteSet>().Distinct();

    /// <summary>The explicit prefixes of every route table's routes (service-tag routes aside).</summary>
    public static IEnumerable<Prefix> RouteTablePrefixes(Topology t)
    {
        foreach (var rt in t.RouteTables)
            foreach (var r in rt.Routes)
                if (r.ServiceTag is null) yield return r.AddressPrefix;
    }

    private static ImmutableArray<(Ipv4, Ipv4)> Classes(Prefix range, SortedSet<Prefix> cuts)
    {
        var points = new SortedSet<uint> { range.First.Value };
        foreach (var p in cuts.GetViewBetween(range, new Prefix(range.Last, 32)))
        {
            if (!range.Contains(p) || p == range) continue;
            points.Add(p.First.Value);
            if (p.Last.Value < range.Last.Value) points.Add(p.Last.Value + 1);
        }
        var starts = points.ToList();
        var result = ImmutableArray.CreateBuilder<(Ipv4, Ipv4)>(starts.Count);
        for (var i = 0; i < starts.Count; i++)
            result.Add((new Ipv4(starts[i]), new Ipv4(i + 1 < starts.Count ? starts[i + 1] - 1 : range.Last.Value)));
        return result.MoveToImmutable();
    }

    /// <summary>A range as a prefix when it is one, else "first-last".</summary>
    public static string Show(Ipv4 first, Ipv4 last)
    {
        var size = (ulong)last.Value - first.Value + 1;
        if ((size & (size - 1)) == 0)
        {
            var len = 32 - (int)Math.Log2(size);
            var p = new Prefix(first, len);
            if (p.First == first) return p.ToString();
        }
        return $"{first}-{last}";
    }

    /// <summary>The representative address of a class: a NIC in it (so the flow is delivered to a workload), else the
    /// first usable address of its subnet inside the class, else its first address.</summary>
    private static Ipv4 Representative(Topology t, List<NetworkInterface> nicsByAddress, Ipv4 first, Ipv4 last)
    {
        // The first NIC at or above the class's first address (the NICs are sorted by address; the sort is stable).
        int lo = 0, hi = nicsByAddress.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (nicsByAddress[mid].PrivateIPAddress < first) lo = mid + 1; else hi = mid;
        }
        if (lo < nicsByAddress.Count && nicsByAddress[lo].PrivateIPAddress <= last) return nicsByAddress[lo].PrivateIPAddress;
        var usable = first.Add(4);
        return Endpoints.SubnetContaining(t, first) is { } s && s.AddressPrefix.First == first && usable <= last ? usable : first;
    }

    /// <summary>Subnet-to-subnet and subnet-to-on-premises reachability: one trace per source subnet and destination
    /// class; adjacent classes with the same verdict and path are reported as one range.</summary>
    public static IReadOnlyList<MatrixCell> Matrix(Forwarder f, TransportProtocol protocol = TransportProtocol.Tcp, int port = 443) =>
        Matrix(f, Destinations(f), protocol, port);

    /// <summary>The same over destinations already cut into classes (<see cref="Destinations"/>).</summary>
    public static IReadOnlyList<MatrixCell> Matrix(Forwarder f, IReadOnlyList<MatrixDestination> destinations, TransportProtocol protocol, int port) =>
        [.. MatrixBySource(f, destinations, protocol, port).SelectMany(c => c)];

    /// <summary>The same, one source subnet's cells at a time, in the order of <see cref="WorkloadSubnets"/>: the
    /// sources are swept in parallel a batch at a time, so a caller that writes or counts the cells as they come holds
    /// one batch, not the whole matrix (10,000 subnets and 20,000 classes make 2 × 10⁸ cells). Each source's classes
    /// go through the estate together (<see cref="ClassSweep"/>); a class whose path the sweep does not follow is
    /// traced (<see cref="Forwarder.Trace"/>). The cells are those of <see cref="MatrixByTrace"/>, which traces every one.</summary>
    public static IEnumerable<IReadOnlyList<MatrixCell>> MatrixBySource(Forwarder f, IReadOnlyList<MatrixDestination> destinations,
        TransportProtocol protocol, int port) => MatrixBySource(f, destinations, protocol, port, sweep: true);

    /// <summary>The same with every cell traced by <see cref="Forwarder.Trace"/> (the reference the sweep is tested against).</summary>
    public static IEnumerable<IReadOnlyList<MatrixCell>> MatrixByTrace(Forwarder f, IReadOnlyList<MatrixDestination> destinations,
        TransportProtocol protocol, int port) => MatrixBySource(f, destinations, protocol, port, sweep: false);

    private static IEnumerable<IReadOnlyList<MatrixCell>> MatrixBySource(Forwarder f, IReadOnlyList<MatrixDestination> destinations,
        TransportProtocol protocol, int port, bool sweep)
    {
        // A cell reads dispositions and devices only: no hop is recorded (Forwarder.Hops).
        if (f.Hops) f = new Forwarder(f.Planes) { HopTexts = false, Hops = false };
        var t = f.Topology;
        var sources = WorkloadSubnets(t);
        if (sources.Count == 0) yield break;
        // Each class's representative endpoint does not depend on the source: resolved once, not once per source.
        var nics = t.NetworkInterfaces.OrderBy(n => n.PrivateIPAddress).ToList();
        var targets = destinations.Select(d => d.Classes.Select(c => Endpoints.Of(t, Representative(t, nics, c.First, c.Last))).ToArray()).ToArray();
        // Each class's range as text, written once (a merged range is written when it is merged).
        var ranges = destinations.Select(d => d.Classes.Select(c => Show(c.First, c.Last)).ToArray()).ToArray();
        var sweeper = sweep ? new ClassSweep(f, [.. targets.SelectMany(x => x.Select(e => e.Address))], protocol, port) : null;
        var batch = 16 * Environment.ProcessorCount;
        MatrixRow[] Batch(int start)
        {
            var rows = new MatrixRow[Math.Min(batch, sources.Count - start)];
            Parallel.For(0, rows.Length, k => rows[k] = Row(f, sweeper, sources[start + k], destinations, targets, ranges, protocol, port));
            return rows;
        }
        // The next batch is swept while the caller reads this one (counts it, summarises it, writes it): the caller's
        // work does not leave a core idle. At most two batches are held.
        var next = Task.Run(() => Batch(0));
        for (var start = 0; start < sources.Count; start += batch)
        {
            var rows = next.GetAwaiter().GetResult();
            var following = start + batch;
            if (following < sources.Count) next = Task.Run(() => Batch(following));
            foreach (var row in rows) yield return row;
        }
    }

    [ThreadStatic] private static List<int>? t_classes;

    /// <summary>One source subnet's cells: a verdict per destination class (swept, or traced); adjacent classes of a
    /// destination with the same verdict and path are one range.</summary>
    private static MatrixRow Row(Forwarder f, ClassSweep? sweeper, Subnet source, IReadOnlyList<MatrixDestination> destinations,
        Endpoint[][] targets, string[][] ranges, TransportProtocol protocol, int port)
    {
        var src = Endpoints.Resolve(f.Topology, source.Id);
        ClassSweep.RowResult? swept = null;
        if (sweeper is not null)
        {
            var classes = t_classes ??= [];
            classes.Clear();
            for (int di = 0, k = 0; di < destinations.Count; k += destinations[di].Classes.Length, di++)
                if (destinations[di].Name != source.Id)
                    for (var ci = 0; ci < destinations[di].Classes.Length; ci++) classes.Add(k + ci);
            swept = sweeper.Row(src, classes);
        }
        var mine = new MatrixRow(source.Id, destinations, ranges);
        for (int di = 0, k = 0; di < destinations.Count; k += destinations[di].Classes.Length, di++)
        {
            var d = destinations[di];
            if (d.Name == source.Id) continue;
            for (var ci = 0; ci < d.Classes.Length; ci++)
            {
                var dst = targets[di][ci];
                if (swept is not null && !swept.Fallback[k + ci])
                {
                    var j = k + ci;
                    mine.Add(di, ci, swept.Disposition[j], swept.Reaches[j], swept.Asymmetric[j], swept.Devices(j, dst.Node));
                    continue;
                }
                var r = f.Trace(src, dst, protocol, port);
                var devices = r.Request.Devices;
                var path = new List<string>(devices.Length);
                foreach (var x in devices)
                    if (x != dst.Node) path.Add(x);
                mine.Add(di, ci, r.Request.Disposition, r.Reaches, r.Asymmetric, path);
            }
        }
        return mine;
    }
}
