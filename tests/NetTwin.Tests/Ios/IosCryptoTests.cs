using NetTwin.Formats.Ios;
using NetTwin.Model;
using static NetTwin.Tests.Ios.Ios;

namespace NetTwin.Tests.Ios;

public class IosCryptoTests
{
    // A route-based (VTI) and a policy-based (crypto map) IKEv2 configuration towards Azure.
    private const string Config = """
        crypto ikev2 proposal AZ-PROPOSAL
         encryption aes-cbc-256 aes-cbc-128
         integrity sha256 sha1
         group 14 2
        !
        crypto ikev2 policy AZ-POLICY
         match address local 10.1.0.4
         proposal AZ-PROPOSAL
        !
        crypto ikev2 keyring AZ-KEYRING
         peer azure-gw-0
          address 52.151.66.181
          pre-shared-key Msft123Msft123
         !
         peer azure-range
          address 52.151.0.0 255.255.0.0
          identity address 52.151.66.182
          pre-shared-key local LocalKey1
          pre-shared-key remote RemoteKey2
        !
        crypto ikev2 profile prof
         match address local interface GigabitEthernet1
         match identity remote address 52.151.66.181 255.255.255.255
         match identity remote address 52.151.66.182
         identity local address 10.1.0.4
         authentication remote pre-share
         authentication local pre-share
         keyring local AZ-KEYRING
         lifetime 28800
         dpd 10 5 on-demand
        !
        crypto ipsec transform-set AZURE esp-aes 256 esp-sha256-hmac
         mode tunnel
        crypto ipsec transform-set LEGACY esp-3des esp-md5-hmac
         mode transport
        !
        crypto ipsec profile AZ-IPSEC
         set transform-set AZURE LEGACY
         set ikev2-profile prof
         set pfs group14
         set security-association lifetime seconds 27000
         set security-association lifetime kilobytes 102400000
        !
        crypto map AZURE 10 ipsec-isakmp
         set peer 52.151.66.181
         set security-association lifetime seconds 28800
         set transform-set AZURE
         set pfs group2
         set ikev2-profile prof
         match address VPN-Azure-to-Onprem
        crypto map AZURE local-address GigabitEthernet1
        !
        interface GigabitEthernet1
         ip address 10.1.0.4 255.255.255.0
         crypto map AZURE
        !
        ip access-list extended VPN-Azure-to-Onprem
         permit ip 10.1.0.0 0.0.255.255 172.16.0.0 0.0.255.255
        """;

    [Fact]
    public void ParsesIkev2Proposals()
    {
        var p = Clean(Config).Crypto.Ikev2Proposals["AZ-PROPOSAL"];
        Assert.Equal("AZ-PROPOSAL", p.Name);
        Assert.Equal(["aes-cbc-256", "aes-cbc-128"], p.Encryption.AsEnumerable());
        Assert.Equal(["sha256", "sha1"], p.Integrity.AsEnumerable());
        Assert.Equal([14, 2], p.Groups.AsEnumerable());
        Assert.Empty(p.Prf);
        Assert.Equal(new SourceRef(Ios.File, 1, 1), p.Source);
    }

    [Fact]
    public void ParsesIkev2Policies()
    {
        var p = Clean(Config).Crypto.Ikev2Policies["AZ-POLICY"];
        Assert.Equal(["AZ-PROPOSAL"], p.Proposals.AsEnumerable());
        Assert.Equal([Ip("10.1.0.4")], p.MatchAddressLocal.AsEnumerable());
        Assert.Equal(6, p.Source.Line);
    }

    [Fact]
    public void ParsesIkev2KeyringsAndTheirPeers()
    {
        var k = Clean(Config).Crypto.Ikev2Keyrings["AZ-KEYRING"];
        Assert.Collection(k.Peers,
            p =>
            {
                Assert.Equal("azure-gw-0", p.Name);
                Assert.Equal(P("52.151.66.181/32"), p.Address);
                Assert.Null(p.Identity);
                Assert.Equal(("Msft123Msft123", "Msft123Msft123"), (p.LocalPreSharedKey, p.RemotePreSharedKey));
                Assert.False(p.PreSharedKeyEncrypted);
                Assert.Equal(new SourceRef(Ios.File, 11, 2), p.Source);
            },
            p =>
            {
                Assert.Equal("azure-range", p.Name);
                Assert.Equal(P("52.151.0.0/16"), p.Address);
                Assert.Equal("address 52.151.66.182", p.Identity);
                Assert.Equal(("LocalKey1", "RemoteKey2"), (p.LocalPreSharedKey, p.RemotePreSharedKey));
            });
        Assert.Equal("azure-gw-0", k.PeerFor(Ip("52.151.66.181"))!.Name);   // longest match
        Assert.Equal("azure-range", k.PeerFor(Ip("52.151.1.1"))!.Name);
        Assert.Null(k.PeerFor(Ip("20.1.1.1")));
    }

    [Fact]
    public void ParsesIkev2Profiles()
    {
        var p = Clean(Config).Crypto.Ikev2Profiles["prof"];
        Assert.Equal([P("52.151.66.181/32"), P("52.151.66.182/32")], p.MatchIdentityRemoteAddresses.AsEnumerable());
        Assert.Equal("GigabitEthernet1", p.MatchAddressLocalInterface);
        Assert.Null(p.MatchAddressLocal);
        Assert.Equal("address 10.1.0.4", p.IdentityLocal);
        Assert.Equal(("pre-share", "pre-share"), (p.AuthenticationLocal, p.AuthenticationRemote));
        Assert.Equal("AZ-KEYRING", p.Keyring);
        Assert.Equal(28800, p.LifetimeSeconds);
        Assert.True(p.MatchesRemote(Ip("52.151.66.182")));
        Assert.False(p.MatchesRemote(Ip("52.151.66.183")));
    }

    [Fact]
    public void RemoteIdentityAddressZeroWithoutAMaskMatchesAnyPeer()
    {
        var p = Clean("crypto ikev2 profile ANY\n match identity remote address 0.0.0.0").Crypto.Ikev2Profiles["ANY"];
        Assert.Equal([Prefix.Default], p.MatchIdentityRemoteAddresses.AsEnumerable());
        Assert.True(p.MatchesRemote(Ip("20.1.2.3")));
    }

    [Fact]
    public void ParsesTransformSets()
    {
        var c = Clean(Config).Crypto;
        var azure = c.TransformSets["AZURE"];
        Assert.Equal(["esp-aes 256", "esp-sha256-hmac"], azure.Transforms.AsEnumerable());
        Assert.Equal(IpsecMode.Tunnel, azure.Mode);
        Assert.Equal(("esp-aes 256", "esp-sha256-hmac"), (azure.Encryption, azure.Integrity));
        var legacy = c.TransformSets["LEGACY"];
        Assert.Equal(["esp-3des", "esp-md5-hmac"], legacy.Transforms.AsEnumerable());
        Assert.Equal(IpsecMode.Transport, legacy.Mode);
    }

    [Fact]
    public void ParsesIpsecProfiles()
    {
        var p = Clean(Config).Crypto.IpsecProfiles["AZ-IPSEC"];
        Assert.Equal(["AZURE", "LEGACY"], p.TransformSets.AsEnumerable());
        Assert.Equal("prof", p.Ikev2Profile);
        Assert.Equal(14, p.PfsGroup);
        Assert.Equal(27000, p.LifetimeSeconds);
        Assert.Equal(102400000L, p.LifetimeKilobytes);
    }

    [Fact]
    public void ParsesCryptoMaps()
    {
        var config = Clean(Config);
        var map = config.Crypto.CryptoMaps["AZURE"];
        Assert.Equal("GigabitEthernet1", map.LocalAddressInterface);
        var e = Assert.Single(map.Entries);
        Assert.Equal(("AZURE", 10), (e.MapName, e.Sequence));
        Assert.Null(e.DynamicMap);
        Assert.Equal([Ip("52.151.66.181")], e.Peers.AsEnumerable());
        Assert.Equal(["AZURE"], e.TransformSets.AsEnumerable());
        Assert.Equal(2, e.PfsGroup);
        Assert.Equal("prof", e.Ikev2Profile);
        Assert.Equal("VPN-Azure-to-Onprem", e.MatchAddress);
        Assert.Equal(28800, e.LifetimeSeconds);
        Assert.Null(e.LifetimeKilobytes);
        Assert.Equal(new SourceRef(Ios.File, 44, 1), e.Source);
        var selectors = config.AccessLists[e.MatchAddress!].Permits().Select(x => (x.SourcePrefix, x.DestinationPrefix));
        Assert.Equal([(P("10.1.0.0/16"), P("172.16.0.0/16"))], selectors);
    }

    [Fact]
    public void CryptoMapEntriesAreOrderedBySequenceAndDefaultPeersComeFirst()
    {
        var result = Parse("""
            crypto map M 20 ipsec-isakmp
             set peer 1.1.1.1
             set peer 2.2.2.2 default
             set transform-set T
             set ikev2-profile P
             match address A
            crypto map M 10
             set peer 3.3.3.3
             set transform-set T
             set ikev2-profile P
             set pfs
             match address A
            crypto ipsec transform-set T esp-gcm 256
            crypto ikev2 profile P
            ip access-list extended A
             permit ip any any
            """);
        Assert.Empty(result.Diagnostics);
        var map = result.Config.Crypto.CryptoMaps["M"];
        Assert.Equal([10, 20], map.Entries.Select(e => e.Sequence));
        Assert.Equal([Ip("2.2.2.2"), Ip("1.1.1.1")], map.Entries[1].Peers.AsEnumerable());
        Assert.Equal(1, map.Entries[0].PfsGroup);   // "set pfs" alone = group 1
        Assert.Equal(["esp-gcm 256"], result.Config.Crypto.TransformSets["T"].Transforms.AsEnumerable());
    }

    [Fact]
    public void IncompleteCryptoMapEntriesAndMissingNamesAreWarnings()
    {
        var result = Parse("""
            crypto map M 10 ipsec-isakmp
             set peer 1.1.1.1
            crypto map M 20 ipsec-isakmp
             set peer 1.1.1.1
             set transform-set NOPE
             match address NOACL
            """);
        Assert.Equal(
            [(1, "crypto map M 10 has no match address, no set transform-set: IOS keeps the entry disabled"),
             (3, "crypto map M 20 has no 'set ikev2-profile': IOS negotiates it with IKEv1, which NetTwin does not model"),
             (5, "transform-set 'NOPE' (crypto map) is not defined"),
             (6, "access-list 'NOACL' (crypto map match address) is not defined")],
            result.Diagnostics.Select(d => (d.Line, d.Message)));
    }

    [Theory]
    [InlineData("crypto ipsec transform-set T esp-aes 512 esp-sha-hmac", 38, IosDiagnosticKind.Error, "key size 512 is not 128, 192 or 256")]
    [InlineData("crypto ipsec transform-set T esp-rot13", 30, IosDiagnosticKind.Error, "'esp-rot13' is not an IPsec transform IOS knows")]
    [InlineData("crypto ipsec transform-set T", 29, IosDiagnosticKind.Error, "at least one transform expected (e.g. esp-aes 256 esp-sha256-hmac)")]
    [InlineData("crypto ikev2 proposal P\n encryption aes-cbc-512", 13, IosDiagnosticKind.Error, "'aes-cbc-512' is not an IKEv2 encryption algorithm IOS knows")]
    [InlineData("crypto ikev2 proposal P\n group 3", 8, IosDiagnosticKind.Error, "Diffie-Hellman group 3 is not one IOS knows")]
    [InlineData("crypto map M 10 ipsec-isakmp\n set pfs group3", 10, IosDiagnosticKind.Error, "'group3' is not a Diffie-Hellman group IOS knows (group1, group2, group5, group14-16, group19-21, group24)")]
    [InlineData("crypto map M 10 ipsec-isakmp\n set peer 52.1.1.1000", 11, IosDiagnosticKind.Error, "'52.1.1.1000' is not a valid IPv4 address (peer address)")]
    [InlineData("crypto map M 10 ipsec-isakmp\n set security-association lifetime seconds 60", 44, IosDiagnosticKind.Error, "lifetime in seconds 60 is out of range (120-2592000)")]
    [InlineData("crypto map M 10 ipsec-isakmp\n reverse-route static", 2, IosDiagnosticKind.NotUnderstood, "'reverse-route static' is not modelled")]
    [InlineData("crypto ikev2 keyring K\n peer A\n  address 52.1.1.0 255.0.255.0", 20, IosDiagnosticKind.Error, "'255.0.255.0' is not a valid subnet mask: its one bits are not contiguous (peer mask)")]
    [InlineData("crypto ikev2 profile P\n match identity remote fqdn azure.example", 8, IosDiagnosticKind.NotUnderstood, "'match identity remote fqdn azure.example' is not modelled")]
    [InlineData("crypto isakmp policy 10", 8, IosDiagnosticKind.NotUnderstood, "IKEv1 (crypto isakmp, crypto keyring) is not modelled: NetTwin models IKEv2")]
    [InlineData("crypto map M 10 ipsec-manual", 17, IosDiagnosticKind.NotUnderstood, "crypto map entries of type 'ipsec-manual' are not modelled (only ipsec-isakmp is)")]
    public void BadOrUnmodelledCryptoLinesAreReported(string text, int column, IosDiagnosticKind kind, string message)
    {
        var result = Parse(text);
        var d = result.Diagnostics.First(x => x.Kind is IosDiagnosticKind.Error or IosDiagnosticKind.NotUnderstood);
        Assert.Equal((kind, text.Split('\n').Length, column, message), (d.Kind, d.Line, d.Column, d.Message));
    }

    [Fact]
    public void EncryptedKeysAreKeptAndFlagged()
    {
        var result = Parse("crypto ikev2 keyring K\n peer A\n  address 1.1.1.1\n  pre-shared-key 6 AbCdEf==");
        var peer = result.Config.Crypto.Ikev2Keyrings["K"].Peers[0];
        Assert.Equal("AbCdEf==", peer.LocalPreSharedKey);
        Assert.True(peer.PreSharedKeyEncrypted);
        Assert.Equal("the pre-shared key is encrypted: NetTwin cannot compare it with the Azure connection's shared key", Single(result).Message);
    }

    [Fact]
    public void AVtiWithoutTunnelProtectionIsAWarning()
    {
        var d = Single(Parse("interface Tunnel1\n tunnel mode ipsec ipv4\n tunnel destination 1.1.1.1"));
        Assert.Equal((1, "interface Tunnel1 is in tunnel mode ipsec ipv4 without 'tunnel protection ipsec profile': the tunnel stays down"), (d.Line, d.Message));
    }
}
