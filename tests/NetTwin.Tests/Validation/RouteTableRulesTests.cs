using NetTwin.Model;
using NetTwin.Validation;
using static NetTwin.Tests.Validation.Topo;

namespace NetTwin.Tests.Validation;

public class RouteTableRulesTests
{
    private static (string, string) HubWith(string appExtra = "", string gatewaySubnetExtra = "") =>
        Vnet("hub", "10.0.0.0/16", Sub("GatewaySubnet", "10.0.0.0/27", gatewaySubnetExtra), Sub("app", "10.0.1.0/24", appExtra));

    private const string OnApp = ", routeTable: rt";

    [Fact]
    public void Next_hop_IP_on_an_Internet_route_is_refused()
    {
        var f = Validate(Rt("rt", Route("r1", "8.8.8.0/24", "Internet", "10.0.1.4")));
        Expect(f, RouteTableRules.NextHopIpAddressNotAllowed, "routeTables/rt",
            "Route rt/r1 has next hop type Internet and next hop IP address 10.0.1.4: a next hop IP address is allowed only with next hop type VirtualAppliance.");
    }

    [Fact]
    public void Next_hop_IP_on_a_VirtualAppliance_route_passes()
    {
        var f = Validate(Rt("rt", Route("r1", "8.8.8.0/24", "VirtualAppliance", "10.0.1.4")));
        None(f, RouteTableRules.NextHopIpAddressNotAllowed);
        None(f, RouteTableRules.NextHopIpAddressRequired);
        Assert.Empty(f);
    }

    [Fact]
    public void VirtualAppliance_route_without_an_IP_is_refused()
    {
        var f = Validate(Rt("rt", Route("r1", "8.8.8.0/24", "VirtualAppliance")));
        Expect(f, RouteTableRules.NextHopIpAddressRequired, "routeTables/rt",
            "Route rt/r1 has next hop type VirtualAppliance but no next hop IP address: NextHopIpAddress cannot be Null or Empty in route when "
            + "NextHopType is VirtualAppliance.");
    }

    [Fact]
    public void Route_without_an_IP_on_another_next_hop_passes()
    {
        Assert.Empty(Validate(Rt("rt", Route("r1", "8.8.8.0/24", "None"))));
    }

    private static Topology WithHop(NextHopType hop)
    {
        // The YAML schema only admits the five UDR next hop types, so the model is edited directly.
        var t = Load(Rt("rt", Route("r1", "10.9.0.0/16", "VnetLocal")));
        var rt = t.RouteTables[0];
        return t with { RouteTables = [rt with { Routes = [rt.Routes[0] with { NextHopType = hop }] }] };
    }

    [Fact]
    public void System_only_next_hop_type_in_a_UDR_is_refused()
    {
        var f = Validator.Validate(WithHop(NextHopType.VNetPeering));
        Expect(f, RouteTableRules.NextHopTypeNotAllowed, "routeTables/rt",
            "Route rt/r1 uses next hop type VNetPeering: a user-defined route may use only VirtualAppliance, VirtualNetworkGateway, VnetLocal, "
            + "Internet or None (VNetPeering routes are created only by Azure).");
    }

    [Fact]
    public void VnetLocal_next_hop_in_a_UDR_passes()
    {
        var f = Validator.Validate(WithHop(NextHopType.VnetLocal));
        None(f, RouteTableRules.NextHopTypeNotAllowed);
        Assert.Empty(f);
    }

    [Fact]
    public void UDR_to_an_ExpressRoute_gateway_is_refused_with_D7_text()
    {
        var f = Validate(HubWith(OnApp), Gw("er", "hub", "ExpressRoute", "Standard"), Rt("rt", Route("r1", "10.9.0.0/16", "VirtualNetworkGateway")));
        Expect(f, RouteTableRules.GatewayNextHopExpressRoute, "routeTables/rt",
            "Route rt/r1 on subnet hub/app sends 10.9.0.0/16 to VirtualNetworkGateway, but the gateway there is ExpressRoute gateway er: "
            + $"Custom routes are not allowed to be specified for gateway {Arm}/virtualNetworkGateways/er of type ExpressRoute.");
    }

    [Fact]
    public void UDR_in_a_spoke_using_a_remote_ExpressRoute_gateway_is_refused()
    {
        var f = Validate([Hub(), Vnet("spoke", "10.1.0.0/16", Sub("work", "10.1.0.0/24", OnApp)), Gw("er", "hub", "ExpressRoute", "Standard"),
            .. Transit("hub", "spoke"), Rt("rt", Route("r1", "10.9.0.0/16", "VirtualNetworkGateway"))]);
        Assert.StartsWith("Route rt/r1 on subnet spoke/work sends 10.9.0.0/16 to VirtualNetworkGateway, but the gateway there is ExpressRoute gateway er",
            One(f, RouteTableRules.GatewayNextHopExpressRoute).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UDR_to_a_VPN_gateway_passes()
    {
        var f = Validate(HubWith(OnApp), Gw("vpn", "hub"), Rt("rt", Route("r1", "10.9.0.0/16", "VirtualNetworkGateway")));
        None(f, RouteTableRules.GatewayNextHopExpressRoute);
        None(f, RouteTableRules.GatewayNextHopCoexistence);
        Assert.Empty(f);
    }

    [Fact]
    public void UDR_to_the_gateway_while_ExpressRoute_and_VPN_coexist_is_refused()
    {
        var f = Validate(HubWith(OnApp), Gw("vpn", "hub"), Gw("er", "hub", "ExpressRoute", "Standard"),
            Rt("rt", Route("r1", "10.9.0.0/16", "VirtualNetworkGateway")));
        Expect(f, RouteTableRules.GatewayNextHopCoexistence, "routeTables/rt",
            "Route rt/r1 on subnet hub/app sends 10.9.0.0/16 to VirtualNetworkGateway, but ExpressRoute gateway er and VPN gateway vpn coexist there: "
            + "you can't specify virtual network gateways in user-defined routes if you have VPN and ExpressRoute coexisting connections "
            + "(unverified: Azure's error text is not documented).");
        None(f, RouteTableRules.GatewayNextHopExpressRoute);
    }

    [Fact]
    public void Coexisting_gateways_with_an_appliance_UDR_pass()
    {
        var f = Validate(HubWith(OnApp), Gw("vpn", "hub"), Gw("er", "hub", "ExpressRoute", "Standard"),
            Rt("rt", Route("r1", "10.9.0.0/16", "VirtualAppliance", "10.0.1.4")));
        None(f, RouteTableRules.GatewayNextHopCoexistence);
        Assert.Empty(f);
    }

    [Fact]
    public void UDR_to_a_gateway_that_does_not_exist_is_a_warning()
    {
        var f = Validate(HubWith(OnApp), Rt("rt", Route("r1", "10.9.0.0/16", "VirtualNetworkGateway")));
        var w = Expect(f, RouteTableRules.GatewayNextHopWithoutGateway, "routeTables/rt",
            "Route rt/r1 on subnet hub/app sends 10.9.0.0/16 to VirtualNetworkGateway, but no gateway serves virtual network hub: the route's next hop "
            + "IP address shows None and the traffic is dropped.");
        Assert.Equal(Severity.Warning, w.Severity);
    }

    [Fact]
    public void Unassociated_route_table_to_a_gateway_passes()
    {
        var f = Validate(HubWith(), Rt("rt", Route("r1", "10.9.0.0/16", "VirtualNetworkGateway")));
        None(f, RouteTableRules.GatewayNextHopWithoutGateway);
        Assert.Empty(f);
    }

    [Fact]
    public void Disabled_propagation_on_GatewaySubnet_is_refused()
    {
        var f = Validate(HubWith(gatewaySubnetExtra: OnApp), Gw("vpn", "hub"), Rt("rt", "", ", disableBgpRoutePropagation: true"));
        Expect(f, RouteTableRules.GatewaySubnetPropagationDisabled, "virtualNetworks/hub/subnets/GatewaySubnet",
            "Route table rt on hub/GatewaySubnet disables gateway route propagation: route propagation shouldn't be disabled on the GatewaySubnet; "
            + "the gateway will not function with this setting disabled.");
    }

    [Fact]
    public void Disabled_propagation_on_a_workload_subnet_passes()
    {
        var f = Validate(HubWith(OnApp), Gw("vpn", "hub"), Rt("rt", "", ", disableBgpRoutePropagation: true"));
        None(f, RouteTableRules.GatewaySubnetPropagationDisabled);
        Assert.Empty(f);
    }

    [Fact]
    public void Default_route_on_the_GatewaySubnet_of_a_VPN_gateway_is_refused()
    {
        var f = Validate(HubWith(gatewaySubnetExtra: OnApp), Gw("vpn", "hub"), Rt("rt", Route("default", "0.0.0.0/0", "VirtualAppliance", "10.0.1.4")));
        Expect(f, RouteTableRules.GatewaySubnetDefaultRoute, "virtualNetworks/hub/subnets/GatewaySubnet",
            "Route table rt on hub/GatewaySubnet has route default for 0.0.0.0/0 while VPN gateway vpn is in this virtual network: don't associate a "
            + "route table that includes a route with a destination of 0.0.0.0/0 to the gateway subnet; doing so can prevent the gateway from functioning properly.");
    }

    [Fact]
    public void Specific_route_on_the_GatewaySubnet_of_a_VPN_gateway_passes()
    {
        // The H4 pattern (scenario S1): spoke prefix -> firewall on the GatewaySubnet.
        var f = Validate(HubWith(gatewaySubnetExtra: OnApp), Gw("vpn", "hub"), Rt("rt", Route("spoke", "172.16.0.0/16", "VirtualAppliance", "10.0.1.4")));
        None(f, RouteTableRules.GatewaySubnetDefaultRoute);
        Assert.Empty(f);
    }

    [Fact]
    public void Default_route_on_the_GatewaySubnet_of_an_ExpressRoute_only_vnet_passes_this_rule()
    {
        var f = Validate(HubWith(gatewaySubnetExtra: OnApp), Gw("er", "hub", "ExpressRoute", "Standard"),
            Rt("rt", Route("default", "0.0.0.0/0", "VirtualAppliance", "10.0.1.4")));
        None(f, RouteTableRules.GatewaySubnetDefaultRoute);
    }

    private static IReadOnlyList<Finding> RouteTables(int count) =>
        Validate([.. Enumerable.Range(0, count).Select(i => Rt($"rt{i:000}", ""))]);

    [Fact]
    public void More_than_200_route_tables_are_refused()
    {
        Expect(RouteTables(201), RouteTableRules.TooManyRouteTables, "routeTables/rt200",
            "The topology declares 201 route tables: Azure allows 200 route tables per region per subscription.");
    }

    [Fact]
    public void Exactly_200_route_tables_pass()
    {
        var f = RouteTables(200);
        None(f, RouteTableRules.TooManyRouteTables);
        Assert.Empty(f);
    }

    private static IReadOnlyList<Finding> Routes(int count) =>
        Validate(Rt("rt", string.Join(", ", Enumerable.Range(0, count).Select(i => Route($"r{i}", $"10.{i / 256}.{i % 256}.0/24", "None")))));

    [Fact]
    public void More_than_400_routes_in_a_table_are_refused()
    {
        Expect(Routes(401), RouteTableRules.TooManyRoutes, "routeTables/rt", "Route table rt has 401 routes: Azure allows 400 routes per route table.");
    }

    [Fact]
    public void Exactly_400_routes_pass()
    {
        var f = Routes(400);
        None(f, RouteTableRules.TooManyRoutes);
        Assert.Empty(f);
    }

    [Fact]
    public void GatewaySubnet_route_covering_the_gateway_subnet_while_gateways_coexist_is_a_warning()
    {
        var f = Validate(HubWith(gatewaySubnetExtra: OnApp), Gw("vpn", "hub"), Gw("er", "hub", "ExpressRoute", "Standard"),
            Rt("rt", Route("hub-via-fw", "10.0.0.0/16", "VirtualAppliance", "10.0.1.4")));
        var w = Expect(f, RouteTableRules.GatewaySubnetRouteCoversItself, "virtualNetworks/hub/subnets/GatewaySubnet",
            "Route rt/hub-via-fw (10.0.0.0/16) on hub/GatewaySubnet covers the GatewaySubnet's own range 10.0.0.0/27 while ExpressRoute and VPN "
            + "gateways coexist: both gateways must reach each other via BGP, so a UDR on the gateway subnet must not include a route for the "
            + "gateway subnet range itself.");
        Assert.Equal(Severity.Warning, w.Severity);
    }

    [Fact]
    public void GatewaySubnet_route_to_a_spoke_while_gateways_coexist_passes()
    {
        var f = Validate(HubWith(gatewaySubnetExtra: OnApp), Gw("vpn", "hub"), Gw("er", "hub", "ExpressRoute", "Standard"),
            Rt("rt", Route("spoke-via-fw", "172.16.0.0/16", "VirtualAppliance", "10.0.1.4")));
        None(f, RouteTableRules.GatewaySubnetRouteCoversItself);
        Assert.Empty(f);
    }
}
