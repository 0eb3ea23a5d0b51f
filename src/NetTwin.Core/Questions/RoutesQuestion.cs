using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.Questions;

/// <summary>`nettwin routes`: a subnet's or NIC's effective routes, shaped like
/// <c>az network nic show-effective-route-table</c> (rule I1: {"value":[{source, state, addressPrefix[],
/// nextHopType, nextHopIpAddress[], name, disableBgpRoutePropagation}]}) plus why each route is there, and why
/// it is Invalid or shadowed.</summary>
public sealed record RoutesView(string Subnet, string? RouteTable, IReadOnlyList<RouteView> Value);

public sealed record RouteView(string Source, string State, IReadOnlyList<string> AddressPrefix, string NextHopType,
    IReadOnlyList<string> NextHopIpAddress, string? Name, bool DisableBgpRoutePropagation, bool Shadowed, string Explanation);

public static class RoutesQuestion
{
    /// <summary>Routes of <paramref name="subnetId"/> (vnet/subnet) or of the NIC <paramref name="nic"/>; null when the name does not exist.</summary>
    public static RoutesView? Ask(Topology t, string? subnetId, string? nic) => Ask(Planes.Compute(t).Routing, subnetId, nic);

    /// <summary>The same over an already computed control plane.</summary>
    public static RoutesView? Ask(ControlPlane cp, string? subnetId, string? nic)
    {
        var t = cp.Topology;
        var subnet = nic is not null ? (t.NetworkInterface(nic) is { } n ? t.Subnet(n.Subnet) : null) : subnetId is null ? null : t.Subnet(subnetId);
        if (subnet is null) return null;
        var table = cp.EffectiveRoutes(subnet.Id);
        var disabled = !table.GatewayRoutesPropagated;
        // Azure lists Default, then VirtualNetworkGateway, then User routes (I1); within a source by prefix.
        // Routes of one service tag (a user route with a tag as addressPrefix, a service endpoint: rule A4) are one
        // row with the tag's prefixes, as az prints them; the row sits where its first prefix sorts.
        var rows = new List<RouteView>();
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in table.Routes
            .OrderBy(r => r.Source switch { RouteSource.Default => 0, RouteSource.VirtualNetworkGateway => 1, _ => 2 })
            .ThenBy(r => r.AddressPrefix))
        {
            var ips = r.NextHopIpAddress.Select(ip => ip.ToString()).ToList();
            if (r.ServiceTag is { } tag)
            {
                var key = $"{r.Source}|{r.State}|{r.NextHopType}|{r.Name}|{tag}|{string.Join(",", ips)}";
                if (groups.TryGetValue(key, out var at))
                {
                    rows[at] = rows[at] with { AddressPrefix = [.. rows[at].AddressPrefix, r.AddressPrefix.ToString()] };
                    continue;
                }
                groups[key] = rows.Count;
            }
            rows.Add(new RouteView(r.Source.ToString(), r.State.ToString(), [r.AddressPrefix.ToString()], r.NextHopType.ToString(),
                ips, r.Name, disabled, r.IsShadowed, r.Explanation));
        }
        return new RoutesView(subnet.Id, table.RouteTable, rows);
    }
}
