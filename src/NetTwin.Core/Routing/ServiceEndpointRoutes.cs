using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>Rule A4, service endpoints: a subnet with <c>serviceEndpoints</c> gets, Source Default, next hop
/// VirtualNetworkServiceEndpoint, the service's prefixes in the VNet's region — the regional service tag of the
/// folder's service tags file (Microsoft.Storage in westeurope: Storage.WestEurope). Only in the enabled subnet.
/// Rule B3 makes them win over more specific gateway routes (and B6: over a BGP 0.0.0.0/0).</summary>
internal static class ServiceEndpointRoutes
{
    public static ImmutableArray<EffectiveRoute> For(Topology t, VirtualNetwork vnet, ImmutableArray<string> services)
    {
        if (services.IsEmpty) return [];
        var routes = ImmutableArray.CreateBuilder<EffectiveRoute>();
        var seen = new HashSet<Prefix>();
        foreach (var service in services.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            // A service NetTwin has no prefixes for adds nothing (validation warns, NT-TAG-001).
            if (t.ServiceTags.ForEndpoint(service, vnet.Location) is not { } tag) continue;
            var storageNote = service.Equals("Microsoft.Storage", StringComparison.OrdinalIgnoreCase)
                ? "; Azure also adds the paired region's Storage prefixes, which the service tags file does not name (not modelled)" : "";
            foreach (var p in tag.AddressPrefixes)
            {
                if (!seen.Add(p)) continue;
                routes.Add(new EffectiveRoute(RouteSource.Default, RouteState.Active, p, NextHopType.VirtualNetworkServiceEndpoint, [], null,
                    new RouteReason("A4", $"service endpoint {service} of the subnet: service tag {tag.Name} ({vnet.Location}){storageNote}"))
                {
                    ServiceTag = tag.Name,
                });
            }
        }
        return routes.ToImmutable();
    }
}
