using System.Collections.Concurrent;
using System.Collections.Immutable;
using NetTwin.Model;
using NetTwin.Routing.Bgp;

namespace NetTwin.Routing;

/// <summary>The routing stage: what Azure and the on-premises routers hold in their route tables for a
/// topology, and why. Pure function of the immutable <see cref="Model.Topology"/>; the result is immutable
/// (tables are computed on first use and cached, safely from several threads).</summary>
/// <remarks>
/// Order of work: gateway transit (C10) → BGP to a fixpoint over every speaker (D4-D8) → per hub VNet, the
/// gateway routes its gateways give (A4, A7, B5) → per VNet the Default and peering routes (A1, A2, A4) and
/// B3 → per (VNet, route table) the effective route table (A3, B2, B4, B7, B9), shared by every subnet and NIC
/// with the same inputs.
/// </remarks>
public sealed class ControlPlane
{
    private readonly Dictionary<string, GatewayRouteSet> _hubSets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<VnetRoutes>> _vnets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Vnet, string? Table, string Endpoints), Lazy<EffectiveRouteTable>> _tables = new();
    private readonly ConcurrentDictionary<string, EffectiveRouteTable> _bySubnet = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string? Table, string? Hub), Lazy<UserRouteLayer>> _layers = new();
    private readonly Dictionary<string, List<RoutingNote>> _hubNotes = new(StringComparer.Ordinal);
    private string[]? _componentKeys;
    private string[] ComponentKeys => LazyInitializer.EnsureInitialized(ref _componentKeys, () => BgpComponents.Of(Bgp.Internal));

    public Topology Topology { get; }
    /// <summary>Which VNet's gateways serve which VNet (C10).</summary>
    public GatewayTransit Transit { get; }
    /// <summary>The converged BGP state: sessions, learned and advertised routes, device tables.</summary>
    public BgpResult Bgp { get; }
    /// <summary>Assumptions and warnings of the routing stage (unverified rules, ignored settings...).</summary>
    public ImmutableArray<RoutingNote> Notes { get; }

    private ControlPlane(Topology topology, RoutingOptions options, ControlPlane? reuse = null)
    {
        Topology = topology;
        Options = options;
        // Gateway transit reads peerings and gateways, never a failure: a control plane reused for failures keeps it.
        Transit = reuse?.Transit ?? new GatewayTransit(topology);
        var builder = new BgpBuilder(topology, Transit, options);
        BgpResult? merged = null;
        var recomputed = reuse is null ? null : Reuse(reuse, builder, out merged);
        if (recomputed is null)
        {
            var engine = new BgpEngine(builder.Speakers, topology);
            engine.Run();
            Bgp = new BgpResult(engine, builder.Speakers, builder.Configs, builder.Notes, topology);
        }
        else Bgp = merged!;
        var notes = new List<RoutingNote>(Transit.Notes);
        var byGateway = builder.ByGateway.ToDictionary(g => g.Key, g => g.Value.Select(s => Bgp.InternalSpeaker(s.Id) ?? s).ToList(), StringComparer.Ordinal);
        foreach (var hub in topology.VirtualNetworks.Where(v => topology.GatewaysIn(v.Name).Count > 0))
        {
            if (recomputed is not null && !recomputed.Contains(hub.Name) && reuse!._hubSets.TryGetValue(hub.Name, out var kept))
            {
                _hubSets[hub.Name] = kept;
                _hubNotes[hub.Name] = reuse._hubNotes[hub.Name];
            }
            else
            {
                var hubNotes = new List<RoutingNote>();
                _hubSets[hub.Name] = HubRoutes(hub.Name, byGateway, hubNotes);
                _hubNotes[hub.Name] = hubNotes;
            }
            notes.AddRange(_hubNotes[hub.Name]);
        }
        if (recomputed is not null)
        {
            // Tables built on a hub whose gateway routes are the baseline's are the baseline's (they read no failure).
            foreach (var (vnet, routes) in reuse!.VnetEntries())
                if (Transit.HubOf(vnet) is not { } h || !recomputed.Contains(h)) _vnets[vnet] = routes;
            foreach (var (key, layer) in reuse.LayerEntries())
                if (key.Hub is null || !recomputed.Contains(key.Hub)) _layers[key] = layer;
            foreach (var (key, table) in reuse.TableEntries())
                if (Transit.HubOf(key.Vnet) is not { } h || !recomputed.Contains(h)) _tables[key] = table;
        }
        notes.AddRange(Bgp.Notes);
        // Rule B8: what a GatewaySubnet's route table must not do (validation reports them as errors; routing
        // computes the table as Azure would hold it and says why the gateway will not work).
        foreach (var gs in topology.Subnets.Where(s => s.IsGatewaySubnet && s.RouteTable is not null))
        {
            if (topology.RouteTable(gs.RouteTable!) is not { } rt) continue;
            if (rt.DisableBgpRoutePropagation)
                notes.Add(new RoutingNote("B8", $"virtualNetworks/{gs.Id}", $"route table {rt.Name} disables gateway route propagation on the GatewaySubnet: \"The gateway will not function with this setting disabled\"", rt.Source));
            if (rt.Routes.FirstOrDefault(r => r.ServiceTag is null && r.AddressPrefix == Prefix.Default) is { } dflt && topology.GatewaysIn(gs.VirtualNetwork).Any(g => g.GatewayType == GatewayType.Vpn))
                notes.Add(new RoutingNote("B8", $"virtualNetworks/{gs.Id}", $"route {dflt.Name} sends 0.0.0.0/0 from the GatewaySubnet of a VPN gateway: this can prevent the gateway from functioning", dflt.Source));
        }
        Notes = [.. notes];
    }

    /// <summary>What the routing stage was told by other stages (device configurations, tunnel states).</summary>
    internal RoutingOptions Options { get; }

    /// <summary>The control plane of <paramref name="topology"/>, which differs from <paramref name="baseline"/>'s
    /// topology only in <see cref="Topology.Failures"/> (and <paramref name="options"/> from the baseline's options
    /// only in <see cref="RoutingOptions.TunnelDown"/>), reusing what the difference cannot reach: BGP runs only in the
    /// components (<see cref="BgpComponents"/>) holding a speaker of a failed or restored element, and only the hubs
    /// whose gateways are in those components, or are named by the difference, get new gateway routes; every other
    /// hub's gateway routes and the effective route tables built on them are the baseline's. Equal to
    /// <see cref="Compute"/> (checked for every failure case of the examples and the small generated estate); falls
    /// back to it when the topologies differ otherwise or the baseline's BGP did not converge.</summary>
    public static ControlPlane Recompute(ControlPlane baseline, Topology topology, RoutingOptions? options = null) =>
        new(topology, options ?? new RoutingOptions(), baseline);

    /// <summary>Runs BGP over the components the failure difference touches and merges them with the baseline's
    /// untouched components; returns the hubs whose gateway routes must be computed again, or null (compute in full).</summary>
    private HashSet<string>? Reuse(ControlPlane baseline, BgpBuilder builder, out BgpResult? bgp)
    {
        bgp = null;
        var (before, after) = (baseline.Topology, Topology);
        if (!baseline.Bgp.Converged || !SameButFailures(before, after) || !ReferenceEquals(baseline.Options.DeviceConfigs, Options.DeviceConfigs)) return null;
        var touched = FailureDelta.Names(before, baseline.Options, after, Options);
        var fresh = builder.Speakers;
        var freshKeys = BgpComponents.Of(fresh);
        var oldKeys = baseline.ComponentKeys;
        var kept = new HashSet<string>(oldKeys, StringComparer.Ordinal);
        var dirty = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < fresh.Count; i++)
            if (touched.Contains(fresh[i].Name) || !kept.Contains(freshKeys[i]) || baseline.Bgp.InternalSpeaker(fresh[i].Id) is null) dirty.Add(freshKeys[i]);
        var merged = new List<Speaker>(fresh.Count);
        var run = new HashSet<Speaker>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < fresh.Count; i++)
        {
            if (dirty.Contains(freshKeys[i])) { merged.Add(fresh[i]); run.Add(fresh[i]); }
            else merged.Add(baseline.Bgp.InternalSpeaker(fresh[i].Id)!);
        }
        var engine = new BgpEngine(merged, run, after);
        engine.Run();
        if (!engine.Converged) return null;
        // Sessions in the order a run over every speaker creates them: by the speaker whose neighbor opened them.
        var byOpener = new Dictionary<Speaker, List<Session>>(ReferenceEqualityComparer.Instance);
        foreach (var x in baseline.Bgp.RawSessions.Concat(engine.Sessions))
        {
            if (!byOpener.TryGetValue(x.A.Owner, out var list)) byOpener[x.A.Owner] = list = [];
            list.Add(x);
        }
        var sessions = merged.SelectMany(s => byOpener.GetValueOrDefault(s) ?? []).ToList();
        bgp = new BgpResult(merged, sessions, converged: true, engine.Notes, builder.Configs, builder.Notes, after, baseline.Bgp);
        var hubs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in after.VirtualNetworkGateways)
            if (touched.Contains(g.Name) || builder.ByGateway.GetValueOrDefault(g.Name)?.Any(run.Contains) == true)
                hubs.Add(g.VirtualNetwork);
        return hubs;
    }

    private static bool SameButFailures(Topology a, Topology b) =>
        a.VirtualNetworks == b.VirtualNetworks && a.VirtualNetworkPeerings == b.VirtualNetworkPeerings && a.RouteTables == b.RouteTables
        && a.NetworkSecurityGroups == b.NetworkSecurityGroups && a.NetworkInterfaces == b.NetworkInterfaces && a.VirtualMachines == b.VirtualMachines
        && a.AzureFirewalls == b.AzureFirewalls && a.VirtualNetworkGateways == b.VirtualNetworkGateways && a.LocalNetworkGateways == b.LocalNetworkGateways
        && a.Connections == b.Connections && a.ExpressRouteCircuits == b.ExpressRouteCircuits && a.OnPremisesDevices == b.OnPremisesDevices
        && ReferenceEquals(a.ServiceTags, b.ServiceTags);

    /// <summary>Computes the control plane of a topology. <paramref name="options"/> brings what other stages
    /// know: parsed device configurations and IPsec tunnel states.</summary>
    public static ControlPlane Compute(Topology topology, RoutingOptions? options = null) => new(topology, options ?? new RoutingOptions());

    /// <summary>The control plane of <paramref name="topology"/>, which differs from this one's topology only in
    /// route tables and in which subnet uses which table (none of them a GatewaySubnet's): BGP, gateway transit and
    /// every hub's gateway route set are this control plane's, and every effective route table not built on one of
    /// <paramref name="changedRouteTables"/> is shared. The caller vouches for the scope (the what-if stage's
    /// ChangeScope); only the tables of subnets using a changed table are computed again.</summary>
    public ControlPlane WithRouteTables(Topology topology, IReadOnlySet<string> changedRouteTables) => new(this, topology, changedRouteTables);

    private ControlPlane(ControlPlane baseline, Topology topology, IReadOnlySet<string> changedRouteTables)
    {
        _sharedWith = (baseline, changedRouteTables);
        Topology = topology;
        Options = baseline.Options;
        Transit = baseline.Transit;
        Bgp = baseline.Bgp;
        Notes = baseline.Notes;
        foreach (var (hub, set) in baseline._hubSets) _hubSets[hub] = set;
        foreach (var (hub, hubNotes) in baseline._hubNotes) _hubNotes[hub] = hubNotes;
        // Nothing else is copied: the tables and layers of unchanged route tables, and every VNet's routes, are asked of
        // the baseline when first needed (SharedTable, Vnet); Recompute reads them through the Entries below.
    }

    // What a control plane holds, for Recompute to reuse: a derived plane's own (the changed route tables') and the
    // baseline's it shares.
    private IEnumerable<KeyValuePair<string, Lazy<VnetRoutes>>> VnetEntries() => _sharedWith is var (b, _) ? b.VnetEntries() : _vnets;

    private IEnumerable<KeyValuePair<(string? Table, string? Hub), Lazy<UserRouteLayer>>> LayerEntries() =>
        _sharedWith is var (b, changed) ? b.LayerEntries().Where(e => e.Key.Table is null || !changed.Contains(e.Key.Table)).Concat(_layers) : _layers;

    private IEnumerable<KeyValuePair<(string Vnet, string? Table, string Endpoints), Lazy<EffectiveRouteTable>>> TableEntries() =>
        _sharedWith is var (b, changed) ? b.TableEntries().Where(e => e.Key.Table is null || !changed.Contains(e.Key.Table)).Concat(_tables) : _tables;

    /// <summary>The effective routes of a subnet ("vnet/subnet"), as <c>az network nic show-effective-route-table</c>
    /// shows them for any NIC in it.</summary>
    /// <exception cref="ArgumentException">No such subnet.</exception>
    public EffectiveRouteTable EffectiveRoutes(string subnetId)
    {
        if (_bySubnet.TryGetValue(subnetId, out var table)) return table;
        var subnet = Topology.Subnet(subnetId) ?? throw new ArgumentException($"no subnet '{subnetId}' (expected vnet/subnet)", nameof(subnetId));
        return Table(subnet);
    }

    /// <summary>The effective routes of a NIC: its subnet's.</summary>
    /// <exception cref="ArgumentException">No such NIC.</exception>
    public EffectiveRouteTable EffectiveRoutesOfNic(string nicName)
    {
        var nic = Topology.NetworkInterface(nicName) ?? throw new ArgumentException($"no network interface '{nicName}'", nameof(nicName));
        return EffectiveRoutes(nic.Subnet);
    }

    /// <summary>The route a subnet uses for a destination (B1, with B3 applied), or null: no route, dropped.</summary>
    public EffectiveRoute? Lookup(string subnetId, Ipv4 destination) => EffectiveRoutes(subnetId).Lookup(destination);

    /// <summary>Like <c>az network watcher show-next-hop</c> (I3): the route a packet from <paramref name="source"/>
    /// (an address in some subnet) to <paramref name="destination"/> uses.</summary>
    public NextHopResult NextHop(Ipv4 source, Ipv4 destination)
    {
        var subnet = Topology.SubnetContaining(source);
        return new NextHopResult(subnet?.Id, subnet is null ? null : Table(subnet).Lookup(destination));
    }

    /// <summary>The gateway routes serving a VNet (its own gateways' or its hub's, C10), or null when none.</summary>
    public GatewayRouteSet? GatewayRoutes(string vnet) =>
        Transit.HubOf(vnet) is { } hub ? _hubSets.GetValueOrDefault(hub) : null;

    /// <summary>Every subnet with its table; tables are built in parallel and shared between subnets with the
    /// same VNet and route table.</summary>
    public IReadOnlyList<(Subnet Subnet, EffectiveRouteTable Table)> AllSubnetTables()
    {
        var subnets = Topology.Subnets.ToList();
        var tables = new EffectiveRouteTable[subnets.Count];
        Parallel.For(0, subnets.Count, i => tables[i] = Table(subnets[i]));
        return [.. subnets.Select((s, i) => (s, tables[i]))];
    }

    /// <summary>Builds the tables of <paramref name="subnets"/> now, in parallel, each VNet's on one thread: a caller
    /// about to read thousands of tables from several threads at once (the flow diff) would otherwise have its threads
    /// wait for each other on every table and layer they both reach first.</summary>
    internal void Prepare(IEnumerable<Subnet> subnets)
    {
        var byVnet = subnets.Where(s => !_bySubnet.ContainsKey(s.Id)).GroupBy(s => s.VirtualNetwork).Select(g => g.ToList()).ToList();
        Parallel.ForEach(byVnet, group => { foreach (var s in group) _ = Table(s); });
    }

    /// <summary>True once every subnet's table is built (<see cref="AllSubnetTables"/>): nothing left to prepare (a caller
    /// can skip gathering the subnets it would pass to <see cref="Prepare"/>).</summary>
    internal bool HasEveryTable => _everyTable || (_everyTable = _bySubnet.Count >= Topology.VirtualNetworks.Sum(v => v.Subnets.Length));

    private volatile bool _everyTable;   // once true, true for good (tables are only added)

    private EffectiveRouteTable Table(Subnet subnet)
    {
        // Each hop of a trace asks for its subnet's table: found by the subnet's id once its shared table is made.
        if (_bySubnet.TryGetValue(subnet.Id, out var known)) return known;
        var table = SharedTable(subnet);
        _bySubnet.TryAdd(subnet.Id, table);
        return table;
    }

    /// <summary>For a control plane made by <see cref="WithRouteTables"/>: the baseline and the route tables that changed.
    /// A table on none of them is the baseline's, built once for both: the baseline's when it has it, else built by
    /// the baseline for both (a what-if's before and after sides read thousands of the same tables).</summary>
    private readonly (ControlPlane Baseline, IReadOnlySet<string> Changed)? _sharedWith;

    private EffectiveRouteTable SharedTable(Subnet subnet)
    {
        if (_sharedWith is var (baseline, changed) && (subnet.RouteTable is not { } table || !changed.Contains(table))) return baseline.SharedTable(subnet);
        var rt = subnet.RouteTable is { } name ? Topology.RouteTable(name) : null;
        // Service endpoint routes exist only in the enabled subnet (rule A4): subnets share a table only with the same endpoints.
        var endpoints = subnet.ServiceEndpoints.IsEmpty ? "" : string.Join(",", subnet.ServiceEndpoints.Order(StringComparer.OrdinalIgnoreCase));
        return _tables.GetOrAdd((subnet.VirtualNetwork, rt?.Name, endpoints),
            key => new Lazy<EffectiveRouteTable>(() => new EffectiveRouteTable(Vnet(key.Vnet), Layer(rt, Transit.HubOf(key.Vnet)),
                ServiceEndpointRoutes.For(Topology, Topology.VirtualNetwork(key.Vnet)!, subnet.ServiceEndpoints)))).Value;
    }

    // The user routes of a route table over the gateway routes of a hub: shared by every VNet using both.
    private UserRouteLayer Layer(RouteTable? table, string? hub)
    {
        var serving = hub is null ? null : _hubSets.GetValueOrDefault(hub);
        return _layers.GetOrAdd((table?.Name, serving?.Hub), _ => new Lazy<UserRouteLayer>(() =>
            new UserRouteLayer(table, table is { DisableBgpRoutePropagation: true } ? null : serving, serving, Topology.ServiceTags))).Value;
    }

    // A derived plane's VNets route as its baseline's (its scope changed nothing VnetRoutes reads: WithRouteTables).
    private VnetRoutes Vnet(string name) => _sharedWith is var (b, _) ? b.Vnet(name) :
        _vnets.GetOrAdd(name, n => new Lazy<VnetRoutes>(() =>
        {
            var vnet = Topology.VirtualNetwork(n)!;
            var hub = Transit.HubOf(n);
            var set = hub is null ? null : _hubSets.GetValueOrDefault(hub);
            string? via = null;
            if (set is not null)
            {
                var gws = string.Join(", ", Topology.GatewaysIn(hub!).Select(g => g.Name));
                via = hub == n ? $"{n}'s own gateways ({gws})"
                    : $"{hub}'s gateways ({gws}) through peering {Transit.TransitPeering(n)?.Name}: useRemoteGateways, and {hub} allows gateway transit (rule C10)";
            }
            return new VnetRoutes(Topology, vnet, set, via);
        })).Value;

    // ------------------------------------------------------------------ gateway routes of a hub

    private GatewayRouteSet HubRoutes(string hub, Dictionary<string, List<Speaker>> byGateway, List<RoutingNote> notes)
    {
        var all = new List<GatewayRoute>();
        VirtualNetworkGateway? vpn = null;
        ImmutableArray<Ipv4> vpnIps = [];
        var hasEr = false;
        foreach (var g in Topology.GatewaysIn(hub))
        {
            var up = Enumerable.Range(0, g.IpConfigurations.Length)
                .Where(i => !Topology.IsFailed(new Failure(FailureKind.GatewayInstance, g.Name, i))).ToList();
            var upIps = up.Select(i => g.IpConfigurations[i].PrivateIPAddress).ToImmutableArray();
            var mine = new Dictionary<Prefix, GatewayRoute>();
            if (g.GatewayType == GatewayType.Vpn)
            {
                vpn ??= g;
                if (vpn == g) vpnIps = upIps;
                // Rule D6: the prefixes of connected sites become gateway routes (static), beside what BGP learns.
                foreach (var c in Topology.Connections.Where(c => c.VirtualNetworkGateway1 == g.Name))
                {
                    if (Topology.IsFailed(new Failure(FailureKind.Connection, c.Name))) continue;
                    if (c.ConnectionType == ConnectionType.IPsec && c.LocalNetworkGateway2 is { } l && Topology.LocalNetworkGateway(l) is { } lng)
                        foreach (var p in lng.AddressPrefixes)
                            mine.TryAdd(p, new GatewayRoute(p, g.Name, GatewayType.Vpn, upIps, GatewayRouteKind.LocalNetworkGateway,
                                $"{lng.Name} ({lng.GatewayIpAddress}) through connection {c.Name}") { Via = [.. up.Select(i => new GatewayVia(i, c.Name, null))] });
                    else if (c.ConnectionType == ConnectionType.Vnet2Vnet && c.VirtualNetworkGateway2 is { } g2Name && Topology.VirtualNetworkGateway(g2Name) is { } g2)
                    {
                        var bgp = c.EnableBgp && g.EnableBgp && g2.EnableBgp;
                        if (bgp) continue; // learned over BGP below
                        var reverse = Topology.Connections.FirstOrDefault(r => r.ConnectionType == ConnectionType.Vnet2Vnet
                            && r.VirtualNetworkGateway1 == g2.Name && r.VirtualNetworkGateway2 == g.Name
                            && !Topology.IsFailed(new Failure(FailureKind.Connection, r.Name)));
                        if (reverse is null)
                        {
                            notes.Add(new RoutingNote("D10", $"connections/{c.Name}", $"no working connection from {g2.Name} back to {g.Name}: the VNet-to-VNet tunnel is not up and adds no routes", c.Source));
                            continue;
                        }
                        foreach (var p in Topology.VirtualNetwork(g2.VirtualNetwork)?.AddressPrefixes ?? [])
                            mine.TryAdd(p, new GatewayRoute(p, g.Name, GatewayType.Vpn, upIps, GatewayRouteKind.VnetToVnet,
                                $"address space of {g2.VirtualNetwork} through connections {c.Name} / {reverse.Name}") { Via = [.. up.Select(i => new GatewayVia(i, c.Name, null))] });
                    }
                }
            }
            else hasEr = true;

            // BGP-learned routes: per instance, the best paths learned from outside (not the other instance's).
            if (byGateway.TryGetValue(g.Name, out var speakers))
            {
                var learned = new Dictionary<Prefix, (List<Ipv4> Ips, BgpPath Path, List<GatewayVia> Via)>();
                foreach (var s in speakers)
                {
                    var instance = s.Instance ?? 0;
                    if (!up.Contains(instance) && s.Kind == BgpSpeakerKind.VpnGateway) continue;
                    var view = Bgp.Speaker(s.Id)!;
                    foreach (var e in view.Rib)
                    {
                        if (e.Best is not { Source: BgpPathSource.Ebgp } best) continue;
                        if (!learned.TryGetValue(e.Prefix, out var entry)) learned[e.Prefix] = entry = ([], best, []);
                        if (s.Kind == BgpSpeakerKind.ExpressRouteGateway) entry.Ips.AddRange(upIps);
                        else entry.Ips.Add(g.IpConfigurations[instance].PrivateIPAddress);
                        if (s.Neighbors.FirstOrDefault(n => n.PeerAddress == best.PeerAddress && n.Tag is Connection)?.Tag is Connection via)
                            entry.Via.Add(new GatewayVia(instance, via.Name, best.PeerAddress));
                    }
                }
                foreach (var (p, (ips, path, via)) in learned)
                    mine.TryAdd(p, new GatewayRoute(p, g.Name, g.GatewayType, [.. ips.Distinct()], GatewayRouteKind.Bgp,
                        $"from {path.PeerAddress} (AS path {path.AsPathText})") { Via = [.. via] });
            }
            all.AddRange(mine.Values);
        }
        return new GatewayRouteSet(hub, GatewayRouteSet.Merge(all), vpn, vpnIps, hasEr);
    }
}

/// <summary>The answer of <see cref="ControlPlane.NextHop"/>, with the fields of show-next-hop (I3).</summary>
/// <param name="SubnetId">The subnet holding the source address, or null when no subnet holds it.</param>
/// <param name="Route">The route used, or null: no route (dropped).</param>
public sealed record NextHopResult(string? SubnetId, EffectiveRoute? Route)
{
    /// <summary>The next hop type; None when no route matches.</summary>
    public NextHopType NextHopType => Route?.NextHopType ?? NextHopType.None;
    /// <summary>The first next hop IP (appliance or gateway instance), when there is one.</summary>
    public Ipv4? NextHopIpAddress => Route is { NextHopIpAddress: [var first, ..] } ? first : null;
    /// <summary>"System Route", or the route table of a User route.</summary>
    public string RouteTableId => Route is { Source: RouteSource.User, RouteTable: { } rt } ? rt : "System Route";
}
