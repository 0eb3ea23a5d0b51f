using CsCheck;
using NetTwin.Formats.Ios;
using NetTwin.Model;
using static NetTwin.Tests.Ios.Ios;

namespace NetTwin.Tests.Ios;

public class IosAccessListTests
{
    private static AccessListEntry Entry(string entry) =>
        Assert.Single(Clean($"ip access-list extended X\n {entry}").AccessLists["X"].Entries);

    [Theory]
    [InlineData("permit ip 10.1.0.0 0.0.255.255 172.16.0.0 0.0.255.255", "10.1.0.0/16", "172.16.0.0/16")]
    [InlineData("permit ip 10.0.0.0 0.255.255.255 10.0.0.0 0.255.255.255", "10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("permit ip 10.2.0.0 0.0.255.255 172.16.1.0 0.0.0.255", "10.2.0.0/16", "172.16.1.0/24")]
    [InlineData("permit ip any any", "0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("permit ip host 10.1.10.10 any", "10.1.10.10/32", "0.0.0.0/0")]
    [InlineData("permit ip any host 172.16.1.4", "0.0.0.0/0", "172.16.1.4/32")]
    [InlineData("permit ip 192.168.1.1 0.0.0.0 0.0.0.0 255.255.255.255", "192.168.1.1/32", "0.0.0.0/0")]
    [InlineData("permit ip 10.0.0.0 0.0.0.1 10.0.0.0 0.0.0.3", "10.0.0.0/31", "10.0.0.0/30")]
    public void WildcardsHostAndAnyBecomePrefixes(string entry, string source, string destination)
    {
        var e = Entry(entry);
        Assert.Equal(P(source), e.SourcePrefix);
        Assert.Equal(P(destination), e.DestinationPrefix);
    }

    [Fact]
    public void EveryPrefixRoundTripsThroughItsWildcard()
    {
        Gen.Select(Gen.UInt, Gen.Int[0, 32]).Sample((address, length) =>
        {
            var prefix = new Prefix(new Ipv4(address), length);
            var wildcard = new Ipv4(~prefix.Mask);
            var e = Entry($"permit ip {prefix.Network} {wildcard} any");
            return e.SourcePrefix == prefix;
        }, iter: 200);
    }

    [Theory]
    [InlineData("permit ip 10.0.0.0 0.255.0.255 any", 21, "'0.255.0.255' is not a contiguous wildcard mask: an inverse mask must be zeros followed by ones (source)")]
    [InlineData("permit ip any 10.0.0.0 255.0.0.0", 25, "'255.0.0.0' is not a contiguous wildcard mask: an inverse mask must be zeros followed by ones (destination)")]
    [InlineData("permit ip any 172.16.0.0 0.0.1.255.1", 27, "unexpected word `0.0.1.255.1`, expected wildcard mask")]
    [InlineData("permit ip 10.1.0.300 0.0.255.255 any", 12, "'10.1.0.300' is not a valid IPv4 address (source)")]
    [InlineData("permit ip 10.1.0.0 any", 21, "unexpected word `any`, expected wildcard mask")]
    [InlineData("permit ip host any", 17, "unexpected word `any`, expected host address")]
    [InlineData("permit bogus any any", 9, "'bogus' is not a protocol IOS knows")]
    [InlineData("permit ip any eq 80 any", 16, "port matches need protocol tcp or udp, not 'ip'")]
    [InlineData("permit tcp any any eq nosuchport", 24, "'nosuchport' is not a tcp port name IOS knows")]
    [InlineData("permit tcp any any range 90 80", 21, "port range 90-80 is empty")]
    public void BadEntriesAreErrorsWithTheirColumn(string entry, int column, string message)
    {
        var result = Parse($"ip access-list extended X\n {entry}");
        var d = Single(result);
        Assert.Equal(IosDiagnosticKind.Error, d.Kind);
        Assert.Equal((2, column), (d.Line, d.Column));
        Assert.Equal(message, d.Message);
        Assert.Equal(" " + entry, d.Text);
        Assert.Empty(result.Config.AccessLists["X"].Entries);
    }

    [Fact]
    public void HostBitsUnderAWildcardAreClearedWithAWarning()
    {
        var result = Parse("ip access-list extended X\n permit ip 10.1.1.1 0.0.255.255 any");
        Assert.Equal(P("10.1.0.0/16"), result.Config.AccessLists["X"].Entries[0].SourcePrefix);
        var d = Single(result);
        Assert.Equal((IosDiagnosticKind.Warning, 2, 12), (d.Kind, d.Line, d.Column));
        Assert.Equal("10.1.1.1/16 has host bits set (source); IOS stores it as 10.1.0.0/16", d.Message);
    }

    [Fact]
    public void ParsesProtocolsPortsAndOptions()
    {
        var config = Clean("""
            ip access-list extended EDGE
             remark allow IKE and ESP from Azure
             10 permit udp host 52.151.66.181 host 10.1.0.4 eq isakmp
             permit udp host 52.151.66.181 eq non500-isakmp host 10.1.0.4 eq 4500
             permit esp host 52.151.66.181 host 10.1.0.4
             permit tcp any 10.0.0.0 0.255.255.255 range 8000 8080 established
             permit tcp any any gt 1023
             permit icmp any any echo-reply
             permit 47 any any log
             deny ip any any log
            """);
        var acl = config.AccessLists["EDGE"];
        Assert.Equal(AccessListKind.Extended, acl.Kind);
        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 80], acl.Entries.Select(e => e.Sequence));
        var e = acl.Entries;
        Assert.Equal(("udp", 17), (e[0].ProtocolName, e[0].Protocol!.Value));
        Assert.Equal(new PortMatch(PortOperator.Eq, 500, 500), e[0].DestinationPorts);
        Assert.Null(e[0].SourcePorts);
        Assert.Equal(new PortMatch(PortOperator.Eq, 4500, 4500), e[1].SourcePorts);
        Assert.Equal(new PortMatch(PortOperator.Eq, 4500, 4500), e[1].DestinationPorts);
        Assert.Equal(("esp", 50), (e[2].ProtocolName, e[2].Protocol!.Value));
        Assert.Equal(new PortMatch(PortOperator.Range, 8000, 8080), e[3].DestinationPorts);
        Assert.True(e[3].Established);
        Assert.Equal(new PortMatch(PortOperator.Gt, 1023, 1023), e[4].DestinationPorts);
        Assert.Equal(("icmp", "echo-reply"), (e[5].ProtocolName, e[5].IcmpType));
        Assert.Equal(("47", 47, true), (e[6].ProtocolName, e[6].Protocol!.Value, e[6].Log));
        Assert.Equal((LineAction.Deny, "ip", (int?)null, true), (e[7].Action, e[7].ProtocolName, e[7].Protocol, e[7].Log));
        Assert.Equal(10, e[7].Source.Line);
        Assert.Equal(SourceLineKind.Comment, config.SourceLines[1].Kind);
    }

    [Fact]
    public void PermitsEvaluatesFirstMatchWithTheImplicitDeny()
    {
        var acl = Clean("""
            ip access-list extended X
             deny tcp any host 10.0.0.5 eq 22
             permit tcp 10.0.0.0 0.255.255.255 any
             permit udp any any eq 53
            """).AccessLists["X"];
        Assert.False(acl.Permits(new AclFlow(Ip("10.1.1.1"), Ip("10.0.0.5"), 6, 40000, 22)));
        Assert.Equal(10, acl.FirstMatch(new AclFlow(Ip("10.1.1.1"), Ip("10.0.0.5"), 6, 40000, 22))!.Sequence);
        Assert.True(acl.Permits(new AclFlow(Ip("10.1.1.1"), Ip("10.0.0.5"), 6, 40000, 443)));
        Assert.True(acl.Permits(new AclFlow(Ip("8.8.8.8"), Ip("10.0.0.5"), 17, 5353, 53)));
        Assert.False(acl.Permits(new AclFlow(Ip("8.8.8.8"), Ip("10.0.0.5"), 17, 5353, 54)));   // implicit deny
        Assert.False(acl.Permits(new AclFlow(Ip("8.8.8.8"), Ip("10.0.0.5"), 6, 1000, 80)));    // implicit deny
        Assert.Null(acl.FirstMatch(new AclFlow(Ip("8.8.8.8"), Ip("10.0.0.5"), 1)));
    }

    [Fact]
    public void ExplicitSequenceNumbersOrderEntriesAndDuplicatesAreErrors()
    {
        var result = Parse("""
            ip access-list extended X
             20 permit ip any host 10.0.0.2
             10 permit ip any host 10.0.0.1
             permit ip any host 10.0.0.3
             10 deny ip any any
            """);
        Assert.Equal([10, 20, 30], result.Config.AccessLists["X"].Entries.Select(e => e.Sequence));
        var d = Single(result);
        Assert.Equal((IosDiagnosticKind.Error, 5, 2), (d.Kind, d.Line, d.Column));
        Assert.Equal("% Duplicate sequence number 10 (already used at line 3)", d.Message);
    }

    [Fact]
    public void NumberedAndStandardListsAreParsed()
    {
        var config = Clean("""
            access-list 10 remark LANs
            access-list 10 permit 10.1.0.0 0.0.255.255
            access-list 10 deny host 10.2.0.1
            access-list 10 permit 10.2.0.7
            access-list 10 permit any log
            access-list 101 permit ip 10.1.0.0 0.0.255.255 172.16.0.0 0.0.255.255
            ip access-list standard MGMT
             permit 192.168.0.0 0.0.0.255
            """);
        var std = config.AccessLists["10"];
        Assert.Equal(AccessListKind.Standard, std.Kind);
        Assert.Equal(["10.1.0.0/16", "10.2.0.1/32", "10.2.0.7/32", "0.0.0.0/0"], std.Entries.Select(e => e.SourcePrefix.ToString()));
        Assert.All(std.Entries, e => Assert.Equal(Prefix.Default, e.DestinationPrefix));
        Assert.Equal([LineAction.Permit, LineAction.Deny, LineAction.Permit, LineAction.Permit], std.Entries.Select(e => e.Action));
        Assert.Equal([10, 20, 30, 40], std.Entries.Select(e => e.Sequence));
        var ext = config.AccessLists["101"];
        Assert.Equal(AccessListKind.Extended, ext.Kind);
        Assert.Equal((P("10.1.0.0/16"), P("172.16.0.0/16")), (ext.Entries[0].SourcePrefix, ext.Entries[0].DestinationPrefix));
        Assert.Equal(P("192.168.0.0/24"), config.AccessLists["MGMT"].Entries[0].SourcePrefix);
        Assert.Equal(AccessListKind.Standard, config.AccessLists["MGMT"].Kind);
    }

    [Fact]
    public void PermitsListsTheTrafficSelectorsOfACryptoAcl()
    {
        var acl = Clean("""
            ip access-list extended VPN
             deny ip host 10.1.0.9 any
             permit ip 10.1.0.0 0.0.255.255 172.16.0.0 0.0.255.255
             permit ip 10.1.0.0 0.0.255.255 172.17.0.0 0.0.255.255
            """).AccessLists["VPN"];
        Assert.Equal([(P("10.1.0.0/16"), P("172.16.0.0/16")), (P("10.1.0.0/16"), P("172.17.0.0/16"))],
            acl.Permits().Select(e => (e.SourcePrefix, e.DestinationPrefix)));
    }

    [Theory]
    [InlineData("ip access-list extended X\n permit ip any any dscp ef", 2, 20, IosDiagnosticKind.NotUnderstood, "access-list option 'dscp' is not modelled; the entry is not applied")]
    [InlineData("ip access-list extended X\n permit object-group WEB any any", 2, 9, IosDiagnosticKind.NotUnderstood, "'object-group' in access lists is not modelled")]
    [InlineData("access-list 300 permit ip any any", 1, 13, IosDiagnosticKind.NotUnderstood, "access-list 300: only IP standard (1-99, 1300-1999) and extended (100-199, 2000-2699) lists are modelled")]
    [InlineData("ip access-list extended X\nip access-list standard X", 2, 25, IosDiagnosticKind.Error, "% A named extended IP access list with this name already exists (line 1)")]
    [InlineData("ip access-list extended X\n allow ip any any", 2, 2, IosDiagnosticKind.NotUnderstood, "not understood in 'ip access-list extended X' (line 1)")]
    [InlineData("access-list 101 10 permit ip any any", 1, 17, IosDiagnosticKind.Error, "numbered access-list lines take no sequence number")]
    public void ProblemsAreReported(string text, int line, int column, IosDiagnosticKind kind, string message)
    {
        var d = Single(Parse(text));
        Assert.Equal((kind, line, column, message), (d.Kind, d.Line, d.Column, d.Message));
    }
}
