using NetTwin.Model;
using NetTwin.Routing;
using static NetTwin.Tests.Routing.RoutingKit;

namespace NetTwin.Tests.Routing;

/// <summary>Scenario S0 (seed 000): conditional internet through a proxy tunnel, solution 4 and the app variants.</summary>
public class ScenarioS0Tests
{
    private const string Ex = "s0-proxy-tunnel";

    [Fact]
    public void Base_tenant_gets_the_expressroute_prefixes_through_the_hub()
    {
        var cp = ComputeExample(Ex, null);
        var t = cp.EffectiveRoutes("vdi-vnet/tenant");
        AssertTable(t,
            "Default Active 10.120.0.0/16 VnetLocal",
            "Default Active 10.100.0.0/16 VNetPeering",
            "Default Active 0.0.0.0/0 Internet",
            "Default Active 10.0.0.0/8 None",
            "Default Active 172.16.0.0/12 None",
            "Default Invalid 192.168.0.0/16 None",
            "Default Active 100.64.0.0/10 None",
            "VirtualNetworkGateway Active 10.1.0.0/16 VirtualNetworkGateway 10.100.0.4",
            "VirtualNetworkGateway Active 10.2.0.0/16 VirtualNetworkGateway 10.100.0.4",
            "VirtualNetworkGateway Active 192.168.0.0/16 VirtualNetworkGateway 10.100.0.4");
        Assert.Contains("C10", t.GatewayRoutesVia);
    }

    [Fact]
    public void Solution4_tenant_holds_half_defaults_er_prefixes_and_a_shadowed_internet_route()
    {
        var cp = ComputeExample(Ex, null, "solution4-hub-vpn.yaml");
        var t = cp.EffectiveRoutes("vdi-vnet/tenant");
        AssertRoute(t, RouteSource.VirtualNetworkGateway, RouteState.Active, "0.0.0.0/1", NextHopType.VirtualNetworkGateway, "10.100.0.12");
        AssertRoute(t, RouteSource.VirtualNetworkGateway, RouteState.Active, "128.0.0.0/1", NextHopType.VirtualNetworkGateway, "10.100.0.12");
        foreach (var p in new[] { "10.1.0.0/16", "10.2.0.0/16", "192.168.0.0/16" })
        {
            var r = AssertRoute(t, RouteSource.VirtualNetworkGateway, RouteState.Active, p, NextHopType.VirtualNetworkGateway, "10.100.0.4");
            Assert.Equal("ERgw001", r.Gateway);
        }
        var internet = AssertRoute(t, RouteSource.Default, RouteState.Active, "0.0.0.0/0", NextHopType.Internet);
        Assert.True(internet.IsShadowed);
        Assert.Equal("B9", internet.ShadowedBy!.Rule);
        Assert.Equal([P("0.0.0.0/1"), P("128.0.0.0/1")], internet.ShadowedBy.By.ToArray());

        // tenant -> 8.8.8.8 through the VPN gateway, tenant -> 10.1.0.10 through ExpressRoute (longer prefix).
        Assert.Equal("VPNgw001", cp.Lookup("vdi-vnet/tenant", Ip("8.8.8.8"))!.Gateway);
        Assert.Equal("ERgw001", cp.Lookup("vdi-vnet/tenant", Ip("10.1.0.10"))!.Gateway);
    }

    [Fact]
    public void App_default_udr_changes_nothing_for_internet_destinations()
    {
        var cp = ComputeExample(Ex, null, "solution4-hub-vpn.yaml", "app-default-udr.yaml");
        var t = cp.EffectiveRoutes("app-vnet/app");
        AssertRoute(t, RouteSource.User, RouteState.Active, "0.0.0.0/0", NextHopType.Internet);
        AssertRoute(t, RouteSource.Default, RouteState.Invalid, "0.0.0.0/0", NextHopType.Internet);
        var hit = cp.Lookup("app-vnet/app", Ip("8.8.8.8"))!;
        Assert.Equal(NextHopType.VirtualNetworkGateway, hit.NextHopType);
        Assert.Equal(P("0.0.0.0/1"), hit.AddressPrefix);
        // The user 0/0 is itself shadowed by the gateway's two halves.
        Assert.True(Route(t, RouteSource.User, "0.0.0.0/0").IsShadowed);
        // A 0/0 user route to Internet does not remove the reserved None routes (A3 applies to appliances).
        AssertRoute(t, RouteSource.Default, RouteState.Active, "10.0.0.0/8", NextHopType.None);
    }

    [Fact]
    public void App_half_default_udr_wins_and_the_gateway_halves_turn_invalid()
    {
        var cp = ComputeExample(Ex, null, "solution4-hub-vpn.yaml", "app-half-default-udr.yaml");
        var app = cp.EffectiveRoutes("app-vnet/app");
        AssertRoute(app, RouteSource.User, RouteState.Active, "0.0.0.0/1", NextHopType.Internet);
        AssertRoute(app, RouteSource.User, RouteState.Active, "128.0.0.0/1", NextHopType.Internet);
        var gw = AssertRoute(app, RouteSource.VirtualNetworkGateway, RouteState.Invalid, "0.0.0.0/1", NextHopType.VirtualNetworkGateway, "10.100.0.12");
        Assert.Equal("B2", gw.InvalidBecause!.Rule);
        AssertRoute(app, RouteSource.VirtualNetworkGateway, RouteState.Invalid, "128.0.0.0/1", NextHopType.VirtualNetworkGateway, "10.100.0.12");
        Assert.Equal(NextHopType.Internet, cp.Lookup("app-vnet/app", Ip("8.8.8.8"))!.NextHopType);
        Assert.Equal("ERgw001", cp.Lookup("app-vnet/app", Ip("10.1.0.10"))!.Gateway);
        // tenant is untouched.
        Assert.Equal("VPNgw001", cp.Lookup("vdi-vnet/tenant", Ip("8.8.8.8"))!.Gateway);
    }

    [Fact]
    public void App_without_propagation_has_no_gateway_routes_and_loses_on_premises()
    {
        var cp = ComputeExample(Ex, null, "solution4-hub-vpn.yaml", "app-no-propagation.yaml");
        var app = cp.EffectiveRoutes("app-vnet/app");
        Assert.DoesNotContain(app.Routes, r => r.NextHopType == NextHopType.VirtualNetworkGateway);
        Assert.False(app.GatewayRoutesPropagated);
        Assert.Contains(app.Removed, r => r.Reason.Rule == "B7");
        Assert.Equal(NextHopType.Internet, cp.Lookup("app-vnet/app", Ip("8.8.8.8"))!.NextHopType);
        Assert.Equal(NextHopType.None, cp.Lookup("app-vnet/app", Ip("10.1.0.10"))!.NextHopType);
        AssertRoute(app, RouteSource.Default, RouteState.Active, "10.100.0.0/16", NextHopType.VNetPeering);
    }

    [Fact]
    public void Solution3_tenant_uses_its_own_gateways()
    {
        var cp = ComputeExample(Ex, null, "solution3-gateways-in-vdi.yaml");
        var t = cp.EffectiveRoutes("vdi-vnet/tenant");
        Assert.Equal("vdi-vpngw", cp.Lookup("vdi-vnet/tenant", Ip("8.8.8.8"))!.Gateway);
        Assert.Equal("vdi-ergw", cp.Lookup("vdi-vnet/tenant", Ip("10.1.0.10"))!.Gateway);
        // The hub's prefix comes back over the circuit from ERgw001 (MSEE as-override) but the peering route wins (B3).
        AssertRoute(t, RouteSource.Default, RouteState.Active, "10.100.0.0/16", NextHopType.VNetPeering);
        Assert.Contains(t.Removed, r => r.AddressPrefix == P("10.100.0.0/16") && r.Reason.Rule == "B3");
        // app-vnet is not peered with vdi-vnet, but both gateways sit on er-circuit: reachable through the MSEE.
        AssertRoute(t, RouteSource.VirtualNetworkGateway, RouteState.Active, "10.110.0.0/16", NextHopType.VirtualNetworkGateway, "10.120.0.4");
    }
}
