using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Reflection;
using NetTwin.Model;

namespace NetTwin.WhatIf;

/// <summary>What a change can affect, found by comparing the two topologies resource by resource (shared
/// references compare in O(1), so a topology derived from the baseline with <c>with</c> is compared cheaply).</summary>
public enum RoutingScope
{
    /// <summary>Nothing routing or IPsec reads changed (NSGs, VMs, NICs, firewalls, a peering's
    /// allowForwardedTraffic only): the baseline's control plane and tunnels hold as they are.</summary>
    None,
    /// <summary>Only route tables, which subnet uses which table and subnets' service endpoints changed, and no
    /// GatewaySubnet is among the subnets touched (a GatewaySubnet's routes carry the tunnels' private underlay,
    /// rule A8 / VPN over ER): BGP, the tunnels and every hub's gateway route set are the baseline's; only the
    /// subnets using a changed table get new effective routes.</summary>
    RouteTables,
    /// <summary>Anything else: recompute the control plane.</summary>
    Full,
}

/// <summary>The scope of a change: which collections differ (<see cref="Changed"/>), how much of the control plane
/// must be recomputed (<see cref="Routing"/>) and, for <see cref="RoutingScope.RouteTables"/>, the subnets it touches
/// and the route tables whose content changed (added, removed or edited).</summary>
public sealed record ChangeScope(RoutingScope Routing, IReadOnlySet<string> TouchedSubnets, IReadOnlySet<string> ChangedRouteTables)
{
    /// <summary>The collections whose content differs between the two topologies.</summary>
    public TopologyParts Changed { get; init; } = TopologyParts.All;

    /// <summary>The virtual networks V of the peerings V → W whose only change is allowForwardedTraffic (rule C2).
    /// Routing reads no peering's allowForwardedTraffic (gateway transit reads useRemoteGateways and
    /// allowGatewayTransit, the peering routes allowVirtualNetworkAccess and the reverse's existence), so such a
    /// change keeps the routing scope; forwarding reads it only when a packet crosses from W into V.</summary>
    public IReadOnlySet<string> ForwardedTrafficVnets { get; init; } = new HashSet<string>();

    /// <summary>The positions, in both topologies' peering lists, of the peerings whose only change is
    /// allowForwardedTraffic (the peerings of <see cref="ForwardedTrafficVnets"/>).</summary>
    public IReadOnlyList<int> ForwardedTrafficPeerings { get; init; } = [];

    /// <summary>The collections only forwarding reads, beyond route tables and peerings (NSGs, NICs, VMs, firewalls).</summary>
    public const TopologyParts ForwardingOnly = TopologyParts.NetworkSecurityGroups | TopologyParts.NetworkInterfaces
        | TopologyParts.VirtualMachines | TopologyParts.AzureFirewalls;

    /// <summary>What routing or IPsec read and ChangeScope cannot scope finer: any change there recomputes everything.</summary>
    private const TopologyParts RoutingInputs = TopologyParts.VirtualNetworkGateways | TopologyParts.LocalNetworkGateways
        | TopologyParts.Connections | TopologyParts.ExpressRouteCircuits | TopologyParts.OnPremisesDevices
        | TopologyParts.Failures | TopologyParts.ServiceTags;

    /// <summary>True when the only differences that forwarding reads are route tables, subnets' tables and
    /// endpoints, and peerings' allowForwardedTraffic (no NSG, NIC, VM, firewall or subnet NSG changed): the
    /// condition under which the flow diff may trace only the flows those changes can reach.</summary>
    public bool NarrowForwarding { get; init; }

    private static ChangeScope Full(TopologyParts changed) =>
        new(RoutingScope.Full, new HashSet<string>(), new HashSet<string>()) { Changed = changed };

    /// <summary>Which collections differ (<see cref="Structural.Same"/> on each).</summary>
    public static TopologyParts ChangedParts(Topology before, Topology after) => ChangedParts(before, after, out _);

    /// <summary><see cref="ChangedParts(Topology, Topology)"/>, with the positions of the peerings whose only change is
    /// allowForwardedTraffic (null when a peering changed otherwise).</summary>
    private static TopologyParts ChangedParts(Topology before, Topology after, out List<int>? forwardedTraffic)
    {
        // Each collection compared on its own, in parallel: a change set loaded from files shares no object with the
        // baseline, so every collection is compared in full (10,000 subnets, NICs and 80,000 routes on the largest).
        (TopologyParts Part, object Before, object After)[] checks =
        [
            (TopologyParts.VirtualNetworks, before.VirtualNetworks, after.VirtualNetworks),
            (TopologyParts.RouteTables, before.RouteTables, after.RouteTables),
            (TopologyParts.NetworkSecurityGroups, before.NetworkSecurityGroups, after.NetworkSecurityGroups),
            (TopologyParts.NetworkInterfaces, before.NetworkInterfaces, after.NetworkInterfaces),
            (TopologyParts.VirtualMachines, before.VirtualMachines, after.VirtualMachines),
            (TopologyParts.AzureFirewalls, before.AzureFirewalls, after.AzureFirewalls),
            (TopologyParts.VirtualNetworkGateways, before.VirtualNetworkGateways, after.VirtualNetworkGateways),
            (TopologyParts.LocalNetworkGateways, before.LocalNetworkGateways, after.LocalNetworkGateways),
            (TopologyParts.Connections, before.Connections, after.Connections),
            (TopologyParts.ExpressRouteCircuits, before.ExpressRouteCircuits, after.ExpressRouteCircuits),
            (TopologyParts.OnPremisesDevices, before.OnPremisesDevices, after.OnPremisesDevices),
            (TopologyParts.ServiceTags, before.ServiceTags, after.ServiceTags),
        ];
        var differ = new bool[checks.Length];
        Parallel.For(0, checks.Length, i => differ[i] = !Structural.Same(checks[i].Before, checks[i].After));
        var changed = TopologyParts.None;
        for (var i = 0; i < checks.Length; i++) if (differ[i]) changed |= checks[i].Part;
        forwardedTraffic = ForwardedTrafficOnly(before.VirtualNetworkPeerings, after.VirtualNetworkPeerings);
        changed |= forwardedTraffic switch
        {
            null => TopologyParts.VirtualNetworkPeerings | TopologyParts.PeeringForwardedTraffic,
            { Count: 0 } => TopologyParts.None,
            _ => TopologyParts.PeeringForwardedTraffic,
        };
        if (!before.Failures.SetEquals(after.Failures)) changed |= TopologyParts.Failures;
        return changed;
    }

    public static ChangeScope Of(Topology before, Topology after)
    {
        var changed = ChangedParts(before, after, out var forwardedPeerings);
        if ((changed & RoutingInputs) != 0 || before.VirtualNetworks.Length != after.VirtualNetworks.Length) return Full(changed);
        if ((changed & TopologyParts.VirtualNetworkPeerings) != 0) return Full(changed);
        // The peerings' VNets V (of V → W): forwarding reads the flag when a packet crosses from W into V.
        var forwarded = new HashSet<string>(forwardedPeerings!.Select(i => after.VirtualNetworkPeerings[i].VirtualNetwork), StringComparer.Ordinal);

        var narrow = (changed & ForwardingOnly) == 0;
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var tables = new HashSet<string>(StringComparer.Ordinal);
        // VNets structurally the same (ChangedParts compared them) touch no subnet: the walk below is only for a change.
        for (var i = 0; (changed & TopologyParts.VirtualNetworks) != 0 && i < before.VirtualNetworks.Length; i++)
        {
            var (b, a) = (before.VirtualNetworks[i], after.VirtualNetworks[i]);
            if (ReferenceEquals(b, a)) continue;
            if (b.Name != a.Name || b.Location != a.Location || !Structural.Same(b.AddressPrefixes, a.AddressPrefixes) || b.Subnets.Length != a.Subnets.Length)
                return Full(changed);
            for (var j = 0; j < b.Subnets.Length; j++)
            {
                var (sb, sa) = (b.Subnets[j], a.Subnets[j]);
                if (ReferenceEquals(sb, sa)) continue;
                if (sb.Name != sa.Name || sb.AddressPrefix != sa.AddressPrefix) return Full(changed);
                // A subnet's service endpoints are routes of its own table only (rule A4): the table is keyed by them.
                if (sb.RouteTable != sa.RouteTable || !Structural.Same(sb.ServiceEndpoints, sa.ServiceEndpoints)) touched.Add(sa.Id);
                if (sb.NetworkSecurityGroup != sa.NetworkSecurityGroup) narrow = false;
            }
        }
        if ((changed & TopologyParts.RouteTables) != 0)
        {
            var bt = before.RouteTables.GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.First());
            var at = after.RouteTables.GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.First());
            tables.UnionWith(bt.Keys.Union(at.Keys).Where(n => !bt.TryGetValue(n, out var x) || !at.TryGetValue(n, out var y) || !Structural.Same(x, y)));
            foreach (var s in after.Subnets.Where(s => s.RouteTable is { } n && tables.Contains(n))) touched.Add(s.Id);
            foreach (var s in before.Subnets.Where(s => s.RouteTable is { } n && tables.Contains(n))) touched.Add(s.Id);
        }
        if (touched.Any(id => id.EndsWith("/" + Subnet.GatewaySubnetName, StringComparison.Ordinal))) return Full(changed);
        return new(touched.Count == 0 ? RoutingScope.None : RoutingScope.RouteTables, touched, tables)
        {
            Changed = changed,
            ForwardedTrafficVnets = forwarded,
            ForwardedTrafficPeerings = forwardedPeerings!,
            NarrowForwarding = narrow,
        };
    }

    /// <summary>The positions of the peerings that differ only in allowForwardedTraffic, position by position; null
    /// when any other peering field, or their number or order, changed (routing reads those).</summary>
    private static List<int>? ForwardedTrafficOnly(ImmutableArray<VirtualNetworkPeering> before, ImmutableArray<VirtualNetworkPeering> after)
    {
        var positions = new List<int>();
        if (before == after) return positions;
        if (before.Length != after.Length) return null;
        for (var i = 0; i < before.Length; i++)
        {
            var (b, a) = (before[i], after[i]);
            if (ReferenceEquals(b, a) || Structural.Same(b, a)) continue;
            if (!Structural.Same(b with { AllowForwardedTraffic = a.AllowForwardedTraffic }, a)) return null;
            positions.Add(i);
        }
        return positions;
    }
}

/// <summary>Structural equality of model records: shared references are equal at once; otherwise the stored public
/// properties (auto-properties; computed ones follow from them) are compared recursively and sequences element by
/// element. Where a resource was declared (SourceRef) and the parsed device configuration (compared through its file)
/// are not part of the comparison. Each type's comparer is compiled once (no reflection per comparison).</summary>
public static class Structural
{
    private static readonly ConcurrentDictionary<Type, Func<object, object, bool>> Comparers = new();
    private static readonly MethodInfo SameObject = typeof(Structural).GetMethod(nameof(Same), [typeof(object), typeof(object)])!;
    private static readonly MethodInfo SameArray = typeof(Structural).GetMethod(nameof(SameImmutableArray), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static bool Same(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        var type = a.GetType();
        if (type != b.GetType()) return false;
        return Comparers.GetOrAdd(type, Build)(a, b);
    }

    private static bool IsIgnored(Type t) => typeof(SourceRef).IsAssignableFrom(t) || typeof(DeviceConfig).IsAssignableFrom(t);

    private static bool IsLeaf(Type t)
    {
        var u = Nullable.GetUnderlyingType(t) ?? t;
        return u.IsPrimitive || u.IsEnum || u == typeof(string) || u == typeof(Ipv4) || u == typeof(Prefix) || u == typeof(decimal);
    }

    private static Func<object, object, bool> Build(Type type)
    {
        if (IsIgnored(type)) return (_, _) => true;
        if (IsLeaf(type)) return (a, b) => a.Equals(b);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            var m = SameArray.MakeGenericMethod(type.GetGenericArguments()[0]);
            return (a, b) => (bool)m.Invoke(null, [a, b])!;
        }
        if (typeof(IEnumerable).IsAssignableFrom(type)) return SameSequence;
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract" && p.GetMethod is not null).ToList();
        var stored = props.Where(p => p.DeclaringType!.GetField($"<{p.Name}>k__BackingField", BindingFlags.NonPublic | BindingFlags.Instance) is not null).ToList();
        if (stored.Count > 0) props = stored;
        if (type.IsValueType && props.Count == 0) return (a, b) => a.Equals(b);

        var pa = Expression.Parameter(typeof(object), "a");
        var pb = Expression.Parameter(typeof(object), "b");
        var ta = Expression.Variable(type, "ta");
        var tb = Expression.Variable(type, "tb");
        Expression body = Expression.Constant(true);
        foreach (var p in props.Where(p => !IsIgnored(p.PropertyType)))
        {
            Expression x = Expression.Property(ta, p), y = Expression.Property(tb, p);
            var t = p.PropertyType;
            Expression eq;
            if (IsLeaf(t))
                eq = Expression.Call(Expression.Constant(typeof(EqualityComparer<>).MakeGenericType(t).GetProperty("Default")!.GetValue(null)),
                    typeof(EqualityComparer<>).MakeGenericType(t).GetMethod("Equals", [t, t])!, x, y);
            else if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
                eq = Expression.Call(SameArray.MakeGenericMethod(t.GetGenericArguments()[0]), x, y);
            else
                eq = Expression.Call(SameObject, Expression.Convert(x, typeof(object)), Expression.Convert(y, typeof(object)));
            body = Expression.AndAlso(body, eq);
        }
        var block = Expression.Block([ta, tb],
            Expression.Assign(ta, Expression.Convert(pa, type)),
            Expression.Assign(tb, Expression.Convert(pb, type)),
            body);
        return Expression.Lambda<Func<object, object, bool>>(block, pa, pb).Compile();
    }

    private static bool SameImmutableArray<T>(ImmutableArray<T> a, ImmutableArray<T> b)
    {
        if (a == b) return true;
        if (a.IsDefault || b.IsDefault) return a.IsDefaultOrEmpty && b.IsDefaultOrEmpty;
        if (a.Length != b.Length) return false;
        if (Elements<T>.Leaf)
        {
            var cmp = EqualityComparer<T>.Default;
            for (var i = 0; i < a.Length; i++) if (!cmp.Equals(a[i], b[i])) return false;
            return true;
        }
        // A sealed element type (the model's records) has one comparer for every element: found once, not per element
        // (a change loaded from files is compared in full: 80,000 routes on the largest generated estate).
        if (Elements<T>.Sealed is { } same)
        {
            for (var i = 0; i < a.Length; i++)
            {
                object? x = a[i], y = b[i];
                if (ReferenceEquals(x, y)) continue;
                if (x is null || y is null || !same(x, y)) return false;
            }
            return true;
        }
        for (var i = 0; i < a.Length; i++) if (!Same(a[i], b[i])) return false;
        return true;
    }

    /// <summary>What an array's element type is, found once per type: a leaf (compared by its own equality), or a
    /// sealed class (every element compared by the type's one comparer).</summary>
    private static class Elements<T>
    {
        public static readonly bool Leaf = IsLeaf(typeof(T));
        public static readonly Func<object, object, bool>? Sealed =
            !Leaf && typeof(T).IsClass && typeof(T).IsSealed ? Comparers.GetOrAdd(typeof(T), Build) : null;
    }

    private static bool SameSequence(object a, object b)
    {
        var ia = ((IEnumerable)a).GetEnumerator();
        var ib = ((IEnumerable)b).GetEnumerator();
        while (true)
        {
            var (ma, mb) = (ia.MoveNext(), ib.MoveNext());
            if (ma != mb) return false;
            if (!ma) return true;
            if (!Same(ia.Current, ib.Current)) return false;
        }
    }
}
