using NetTwin.Ipsec;
using static NetTwin.Tests.Ipsec.IpsecKit;

namespace NetTwin.Tests.Ipsec;

public class NegotiationTests
{
    private const string Rfc7296 = """
        description: red and blue narrow per RFC 7296 instead of answering only equal selectors
        changes:
          - set: { resource: onPremisesDevices/red, properties: { narrowing: rfc7296 } }
          - set: { resource: onPremisesDevices/blue, properties: { narrowing: rfc7296 } }
        """;

    [Fact]
    public void Exact_and_rfc7296_narrowing_differ_on_the_same_proposal()
    {
        // Case e: Azure (InitiatorOnly) proposes 172.16.1.0/24<->10.1.0.0/16; red's ACL holds 10.1/16 -> 172.16/16 and 10/8 -> 10/8.
        var exact = S3('e').Connection("conn-red")!;
        var rfc = S3('e', Rfc7296).Connection("conn-red")!;

        Assert.Equal(TunnelState.Down, exact.State);
        Assert.Equal(TunnelFailure.TsUnacceptable, exact.Failure);
        Assert.Contains(exact.Explanation, s => s.Message.Contains("narrowing exact", StringComparison.Ordinal) && s.Rule == "E5");

        Assert.Equal(TunnelState.Up, rfc.State);
        Assert.Equal(["172.16.1.0/24<->10.1.0.0/16"], Selectors(rfc));
        Assert.Equal(TunnelInitiator.Azure, rfc.Initiator);
        Assert.Contains(rfc.Explanation, s => s.Message.Contains("narrowing rfc7296", StringComparison.Ordinal) && s.Rule == "E6");
    }

    [Fact]
    public void Rfc7296_responder_returns_the_subset_inside_its_policy()
    {
        // Azure's default any-to-any: an RFC 7296 peer narrows it to its ACL entry instead of refusing it.
        var t = Lab(CiscoPeer(acl: " permit ip 10.1.0.0 0.0.255.255 172.16.1.0 0.0.0.255"), "connectionMode: InitiatorOnly", narrowing: "rfc7296");
        var r = Tunnels.Evaluate(t, Underlay.PublicInternet, Configs()).Connection("conn")!;
        Assert.Equal(TunnelState.Up, r.State);
        Assert.Equal(["172.16.1.0/24<->10.1.0.0/16"], Selectors(r));
        Assert.Contains(r.Explanation, s => s.Message.StartsWith("narrows it to 172.16.1.0/24<->10.1.0.0/16", StringComparison.Ordinal));

        var exact = Tunnels.Evaluate(Lab(CiscoPeer(acl: " permit ip 10.1.0.0 0.0.255.255 172.16.1.0 0.0.0.255"), "connectionMode: InitiatorOnly"),
            Underlay.PublicInternet, Configs()).Connection("conn")!;
        // Exact peer: any-to-any refused; the observed fallback hub x site pair 172.16.1.0/24<->10.1.0.0/16 equals the ACL entry.
        Assert.Equal(TunnelState.Up, exact.State);
        Assert.Equal(["172.16.1.0/24<->10.1.0.0/16"], Selectors(exact));
        Assert.Contains(exact.Explanation, s => s.Message.StartsWith("falls back", StringComparison.Ordinal));
    }

    [Fact]
    public void Ike_proposal_mismatch_names_the_dh_group()
    {
        // Azure's default policy: DH group 2 only; the peer offers only group 14.
        var r = Tunnels.Evaluate(Lab(CiscoPeer(groups: "14")), Underlay.PublicInternet, Configs()).Connection("conn")!;
        Assert.Equal(TunnelState.Down, r.State);
        Assert.Equal(TunnelFailure.NoProposalChosen, r.Failure);
        Assert.Contains("DH group: offered DHGroup2; accepted DHGroup14", r.Reason, StringComparison.Ordinal);
        Assert.Contains("NO_PROPOSAL_CHOSEN", r.Findings.Single(f => f.Id == "NT-TUNNEL-001").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_policy_mismatch_names_the_encryption()
    {
        const string policy = """
            ipsecPolicies:
              - { saLifeTimeSeconds: 27000, saDataSizeKilobytes: 102400000, ipsecEncryption: AES256, ipsecIntegrity: SHA256,
                  ikeEncryption: AES128, ikeIntegrity: SHA256, dhGroup: DHGroup14, pfsGroup: None }
            """;
        var r = Tunnels.Evaluate(Lab(CiscoPeer(), policy), Underlay.PublicInternet, Configs()).Connection("conn")!;
        Assert.Equal(TunnelFailure.NoProposalChosen, r.Failure);
        Assert.Contains("encryption: offered AES128; accepted AES256", r.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("DH group", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipsec_proposal_mismatch_names_the_transform()
    {
        // Peer proposes only 3DES/MD5 which Azure's defaults do not hold.
        var r = Tunnels.Evaluate(Lab(CiscoPeer(transforms: "esp-3des esp-md5-hmac")), Underlay.PublicInternet, Configs()).Connection("conn")!;
        Assert.Equal(TunnelState.Down, r.State);
        Assert.Equal(TunnelFailure.NoProposalChosen, r.Failure);
        Assert.Contains("ESP integrity: offered MD5", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_mismatch_is_authentication_failed()
    {
        var r = Tunnels.Evaluate(Lab(CiscoPeer(key: "SomethingElse")), Underlay.PublicInternet, Configs()).Connection("conn")!;
        Assert.Equal(TunnelState.Down, r.State);
        Assert.Equal(TunnelFailure.AuthenticationFailed, r.Failure);
        Assert.Contains("pre-shared key", r.Reason, StringComparison.Ordinal);
        Assert.Contains("keyring KR peer AZURE", r.Reason, StringComparison.Ordinal);
        Assert.Contains(r.Proposals, p => p.KeysMatch == false && p.Failure == TunnelFailure.AuthenticationFailed);

        var ok = Tunnels.Evaluate(Lab(CiscoPeer()), Underlay.PublicInternet, Configs()).Connection("conn")!;
        Assert.Equal(TunnelState.Up, ok.State);
        Assert.Contains(ok.Proposals, p => p.KeysMatch == true);
    }

    [Fact]
    public void Crypto_map_for_another_address_is_peer_not_configured()
    {
        var r = Tunnels.Evaluate(Lab(CiscoPeer(azure: "198.51.100.99")), Underlay.PublicInternet, Configs()).Connection("conn")!;
        // No crypto map entry points at Azure's address at all.
        Assert.Equal(TunnelFailure.PeerNotConfigured, r.Failure);
        Assert.Contains("set peer 198.51.100.40", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_peer_is_named()
    {
        UnderlayOracle nothing = q => UnderlayAnswer.Unreachable($"no route from {q.Source} to {q.Destination}");
        var r = Tunnels.Evaluate(Lab(CiscoPeer()), nothing, Configs()).Connection("conn")!;
        Assert.Equal(TunnelState.Down, r.State);
        Assert.Equal(TunnelFailure.PeerUnreachable, r.Failure);
        Assert.Contains("no route from 198.51.100.40 to 203.0.113.10", r.Reason, StringComparison.Ordinal);
        Assert.Contains("PEER_UNREACHABLE", r.Findings.Single(f => f.Id == "NT-TUNNEL-001").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nobody_may_initiate_when_azure_is_responder_only_and_the_peer_has_nothing_to_propose()
    {
        // An ACL with no permit entry: the crypto map never starts anything.
        var r = Tunnels.Evaluate(Lab(CiscoPeer(acl: " deny ip any any"), "connectionMode: ResponderOnly"), Underlay.PublicInternet, Configs()).Connection("conn")!;
        Assert.Equal(TunnelState.Down, r.State);
        Assert.Equal(TunnelFailure.NoInitiator, r.Failure);
        Assert.Contains("ResponderOnly", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Pfs_required_by_the_peer_fails_azure_initiated_exchanges_only()
    {
        // Azure's default initiator offers carry no PFS; as responder it accepts AES256/SHA256 with PFS 14.
        var r = Tunnels.Evaluate(Lab(CiscoPeer(acl: " permit ip any any", pfs: "group14")),
            Underlay.PublicInternet, Configs()).Connection("conn")!;
        Assert.Equal(TunnelState.Up, r.State);
        Assert.Equal(TunnelInitiator.Peer, r.Initiator);
        Assert.Contains(r.Proposals, p => p.Initiator == Side.Azure && p.Failure == TunnelFailure.NoProposalChosen && p.Detail.Contains("PFS group", StringComparison.Ordinal));
        Assert.Contains(r.Proposals, p => p.Initiator == Side.Peer && p.Esp is { Encryption: "AES256", Integrity: "SHA256", PfsGroup: 14 });
        Assert.Contains(r.Findings, f => f.Id == "NT-TUNNEL-003");
    }

    [Fact]
    public void Unmodelled_peer_is_assumed_and_flagged()
    {
        var r = Tunnels.Evaluate(Lab(null), Underlay.PublicInternet).Connection("conn")!;
        Assert.Equal(TunnelState.Up, r.State);
        Assert.Equal(PeerKind.Unmodelled, r.PeerKind);
        Assert.Equal(["0.0.0.0/0<->0.0.0.0/0"], Selectors(r));
        Assert.Contains(r.Findings, f => f.Id == "NT-TUNNEL-004");
    }

    [Fact]
    public void Failed_connection_and_failed_gateway_instance_are_down()
    {
        var t = Lab(CiscoPeer());
        var failedConn = t with { Failures = [new NetTwin.Model.Failure(NetTwin.Model.FailureKind.Connection, "conn")] };
        Assert.Equal(TunnelFailure.ConnectionFailed, Tunnels.Evaluate(failedConn, Underlay.PublicInternet, Configs()).Connection("conn")!.Failure);

        // Active-standby: one failed instance fails over; both failed = down.
        var one = t with { Failures = [new NetTwin.Model.Failure(NetTwin.Model.FailureKind.GatewayInstance, "gw", 0)] };
        var oneReport = Tunnels.Evaluate(one, Underlay.PublicInternet, Configs()).Connection("conn")!;
        Assert.Equal(TunnelState.Up, oneReport.State);
        Assert.Contains(oneReport.Explanation, s => s.Message.Contains("standby instance takes over", StringComparison.Ordinal));
        var both = t with
        {
            Failures = [new NetTwin.Model.Failure(NetTwin.Model.FailureKind.GatewayInstance, "gw", 0), new NetTwin.Model.Failure(NetTwin.Model.FailureKind.GatewayInstance, "gw", 1)],
        };
        Assert.Equal(TunnelFailure.GatewayFailed, Tunnels.Evaluate(both, Underlay.PublicInternet, Configs()).Connection("conn")!.Failure);
    }
}
