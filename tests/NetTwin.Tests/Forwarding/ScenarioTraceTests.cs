using static NetTwin.Tests.Forwarding.TraceKit;
using static NetTwin.Tests.Forwarding.TraceResult;

namespace NetTwin.Tests.Forwarding;

/// <summary>The seed scenarios' traces (scenarios.md), every hop and the disposition of both directions, through the
/// CLI's code path (`nettwin trace -o json`).</summary>
public class ScenarioTraceTests
{
    private static readonly string[] S0Sol4 = ["solution4-hub-vpn.yaml"];

    [Fact]
    public void S0Solution4TenantToTheInternetGoesThroughTheProxyTunnel()
    {
        var r = Trace("s0-proxy-tunnel", S0Sol4, "vdi-vm1", "8.8.8.8");
        Assert.Equal("EXITS_TO_INTERNET", r.Disposition);
        Assert.Equal(["vdi-vm1 Start", "vdi-vnet/tenant Route", "VPNgw001 Gateway", "hub-to-proxy Tunnel", "proxy-supplier Deliver"], Hops(r.Request));
        Assert.Equal("VirtualNetworkGateway 0.0.0.0/1 VirtualNetworkGateway 10.100.0.12 via VPNgw001", Decisions(r.Request)[1]);
        Assert.Equal("child SA 0.0.0.0/0<->0.0.0.0/0 (instance 0)", Decisions(r.Request)[3]);
        Assert.Equal("leaves to the internet through site proxy-supplier (0.0.0.0/1; the site is not modelled)", Reason(r.Request));
        Assert.Equal("DELIVERED", ReplyDisposition(r));
        Assert.Equal(["proxy-supplier DeviceRoute", "hub-to-proxy Tunnel", "VPNgw001 Gateway", "hub-vnet001/GatewaySubnet Route", "hub-vnet001-to-vdi-vnet Peering", "vdi-vm1 Deliver"], Hops(r.Reply!.Value));
        Assert.True(r.Reaches);
        Assert.False(r.Asymmetric);
    }

    [Fact]
    public void S0Solution4TenantToOnPremisesGoesThroughExpressRoute()
    {
        var r = Trace("s0-proxy-tunnel", S0Sol4, "vdi-vm1", "10.1.0.10");
        Assert.Equal("DELIVERED", r.Disposition);
        Assert.Equal(["vdi-vm1 Start", "vdi-vnet/tenant Route", "ERgw001 Gateway", "er-circuit Circuit", "er-circuit Deliver"], Hops(r.Request));
        Assert.Equal("VirtualNetworkGateway 10.1.0.0/16 VirtualNetworkGateway 10.100.0.4 via ERgw001", Decisions(r.Request)[1]);
        Assert.Equal("delivered to 10.1.0.10 on-premises: 10.1.0.0/16 behind er-circuit (peerAdvertisedRoutes; no router modelled)", Reason(r.Request));
        Assert.Equal(["er-circuit Circuit", "ERgw001 Gateway", "hub-vnet001/GatewaySubnet Route", "hub-vnet001-to-vdi-vnet Peering", "vdi-vm1 Deliver"], Hops(r.Reply!.Value));
        Assert.Equal("10.1.0.10 on-premises behind er-circuit (10.1.0.0/16)", r.Root.GetProperty("to").GetString());
        Assert.DoesNotContain("proxy-supplier", r.Request.GetProperty("devices").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void S0Solution3UsesTheGatewaysInsideVdiVnet()
    {
        var web = Trace("s0-proxy-tunnel", ["solution3-gateways-in-vdi.yaml"], "vdi-vm1", "8.8.8.8");
        Assert.Equal("EXITS_TO_INTERNET", web.Disposition);
        Assert.Equal(["vdi-vm1 Start", "vdi-vnet/tenant Route", "vdi-vpngw Gateway", "vdi-vpngw-to-proxy-supplier Tunnel", "proxy-supplier Deliver"], Hops(web.Request));
        Assert.Equal(["proxy-supplier DeviceRoute", "vdi-vpngw-to-proxy-supplier Tunnel", "vdi-vpngw Gateway", "vdi-vnet/GatewaySubnet Route", "vdi-vm1 Deliver"], Hops(web.Reply!.Value));
        var onprem = Trace("s0-proxy-tunnel", ["solution3-gateways-in-vdi.yaml"], "vdi-vm1", "10.1.0.10");
        Assert.Equal("DELIVERED", onprem.Disposition);
        Assert.Equal(["vdi-vm1 Start", "vdi-vnet/tenant Route", "vdi-ergw Gateway", "er-circuit Circuit", "er-circuit Deliver"], Hops(onprem.Request));
        Assert.Equal(["er-circuit Circuit", "vdi-ergw Gateway", "vdi-vnet/GatewaySubnet Route", "vdi-vm1 Deliver"], Hops(onprem.Reply!.Value));
    }

    [Fact]
    public void S0AppDefaultUserRouteDoesNotRestoreTheInternet()
    {
        var r = Trace("s0-proxy-tunnel", ["solution4-hub-vpn.yaml", "app-default-udr.yaml"], "app-vm1", "8.8.8.8");
        Assert.Equal("EXITS_TO_INTERNET", r.Disposition);
        Assert.Equal(["app-vm1 Start", "app-vnet/app Route", "VPNgw001 Gateway", "hub-to-proxy Tunnel", "proxy-supplier Deliver"], Hops(r.Request));
    }

    [Fact]
    public void S0AppHalfDefaultUserRoutesRestoreDirectInternet()
    {
        var r = Trace("s0-proxy-tunnel", ["solution4-hub-vpn.yaml", "app-half-default-udr.yaml"], "app-vm1", "8.8.8.8");
        Assert.Equal("EXITS_TO_INTERNET", r.Disposition);
        Assert.Equal(["app-vm1 Start", "app-vnet/app Route", "internet Deliver"], Hops(r.Request));
        Assert.Equal("User 0.0.0.0/1 Internet (route half-default-1 of app-rt)", Decisions(r.Request)[1]);
        Assert.Equal(["internet Start", "app-vm1 Deliver"], Hops(r.Reply!.Value));
        // On-premises still goes to ExpressRoute (longer prefix).
        var onprem = Trace("s0-proxy-tunnel", ["solution4-hub-vpn.yaml", "app-half-default-udr.yaml"], "app-vm1", "10.1.0.10");
        Assert.Equal(["app-vm1 Start", "app-vnet/app Route", "ERgw001 Gateway", "er-circuit Circuit", "er-circuit Deliver"], Hops(onprem.Request));
    }

    [Fact]
    public void S0AppWithoutPropagationHasTheInternetButLosesOnPremises()
    {
        var web = Trace("s0-proxy-tunnel", ["solution4-hub-vpn.yaml", "app-no-propagation.yaml"], "app-vm1", "8.8.8.8");
        Assert.Equal(["app-vm1 Start", "app-vnet/app Route", "internet Deliver"], Hops(web.Request));
        Assert.Equal("Default 0.0.0.0/0 Internet", Decisions(web.Request)[1]);
        var onprem = Trace("s0-proxy-tunnel", ["solution4-hub-vpn.yaml", "app-no-propagation.yaml"], "app-vm1", "10.1.0.10");
        Assert.Equal("NO_ROUTE", onprem.Disposition);
        Assert.False(onprem.Reaches);
        Assert.Equal(["app-vm1 Start", "app-vnet/app Route", "app-vnet/app Deliver"], Hops(onprem.Request));
        Assert.Equal("Default 10.0.0.0/8 None", Decisions(onprem.Request)[1]);
    }

    [Fact]
    public void S1FirewallAloneIsAsymmetric()
    {
        var r = Trace("s1-vpn-over-er", ["firewall.yaml"], "172.16.0.4", "10.200.1.10", port: 22);
        Assert.Equal("DELIVERED", r.Disposition);
        Assert.Equal(["spoke-vm1 Start", "vnet-spoke/workload Route", "hub-fw Firewall", "vnet-hub/AzureFirewallSubnet Route", "vpngateway Gateway",
            "datacenter01_connection Tunnel", "R1 DeviceRoute", "R1 Deliver"], Hops(r.Request));
        Assert.Equal("User 0.0.0.0/0 VirtualAppliance 10.64.1.4 (route default-to-firewall of spoke-rt)", Decisions(r.Request)[1]);
        Assert.Equal("Allow: hub-fw/spoke-datacenter/spoke-to-datacenter", Decisions(r.Request)[2]);
        Assert.Equal(["R1 Start", "R1 DeviceRoute", "R1 DeviceRoute", "datacenter01_connection Tunnel", "vpngateway Gateway",
            "vnet-hub/GatewaySubnet Route", "vnet-hub-to-vnet-spoke Peering", "spoke-vm1 Deliver"], Hops(r.Reply!.Value));
        Assert.Equal("B 172.16.0.0/16 [20] via 169.254.21.2", Decisions(r.Reply!.Value)[1]);
        Assert.Equal(["hub-fw"], Stateful(r.Request));
        Assert.Empty(Stateful(r.Reply!.Value));
        Assert.True(r.Asymmetric);
        Assert.Equal("asymmetric: the request passes hub-fw, the reply passes no stateful device (rule H4: a stateful device sees one direction only)", r.Symmetry);
    }

    [Fact]
    public void S1GatewaySubnetRouteMakesItSymmetric()
    {
        var r = Trace("s1-vpn-over-er", ["firewall.yaml", "firewall-gateway-udr.yaml"], "172.16.0.4", "10.200.1.10", port: 22);
        Assert.Equal(["R1 Start", "R1 DeviceRoute", "R1 DeviceRoute", "datacenter01_connection Tunnel", "vpngateway Gateway",
            "vnet-hub/GatewaySubnet Route", "hub-fw Firewall", "vnet-hub/AzureFirewallSubnet Route", "vnet-hub-to-vnet-spoke Peering", "spoke-vm1 Deliver"], Hops(r.Reply!.Value));
        Assert.Equal("User 172.16.0.0/16 VirtualAppliance 10.64.1.4 (route spoke-via-firewall of gateway-rt)", Decisions(r.Reply!.Value)[5]);
        Assert.Equal("allowed: the reply of a flow it tracks", Decisions(r.Reply!.Value)[6]);
        Assert.False(r.Asymmetric);
        Assert.Equal("symmetric: both directions pass hub-fw", r.Symmetry);
    }

    [Fact]
    public void S2Step1PrimaryPathAndInternetThroughVm3()
    {
        var office = Trace("s2-ipsec-backup", [], "VM1", "10.5.0.4");
        Assert.Equal("DELIVERED", office.Disposition);
        Assert.Equal(["VM1 Start", "vnet1/vnet1-sub1 Route", "vng1 Gateway", "vng1-to-lng1 Tunnel", "vng3 Gateway", "vnet4/GatewaySubnet Route", "vnet4-to-vnet5 Peering", "VM2 Deliver"], Hops(office.Request));
        Assert.Equal(["VM2 Start", "vnet5/vnet5-sub1 Route", "vng3 Gateway", "vng3-to-lng3 Tunnel", "vng1 Gateway", "vnet2/GatewaySubnet Route", "vnet2-to-vnet1 Peering", "VM1 Deliver"], Hops(office.Reply!.Value));
        var web = Trace("s2-ipsec-backup", [], "VM1", "8.8.4.4");
        Assert.Equal("EXITS_TO_INTERNET", web.Disposition);
        Assert.Equal(["VM1 Start", "vnet1/vnet1-sub1 Route", "VM3 Appliance", "VM3 Nat", "vnet2/vnet2-sub1 Route", "internet Deliver"], Hops(web.Request));
        Assert.Equal("source 10.1.0.4 -> 10.2.1.4", Decisions(web.Request)[3]);
        Assert.Equal("10.2.1.4:49152 -> 8.8.4.4:443 tcp", FinalFlow(web.Request));
        Assert.Equal(["internet Start", "VM3 Nat", "VM3 Appliance", "vnet2/vnet2-sub2 Route", "vnet2-to-vnet1 Peering", "VM1 Deliver"], Hops(web.Reply!.Value));
        Assert.Equal("destination 10.2.1.4 -> 10.1.0.4", Decisions(web.Reply!.Value)[1]);
        Assert.Equal("forwards 10.1.0.4: OS route 10.0.0.0/8 via 10.2.2.1 out of vm3-inside", Decisions(web.Reply!.Value)[2]);
        Assert.False(web.Asymmetric);
    }

    [Fact]
    public void S2Steps2And3LoseTheOfficeButKeepTheInternet()
    {
        foreach (var steps in new[] { new[] { "step2-primary-fails.yaml" }, ["step2-primary-fails.yaml", "step3-unpeer-vnet2.yaml"] })
        {
            var office = Trace("s2-ipsec-backup", steps, "VM1", "10.5.0.4");
            Assert.Equal("NO_ROUTE", office.Disposition);
            Assert.Equal(["VM1 Start", "vnet1/vnet1-sub1 Route", "vnet1/vnet1-sub1 Deliver"], Hops(office.Request));
            Assert.Equal("Default 10.0.0.0/8 None", Decisions(office.Request)[1]);
            var web = Trace("s2-ipsec-backup", steps, "VM1", "8.8.4.4");
            Assert.Equal("EXITS_TO_INTERNET", web.Disposition);
            Assert.Equal("10.2.1.4:49152 -> 8.8.4.4:443 tcp", FinalFlow(web.Request));
            Assert.True(web.Reaches);
        }
    }

    [Fact]
    public void S2Step4ReachesTheOfficeOverTheBackup()
    {
        var r = Trace("s2-ipsec-backup", ["step2-primary-fails.yaml", "step3-unpeer-vnet2.yaml", "step4-peer-vnet3.yaml"], "VM1", "10.5.0.4");
        Assert.Equal("DELIVERED", r.Disposition);
        Assert.Equal(["VM1 Start", "vnet1/vnet1-sub1 Route", "vng2 Gateway", "vng2-to-lng2 Tunnel", "vng3 Gateway", "vnet4/GatewaySubnet Route", "vnet4-to-vnet5 Peering", "VM2 Deliver"], Hops(r.Request));
        Assert.Equal(["VM2 Start", "vnet5/vnet5-sub1 Route", "vng3 Gateway", "vng3-to-lng4 Tunnel", "vng2 Gateway", "vnet3/GatewaySubnet Route", "vnet3-to-vnet1 Peering", "VM1 Deliver"], Hops(r.Reply!.Value));
        Assert.True(r.Reaches);
    }

    [Fact]
    public void S4BeforeAndAfterTheVnetToVnetConnection()
    {
        var local = Trace("s4-vnet-to-vnet", [], "10.0.1.4", "10.0.2.4");
        Assert.Equal(["VNet1VM01 Start", "VNet1/subnet1 Route", "VNet1VM02 Deliver"], Hops(local.Request));
        Assert.Equal("Default 10.0.0.0/22 VnetLocal", Decisions(local.Request)[1]);
        var before = Trace("s4-vnet-to-vnet", [], "10.0.1.4", "10.0.4.4");
        Assert.Equal("NO_ROUTE", before.Disposition);
        Assert.Equal(["VNet1VM01 Start", "VNet1/subnet1 Route", "VNet1/subnet1 Deliver"], Hops(before.Request));
        var after = Trace("s4-vnet-to-vnet", ["connect.yaml"], "10.0.1.4", "10.0.4.4");
        Assert.Equal("DELIVERED", after.Disposition);
        Assert.Equal(["VNet1VM01 Start", "VNet1/subnet1 Route", "VNet1-gw Gateway", "VNet1-to-VNet2 Tunnel", "VNet2-gw Gateway", "VNet2/GatewaySubnet Route", "VNet2VM01 Deliver"], Hops(after.Request));
        Assert.Equal(["VNet2VM01 Start", "VNet2/subnet1 Route", "VNet2-gw Gateway", "VNet2-to-VNet1 Tunnel", "VNet1-gw Gateway", "VNet1/GatewaySubnet Route", "VNet1VM01 Deliver"], Hops(after.Reply!.Value));
    }

    [Fact]
    public void S3ThirdPartiesReachEachOtherOnlyWithWideSelectors()
    {
        var a = Trace("s3-third-parties", [], "10.1.10.10", "10.2.10.10");
        Assert.Equal("NO_ROUTE", a.Disposition);
        Assert.Equal(["red Start", "red DeviceRoute", "red Deliver"], Hops(a.Request));
        var b = Trace("s3-third-parties", ["b-wide-acls.yaml"], "10.1.10.10", "10.2.10.10");
        Assert.Equal("DELIVERED", b.Disposition);
        Assert.Equal(["red Start", "red DeviceRoute", "red Tunnel", "conn-red Tunnel", "hub-vpngw Gateway", "hub-vnet/GatewaySubnet Route",
            "hub-vpngw Gateway", "conn-blue Tunnel", "blue DeviceRoute", "blue Deliver"], Hops(b.Request));
        Assert.True(b.Reaches);
        string[] f = ["b-wide-acls.yaml", "c-policy-based.yaml", "d-selector-policies.yaml", "e-initiator-only.yaml", "f-exact-acls.yaml"];
        Assert.True(Trace("s3-third-parties", f, "10.1.10.10", "172.16.1.4").Reaches);
        Assert.False(Trace("s3-third-parties", f, "10.1.10.10", "172.16.100.4").Reaches);
        Assert.False(Trace("s3-third-parties", f, "10.1.10.10", "10.2.10.10").Reaches);
    }
}
