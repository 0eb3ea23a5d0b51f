using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using NetTwin.Model;

namespace NetTwin.WhatIf;

/// <summary>What a change can affect, found by comparing the two topologies resource by resource (shared
/// references compare in O(1), so a topology derived from the baseline with <c>with</c> is compared cheaply).</summary>
public enum RoutingScope
{
    /// <summary>Nothing routing or IPsec reads changed (NSGs, VMs, NICs, firewalls only): the baseline's control
    /// plane and tunnels hold as they are.</summary>
    None,
    /// <summary>Only route tables and which subnet uses which table changed, and no GatewaySubnet is among the
    /// subnets touched (a GatewaySubnet's routes carry the tunnels' private underlay, rule A8 / VPN over ER): BGP,
    /// the tunnels and every hub's gateway route set are the baseline's; only the subnets using a changed table get
    /// new effective routes.</summary>
    RouteTables,
    /// <summary>Anything else: recompute the control plane.</summary>
    Full,
}

/// <summary>The scope of a change and, for <see cref="RoutingScope.RouteTables"/>, the subnets it touches and the
/// route tables whose content changed (added, removed or edited).</summary>
public sealed record ChangeScope(RoutingScope Routing, IReadOnlySet<string> TouchedSubnets, IReadOnlySet<string> ChangedRouteTables)
{
    private static ChangeScope Full() => new(RoutingScope.Full, new HashSet<string>(), new HashSet<string>());

    public static ChangeScope Of(Topology before, Topology after)
    {
        if (!Structural.Same(before.VirtualNetworkGateways, after.VirtualNetworkGateways)
            || !Structural.Same(before.LocalNetworkGateways, after.LocalNetworkGateways)
            || !Structural.Same(before.Connections, after.Connections)
            || !Structural.Same(before.ExpressRouteCircuits, after.ExpressRouteCircuits)
            || !Structural.Same(before.OnPremisesDevices, after.OnPremisesDevices)
            || !Structural.Same(before.VirtualNetworkPeerings, after.VirtualNetworkPeerings)
            || !before.Failures.SetEquals(after.Failures)
            || before.VirtualNetworks.Length != after.VirtualNetworks.Length)
            return Full();

        var touched = new HashSet<string>(StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < before.VirtualNetworks.Length; i++)
        {
            var (b, a) = (before.VirtualNetworks[i], after.VirtualNetworks[i]);
            if (ReferenceEquals(b, a)) continue;
            if (b.Name != a.Name || b.Location != a.Location || !Structural.Same(b.AddressPrefixes, a.AddressPrefixes) || b.Subnets.Length != a.Subnets.Length)
                return Full();
            for (var j = 0; j < b.Subnets.Length; j++)
            {
                var (sb, sa) = (b.Subnets[j], a.Subnets[j]);
                if (ReferenceEquals(sb, sa)) continue;
                if (sb.Name != sa.Name || sb.AddressPrefix != sa.AddressPrefix) return Full();
                if (sb.RouteTable != sa.RouteTable) touched.Add(sa.Id);
            }
        }
        if (!Structural.Same(before.RouteTables, after.RouteTables))
        {
            var bt = before.RouteTables.GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.First());
            var at = after.RouteTables.GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.First());
            changed.UnionWith(bt.Keys.Union(at.Keys).Where(n => !bt.TryGetValue(n, out var x) || !at.TryGetValue(n, out var y) || !Structural.Same(x, y)));
            foreach (var s in after.Subnets.Where(s => s.RouteTable is { } n && changed.Contains(n))) touched.Add(s.Id);
            foreach (var s in before.Subnets.Where(s => s.RouteTable is { } n && changed.Contains(n))) touched.Add(s.Id);
        }
        if (touched.Any(id => id.EndsWith("/" + Subnet.GatewaySubnetName, StringComparison.Ordinal))) return Full();
        return touched.Count == 0 ? new(RoutingScope.None, touched, changed) : new(RoutingScope.RouteTables, touched, changed);
    }
}

/// <summary>Structural equality of model records: shared references are equal at once; otherwise public properties
/// are compared recursively and sequences element by element. Where a resource was declared (SourceRef) and the
/// parsed device configuration (compared through its file) are not part of the comparison.</summary>
public static class Structural
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Props = new();

    public static bool Same(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        var type = a.GetType();
        if (type != b.GetType()) return false;
        if (a is SourceRef || a is DeviceConfig) return true;
        if (type.IsPrimitive || type.IsEnum || a is string || a is Ipv4 || a is Prefix || a is decimal) return a.Equals(b);
        if (a is IEnumerable ea && b is IEnumerable eb)
        {
            var ia = ea.GetEnumerator();
            var ib = eb.GetEnumerator();
            while (true)
            {
                var (ma, mb) = (ia.MoveNext(), ib.MoveNext());
                if (ma != mb) return false;
                if (!ma) return true;
                if (!Same(ia.Current, ib.Current)) return false;
            }
        }
        if (type.IsValueType && type.GetProperties().Length == 0) return a.Equals(b);
        foreach (var p in Props.GetOrAdd(type, t => [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")]))
            if (!Same(p.GetValue(a), p.GetValue(b))) return false;
        return true;
    }
}
