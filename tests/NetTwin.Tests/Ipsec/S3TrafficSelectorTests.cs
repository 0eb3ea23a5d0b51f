using NetTwin.Ipsec;
using static NetTwin.Tests.Ipsec.IpsecKit;

namespace NetTwin.Tests.Ipsec;

/// <summary>Scenario S3 (seed 003), cases a to f: negotiated selectors, tunnel state, and whether red 10.1.10.10
/// reaches blue 10.2.10.10 through our gateway. Selectors print Azure side first: "172.16.0.0/16&lt;-&gt;10.1.0.0/16" is
/// the seed's "10.1.0.0/16 &lt;&gt; 172.16.0.0/16".</summary>
public class S3TrafficSelectorTests
{
    private static readonly NetTwin.Model.Ipv4 RedHost = Ip("10.1.10.10");
    private static readonly NetTwin.Model.Ipv4 BlueHost = Ip("10.2.10.10");

    [Fact]
    public void A_defaults_narrow_acls_each_site_gets_its_own_selector_and_no_transit()
    {
        var a = S3('a');
        var red = a.Connection("conn-red")!;
        var blue = a.Connection("conn-blue")!;
        Assert.Equal(TunnelState.Up, red.State);
        Assert.Equal(TunnelState.Up, blue.State);
        Assert.Equal(["172.16.0.0/16<->10.1.0.0/16"], Selectors(red));
        Assert.Equal(["172.16.0.0/16<->10.2.0.0/16"], Selectors(blue));
        // Azure's any-to-any proposal and its observed fallbacks are refused by an exact crypto-map peer; the SA is the peer's.
        Assert.Equal(TunnelInitiator.Peer, red.Initiator);
        Assert.Contains(red.Explanation, s => s.Message.Contains("0.0.0.0/0<->0.0.0.0/0", StringComparison.Ordinal) && s.Rule == "E2");
        Assert.Contains(red.Explanation, s => s.Message.StartsWith("answers TS_UNACCEPTABLE", StringComparison.Ordinal));
        Assert.Contains(red.Explanation, s => s.Rule is not null && s.Rule.Contains("observed (seed 003), not documented", StringComparison.Ordinal));
        Assert.False(a.TransitAllows("conn-red", "conn-blue", RedHost, BlueHost));
        Assert.False(a.TransitAllows("conn-blue", "conn-red", BlueHost, RedHost));
        Assert.DoesNotContain(a.Findings, f => f.Id.Contains("TRANSIT", StringComparison.Ordinal));
        // Red reaches the hub and the spoke.
        Assert.True(red.Carries(Ip("172.16.1.4"), RedHost));
        Assert.True(red.Carries(Ip("172.16.100.4"), RedHost));
    }

    [Fact]
    public void B_wide_acl_entries_are_accepted_and_red_reaches_blue_through_our_gateway()
    {
        var b = S3('b');
        var red = b.Connection("conn-red")!;
        Assert.Equal(TunnelState.Up, red.State);
        Assert.Equal(["10.0.0.0/8<->10.0.0.0/8", "172.16.0.0/16<->10.1.0.0/16"], Selectors(red));
        Assert.Equal(["10.0.0.0/8<->10.0.0.0/8", "172.16.0.0/16<->10.2.0.0/16"], Selectors(b.Connection("conn-blue")!));
        var wide = red.Selectors.Single(s => s.Selector.Local[0].ToString() == "10.0.0.0/8");
        Assert.Equal(Side.Peer, wide.Initiator);
        Assert.EndsWith("red-b.ios", wide.Source.File, StringComparison.Ordinal);
        Assert.True(b.TransitAllows("conn-red", "conn-blue", RedHost, BlueHost));
        Assert.True(b.TransitAllows("conn-blue", "conn-red", BlueHost, RedHost));
        var finding = Assert.Single(b.Findings, f => f.Id.Contains("TRANSIT", StringComparison.Ordinal));
        Assert.Equal("NT-IPSEC-TRANSIT-001", finding.Id);
        Assert.Contains("10.1.0.0/16 -> 10.2.0.0/16", finding.Message, StringComparison.Ordinal);
        Assert.Contains("connectionMode InitiatorOnly", finding.Message, StringComparison.Ordinal);
        Assert.Contains("red-b.ios", finding.Message, StringComparison.Ordinal);
        // Both connections carry the finding.
        Assert.Contains(red.Findings, f => f.Id == "NT-IPSEC-TRANSIT-001");
        Assert.Contains(b.Connection("conn-blue")!.Findings, f => f.Id == "NT-IPSEC-TRANSIT-001");
    }

    [Fact]
    public void C_policy_based_selectors_fall_back_and_still_respond_so_selectors_stay_wide()
    {
        var c = S3('c');
        var red = c.Connection("conn-red")!;
        Assert.Equal(TunnelState.Up, red.State);
        Assert.Equal(["10.0.0.0/8<->10.0.0.0/8", "172.16.0.0/16<->10.1.0.0/16"], Selectors(red));
        // Azure proposed every (Azure prefix, site prefix) pair first, then fell back to any-to-any.
        Assert.Contains(red.Explanation, s => s.Message.Contains("proposes child SA 172.16.1.0/24<->10.1.0.0/16", StringComparison.Ordinal));
        Assert.Contains(red.Explanation, s => s.Message.Contains("proposes child SA 172.16.100.0/24<->10.1.0.0/16", StringComparison.Ordinal));
        Assert.Contains(red.Explanation, s => s.Message.Contains("proposes child SA 0.0.0.0/0<->0.0.0.0/0", StringComparison.Ordinal)
            && s.Rule!.Contains("observed", StringComparison.Ordinal));
        // The documented contradiction (rule E3) is in the explanation.
        Assert.Contains(red.Explanation, s => s.Rule == "E3" && s.Message.Contains("Default policy", StringComparison.Ordinal));
        // The custom policy is what both sides agreed on.
        Assert.Contains(red.Proposals, p => p.Ike is { Encryption: "AES256", Integrity: "SHA256", DhGroup: 14 } && p.Failure is null);
        Assert.True(c.TransitAllows("conn-red", "conn-blue", RedHost, BlueHost));
        Assert.Single(c.Findings, f => f.Id == "NT-IPSEC-TRANSIT-001");
    }

    [Fact]
    public void D_selector_policies_only_change_the_initiator_proposal_azure_still_accepts_wide_selectors()
    {
        var d = S3('d');
        var red = d.Connection("conn-red")!;
        Assert.Equal(TunnelState.Up, red.State);
        Assert.Equal(["10.0.0.0/8<->10.0.0.0/8", "172.16.0.0/16<->10.1.0.0/16"], Selectors(red));
        Assert.Contains(red.Explanation, s => s.Rule == "E4" && s.Message.Contains("proposes child SA 172.16.1.0/24<->10.1.0.0/16", StringComparison.Ordinal));
        Assert.DoesNotContain(red.Explanation, s => s.Message.Contains("proposes child SA 0.0.0.0/0", StringComparison.Ordinal));
        Assert.True(d.TransitAllows("conn-red", "conn-blue", RedHost, BlueHost));
        Assert.Single(d.Findings, f => f.Id == "NT-IPSEC-TRANSIT-001");
    }

    [Fact]
    public void E_initiator_only_with_selector_policies_no_tunnel_because_the_exact_peer_refuses()
    {
        var e = S3('e');
        foreach (var name in new[] { "conn-red", "conn-blue" })
        {
            var r = e.Connection(name)!;
            Assert.Equal(TunnelState.Down, r.State);
            Assert.Equal(TunnelFailure.TsUnacceptable, r.Failure);
            Assert.Empty(r.Selectors);
            Assert.Contains("TS_UNACCEPTABLE", r.Findings.Single(f => f.Id == "NT-TUNNEL-001").Message, StringComparison.Ordinal);
            Assert.Contains(r.Explanation, s => s.Message.StartsWith("rejects red's IKE_SA_INIT", StringComparison.Ordinal)
                || s.Message.StartsWith("rejects blue's IKE_SA_INIT", StringComparison.Ordinal));
        }
        Assert.False(e.TransitAllows("conn-red", "conn-blue", RedHost, BlueHost));
        Assert.Empty(e.Transits);
    }

    [Fact]
    public void F_acls_equal_to_azure_proposal_exact_selectors_no_transit_and_only_the_hub_is_reachable()
    {
        var f = S3('f');
        var red = f.Connection("conn-red")!;
        var blue = f.Connection("conn-blue")!;
        Assert.Equal(TunnelState.Up, red.State);
        Assert.Equal(TunnelState.Up, blue.State);
        Assert.Equal(["172.16.1.0/24<->10.1.0.0/16"], Selectors(red));
        Assert.Equal(["172.16.1.0/24<->10.2.0.0/16"], Selectors(blue));
        Assert.Equal(TunnelInitiator.Azure, red.Initiator);
        Assert.False(f.TransitAllows("conn-red", "conn-blue", RedHost, BlueHost));
        Assert.Empty(f.Transits);
        Assert.True(red.Carries(Ip("172.16.1.4"), RedHost));
        Assert.False(red.Carries(Ip("172.16.100.4"), RedHost));
        Assert.False(red.Carries(BlueHost, RedHost));
    }

    [Fact]
    public void Only_the_transit_finding_uses_the_word()
    {
        foreach (var c in "abcdef")
            foreach (var finding in S3(c).Findings.Where(x => x.Id != "NT-IPSEC-TRANSIT-001"))
            {
                Assert.DoesNotContain("TRANSIT", finding.Id, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("transit", finding.Message, StringComparison.OrdinalIgnoreCase);
            }
    }
}
