using System.Collections.Immutable;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.Forwarding;

/// <summary>One source subnet's verdicts towards every destination class of the matrix, computed for the classes
/// together: the classes travel through <see cref="Walk"/>'s steps as groups, each step deciding once for a group what
/// does not depend on the address that varies (the destination of a request, the source of its reply) and splitting
/// the group by what does. A class is traced by <see cref="Walk"/> itself (the fallback) as soon as its path meets a
/// step the sweep does not follow: an appliance VM, a VPN tunnel, NAT, the internet, a service endpoint, a router on
/// premises, the Azure platform's addresses, a firewall's own address, or more than <see cref="MaxVisits"/> places.
/// Every step here restates the step of <see cref="Walk"/> of the same name, in the same order; tests compare whole
/// matrices cell by cell with the traced ones, and every swept class with its trace in full. <c>reach --matrix</c>
/// (<see cref="Reachability.MatrixBySource"/>) and the what-if's flow diff (<c>FlowDiff.Compare</c>) use it.</summary>
internal sealed class ClassSweep
{
    /// <summary>Places (routing decisions, firewalls, gateways, circuits) a direction may visit before the sweep hands
    /// the class to <see cref="Walk"/>: few enough that no walk the sweep follows reaches Walk's hop limit.</summary>
    private const int MaxVisits = 8;

    private readonly Forwarder _f;
    private readonly Ipv4[] _addr;
    private readonly TransportProtocol _protocol;
    private readonly int _sourcePort;
    private readonly int _port;

    /// <summary>For a dual sweep: the peerings whose allowForwardedTraffic the other estate sets otherwise (by
    /// reference, this forwarder's), with its value; null for a sweep of one estate.</summary>
    private readonly IReadOnlyDictionary<VirtualNetworkPeering, bool>? _afterForwardedTraffic;

    /// <param name="f">The forwarder (its caches are shared with the fallback traces).</param>
    /// <param name="addresses">The representative address of each class, by class index.</param>
    /// <param name="afterForwardedTraffic">For <see cref="Rows"/>: the estate to compare with is this one with these
    /// peerings' allowForwardedTraffic set to the values given (rule C2; nothing else differs).</param>
    public ClassSweep(Forwarder f, Ipv4[] addresses, TransportProtocol protocol, int port,
        IReadOnlyDictionary<VirtualNetworkPeering, bool>? afterForwardedTraffic = null)
    {
        _f = f;
        _afterForwardedTraffic = afterForwardedTraffic;
        _addr = addresses;
        var icmp = protocol == TransportProtocol.Icmp;
        _protocol = protocol == TransportProtocol.Any ? TransportProtocol.Tcp : protocol;
        _sourcePort = icmp ? 0 : Forwarder.EphemeralPort;
        _port = icmp ? 0 : port;
    }

    private Topology T => _f.Topology;

    /// <summary>Hash codes for the sweep's short-lived objects, compared by reference: a number from a per-thread counter,
    /// given when the object is made (RuntimeHelpers.GetHashCode's first call on an object takes the runtime's slow path,
    /// and a what-if makes hundreds of thousands of these and hashes most of them once).</summary>
    internal static class Ids
    {
        [ThreadStatic] private static int t_next;
        public static int Next() => ++t_next;
    }

    /// <summary>A list that grows at its head and shares its tail: a group's state is split without copying.</summary>
    internal sealed class Cons<T>(T head, Cons<T>? tail)
    {
        private readonly int _hash = Ids.Next();
        public T Head { get; } = head;
        public Cons<T>? Tail { get; } = tail;

        /// <summary>By reference, as object's: only the hash is made differently (<see cref="Ids"/>).</summary>
        public override int GetHashCode() => _hash;
        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public static bool Contains(Cons<T>? list, T item)
        {
            for (var c = list; c is not null; c = c.Tail)
                if (EqualityComparer<T>.Default.Equals(c.Head, item)) return true;
            return false;
        }
    }

    /// <summary>The names of a list (a walk's devices, its stateful devices), oldest first, each once: gathered in this
    /// thread's buffer from its end (the list is newest first), closed up over the repeats there (a walk passes a
    /// route's subnet twice), then copied once at their size, so a state makes one array. The flow diff asks it for tens
    /// of thousands of states.</summary>
    internal static string[] DistinctInOrder(Cons<string>? list)
    {
        var n = 0;
        for (var c = list; c is not null; c = c.Tail) n++;
        if (n == 0) return [];
        var all = t_names is { } b && b.Length >= n ? b : t_names = new string[Math.Max(n, 32)];
        var i = n;
        for (var c = list; c is not null; c = c.Tail) all[--i] = c.Head;
        var kept = 0;
        for (var k = 0; k < n; k++)
        {
            var name = all[k];
            var seen = false;
            for (var m = 0; m < kept && !seen; m++) seen = ReferenceEquals(all[m], name) || string.Equals(all[m], name, StringComparison.Ordinal);
            if (!seen) all[kept++] = name;
        }
        var result = all.AsSpan(0, kept).ToArray();
        all.AsSpan(0, n).Clear();
        return result;
    }

    [ThreadStatic] private static string[]? t_names;

    /// <summary>Which estate a group's results hold for in a dual sweep (<see cref="Rows"/>): both, until a step reads
    /// what differs between them and they part.</summary>
    internal enum World : byte { Both, Before, After }

    /// <summary>What a walk carried so far (Walk's devices, stateful devices and visited places), shared by the classes
    /// of a group; immutable, so a split group's parts share it.</summary>
    internal sealed class State(Cons<string>? devices, Cons<string>? stateful, Cons<(string, string)>? seen, int visits,
        HashSet<(string Nsg, string Kind, string Name)> nsgs, World world = World.Both)
    {
        private readonly int _hash = Ids.Next();

        /// <summary>By reference, as object's: only the hash is made differently (<see cref="Ids"/>).</summary>
        public override int GetHashCode() => _hash;
        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        /// <summary>The estates the group walks in (a dual sweep's; Both in any other).</summary>
        public World World { get; } = world;
        public Cons<string>? Devices { get; } = devices;
        public Cons<string>? Stateful { get; } = stateful;
        public Cons<(string Kind, string Node)>? Seen { get; } = seen;
        public int Visits { get; } = visits;
        /// <summary>The NSGs the request evaluated at its source (each as Walk.NsgsPassed keys it): filled before the
        /// walk first splits, then only read; one set per source.</summary>
        public HashSet<(string Nsg, string Kind, string Name)> Nsgs { get; } = nsgs;

        public static State Start(HashSet<(string, string, string)> nsgs, World world = World.Both) => new(null, null, null, 0, nsgs, world);

        public State Pass(string? node) => string.IsNullOrEmpty(node) ? this : new(new(node, Devices), Stateful, Seen, Visits, Nsgs, World);
        public State WithStateful(string device) => new(Devices, new(device, Stateful), Seen, Visits, Nsgs, World);
        public State Visit(string kind, string node) => new(Devices, Stateful, new((kind, node), Seen), Visits + 1, Nsgs, World);
        /// <summary>The same walk, in one of the two estates only.</summary>
        public State In(World world) => new(Devices, Stateful, Seen, Visits, Nsgs, world);
        public bool HasSeen(string kind, string node) => Cons<(string, string)>.Contains(Seen, (kind, node));

        private string[]? _deviceArray, _stateful;
        /// <summary>The devices passed, each once, in order (a swept path's head, shared by the group's cells; never
        /// written to).</summary>
        public string[] DeviceArray => _deviceArray ??= DistinctInOrder(Devices);
        public string[] DistinctStateful => _stateful ??= DistinctInOrder(Stateful);
    }

    /// <summary>How a class's reply starts, when its request got through.</summary>
    internal enum ReplyFrom : byte { None, Subnet, Circuit }

    /// <summary>One source's results, by class index.</summary>
    internal sealed class RowResult(int n)
    {
        public readonly Disposition[] Disposition = new Disposition[n];
        public readonly bool[] Reaches = new bool[n];
        public readonly bool[] Asymmetric = new bool[n];
        /// <summary>True for a class the sweep left to <see cref="Walk"/>: its other fields mean nothing.</summary>
        public readonly bool[] Fallback = new bool[n];
        internal readonly State?[] Request = new State?[n];
        public readonly Subnet?[] DestinationSubnet = new Subnet?[n];
        internal readonly Landing?[] Landing = new Landing?[n];
        public readonly NetworkInterface?[] DestinationNic = new NetworkInterface?[n];
        internal readonly ReplyFrom[] Reply = new ReplyFrom[n];
        internal readonly string?[] ReplyCircuit = new string?[n];
        /// <summary>How the reply ended, and the state it ended with (its devices after the class's own).</summary>
        public readonly Disposition[] ReplyDisposition = new Disposition[n];
        internal readonly State?[] ReplyState = new State?[n];

        /// <summary>True when some class of the row was left to <see cref="Walk"/> (<see cref="Fallback"/>).</summary>
        public bool AnyFallback { get; internal set; }

        /// <summary>A dual sweep's before row: true when some group's walks parted (rule C2 decided otherwise in the two
        /// estates). When false, and no class was left to Walk, every class ended alike in both rows.</summary>
        public bool Parted { get; internal set; }

        /// <summary>Clears the results of <paramref name="classes"/> for another source: a row's arrays are reused (a row
        /// of the largest estate is 20,000 classes, and fresh arrays for each of 10,000 rows would be gigabytes of
        /// garbage), and a flow diff sweeps a few classes of a wide array, read for these classes only.</summary>
        public void Clear(List<int> classes)
        {
            foreach (var j in classes)
            {
                Disposition[j] = default; Reaches[j] = false; Asymmetric[j] = false; Fallback[j] = false; Request[j] = null;
                DestinationSubnet[j] = null; Landing[j] = null; DestinationNic[j] = null; Reply[j] = ReplyFrom.None; ReplyCircuit[j] = null;
                ReplyDisposition[j] = default; ReplyState[j] = null;
            }
            _shared.Clear();
            AnyFallback = false;
            Parted = false;
        }

        /// <summary>True when the class's request got through and its reply was traced.</summary>
        public bool HasReply(int j) => Reply[j] != ReplyFrom.None && Disposition[j].IsSuccess() && ReplyState[j] is not null;

        /// <summary>The request's devices, each once, in order (Trace.Devices of the request): the group's array itself
        /// when the class adds none of its own (one array per class would be most of a what-if's garbage).</summary>
        public string[] RequestDevices(int j)
        {
            var p = Devices(j, "");   // no device is named "": the group's array, and the class's own names it lacks
            return Joined([], p.Head, p.A, p.B, p.C, []);
        }

        /// <summary>The reply's devices, each once, in order (Trace.Devices of the reply): the destination's own where
        /// the reply started (its VM and NIC, its subnet), then those its group passed.</summary>
        public string[] ReplyDevices(int j)
        {
            string? a = null, b = null, c = null;
            if (Reply[j] == ReplyFrom.Subnet)
            {
                var nic = Landing[j]?.Nic;
                a = nic?.VirtualMachine; b = nic?.Name; c = DestinationSubnet[j]?.Id;
                if (string.IsNullOrEmpty(a)) a = null;
                if (string.IsNullOrEmpty(b) || b == a) b = null;
                if (string.IsNullOrEmpty(c) || c == a || c == b) c = null;
            }
            var body = ReplyState[j]!.DeviceArray;
            return Joined([a, b, c], body, null, null, null, [a, b, c]);
        }

        // pre (non-null names), then body without the names in skip, then a, b, c (non-null): one array, or body
        // itself when nothing is added or skipped.
        private static string[] Joined(ReadOnlySpan<string?> pre, string[] body, string? a, string? b, string? c, ReadOnlySpan<string?> skip)
        {
            var count = 0;
            foreach (var x in pre) if (x is not null) count++;
            var skipped = 0;
            if (count > 0) foreach (var x in body) if (skip.Contains(x)) skipped++;
            var tail = (a is null ? 0 : 1) + (b is null ? 0 : 1) + (c is null ? 0 : 1);
            if (count == 0 && tail == 0) return body;
            var result = new string[count + body.Length - skipped + tail];
            var i = 0;
            foreach (var x in pre) if (x is not null) result[i++] = x;
            foreach (var x in body) if (count == 0 || !skip.Contains(x)) result[i++] = x;
            foreach (var x in (ReadOnlySpan<string?>)[a, b, c]) if (x is not null) result[i++] = x;
            return result;
        }

        private readonly Dictionary<(State, string), string[]> _shared = [];

        /// <summary>The request's devices, each once, in order (Trace.Devices), without <paramref name="except"/>: the
        /// group's (one array for every class of the group) and then the class's own (its subnet, NIC and VM).</summary>
        public SweptPath.Parts Devices(int j, string except)
        {
            var st = Request[j]!;
            var head = st.DeviceArray;
            // The destination's node is rarely one of the group's (a circuit is): then the group's array without it,
            // made once per group and node.
            if (Array.IndexOf(head, except) >= 0 && !_shared.TryGetValue((st, except), out head))
                _shared[(st, except)] = head = Without(st.DeviceArray, except);
            string? a = DestinationSubnet[j]?.Id, b = DestinationNic[j]?.Name, c = DestinationNic[j]?.VirtualMachine;
            a = Own(a, st.DeviceArray, except); b = Own(b, st.DeviceArray, except); c = Own(c, st.DeviceArray, except);
            if (b == a) b = null;
            if (c == a || c == b) c = null;
            return new SweptPath.Parts(head!, a, b, c);

            // Not a lambda here: one capturing the parameter would be made on every call.
            static string[] Without(string[] names, string except) => [.. names.Where(d => d != except)];

            static string? Own(string? n, string[] group, string except) =>
                string.IsNullOrEmpty(n) || n == except || Array.IndexOf(group, n) >= 0 ? null : n;
        }
    }

    [ThreadStatic] private static RowResult? t_row, t_after;

    /// <summary>The verdicts of <paramref name="source"/> (resolved as <see cref="Endpoints.Resolve"/> does) towards the
    /// classes <paramref name="classes"/>; classes marked <see cref="RowResult.Fallback"/> are left to the caller.</summary>
    public RowResult Row(Endpoint source, List<int> classes) => Sweep(source, classes, dual: false).Before;

    /// <summary>A dual sweep: the row of this estate and the row of the estate the sweep was made to compare with
    /// (this one with other peerings' allowForwardedTraffic), in one pass. The classes go together while what they
    /// read is the same in both estates, and part where a class crosses one of those peerings and rule C2 decides
    /// otherwise; each part then goes on in its estate alone. Classes whose walks never part share their results'
    /// states in both rows.</summary>
    public (RowResult Before, RowResult After) Rows(Endpoint source, List<int> classes)
    {
        if (_afterForwardedTraffic is null) throw new InvalidOperationException("a dual sweep needs the other estate's peering flags");
        var (before, after) = Sweep(source, classes, dual: true);
        return (before, after!);
    }

    private (RowResult Before, RowResult? After) Sweep(Endpoint source, List<int> classes, bool dual)
    {
        // One row's arrays per thread (two for a dual sweep), reused (the caller reads a row before it asks for the next).
        var row = t_row is { } reuse && reuse.Disposition.Length == _addr.Length ? reuse : t_row = new RowResult(_addr.Length);
        row.Clear(classes);
        RowResult? after = null;
        if (dual)
        {
            after = t_after is { } reuse2 && reuse2.Disposition.Length == _addr.Length ? reuse2 : t_after = new RowResult(_addr.Length);
            after.Clear(classes);
        }
        var sourceSubnet = source.Kind == EndpointKind.Nic ? T.NetworkInterface(source.Node)?.Subnet ?? "" : source.Node;
        var run = new Run(this, row, after, source.Address, sourceSubnet);
        var st = State.Start([]);
        switch (source.Kind)
        {
            case EndpointKind.Nic:
                {
                    var nic = T.NetworkInterface(source.Node)!;
                    var subnet = T.Subnet(nic.Subnet)!;
                    st = st.Pass(nic.VirtualMachine).Pass(nic.Name);
                    var platform = new List<int>();
                    var rest = new List<int>(classes.Count);
                    foreach (var j in classes) (Array.IndexOf(Endpoints.PlatformAddresses, _addr[j]) >= 0 ? platform : rest).Add(j);
                    run.Fallback(st, platform);
                    rest = run.RequestNsg(st, rest, nic.NetworkSecurityGroup, SecurityRuleDirection.Outbound, subnet.Id, "NIC", nic.Name);
                    rest = run.RequestNsg(st, rest, subnet.NetworkSecurityGroup, SecurityRuleDirection.Outbound, subnet.Id, "subnet", subnet.Id);
                    run.RequestRoute(st, rest, subnet, null);
                    break;
                }
            case EndpointKind.SubnetHost:
                {
                    var subnet = T.Subnet(source.Node)!;
                    st = st.Pass(subnet.Id);
                    var rest = run.RequestNsg(st, classes, subnet.NetworkSecurityGroup, SecurityRuleDirection.Outbound, subnet.Id, "subnet", subnet.Id);
                    run.RequestRoute(st, rest, subnet, null);
                    break;
                }
            default:
                run.Fallback(st, classes);
                break;
        }
        run.Replies(classes);
        return (row, after);
    }

    /// <summary>What a route does with a packet, all that the walk reads of it: routes alike in this take their
    /// classes on together.</summary>
    private readonly record struct RouteAction(NextHopType Type, bool User, Ipv4 Ip, bool HasIp, string? Gateway, bool Null)
    {
        public static RouteAction Of(EffectiveRoute? r) => r is null ? new(default, false, default, false, null, true)
            : new(r.NextHopType, r.Source == RouteSource.User, r.NextHopIpAddress.IsEmpty ? default : r.NextHopIpAddress[0], !r.NextHopIpAddress.IsEmpty,
                r.NextHopType == NextHopType.VirtualNetworkGateway ? r.Gateway : null, false);
    }

    /// <summary>The connection a gateway route sends packets over (Walk.GatewayOut's path), or null when it has none
    /// (asked once per class and gateway: <see cref="GatewayConnection"/> keeps the answer).</summary>
    private string? ViaConnection(GatewayRoute route) => route.Via.IsEmpty ? null : _f.ChosenPath(route).Connection;

    // ---------------------------------------------------------------- what does not depend on the source

    // Per class, what a step decides from the class's address alone: made by the first row that asks, then read by
    // every other (a reference or a byte written whole, so rows on other threads see it made or not at all).

    /// <summary>Where a class lands in a VNet (Walk.DeliverIn and Walk.EnterSubnet): its subnet, a firewall at its
    /// address, the NIC holding it.</summary>
    internal sealed record Landing(VirtualNetwork Vnet, Subnet? Subnet, bool Firewall, NetworkInterface? Nic,
        NetworkSecurityGroup? SubnetNsg, NetworkSecurityGroup? NicNsg, EffectiveRouteTable? Table, Func<Ipv4, bool>? Tag);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<EffectiveRouteTable, TableMemo> _tables = new(ReferenceEqualityComparer.Instance);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, object?[]> _peerings = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?[]> _gateways = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _circuits = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(AzureFirewall, string), byte[]> _firewalls = new(new FirewallSignature());
    private readonly System.Collections.Concurrent.ConcurrentDictionary<AzureFirewall, byte[]> _snats = new(ReferenceEqualityComparer.Instance);
    private Landing?[]? _landings;

    private sealed class FirewallSignature : IEqualityComparer<(AzureFirewall, string)>
    {
        public bool Equals((AzureFirewall, string) x, (AzureFirewall, string) y) => ReferenceEquals(x.Item1, y.Item1) && x.Item2 == y.Item2;
        public int GetHashCode((AzureFirewall, string) k) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(k.Item1), k.Item2);
    }

    /// <summary>What a table (of a subnet that is not a row's source: a firewall's, a gateway's) does with each class,
    /// worked out for a class when a row first asks (a flow diff asks for few).</summary>
    private sealed class TableMemo(EffectiveRouteTable table, Ipv4[] addresses)
    {
        private readonly RouteAction[] _actions = new RouteAction[addresses.Length];
        private readonly int[] _known = new int[addresses.Length];

        public RouteAction Of(int j)
        {
            if (Volatile.Read(ref _known[j]) != 0) return _actions[j];
            var a = RouteAction.Of(table.Forward(addresses[j]));
            _actions[j] = a;
            Volatile.Write(ref _known[j], 1);
            return a;
        }
    }

    private TableMemo TableActions(EffectiveRouteTable table) => _tables.GetOrAdd(table, static (t, addr) => new TableMemo(t, addr), _addr);

    private static readonly object NoPeering = new();

    // Each memo below is found once per group (a dictionary keyed by a name), then read per class.

    /// <summary>The memo of a VNet's peerings per class, or null for a VNet with a peering or two (a spoke: asked
    /// directly, it needs no array per spoke).</summary>
    private object?[]? PeeringMemo(string localVnet) =>
        T.PeeringsFrom(localVnet).Count <= 4 ? null : _peerings.GetOrAdd(localVnet, static (_, n) => new object?[n], _addr.Length);

    /// <summary>Forwarder.PeeringTo for a class (NoPeering when none).</summary>
    private object PeeringFor(object?[]? memo, string localVnet, int j) =>
        memo is null ? (object?)_f.PeeringTo(localVnet, _addr[j]) ?? NoPeering : memo[j] ??= (object?)_f.PeeringTo(localVnet, _addr[j]) ?? NoPeering;

    private Landing LandingIn(VirtualNetwork vnet, int j)
    {
        var memo = _landings ?? Interlocked.CompareExchange(ref _landings, new Landing?[_addr.Length], null) ?? _landings!;
        if (memo[j] is { } known && ReferenceEquals(known.Vnet, vnet)) return known;
        var d = _addr[j];
        var s = vnet.SubnetHolding(d);
        var nic = s is null ? null : T.InterfaceAt(s.Id, d);
        var landing = new Landing(vnet, s, s is not null && T.FirewallWithAddress(d, s.Id) is not null, nic,
            s?.NetworkSecurityGroup is { } sn ? T.NetworkSecurityGroup(sn) : null, nic?.NetworkSecurityGroup is { } nn ? T.NetworkSecurityGroup(nn) : null,
            s is null ? null : _f.Routing.EffectiveRoutes(s.Id), s is null ? null : _f.VirtualNetworkTag(s.Id));
        memo[j] = landing;
        return landing;
    }

    /// <summary>The connection gateway <paramref name="g"/>'s route for a class goes over ("" when it has no route or no path).</summary>
    private string?[] GatewayMemo(string gateway) => _gateways.GetOrAdd(gateway, static (_, n) => new string?[n], _addr.Length);

    private string GatewayConnection(string?[] memo, GatewayRouteSet set, string gateway, int j)
    {
        return memo[j] ??= set.RouteOf(gateway, _addr[j]) is { } route ? ViaConnection(route) ?? "" : "";
    }

    /// <summary>Who owns a circuit's edge's best path for a class (Walk.CircuitOut): 1 nobody / no path, 2 a router, 3 a
    /// customer edge (no router modelled), 4 another speaker.</summary>
    private byte[] CircuitMemo(string circuit) => _circuits.GetOrAdd(circuit, static (_, n) => new byte[n], _addr.Length);

    private byte CircuitOwner(byte[] memo, string circuit, int j)
    {
        if (memo[j] != 0) return memo[j];
        return memo[j] = _f.EdgeRoute(circuit, _addr[j])?.Owner?.Kind switch
        {
            null => 1,
            BgpSpeakerKind.Router => 2,
            BgpSpeakerKind.CustomerEdge => 3,
            _ => 4,
        };
    }

    /// <summary>A firewall's verdict for a class from a source whose rules are <paramref name="signature"/> (which rules
    /// match the flow but for its destination: FirewallEvaluation.SourceMatches).</summary>
    private byte[] FirewallMemo(AzureFirewall fw, string signature) => _firewalls.GetOrAdd((fw, signature), static (_, n) => new byte[n], _addr.Length);

    private bool FirewallAllows(byte[] memo, AzureFirewall fw, bool[] matches, int j)
    {
        if (memo[j] == 0) memo[j] = FirewallEvaluation.AllowedTo(fw, matches, _addr[j], T.ServiceTags) ? (byte)2 : (byte)1;
        return memo[j] == 2;
    }

    private byte[] SnatMemo(AzureFirewall fw) => _snats.GetOrAdd(fw, static (_, n) => new byte[n], _addr.Length);

    private bool FirewallSnats(byte[] memo, AzureFirewall fw, int j)
    {
        if (memo[j] == 0) memo[j] = FirewallEvaluation.Snats(fw, _addr[j]) ? (byte)2 : (byte)1;
        return memo[j] == 2;
    }

    /// <summary>One source's sweep: the request over the classes, then the replies grouped by where they start.</summary>
    /// <remarks>A dual sweep (<paramref name="after"/> given) writes a group's results to the rows of the estates its
    /// state walks in (<see cref="State.World"/>), and reads a class's request from the row of its reply's estate
    /// (the before row for both: their requests are one).</remarks>
    private sealed class Run(ClassSweep sweep, RowResult row, RowResult? after, Ipv4 source, string sourceSubnet)
    {
        private readonly Forwarder _f = sweep._f;
        private Topology T => _f.Topology;
        private Ipv4 A(int j) => sweep._addr[j];

        private Flow RequestFlow(int j) => new(source, A(j), sweep._protocol, sweep._sourcePort, sweep._port);
        private Flow ReplyFlow(int j) => new(A(j), source, sweep._protocol, sweep._port, sweep._sourcePort);

        /// <summary>The row a state's classes read (the before row unless the state walks in the after estate alone).</summary>
        private RowResult Read(State st) => st.World == World.After ? after! : row;

        /// <summary>The rows a state's results go to: the before row unless it walks in the after estate alone, the
        /// after row (a dual sweep) unless it walks in the before estate alone.</summary>
        private RowResult? First(State st) => st.World == World.After ? null : row;
        private RowResult? Second(State st) => after is null || st.World == World.Before ? null : after;

        public void Fallback(State st, List<int> classes)
        {
            foreach (var j in classes) Fallback(st, j);
        }

        private void Fallback(State st, int j)
        {
            if (First(st) is { } r1) { r1.Fallback[j] = true; r1.AnyFallback = true; }
            if (Second(st) is { } r2) { r2.Fallback[j] = true; r2.AnyFallback = true; }
        }

        /// <summary>Marks the row as one whose walks parted (a dual sweep's group went on in each estate alone).</summary>
        private State Part(State st, World world)
        {
            row.Parted = true;
            return st.In(world);
        }

        /// <summary>Ends the request of <paramref name="classes"/> with the state it carries.</summary>
        private void End(State st, List<int> classes, Disposition d, ReplyFrom reply = ReplyFrom.None, string? circuit = null)
        {
            if (First(st) is { } r1) End(r1, st, classes, d, reply, circuit);
            if (Second(st) is { } r2) End(r2, st, classes, d, reply, circuit);

            static void End(RowResult row, State st, List<int> classes, Disposition d, ReplyFrom reply, string? circuit)
            {
                foreach (var j in classes)
                {
                    row.Disposition[j] = d;
                    row.Request[j] = st;
                    row.Reply[j] = reply;
                    row.ReplyCircuit[j] = circuit;
                }
            }
        }

        /// <summary>The allowForwardedTraffic of <paramref name="reverse"/> (rule C2's flag for a crossing into its VNet)
        /// in a state's estate.</summary>
        private bool ForwardedTrafficAllowed(VirtualNetworkPeering reverse, World world) =>
            world == World.After && sweep._afterForwardedTraffic!.TryGetValue(reverse, out var allowed) ? allowed : reverse.AllowForwardedTraffic;

        /// <summary>True when a group walking in both estates of a dual sweep crosses <paramref name="peering"/> in one
        /// and not the other (rule C2 reads a flag they set otherwise): it then goes on in each alone. The arguments are
        /// <see cref="Crossing"/>'s.</summary>
        private bool Parts(State st, VirtualNetwork local, VirtualNetworkPeering? peering, string? senderGateway, Ipv4 src, bool? sourceInLocal = null) =>
            after is not null && st.World == World.Both && peering is not null && T.ReversePeering(peering) is { } reverse
            && sweep._afterForwardedTraffic!.TryGetValue(reverse, out var allowed) && allowed != reverse.AllowForwardedTraffic
            && (Crossing(local, peering, senderGateway, src, out _, sourceInLocal, World.Before) is null)
               != (Crossing(local, peering, senderGateway, src, out _, sourceInLocal, World.After) is null);

        /// <summary>Walk.Visit: the state with the place, or null when the classes ended (a loop) or were left to Walk
        /// (too many places).</summary>
        private State? Visit(State st, List<int> classes, string kind, string node)
        {
            if (st.Visits >= MaxVisits) { Fallback(st, classes); return null; }
            if (st.HasSeen(kind, node)) { End(st, classes, Disposition.Loop); return null; }
            return st.Visit(kind, node);
        }

        /// <summary>Groups classes by a key, in the order keys first appear; each group's list made at its size.</summary>
        private static List<(TKey Key, List<int> Classes)> Split<TKey>(List<int> classes, Func<int, TKey> key, IEqualityComparer<TKey>? comparer = null)
            where TKey : notnull
        {
            var n = classes.Count;
            if (n == 0) return [];
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(classes);
            // Each class's key is asked once (a key can be a table lookup) and compared with the last one found: a group's
            // classes mostly share it, so most steps take the group on whole. Only the keys' positions are kept (a wide
            // row's keys themselves were a megabyte to write, read and clear at every step).
            var first = key(span[0]);
            var i = 1;
            while (i < n && Same(key(span[i]), first, comparer)) i++;
            // Most steps take a group on whole: the list itself goes on (no step writes to the list it is given).
            if (i == n) return [(first, classes)];
            var keys = new List<TKey> { first };
            var counts = new List<int> { i };
            var of = System.Buffers.ArrayPool<int>.Shared.Rent(n);
            Array.Clear(of, 0, i);   // the first i classes are group 0
            Dictionary<TKey, int>? index = null;
            var last = 0;
            for (; i < n; i++)
            {
                var k = key(span[i]);
                if (!Same(k, keys[last], comparer))
                {
                    last = -1;
                    // Few keys are looked through; past eight, a table.
                    if (index is null)
                    {
                        for (var g = 0; g < keys.Count; g++)
                            if (Same(k, keys[g], comparer)) { last = g; break; }
                        if (last < 0 && keys.Count >= 8)
                        {
                            index = new Dictionary<TKey, int>(comparer ?? EqualityComparer<TKey>.Default);
                            for (var g = 0; g < keys.Count; g++) index.TryAdd(keys[g], g);
                        }
                    }
                    if (last < 0 && (index is null || !index.TryGetValue(k, out last)))
                    {
                        last = keys.Count;
                        index?.Add(k, last);
                        keys.Add(k);
                        counts.Add(0);
                    }
                }
                of[i] = last;
                counts[last]++;
            }
            var lists = new List<int>[keys.Count];
            for (var g = 0; g < keys.Count; g++) lists[g] = new List<int>(counts[g]);
            for (var j = 0; j < n; j++) lists[of[j]].Add(span[j]);
            System.Buffers.ArrayPool<int>.Shared.Return(of);
            var groups = new List<(TKey, List<int>)>(keys.Count);
            for (var g = 0; g < keys.Count; g++) groups.Add((keys[g], lists[g]));
            return groups;

            // The default comparer called directly: for a struct key the call is inlined.
            static bool Same(TKey x, TKey y, IEqualityComparer<TKey>? c) => c is null ? EqualityComparer<TKey>.Default.Equals(x, y) : c.Equals(x, y);
        }

        // ------------------------------------------------------------ the request: the destination varies

        /// <summary>Walk.Nsg for a request at its source: the classes it allows (the others end DeniedByNsg).</summary>
        public List<int> RequestNsg(State st, List<int> classes, string? name, SecurityRuleDirection direction, string subnetId, string kind, string where)
        {
            if (name is null || T.NetworkSecurityGroup(name) is not { } nsg || classes.Count == 0) return classes;
            st.Nsgs.Add((name, kind, where));
            var tag = _f.VirtualNetworkTag(subnetId);
            var allowed = new List<int>(classes.Count);
            var denied = new List<int>();
            // The source, protocol and ports are the row's: which rules they match is asked once, then each class's destination.
            var matches = NsgEvaluation.SourceMatches(nsg, direction, RequestFlow(classes[0]), tag, T.ServiceTags);
            foreach (var j in classes)
                (NsgEvaluation.AllowedTo(nsg, direction, matches, A(j), tag, T.ServiceTags) ? allowed : denied).Add(j);
            End(st, denied, Disposition.DeniedByNsg);
            return allowed;
        }

        /// <summary>Walk.RouteFrom for a request.</summary>
        public void RequestRoute(State st, List<int> classes, Subnet subnet, string? senderGateway)
        {
            if (classes.Count == 0 || Visit(st, classes, "route", subnet.Id) is not { } visited) return;
            st = visited.Pass(subnet.Id);
            var table = _f.Routing.EffectiveRoutes(subnet.Id);
            // The source's own table is the row's; another subnet's (a firewall's) answers the same for every row.
            var shared = subnet.Id == sourceSubnet ? null : sweep.TableActions(table);
            foreach (var (r, g) in Split(classes, j => shared is null ? RouteAction.Of(table.Forward(A(j))) : shared.Of(j)))
            {
                if (r.Null) { End(st, g, Disposition.NoRoute); continue; }
                switch (r.Type)
                {
                    case NextHopType.VnetLocal:
                        RequestDeliverIn(st, g, T.VirtualNetwork(subnet.VirtualNetwork)!);
                        break;
                    case NextHopType.VNetPeering or NextHopType.VNetGlobalPeering:
                        RequestPeering(st, g, subnet.VirtualNetwork, senderGateway);
                        break;
                    case NextHopType.Internet:
                        // A private destination is dropped; the internet itself is Walk's (SNAT, its reply).
                        Fallback(st, [.. g.Where(j => NsgEvaluation.IsInternet(A(j)))]);
                        End(st, [.. g.Where(j => !NsgEvaluation.IsInternet(A(j)))], Disposition.NoRoute);
                        break;
                    case NextHopType.None:
                        End(st, g, r.User ? Disposition.NullRouted : Disposition.NoRoute);
                        break;
                    case NextHopType.VirtualAppliance:
                        if (!r.HasIp) End(st, g, Disposition.NoRoute);
                        else RequestAppliance(st, g, r.Ip, subnet.VirtualNetwork);
                        break;
                    case NextHopType.VirtualNetworkGateway:
                        {
                            var gw = r.Gateway is { } named ? (named.IndexOf(',') is var comma and >= 0 ? named[..comma] : named).Trim()
                                : _f.Routing.GatewayRoutes(subnet.VirtualNetwork)?.VpnGateway?.Name;
                            if (gw is null) End(st, g, Disposition.NoRoute);
                            else RequestGateway(st, g, gw, senderGateway);
                            break;
                        }
                    default:
                        Fallback(st, g);
                        break;
                }
            }
        }

        /// <summary>Walk.DeliverIn and Walk.EnterSubnet for a request: each class enters its own subnet.</summary>
        private void RequestDeliverIn(State st, List<int> classes, VirtualNetwork vnet)
        {
            var none = new List<int>();
            var denied = new List<int>();
            var delivered = new List<int>(classes.Count);
            var (r1, r2) = (First(st), Second(st));
            foreach (var j in classes)
            {
                var landing = sweep.LandingIn(vnet, j);
                if (landing.Subnet is not { } s) { none.Add(j); continue; }
                if (landing.Firewall) { Fallback(st, j); continue; }
                if (r1 is not null) { r1.DestinationSubnet[j] = s; r1.Landing[j] = landing; }
                if (r2 is not null) { r2.DestinationSubnet[j] = s; r2.Landing[j] = landing; }
                var nic = landing.Nic;
                if ((landing.SubnetNsg is { } sn && !Inbound(sn, landing.Tag!, j)) || (landing.NicNsg is { } nn && !Inbound(nn, landing.Tag!, j)))
                {
                    denied.Add(j);
                    continue;
                }
                if (r1 is not null) r1.DestinationNic[j] = nic;
                if (r2 is not null) r2.DestinationNic[j] = nic;
                delivered.Add(j);
            }
            End(st, none, Disposition.NoRoute);
            End(st, denied, Disposition.DeniedByNsg);
            End(st, delivered, Disposition.Delivered, ReplyFrom.Subnet);

            // The destination's NSG for the row's source: which rules the source matches is asked once per NSG and tag
            // (a group's classes mostly land in a few subnets), then each class's destination.
            bool Inbound(NetworkSecurityGroup nsg, Func<Ipv4, bool> tag, int j)
            {
                if (!ReferenceEquals(nsg, lastNsg) || !ReferenceEquals(tag, lastTag))
                    (lastNsg, lastTag, lastMatches) = (nsg, tag, NsgEvaluation.SourceMatches(nsg, SecurityRuleDirection.Inbound, RequestFlow(j), tag, T.ServiceTags));
                return NsgEvaluation.AllowedTo(nsg, SecurityRuleDirection.Inbound, lastMatches!, A(j), tag, T.ServiceTags);
            }
        }

        // RequestDeliverIn's last NSG, tag and the rules the source matches there.
        private NetworkSecurityGroup? lastNsg;
        private Func<Ipv4, bool>? lastTag;
        private bool[]? lastMatches;

        /// <summary>Walk.CrossPeering for a request (the source is the sweep's: rule C2 decides once per peering).</summary>
        private void RequestPeering(State st, List<int> classes, string localVnet, string? senderGateway)
        {
            var local = T.VirtualNetwork(localVnet)!;
            var peerings = sweep.PeeringMemo(localVnet);
            foreach (var (peering, g) in Split(classes, j => sweep.PeeringFor(peerings, localVnet, j), ReferenceEqualityComparer.Instance))
            {
                var p = peering as VirtualNetworkPeering;
                if (Parts(st, local, p, senderGateway, source))
                {
                    // Rule C2 decides otherwise in the two estates: the group goes on in each alone.
                    Cross(Part(st, World.Before), g, p);
                    Cross(Part(st, World.After), g, p);
                }
                else Cross(st, g, p);
            }

            void Cross(State st, List<int> g, VirtualNetworkPeering? p)
            {
                if (Crossing(local, p, senderGateway, source, out var end, world: st.World) is not { } remote) End(st, g, end);
                else RequestDeliverIn(st.Pass(p!.Name), g, remote);
            }
        }

        /// <summary>Rules C1, C2 and C10 of Walk.CrossPeering for one source address: the remote VNet, or null and how
        /// the walk ends.</summary>
        private VirtualNetwork? Crossing(VirtualNetwork local, VirtualNetworkPeering? peering, string? senderGateway, Ipv4 src, out Disposition end,
            bool? sourceInLocal = null, World world = World.Both)
        {
            end = Disposition.NoRoute;
            if (peering is null || T.VirtualNetwork(peering.RemoteVirtualNetwork) is not { } remote) return null;
            var reverse = T.ReversePeering(peering);
            if (reverse is null || !peering.AllowVirtualNetworkAccess || !reverse.AllowVirtualNetworkAccess) return null;
            var fromServingGateway = senderGateway is { } gname && T.VirtualNetworkGateway(gname)?.VirtualNetwork == local.Name
                                     && _f.Routing.Transit.HubOf(remote.Name) == local.Name;
            if (!ForwardedTrafficAllowed(reverse, world) && !(sourceInLocal ?? local.Contains(src)) && !fromServingGateway)
            {
                end = Disposition.ForwardedTrafficBlocked;
                return null;
            }
            return remote;
        }

        /// <summary>Walk.ToAppliance and Walk.Firewall for a request: an Azure Firewall is followed; an appliance VM,
        /// and the classes the firewall translates (F4), are Walk's.</summary>
        private void RequestAppliance(State st, List<int> classes, Ipv4 ip, string fromVnet)
        {
            if (T.FirewallWithAddress(ip) is not { } fw)
            {
                if (T.NetworkInterfaces.Any(n => n.PrivateIPAddress == ip)) Fallback(st, classes);
                else End(st, classes, Disposition.NoRoute);
                return;
            }
            if (!Reachable(fromVnet, T.Subnet(fw.Subnet)?.VirtualNetwork)) { End(st, classes, Disposition.NoRoute); return; }
            if (classes.Count == 0 || Visit(st, classes, "firewall", fw.Name) is not { } visited) return;
            st = visited.Pass(fw.Subnet).Pass(fw.Name).WithStateful(fw.Name);
            var allowed = new List<int>(classes.Count);
            var denied = new List<int>();
            var snat = new List<int>();
            // Which rules the source, protocol and port already rule out: the verdict per class is then the source's.
            var matches = FirewallEvaluation.SourceMatches(fw, RequestFlow(classes[0]), T.ServiceTags);
            var signature = string.Create(matches.Length, matches, static (chars, m) => { for (var i = 0; i < m.Length; i++) chars[i] = m[i] ? '1' : '0'; });
            var (verdicts, snats) = (sweep.FirewallMemo(fw, signature), sweep.SnatMemo(fw));
            foreach (var j in classes)
            {
                if (!sweep.FirewallAllows(verdicts, fw, matches, j)) denied.Add(j);
                else if (sweep.FirewallSnats(snats, fw, j)) snat.Add(j);
                else allowed.Add(j);
            }
            End(st, denied, Disposition.DeniedByFirewall);
            Fallback(st, snat);
            RequestRoute(st, allowed, T.Subnet(fw.Subnet)!, null);
        }

        /// <summary>Walk.Reachable: the appliance is in the VNet or one peered with it both ways.</summary>
        private bool Reachable(string fromVnet, string? applianceVnet) =>
            applianceVnet is null || applianceVnet == fromVnet || T.PeeredBothWays(fromVnet, applianceVnet);

        /// <summary>Walk.GatewayOut for a request: an ExpressRoute connection is followed to its circuit; a VPN tunnel is Walk's.</summary>
        private void RequestGateway(State st, List<int> classes, string name, string? senderGateway)
        {
            if (T.VirtualNetworkGateway(name) is not { } g) { End(st, classes, Disposition.NoRoute); return; }
            if (Visit(st, classes, "gateway", g.Name) is not { } visited) return;
            st = visited.Pass(g.Name);
            var set = _f.Routing.GatewayRoutes(g.VirtualNetwork);
            // Rule D8 (a packet from the other kind of gateway) stops every route alike.
            var d8 = senderGateway is { } inbound && T.VirtualNetworkGateway(inbound) is { } from && from.GatewayType != g.GatewayType;
            // No route, D8, a route without a path and a connection that does not exist all end NoRoute, with nothing passed.
            var connections = sweep.GatewayMemo(g.Name);
            foreach (var (connection, grp) in Split(classes, j => set is null || d8 ? "" : sweep.GatewayConnection(connections, set, g.Name, j)))
            {
                if (connection.Length == 0 || T.Connection(connection) is not { } conn) { End(st, grp, Disposition.NoRoute); continue; }
                if (conn.ConnectionType != ConnectionType.ExpressRoute) { Fallback(st, grp); continue; }
                if (conn.Peer is { } circuit) RequestCircuit(st.Pass(conn.Name), grp, circuit);
                else End(st.Pass(conn.Name), grp, Disposition.NoRoute);
            }
        }

        /// <summary>Walk.CircuitOut for a request: on-premises behind the circuit without a router modelled; a router is Walk's.</summary>
        private void RequestCircuit(State st, List<int> classes, string name)
        {
            st = st.Pass(name);
            if (T.IsFailed(new Failure(FailureKind.Circuit, name))) { End(st, classes, Disposition.NoRoute); return; }
            var delivered = new List<int>(classes.Count);
            var internet = new List<int>();
            var none = new List<int>();
            var owners = sweep.CircuitMemo(name);
            foreach (var j in classes)
            {
                switch (sweep.CircuitOwner(owners, name, j))
                {
                    case 2: Fallback(st, j); break;
                    case 3: (NsgEvaluation.IsInternet(A(j)) ? internet : delivered).Add(j); break;
                    default: none.Add(j); break;
                }
            }
            End(st, none, Disposition.NoRoute);
            End(st, delivered, Disposition.Delivered, ReplyFrom.Circuit, name);
            End(st, internet, Disposition.ExitsToInternet, ReplyFrom.Circuit, name);
        }

        // ------------------------------------------------------------ replies: the source varies, the destination is ours

        /// <summary>The reply of every class whose request got through. A reply reads of its request only the stateful
        /// devices it passed and the NSGs it evaluated, so requests alike in those (the same lists) share their replies;
        /// the replies from the destination subnets take their first routing decision by subnet table, and those that
        /// decision sends to the same firewall go on from there together.</summary>
        public void Replies(List<int> classes)
        {
            // This thread's grouping tables, emptied (a flow diff sweeps 10,000 rows of a few classes: five new tables
            // per row were a fifth of its garbage); a row that filled them wide leaves them to be made again.
            var scratch = t_replies ?? new ReplyTables();
            t_replies = null;
            scratch.Clear();
            var (contexts, firstHops, circuits, layerAnswers, firewalls) = (scratch.Contexts, scratch.FirstHops, scratch.Circuits, scratch.LayerAnswers, scratch.Firewalls);
            var firstHopKey = FirstHopKey.Instance;
            List<int>? lastHop = null;
            List<int>? lastCircuitGroup = null;
            State? lastCircuitRequest = null;
            string? lastCircuit = null;
            (State, RouteAction, VirtualNetwork) lastHopKey = default;
            var platform = Array.IndexOf(Endpoints.PlatformAddresses, source) >= 0;
            State? lastOwn = null, lastRequest = null;
            EffectiveRouteTable? lastTable = null;
            RouteAction lastAction = default;
            // The requests that walked in both estates, or in the before estate alone, are the before row's; those that
            // walked in the after estate alone (a dual sweep's) are the after row's.
            Gather(row, World.After);
            if (after is not null) Gather(after, World.Both);
            // A reply walks in its request's estates.
            var fromSubnet = new State?[3];
            State FromSubnet(World w) => fromSubnet[(int)w] ??= State.Start([], w).Visit("route", "\0 the destination's subnet");
            foreach (var ((request, action, vnet), g) in firstHops)
            {
                if (action is { Type: NextHopType.VirtualAppliance, HasIp: true, Null: false } && T.FirewallWithAddress(action.Ip) is { } fw
                    && Reachable(vnet.Name, T.Subnet(fw.Subnet)?.VirtualNetwork))
                {
                    if (firewalls.TryGetValue((request, fw), out var list)) list.AddRange(g); else firewalls[(request, fw)] = g;
                }
                else ReplyRoute(request, FromSubnet(request.World), g, action, vnet.Name, null);
            }
            foreach (var ((request, fw), g) in firewalls) ReplyFirewall(request, FromSubnet(request.World), g, fw);
            foreach (var ((request, circuit), g) in circuits) ReplyCircuit(request, State.Start([], request.World), g, circuit);
            if (scratch.Small) t_replies = scratch;

            // The classes of a row whose request got through (but those walked in estate `skip` alone), by where their
            // replies start.
            void Gather(RowResult r, World skip)
            {
                foreach (var j in classes)
                {
                    if (r.Fallback[j] || r.Reply[j] == ReplyFrom.None || !r.Disposition[j].IsSuccess()) continue;
                    var own = r.Request[j]!;
                    if (own.World == skip) continue;
                    State? request;
                    if (ReferenceEquals(own, lastOwn)) request = lastRequest!;
                    else if (!contexts.TryGetValue((own.Stateful, own.Nsgs, own.World), out request)) contexts[(own.Stateful, own.Nsgs, own.World)] = request = own;
                    (lastOwn, lastRequest) = (own, request);
                    if (r.Reply[j] == ReplyFrom.Circuit)
                    {
                        // A circuit's thousands of prefixes come back together: the last group is tried before hashing.
                        var circuit = r.ReplyCircuit[j]!;
                        if (lastCircuitGroup is not null && ReferenceEquals(request, lastCircuitRequest) && ReferenceEquals(circuit, lastCircuit))
                        {
                            lastCircuitGroup.Add(j);
                            continue;
                        }
                        if (!circuits.TryGetValue((request, circuit), out lastCircuitGroup)) circuits[(request, circuit)] = lastCircuitGroup = [];
                        (lastCircuitRequest, lastCircuit) = (request, circuit);
                        lastCircuitGroup.Add(j);
                        continue;
                    }
                    // Walk.StartNic / StartSubnetHost at the destination: its own NSGs pass the reply (G1, they passed the
                    // request); then Walk.RouteFrom of its subnet.
                    if (platform) { Fallback(own, j); continue; }
                    var landing = r.Landing[j]!;
                    // The source's address in the destination's table: neighbouring classes mostly share the table.
                    if (!ReferenceEquals(landing.Table, lastTable)) (lastTable, lastAction) = (landing.Table, RouteAction.Of(landing.Table!.Forward(source, layerAnswers)));
                    var key = (request, lastAction, landing.Vnet);
                    // Neighbouring classes are mostly in one VNet and take the same first hop: no hashing for them.
                    if (lastHop is not null && firstHopKey.Equals(key, lastHopKey)) { lastHop.Add(j); continue; }
                    if (!firstHops.TryGetValue(key, out lastHop)) firstHops[key] = lastHop = [];
                    lastHopKey = key;
                    lastHop.Add(j);
                    // The reply's first devices are the class's own (its VM and NIC, or its subnet; then its subnet).
                }
            }
        }

        [ThreadStatic] private static ReplyTables? t_replies;

        /// <summary>The tables <see cref="Replies"/> groups a row's classes in (the source's address in each layer, the
        /// first hop of each reply, the firewalls and circuits they meet), kept per thread between rows.</summary>
        private sealed class ReplyTables
        {
            public readonly Dictionary<(Cons<string>?, HashSet<(string, string, string)>, World), State> Contexts = new(ContextKey.Instance);
            public readonly Dictionary<(State, RouteAction, VirtualNetwork), List<int>> FirstHops = new(FirstHopKey.Instance);
            public readonly Dictionary<(State, string), List<int>> Circuits = [];
            public readonly Dictionary<object, (EffectiveRoute Route, int GatewayIndex)?> LayerAnswers = new(ReferenceEqualityComparer.Instance);
            public readonly Dictionary<(State, AzureFirewall), List<int>> Firewalls = new(FirewallKey.Instance);

            public void Clear()
            {
                Contexts.Clear(); FirstHops.Clear(); Circuits.Clear(); LayerAnswers.Clear(); Firewalls.Clear();
            }

            /// <summary>Few enough entries that clearing the tables for the next row costs less than making them (a
            /// table's Clear empties its whole capacity).</summary>
            public bool Small => Contexts.Count + FirstHops.Count + Circuits.Count + LayerAnswers.Count + Firewalls.Count <= 64;
        }

        /// <summary>What a reply reads of its request (its stateful devices, its NSGs, its estates), by reference. The NSG
        /// set is the source's, one per row: it is compared, not hashed (a set made for the row would take the runtime's
        /// slow path for its first hash code).</summary>
        private sealed class ContextKey : IEqualityComparer<(Cons<string>?, HashSet<(string, string, string)>, World)>
        {
            public static readonly ContextKey Instance = new();
            public bool Equals((Cons<string>?, HashSet<(string, string, string)>, World) x, (Cons<string>?, HashSet<(string, string, string)>, World) y) =>
                ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2) && x.Item3 == y.Item3;
            public int GetHashCode((Cons<string>?, HashSet<(string, string, string)>, World) k) => HashCode.Combine(k.Item1?.GetHashCode() ?? 0, k.Item3);
        }

        /// <summary>A reply's first hop: the request's state and the VNet by reference, the route's action by value.</summary>
        private sealed class FirstHopKey : IEqualityComparer<(State, RouteAction, VirtualNetwork)>
        {
            public static readonly FirstHopKey Instance = new();
            public bool Equals((State, RouteAction, VirtualNetwork) x, (State, RouteAction, VirtualNetwork) y) =>
                ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item3, y.Item3) && x.Item2.Equals(y.Item2);
            public int GetHashCode((State, RouteAction, VirtualNetwork) k) =>
                HashCode.Combine(k.Item1.GetHashCode(), k.Item2, System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(k.Item3));
        }

        /// <summary>Firewalls by reference (a record's equality would compare every rule).</summary>
        private sealed class FirewallKey : IEqualityComparer<(State, AzureFirewall)>
        {
            public static readonly FirewallKey Instance = new();
            public bool Equals((State, AzureFirewall) x, (State, AzureFirewall) y) => ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);
            public int GetHashCode((State, AzureFirewall) k) => HashCode.Combine(k.Item1, System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(k.Item2));
        }

        /// <summary>Ends the reply of <paramref name="classes"/>: how, with what it passed, and the symmetry verdict.</summary>
        private void ReplyEnd(State request, State reply, List<int> classes, Disposition d)
        {
            var there = request.DistinctStateful;
            var back = reply.DistinctStateful;
            var asymmetric = there.Length != back.Length;
            foreach (var x in there) asymmetric |= Array.IndexOf(back, x) < 0;
            if (First(reply) is { } r1) End(r1, reply, classes, d, asymmetric);
            if (Second(reply) is { } r2) End(r2, reply, classes, d, asymmetric);

            static void End(RowResult row, State reply, List<int> classes, Disposition d, bool asymmetric)
            {
                foreach (var j in classes)
                {
                    if (row.Fallback[j]) continue;
                    row.Reaches[j] = d == Disposition.Delivered;
                    row.Asymmetric[j] = asymmetric;
                    row.ReplyDisposition[j] = d;
                    row.ReplyState[j] = reply;
                }
            }
        }

        private State? ReplyVisit(State request, State st, List<int> classes, string kind, string node)
        {
            if (st.Visits >= MaxVisits) { Fallback(st, classes); return null; }
            if (st.HasSeen(kind, node)) { ReplyEnd(request, st, classes, Disposition.Loop); return null; }
            return st.Visit(kind, node);
        }

        /// <summary>Walk.RouteFrom for a reply from <paramref name="subnet"/>.</summary>
        private void ReplyRouteFrom(State request, State st, List<int> classes, Subnet subnet, string? senderGateway)
        {
            if (ReplyVisit(request, st, classes, "route", subnet.Id) is not { } visited) return;
            // A class whose reply routes again from the subnet it started in has looped.
            var looped = new List<int>();
            var row = Read(st);
            foreach (var j in classes)
                if (row.Reply[j] == ReplyFrom.Subnet && row.DestinationSubnet[j]!.Id == subnet.Id) looped.Add(j);
            if (looped.Count > 0)
            {
                ReplyEnd(request, st, looped, Disposition.Loop);
                classes = [.. classes.Except(looped)];
                if (classes.Count == 0) return;
            }
            ReplyRoute(request, visited.Pass(subnet.Id), classes, RouteAction.Of(_f.Routing.EffectiveRoutes(subnet.Id).Forward(source)), subnet.VirtualNetwork, senderGateway);
        }

        /// <summary>What Walk.RouteFrom does after its lookup, for a reply (the route's subnet already passed).</summary>
        private void ReplyRoute(State request, State st, List<int> classes, RouteAction r, string vnet, string? senderGateway)
        {
            if (r.Null) { ReplyEnd(request, st, classes, Disposition.NoRoute); return; }
            switch (r.Type)
            {
                case NextHopType.VnetLocal:
                    ReplyDeliverIn(request, st, classes, T.VirtualNetwork(vnet)!);
                    break;
                case NextHopType.VNetPeering or NextHopType.VNetGlobalPeering:
                    {
                        // Rules C1 and C10 are the group's; rule C2 reads each class's source.
                        var local = T.VirtualNetwork(vnet)!;
                        var peering = _f.PeeringTo(vnet, source);
                        if (Crossing(local, peering, senderGateway, default, out _, sourceInLocal: true) is not { } remote)
                        {
                            ReplyEnd(request, st, classes, Disposition.NoRoute);
                            break;
                        }
                        if (Parts(st, local, peering, senderGateway, default, sourceInLocal: false))
                        {
                            // Rule C2 decides otherwise in the two estates: the group goes on in each alone.
                            Cross(Part(st, World.Before));
                            Cross(Part(st, World.After));
                        }
                        else Cross(st);
                        break;

                        void Cross(State st)
                        {
                            var through = classes;
                            if (Crossing(local, peering, senderGateway, default, out _, sourceInLocal: false, world: st.World) is null)
                            {
                                through = new List<int>(classes.Count);
                                var blocked = new List<int>();
                                foreach (var j in classes) (local.Contains(A(j)) ? through : blocked).Add(j);
                                ReplyEnd(request, st, blocked, Disposition.ForwardedTrafficBlocked);
                            }
                            if (through.Count > 0) ReplyDeliverIn(request, st.Pass(peering!.Name), through, remote);
                        }
                    }
                case NextHopType.Internet:
                    if (NsgEvaluation.IsInternet(source)) Fallback(st, classes); else ReplyEnd(request, st, classes, Disposition.NoRoute);
                    break;
                case NextHopType.None:
                    ReplyEnd(request, st, classes, r.User ? Disposition.NullRouted : Disposition.NoRoute);
                    break;
                case NextHopType.VirtualAppliance:
                    if (!r.HasIp) ReplyEnd(request, st, classes, Disposition.NoRoute);
                    else ReplyAppliance(request, st, classes, r.Ip, vnet);
                    break;
                default:
                    Fallback(st, classes);
                    break;
            }
        }

        /// <summary>Walk.DeliverIn and Walk.EnterSubnet for a reply: back in the source's subnet.</summary>
        private void ReplyDeliverIn(State request, State st, List<int> classes, VirtualNetwork vnet)
        {
            if (vnet.SubnetHolding(source) is not { } s) { ReplyEnd(request, st, classes, Disposition.NoRoute); return; }
            if (T.FirewallWithAddress(source, s.Id) is not null) { Fallback(st, classes); return; }
            st = st.Pass(s.Id);
            var nic = T.InterfaceAt(s.Id, source);
            var allowed = ReplyNsg(request, st, classes, s.NetworkSecurityGroup, SecurityRuleDirection.Inbound, s.Id, "subnet", s.Id);
            if (nic is not null)
            {
                allowed = ReplyNsg(request, st, allowed, nic.NetworkSecurityGroup, SecurityRuleDirection.Inbound, s.Id, "NIC", nic.Name);
                st = st.Pass(nic.Name).Pass(nic.VirtualMachine);
            }
            ReplyEnd(request, st, allowed, Disposition.Delivered);
        }

        /// <summary>Walk.Nsg for a reply: passed when the request passed it (G1), else evaluated for each class's source.</summary>
        private List<int> ReplyNsg(State request, State st, List<int> classes, string? name, SecurityRuleDirection direction, string subnetId, string kind, string where)
        {
            if (name is null || T.NetworkSecurityGroup(name) is not { } nsg || classes.Count == 0) return classes;
            if (request.Nsgs.Contains((name, kind, where))) return classes;
            var allowed = new List<int>(classes.Count);
            var denied = new List<int>();
            var tag = _f.VirtualNetworkTag(subnetId);
            var row = Read(st);
            foreach (var j in classes)
            {
                // The destination's own NSGs passed this class's request.
                var own = row.Reply[j] == ReplyFrom.Subnet && (kind == "subnet" ? row.DestinationSubnet[j]!.Id == where : row.DestinationNic[j]?.Name == where);
                (own || NsgEvaluation.Evaluate(nsg, direction, ReplyFlow(j), tag, T.ServiceTags).Allowed ? allowed : denied).Add(j);
            }
            ReplyEnd(request, st, denied, Disposition.DeniedByNsg);
            return allowed;
        }

        private void ReplyAppliance(State request, State st, List<int> classes, Ipv4 ip, string fromVnet)
        {
            if (T.FirewallWithAddress(ip) is not { } fw)
            {
                if (T.NetworkInterfaces.Any(n => n.PrivateIPAddress == ip)) Fallback(st, classes);
                else ReplyEnd(request, st, classes, Disposition.NoRoute);
                return;
            }
            if (!Reachable(fromVnet, T.Subnet(fw.Subnet)?.VirtualNetwork)) { ReplyEnd(request, st, classes, Disposition.NoRoute); return; }
            ReplyFirewall(request, st, classes, fw);
        }

        /// <summary>Walk.Firewall for a reply: passed when the request passed it (H3), else its rules for each class's source.</summary>
        private void ReplyFirewall(State request, State st, List<int> classes, AzureFirewall fw)
        {
            if (ReplyVisit(request, st, classes, "firewall", fw.Name) is not { } visited) return;
            st = visited.Pass(fw.Subnet).Pass(fw.Name).WithStateful(fw.Name);
            var allowed = classes;
            if (!Cons<string>.Contains(request.Stateful, fw.Name))
            {
                allowed = new List<int>(classes.Count);
                var denied = new List<int>();
                foreach (var j in classes)
                    (FirewallEvaluation.Evaluate(fw, ReplyFlow(j), T.ServiceTags).Allowed ? allowed : denied).Add(j);
                ReplyEnd(request, st, denied, Disposition.DeniedByFirewall);
            }
            if (allowed.Count > 0) ReplyRouteFrom(request, st, allowed, T.Subnet(fw.Subnet)!, null);
        }

        /// <summary>Walk.CircuitIn and Walk.GatewayIn for a reply from on-premises behind a circuit.</summary>
        private void ReplyCircuit(State request, State st, List<int> classes, string name)
        {
            if (ReplyVisit(request, st, classes, "circuit", name) is not { } visited) return;
            st = visited.Pass(name);
            if (T.IsFailed(new Failure(FailureKind.Circuit, name))) { ReplyEnd(request, st, classes, Disposition.NoRoute); return; }
            if (_f.EdgeRoute(name, source) is not { Owner: { Kind: BgpSpeakerKind.ExpressRouteGateway } owner })
            {
                ReplyEnd(request, st, classes, Disposition.NoRoute);
                return;
            }
            var gw = T.VirtualNetworkGateway(owner.Name)!;
            if (_f.ExpressRouteConnection(gw.Name, name) is { } conn) st = st.Pass(conn.Name);
            ReplyRouteFrom(request, st.Pass(gw.Name), classes, T.Subnet(gw.Subnet)!, gw.Name);
        }
    }
}

/// <summary>A swept cell's path: its group's devices (one array shared by the group's cells) and up to three of the
/// class's own, so a cell costs one small object, not a list.</summary>
internal sealed class SweptPath(string[] head, string? a, string? b, string? c) : IReadOnlyList<string>
{
    /// <summary>A swept path before it is made an object: the group's array and the class's own names.</summary>
    internal readonly record struct Parts(string[] Head, string? A, string? B, string? C)
    {
        public bool SameAs(Parts o) =>
            (ReferenceEquals(Head, o.Head) || Head.AsSpan().SequenceEqual(o.Head)) && A == o.A && B == o.B && C == o.C;
        public SweptPath ToPath() => new(Head, A, B, C);
    }

    private readonly string[] _head = head;
    private readonly string? _a = a, _b = b, _c = c;

    public int Count => _head.Length + (_a is null ? 0 : 1) + (_b is null ? 0 : 1) + (_c is null ? 0 : 1);

    public string this[int index]
    {
        get
        {
            if (index < _head.Length) return _head[index];
            index -= _head.Length;
            foreach (var x in (ReadOnlySpan<string?>)[_a, _b, _c])
                if (x is not null && index-- == 0) return x;
            throw new ArgumentOutOfRangeException(nameof(index));
        }
    }

    public IEnumerator<string> GetEnumerator()
    {
        foreach (var x in _head) yield return x;
        if (_a is not null) yield return _a;
        if (_b is not null) yield return _b;
        if (_c is not null) yield return _c;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The same names in the same order as <paramref name="other"/>.</summary>
    public static bool Same(IReadOnlyList<string> x, IReadOnlyList<string> y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is SweptPath p && y is SweptPath q)
            return (ReferenceEquals(p._head, q._head) || p._head.AsSpan().SequenceEqual(q._head)) && p._a == q._a && p._b == q._b && p._c == q._c;
        if (x.Count != y.Count) return false;
        for (var i = 0; i < x.Count; i++)
            if (x[i] != y[i]) return false;
        return true;
    }
}
