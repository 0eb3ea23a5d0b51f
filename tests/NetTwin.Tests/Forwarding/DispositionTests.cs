using static NetTwin.Tests.Forwarding.TraceKit;
using static NetTwin.Tests.Forwarding.TraceResult;

namespace NetTwin.Tests.Forwarding;

/// <summary>Every disposition of the closed vocabulary, each produced by a trace through the CLI.</summary>
public class DispositionTests
{
    [Fact]
    public void Delivered() =>
        Assert.Equal("DELIVERED", Trace("s4-vnet-to-vnet", [], "VNet1VM01", "VNet1VM02").Disposition);

    [Fact]
    public void ExitsToInternet() =>
        Assert.Equal("EXITS_TO_INTERNET", Trace("s0-proxy-tunnel", [], "app-vm1", "8.8.8.8").Disposition);

    [Fact]
    public void DeniedByNsgWithThePriorityOfTheRule()
    {
        var nsg = ChangeFile("""
            changes:
              - add:
                  networkSecurityGroups:
                    - name: tenant-nsg
                      location: westeurope
                      securityRules:
                        - name: deny-web-out
                          priority: 200
                          direction: Outbound
                          access: Deny
                          protocol: Tcp
                          sourceAddressPrefix: '*'
                          sourcePortRange: '*'
                          destinationAddressPrefix: Internet
                          destinationPortRange: '443'
              - set:
                  resource: virtualNetworks/vdi-vnet/subnets/tenant
                  properties: { networkSecurityGroup: tenant-nsg }
            """);
        var r = Trace("s0-proxy-tunnel", [], "vdi-vm1", "8.8.8.8", extraChangeFiles: nsg);
        Assert.Equal("DENIED_BY_NSG", r.Disposition);
        Assert.Equal(["vdi-vm1 Start", "tenant-nsg Nsg", "tenant-nsg Deliver"], Hops(r.Request));
        Assert.Equal("Outbound Deny: tenant-nsg/deny-web-out (priority 200)", Decisions(r.Request)[1]);
        // Port 80 is not denied: the default rule AllowInternetOutBound (65001) lets it out.
        var http = Trace("s0-proxy-tunnel", [], "vdi-vm1", "8.8.8.8", port: 80, extraChangeFiles: nsg);
        Assert.Equal("EXITS_TO_INTERNET", http.Disposition);
        Assert.Equal("Outbound Allow: tenant-nsg/defaultSecurityRules/AllowInternetOutBound (priority 65001)", Decisions(http.Request)[1]);
        // The reply passes the NSG as an established flow (stateful, G1).
        Assert.Equal("Inbound: allowed as the reply of a flow it allowed", Decisions(http.Reply!.Value)[1]);
    }

    [Fact]
    public void DefaultInboundRuleDeniesTheInternetButAllowsTheVirtualNetwork()
    {
        var nsg = ChangeFile("""
            changes:
              - add:
                  networkSecurityGroups:
                    - name: app-nsg
                      location: westeurope
                      securityRules: []
              - set:
                  resource: virtualNetworks/app-vnet/subnets/app
                  properties: { networkSecurityGroup: app-nsg }
            """);
        // On-premises (behind the gateway) is in the VirtualNetwork tag (G4): AllowVnetInBound lets it in.
        var r = Trace("s0-proxy-tunnel", [], "10.1.0.10", "app-vm1", extraChangeFiles: nsg);
        Assert.Equal("DELIVERED", r.Disposition);
        Assert.Equal("Inbound Allow: app-nsg/defaultSecurityRules/AllowVnetInBound (priority 65000)", Decisions(r.Request).Single(d => d.StartsWith("Inbound")));
    }

    [Fact]
    public void DeniedByFirewallDefaultDeny()
    {
        var r = Trace("s1-vpn-over-er", ["firewall.yaml"], "spoke-vm1", "8.8.8.8");
        Assert.Equal("DENIED_BY_FIREWALL", r.Disposition);
        Assert.Equal(["spoke-vm1 Start", "vnet-spoke/workload Route", "hub-fw Firewall", "hub-fw Deliver"], Hops(r.Request));
        Assert.Equal("Deny: hub-fw/default-deny", Decisions(r.Request)[2]);
    }

    [Fact]
    public void NoRoute() =>
        Assert.Equal("NO_ROUTE", Trace("s4-vnet-to-vnet", [], "10.0.1.4", "10.0.4.4").Disposition);

    [Fact]
    public void NullRoutedByAUserRouteToNone()
    {
        var none = ChangeFile("""
            changes:
              - add:
                  routeTables:
                    - name: app-rt
                      location: westeurope
                      routes:
                        - { name: blackhole, addressPrefix: 8.8.8.0/24, nextHopType: None }
              - set:
                  resource: virtualNetworks/app-vnet/subnets/app
                  properties: { routeTable: app-rt }
            """);
        var r = Trace("s0-proxy-tunnel", [], "app-vm1", "8.8.8.8", extraChangeFiles: none);
        Assert.Equal("NULL_ROUTED", r.Disposition);
        Assert.Equal("user route blackhole sends 8.8.8.0/24 to None: dropped", Reason(r.Request));
    }

    [Fact]
    public void IpForwardingDisabledOnTheApplianceNic()
    {
        var off = ChangeFile("""
            changes:
              - set:
                  resource: networkInterfaces/vm3-inside
                  properties: { enableIPForwarding: false }
            """);
        var r = Trace("s2-ipsec-backup", [], "VM1", "8.8.4.4", extraChangeFiles: off);
        Assert.Equal("IP_FORWARDING_DISABLED", r.Disposition);
        Assert.Equal("NIC vm3-inside does not have IP forwarding enabled: the packet for 8.8.4.4 is dropped (rule H1)", Reason(r.Request));
    }

    [Fact]
    public void ForwardedTrafficBlockedOnTheReplyThroughTheAppliance()
    {
        var block = ChangeFile("""
            changes:
              - set:
                  resource: virtualNetworkPeerings/vnet1-to-vnet2
                  properties: { allowForwardedTraffic: false }
            """);
        var r = Trace("s2-ipsec-backup", [], "VM1", "8.8.4.4", extraChangeFiles: block);
        Assert.Equal("EXITS_TO_INTERNET", r.Disposition);
        Assert.Equal("FORWARDED_TRAFFIC_BLOCKED", ReplyDisposition(r));
        Assert.False(r.Reaches);
        Assert.Equal("peering vnet1-to-vnet2 does not allow forwarded traffic (source 8.8.4.4 is outside vnet2, rule C2)", Reason(r.Reply!.Value));
    }

    [Fact]
    public void NotInTrafficSelector()
    {
        string[] f = ["b-wide-acls.yaml", "c-policy-based.yaml", "d-selector-policies.yaml", "e-initiator-only.yaml", "f-exact-acls.yaml"];
        var r = Trace("s3-third-parties", f, "spoke-vm", "10.1.10.10");
        Assert.Equal("NOT_IN_TRAFFIC_SELECTOR", r.Disposition);
        Assert.Equal("no traffic selector of conn-red covers 172.16.100.4 -> 10.1.10.10 (negotiated 172.16.1.0/24<->10.1.0.0/16)", Reason(r.Request));
    }

    [Fact]
    public void TunnelDown()
    {
        string[] e = ["b-wide-acls.yaml", "c-policy-based.yaml", "d-selector-policies.yaml", "e-initiator-only.yaml"];
        var r = Trace("s3-third-parties", e, "hub-vm", "10.1.10.10");
        Assert.Equal("TUNNEL_DOWN", r.Disposition);
        Assert.StartsWith("the tunnel of conn-red (instance 0) is down: ", Reason(r.Request));
    }

    [Fact]
    public void LoopBetweenAnApplianceAndARouteTable()
    {
        var loop = ChangeFile("""
            changes:
              - add:
                  routeTables:
                    - name: inside-rt
                      location: westeurope
                      routes:
                        - { name: back-to-vm3, addressPrefix: 8.8.4.4/32, nextHopType: VirtualAppliance, nextHopIpAddress: 10.2.2.4 }
              - set:
                  resource: virtualNetworks/vnet2/subnets/vnet2-sub2
                  properties: { routeTable: inside-rt }
              - set:
                  resource: virtualMachines/VM3
                  properties:
                    appliance:
                      ipForwarding: true
                      stateful: true
                      routes:
                        - { addressPrefix: 0.0.0.0/0, nextHopIpAddress: 10.2.2.1 }
                      snat: []
            """);
        var r = Trace("s2-ipsec-backup", [], "VM1", "8.8.4.4", extraChangeFiles: loop);
        Assert.Equal("LOOP", r.Disposition);
        Assert.Equal("the packet came back to appliance VM3 with the same header: a forwarding loop", Reason(r.Request));
    }

    [Fact]
    public void PlatformAddressesAreNotSteeredNorFilteredByDefault()
    {
        // S1 with firewall.yaml: the spoke's 0.0.0.0/0 -> firewall does not catch the wire server (B4), and an NSG
        // denying all outbound traffic does not filter it (G5).
        var deny = ChangeFile("""
            changes:
              - add:
                  networkSecurityGroups:
                    - name: spoke-nsg
                      location: westeurope
                      securityRules:
                        - { name: deny-all-out, priority: 100, direction: Outbound, access: Deny, protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '*' }
              - set:
                  resource: virtualNetworks/vnet-spoke/subnets/workload
                  properties: { networkSecurityGroup: spoke-nsg }
            """);
        var r = Trace("s1-vpn-over-er", ["firewall.yaml"], "spoke-vm1", "168.63.129.16", port: 80, extraChangeFiles: deny);
        Assert.Equal("DELIVERED", r.Disposition);
        Assert.Equal(["spoke-vm1 Start", "spoke-nsg Nsg", "vnet-spoke/workload Route", "azure-platform Deliver"], Hops(r.Request));
        Assert.Equal("not evaluated", Decisions(r.Request)[1]);
        Assert.Equal(["azure-platform Start", "spoke-vm1 Deliver"], Hops(r.Reply!.Value));
        Assert.True(r.Reaches);
        // An ordinary internet address is denied by the same NSG.
        Assert.Equal("DENIED_BY_NSG", Trace("s1-vpn-over-er", ["firewall.yaml"], "spoke-vm1", "8.8.8.8", extraChangeFiles: deny).Disposition);
    }

    [Fact]
    public void ForcedTunnellingOverExpressRouteExitsThroughOnPremises()
    {
        // Rule B6: on-premises advertises 0.0.0.0/0 over private peering; the Default Internet route turns Invalid and
        // internet traffic leaves through the circuit.
        var forced = S0CircuitAdvertising(["0.0.0.0/0", "10.1.0.0/16"]);
        var r = Trace("s0-proxy-tunnel", [], "app-vm1", "8.8.8.8", extraChangeFiles: forced);
        Assert.Equal("EXITS_TO_INTERNET", r.Disposition);
        Assert.Equal(["app-vm1 Start", "app-vnet/app Route", "ERgw001 Gateway", "er-circuit Circuit", "er-circuit Deliver"], Hops(r.Request));
        Assert.Equal("VirtualNetworkGateway 0.0.0.0/0 VirtualNetworkGateway 10.100.0.4 via ERgw001", Decisions(r.Request)[1]);
        Assert.Equal(["er-circuit Circuit", "ERgw001 Gateway", "hub-vnet001/GatewaySubnet Route", "hub-vnet001-to-app-vnet Peering", "app-vm1 Deliver"], Hops(r.Reply!.Value));
    }
}
