using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>Route tables and user-defined routes (spec A5, A7, A8, B8, B10, D7, D8).</summary>
public static class RouteTableRules
{
    public static readonly RuleDescriptor NextHopIpAddressNotAllowed = new(
        "NT-RT-001", "Next hop IP address on a route that is not VirtualAppliance", Severity.Error, "A5", Learn.Udr,
        "Route {0}/{1} has next hop type {2} and next hop IP address {3}: a next hop IP address is allowed only with next hop type VirtualAppliance.");

    public static readonly RuleDescriptor NextHopIpAddressRequired = new(
        "NT-RT-002", "VirtualAppliance route without a next hop IP address", Severity.Error, "A5", Learn.Udr,
        "Route {0}/{1} has next hop type VirtualAppliance but no next hop IP address: NextHopIpAddress cannot be Null or Empty in route when NextHopType is VirtualAppliance.");

    public static readonly RuleDescriptor NextHopTypeNotAllowed = new(
        "NT-RT-003", "Next hop type not allowed in a user-defined route", Severity.Error, "A5", Learn.Udr,
        "Route {0}/{1} uses next hop type {2}: a user-defined route may use only VirtualAppliance, VirtualNetworkGateway, VnetLocal, Internet or None "
        + "({2} routes are created only by Azure).");

    public static readonly RuleDescriptor GatewayNextHopExpressRoute = new(
        "NT-RT-004", "User-defined route to an ExpressRoute gateway", Severity.Error, "A8", Learn.ErCustomRoutes,
        "Route {0}/{1} on subnet {2} sends {3} to VirtualNetworkGateway, but the gateway there is ExpressRoute gateway {4}: "
        + "Custom routes are not allowed to be specified for gateway {5} of type ExpressRoute.");

    public static readonly RuleDescriptor GatewayNextHopCoexistence = new(
        "NT-RT-005", "User-defined route to a gateway while ExpressRoute and VPN coexist", Severity.Error, "A8", Learn.Udr,
        "Route {0}/{1} on subnet {2} sends {3} to VirtualNetworkGateway, but ExpressRoute gateway {4} and VPN gateway {5} coexist there: "
        + "you can't specify virtual network gateways in user-defined routes if you have VPN and ExpressRoute coexisting connections "
        + "(unverified: Azure's error text is not documented).");

    public static readonly RuleDescriptor GatewaySubnetPropagationDisabled = new(
        "NT-RT-006", "Gateway route propagation disabled on GatewaySubnet", Severity.Error, "B8", Learn.Udr,
        "Route table {1} on {0} disables gateway route propagation: route propagation shouldn't be disabled on the GatewaySubnet; "
        + "the gateway will not function with this setting disabled.");

    public static readonly RuleDescriptor GatewaySubnetDefaultRoute = new(
        "NT-RT-007", "0.0.0.0/0 route on the GatewaySubnet of a VPN gateway", Severity.Error, "B8", Learn.Udr,
        "Route table {1} on {0} has route {2} for 0.0.0.0/0 while VPN gateway {3} is in this virtual network: don't associate a route table "
        + "that includes a route with a destination of 0.0.0.0/0 to the gateway subnet; doing so can prevent the gateway from functioning properly.");

    public static readonly RuleDescriptor TooManyRouteTables = new(
        "NT-RT-008", "More than 200 route tables", Severity.Error, "B10", Learn.Limits,
        "The topology declares {0} route tables: Azure allows 200 route tables per region per subscription.");

    public static readonly RuleDescriptor TooManyRoutes = new(
        "NT-RT-009", "More than 400 routes in a route table", Severity.Error, "B10", Learn.Limits,
        "Route table {0} has {1} routes: Azure allows 400 routes per route table.");

    public static readonly RuleDescriptor GatewayNextHopWithoutGateway = new(
        "NT-RT-010", "User-defined route to a gateway that does not exist", Severity.Warning, "A7", Learn.Udr,
        "Route {0}/{1} on subnet {2} sends {3} to VirtualNetworkGateway, but no gateway serves virtual network {4}: "
        + "the route's next hop IP address shows None and the traffic is dropped.");

    public static readonly RuleDescriptor GatewaySubnetRouteCoversItself = new(
        "NT-RT-011", "GatewaySubnet route covering the gateway subnet while ExpressRoute and VPN coexist", Severity.Warning, "D8", Learn.Coexist,
        "Route {1}/{2} ({3}) on {0} covers the GatewaySubnet's own range {4} while ExpressRoute and VPN gateways coexist: both gateways must "
        + "reach each other via BGP, so a UDR on the gateway subnet must not include a route for the gateway subnet range itself.");

    public static readonly RuleDescriptor TooManyServiceTagRoutes = new(
        "NT-RT-012", "More than 25 service-tag routes in a route table", Severity.Error, "B10", Learn.Udr,
        "Route table {0} has {1} routes with a service tag as address prefix ({2}): Azure allows at most 25 service tag routes per route table.");

    public const int ServiceTagRouteLimit = 25;
    public const int RouteTableLimit = 200;
    public const int RouteLimit = 400;

    public static IReadOnlyList<RuleDescriptor> All { get; } =
    [
        NextHopIpAddressNotAllowed, NextHopIpAddressRequired, NextHopTypeNotAllowed, GatewayNextHopExpressRoute, GatewayNextHopCoexistence,
        GatewaySubnetPropagationDisabled, GatewaySubnetDefaultRoute, TooManyRouteTables, TooManyRoutes, GatewayNextHopWithoutGateway,
        GatewaySubnetRouteCoversItself, TooManyServiceTagRoutes,
    ];

    private static readonly NextHopType[] UdrNextHops =
        [NextHopType.VirtualAppliance, NextHopType.VirtualNetworkGateway, NextHopType.VnetLocal, NextHopType.Internet, NextHopType.None];

    public static IEnumerable<Finding> Check(Topology t) => CheckCount(t).Concat(t.RouteTables.SelectMany(rt => CheckTable(t, rt)));

    /// <summary>The number of route tables (a subscription limit).</summary>
    public static IEnumerable<Finding> CheckCount(Topology t)
    {
        if (t.RouteTables.Length > RouteTableLimit)
            yield return TooManyRouteTables.Create(t.RouteTables[RouteTableLimit], t.RouteTables.Length);
    }

    /// <summary>One route table: its routes, and what they mean for the subnets using it.</summary>
    public static IEnumerable<Finding> CheckTable(Topology t, RouteTable rt)
    {
        {
            var where = Shared.Address(rt);
            if (rt.Routes.Length > RouteLimit) yield return TooManyRoutes.Create(rt, rt.Name, rt.Routes.Length);
            // Rule B10: at most 25 routes with a service tag as address prefix per route table.
            var tagRoutes = rt.Routes.Where(r => r.ServiceTag is not null).ToList();
            if (tagRoutes.Count > ServiceTagRouteLimit)
                yield return TooManyServiceTagRoutes.Create(where, tagRoutes[ServiceTagRouteLimit].Source, rt.Name, tagRoutes.Count,
                    $"the 26th is {tagRoutes[ServiceTagRouteLimit].Name}");

            foreach (var r in rt.Routes)
            {
                if (!UdrNextHops.Contains(r.NextHopType))
                    yield return NextHopTypeNotAllowed.Create(where, r.Source, rt.Name, r.Name, r.NextHopType);
                if (r.NextHopIpAddress is { } ip && r.NextHopType != NextHopType.VirtualAppliance)
                    yield return NextHopIpAddressNotAllowed.Create(where, r.Source, rt.Name, r.Name, r.NextHopType, ip);
                if (r.NextHopIpAddress is null && r.NextHopType == NextHopType.VirtualAppliance)
                    yield return NextHopIpAddressRequired.Create(where, r.Source, rt.Name, r.Name);
            }

            foreach (var subnet in t.SubnetsUsingRouteTable(rt.Name))
            {
                foreach (var r in rt.Routes.Where(r => r.NextHopType == NextHopType.VirtualNetworkGateway))
                {
                    var serving = Shared.GatewaysServing(t, subnet.VirtualNetwork);
                    var er = serving.FirstOrDefault(g => g.GatewayType == GatewayType.ExpressRoute);
                    var vpn = serving.FirstOrDefault(g => g.GatewayType == GatewayType.Vpn);
                    if (er is not null && vpn is not null)
                        yield return GatewayNextHopCoexistence.Create(where, r.Source, rt.Name, r.Name, subnet.Id, r.Destination, er.Name, vpn.Name);
                    else if (er is not null)
                        yield return GatewayNextHopExpressRoute.Create(where, r.Source, rt.Name, r.Name, subnet.Id, r.Destination, er.Name,
                            ArmId.VirtualNetworkGateway(er.Name));
                    else if (vpn is null)
                        yield return GatewayNextHopWithoutGateway.Create(where, r.Source, rt.Name, r.Name, subnet.Id, r.Destination, subnet.VirtualNetwork);
                }

                if (!subnet.IsGatewaySubnet) continue;
                var gateways = t.GatewaysIn(subnet.VirtualNetwork);
                if (rt.DisableBgpRoutePropagation)
                    yield return GatewaySubnetPropagationDisabled.Create(Shared.Address(subnet), rt.Source, subnet.Id, rt.Name);
                var vpnHere = gateways.FirstOrDefault(g => g.GatewayType == GatewayType.Vpn);
                var coexist = vpnHere is not null && gateways.Any(g => g.GatewayType == GatewayType.ExpressRoute);
                foreach (var r in rt.Routes)
                {
                    if (r.ServiceTag is null && r.AddressPrefix == Prefix.Default)
                    {
                        if (vpnHere is not null)
                            yield return GatewaySubnetDefaultRoute.Create(Shared.Address(subnet), r.Source, subnet.Id, rt.Name, r.Name, vpnHere.Name);
                    }
                    else if (coexist && r.ServiceTag is null && r.NextHopType != NextHopType.VnetLocal && r.AddressPrefix.Contains(subnet.AddressPrefix))
                        yield return GatewaySubnetRouteCoversItself.Create(Shared.Address(subnet), r.Source, subnet.Id, rt.Name, r.Name,
                            r.AddressPrefix, subnet.AddressPrefix);
                }
            }
        }
    }
}
