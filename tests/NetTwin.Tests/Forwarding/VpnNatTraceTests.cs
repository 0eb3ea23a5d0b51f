using static NetTwin.Tests.Forwarding.TraceKit;
using static NetTwin.Tests.Forwarding.TraceResult;

namespace NetTwin.Tests.Forwarding;

/// <summary>VPN gateway NAT rules (F1) applied to packets: the egress rule translates the request's source on the
/// way into the tunnel and the reply's destination back on the way out of it.</summary>
public class VpnNatTraceTests
{
    private static string Nat(string type) => ChangeFile($$"""
        changes:
          - set:
              resource: virtualNetworkGateways/VPNgw001
              properties:
                sku: VpnGw2
                natRules:
                  - name: vdi-egress
                    type: {{type}}
                    mode: EgressSnat
                    internalMappings: [10.120.1.0/24]
                    externalMappings: [100.64.120.0/24]
          - set:
              resource: connections/hub-to-proxy
              properties: { egressNatRules: [vdi-egress] }
        """);

    [Fact]
    public void StaticEgressSnatTranslatesBothWays()
    {
        var r = Trace("s0-proxy-tunnel", ["solution4-hub-vpn.yaml"], "vdi-vm1", "8.8.8.8", extraChangeFiles: Nat("Static"));
        Assert.Equal("EXITS_TO_INTERNET", r.Disposition);
        Assert.Equal(["vdi-vm1 Start", "vdi-vnet/tenant Route", "VPNgw001 Gateway", "hub-to-proxy Nat", "hub-to-proxy Tunnel", "proxy-supplier Deliver"], Hops(r.Request));
        Assert.Equal("EgressSnat Static rule vdi-egress: source 10.120.1.4 -> 100.64.120.4", Decisions(r.Request)[3]);
        Assert.Equal("100.64.120.4:49152 -> 8.8.8.8:443 tcp", FinalFlow(r.Request));
        Assert.Equal("EgressSnat Static rule vdi-egress: destination 100.64.120.4 -> 10.120.1.4", Decisions(r.Reply!.Value)[1]);
        Assert.Equal("DELIVERED", ReplyDisposition(r));
        Assert.Equal("8.8.8.8:443 -> 10.120.1.4:49152 tcp", FinalFlow(r.Reply!.Value));
        Assert.False(r.Asymmetric);
    }

    [Fact]
    public void DynamicNatIsAStatefulDeviceOnThePath()
    {
        var r = Trace("s0-proxy-tunnel", ["solution4-hub-vpn.yaml"], "vdi-vm1", "8.8.8.8", extraChangeFiles: Nat("Dynamic"));
        Assert.Equal(["VPNgw001 NAT"], Stateful(r.Request));
        Assert.Equal(["VPNgw001 NAT"], Stateful(r.Reply!.Value));
        Assert.True(r.Reaches);
        Assert.False(r.Asymmetric);
    }
}
