using NetTwin.Formats.Yaml;
using NetTwin.Ipsec;
using NetTwin.Model;

namespace NetTwin.Tests.Ipsec;

/// <summary>Tunnels whose other end is an Azure gateway: VNet-to-VNet, and (seed 002 style) IPsec connections whose
/// local network gateway holds another gateway's address.</summary>
public class AzurePeerTests
{
    private static Topology Vnets(string connections) => TopologyLoader.LoadText($$"""
        virtualNetworks:
          - { name: vnet1, location: westeurope, addressSpace: [10.0.0.0/22], subnets: [ { name: GatewaySubnet, addressPrefix: 10.0.3.0/27 } ] }
          - { name: vnet2, location: northeurope, addressSpace: [10.0.4.0/24], subnets: [ { name: GatewaySubnet, addressPrefix: 10.0.4.224/27 } ] }
        virtualNetworkGateways:
          - { name: gw1, subnet: vnet1/GatewaySubnet, gatewayType: Vpn, sku: VpnGw1,
              ipConfigurations: [ { name: default, privateIPAddress: 10.0.3.4, publicIPAddress: 198.51.100.1 } ] }
          - { name: gw2, subnet: vnet2/GatewaySubnet, gatewayType: Vpn, sku: VpnGw1,
              ipConfigurations: [ { name: default, privateIPAddress: 10.0.4.228, publicIPAddress: 198.51.100.2 } ] }
        {{connections}}
        """);

    private const string Both = """
        connections:
          - { name: v1-to-v2, connectionType: Vnet2Vnet, virtualNetworkGateway1: gw1, virtualNetworkGateway2: gw2, sharedKey: abc }
          - { name: v2-to-v1, connectionType: Vnet2Vnet, virtualNetworkGateway1: gw2, virtualNetworkGateway2: gw1, sharedKey: abc }
        """;

    [Fact]
    public void Vnet_to_vnet_with_both_connections_comes_up_any_to_any_from_both_sides()
    {
        var a = Tunnels.Evaluate(Vnets(Both), Underlay.PublicInternet);
        var r = a.Connection("v1-to-v2")!;
        Assert.Equal(TunnelState.Up, r.State);
        Assert.Equal(PeerKind.AzureGateway, r.PeerKind);
        Assert.Equal("gw2", r.Peer);
        Assert.Equal(["0.0.0.0/0<->0.0.0.0/0"], IpsecKit.Selectors(r));
        Assert.Equal(TunnelInitiator.Both, r.Initiator);
        Assert.Empty(a.Transits);
    }

    [Fact]
    public void Vnet_to_vnet_needs_the_connection_back_with_the_same_key_and_policy()
    {
        var oneWay = Tunnels.Evaluate(Vnets("""
            connections:
              - { name: v1-to-v2, connectionType: Vnet2Vnet, virtualNetworkGateway1: gw1, virtualNetworkGateway2: gw2, sharedKey: abc }
            """), Underlay.PublicInternet).Connection("v1-to-v2")!;
        Assert.Equal(TunnelFailure.PeerNotConfigured, oneWay.Failure);
        Assert.Contains("no VNet-to-VNet connection back", oneWay.Reason, StringComparison.Ordinal);

        var keys = Tunnels.Evaluate(Vnets(Both.Replace("sharedKey: abc }\n  - { name: v2-to-v1", "sharedKey: xyz }\n  - { name: v2-to-v1", StringComparison.Ordinal)),
            Underlay.PublicInternet).Connection("v1-to-v2")!;
        Assert.Equal(TunnelFailure.AuthenticationFailed, keys.Failure);

        var policy = Tunnels.Evaluate(Vnets("""
            connections:
              - { name: v1-to-v2, connectionType: Vnet2Vnet, virtualNetworkGateway1: gw1, virtualNetworkGateway2: gw2, sharedKey: abc,
                  ipsecPolicies: [ { saLifeTimeSeconds: 27000, saDataSizeKilobytes: 102400000, ipsecEncryption: AES256, ipsecIntegrity: SHA256,
                                     ikeEncryption: AES256, ikeIntegrity: SHA256, dhGroup: DHGroup14, pfsGroup: None } ] }
              - { name: v2-to-v1, connectionType: Vnet2Vnet, virtualNetworkGateway1: gw2, virtualNetworkGateway2: gw1, sharedKey: abc }
            """), Underlay.PublicInternet).Connection("v1-to-v2")!;
        Assert.Equal(TunnelFailure.NoProposalChosen, policy.Failure);
        Assert.Contains("DH group", policy.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Nobody_initiates_when_both_azure_ends_are_responder_only()
    {
        var r = Tunnels.Evaluate(Vnets("""
            connections:
              - { name: v1-to-v2, connectionType: Vnet2Vnet, virtualNetworkGateway1: gw1, virtualNetworkGateway2: gw2, sharedKey: abc, connectionMode: ResponderOnly }
              - { name: v2-to-v1, connectionType: Vnet2Vnet, virtualNetworkGateway1: gw2, virtualNetworkGateway2: gw1, sharedKey: abc, connectionMode: ResponderOnly }
            """), Underlay.PublicInternet).Connection("v1-to-v2")!;
        Assert.Equal(TunnelFailure.NoInitiator, r.Failure);
    }

    [Fact]
    public void Local_network_gateway_pointing_at_an_azure_gateway_finds_its_connection()
    {
        var t = Vnets("""
            localNetworkGateways:
              - { name: lng-to-gw2, gatewayIpAddress: 198.51.100.2, addressPrefixes: [10.0.4.0/24] }
              - { name: lng-to-gw1, gatewayIpAddress: 198.51.100.1, addressPrefixes: [10.0.0.0/22] }
            connections:
              - { name: c1, connectionType: IPsec, virtualNetworkGateway1: gw1, localNetworkGateway2: lng-to-gw2, sharedKey: k,
                  usePolicyBasedTrafficSelectors: true }
              - { name: c2, connectionType: IPsec, virtualNetworkGateway1: gw2, localNetworkGateway2: lng-to-gw1, sharedKey: k }
            """);
        var a = Tunnels.Evaluate(t, Underlay.PublicInternet);
        var c1 = a.Connection("c1")!;
        Assert.Equal(TunnelState.Up, c1.State);
        Assert.Equal(PeerKind.AzureGateway, c1.PeerKind);
        // gw1 proposes its policy-based pair; gw2 (an Azure responder) accepts it; gw2 initiates any-to-any and gw1 accepts that too (E1).
        Assert.Equal(["0.0.0.0/0<->0.0.0.0/0", "10.0.0.0/22<->10.0.4.0/24"], IpsecKit.Selectors(c1));
        // Seen from c2, the same SAs with the sides swapped.
        Assert.Equal(["0.0.0.0/0<->0.0.0.0/0", "10.0.4.0/24<->10.0.0.0/22"], IpsecKit.Selectors(a.Connection("c2")!));
    }
}
