using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>What differs between two states of the same estate that differ only in failures: the names of the
/// resources (gateways, circuits, devices) whose BGP speakers or gateway routes read a failed or restored element.</summary>
internal static class FailureDelta
{
    /// <summary>Every resource name a failure added or removed, or a tunnel whose up/down answer changed, can reach
    /// directly: the failed gateway, circuit or BGP speaker itself; for a connection, both its gateways, its circuit
    /// and its local network gateway. Everything else it reaches, it reaches through BGP sessions from these.</summary>
    public static HashSet<string> Names(Topology before, RoutingOptions beforeOptions, Topology after, RoutingOptions afterOptions)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        void OfConnection(Connection c)
        {
            names.Add(c.VirtualNetworkGateway1);
            if (c.VirtualNetworkGateway2 is { } g2) names.Add(g2);
            if (c.Peer is { } circuit) names.Add(circuit);
            if (c.LocalNetworkGateway2 is { } lng) names.Add(lng);
        }
        foreach (var f in before.Failures.SymmetricExcept(after.Failures))
        {
            if (f.Kind == FailureKind.Connection)
            {
                if (after.Connection(f.Name) is { } c) OfConnection(c);
            }
            else names.Add(f.Name);
        }
        if (!ReferenceEquals(beforeOptions.TunnelDown, afterOptions.TunnelDown))
            foreach (var c in after.Connections)
            {
                var instances = after.VirtualNetworkGateway(c.VirtualNetworkGateway1)?.IpConfigurations.Length ?? 0;
                for (var i = 0; i < Math.Max(instances, 1); i++)
                    if (beforeOptions.TunnelDown?.Invoke(c, i) != afterOptions.TunnelDown?.Invoke(c, i)) { OfConnection(c); break; }
            }
        return names;
    }
}
