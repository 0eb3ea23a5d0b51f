using NetTwin.Formats.Ios;
using NetTwin.Model;
using NetTwin.Validation;
using static NetTwin.Tests.Ios.Ios;

namespace NetTwin.Tests.Ios;

public class IosStructureTests
{
    [Fact]
    public void UnknownLinesAreReportedWithFileLineColumnAndText()
    {
        var result = IosParser.Parse("""
            hostname R1
            frobnicate the widgets
             and this belongs to it
               and so does this
            interface Gi1
             ip address 10.0.0.1 255.255.255.0
             teleport enable
            router ospf 1
             network 10.0.0.0 0.0.0.255 area 0
            """, "edge.cfg");
        Assert.Equal(
            [("edge.cfg", 2, 1, "frobnicate the widgets", "not understood"),
             ("edge.cfg", 3, 2, " and this belongs to it", "inside 'frobnicate the widgets' (line 2), which was not understood"),
             ("edge.cfg", 4, 4, "   and so does this", "inside 'frobnicate the widgets' (line 2), which was not understood"),
             ("edge.cfg", 7, 2, " teleport enable", "not understood in 'interface Gi1' (line 5)"),
             ("edge.cfg", 8, 8, "router ospf 1", "routing protocol 'ospf' is not modelled (only BGP and static routes are)"),
             ("edge.cfg", 9, 2, " network 10.0.0.0 0.0.0.255 area 0", "inside 'router ospf 1' (line 8), which was not understood")],
            result.Diagnostics.Select(d => (d.File, d.Line, d.Column, d.Text, d.Message)));
        Assert.All(result.Diagnostics, d =>
        {
            Assert.Equal(IosDiagnosticKind.NotUnderstood, d.Kind);
            Assert.Equal(Severity.Warning, d.Severity);
        });
        Assert.Equal("edge.cfg:7:2: not understood: not understood in 'interface Gi1' (line 5): teleport enable", result.Diagnostics[3].ToString());
        // the lines that were understood are applied
        Assert.Equal("R1", result.Config.Hostname);
        Assert.Equal(P("10.0.0.0/24"), result.Config.Interfaces[0].Address!.Prefix);
        Assert.Null(result.Config.Bgp);
    }

    [Fact]
    public void EveryLineIsAccountedForInSourceLines()
    {
        var text = """
            !
            version 17.3
            hostname R1

            interface Gi1
             ip address 10.0.0.1 255.255.255.0
             bogus
             ip address 10.0.0.1 255.255.0.255
            end
            """;
        var config = Parse(text).Config;
        Assert.Equal(
            [(1, SourceLineKind.Comment), (2, SourceLineKind.Ignored), (3, SourceLineKind.Parsed), (4, SourceLineKind.Blank),
             (5, SourceLineKind.Parsed), (6, SourceLineKind.Parsed), (7, SourceLineKind.NotUnderstood), (8, SourceLineKind.Error),
             (9, SourceLineKind.Parsed)],
            config.SourceLines.Select(l => (l.Number, l.Kind)));
        Assert.Equal(text.Split('\n'), config.SourceLines.Select(l => l.Text));
    }

    [Fact]
    public void KnownIgnorableStatementsAndBlocksAreIgnoredWithInfoDiagnostics()
    {
        var result = Parse("""
            version 17.3
            service timestamps debug datetime msec
            no service pad
            boot-start-marker
            boot-end-marker
            logging buffered 51200 warnings
            enable secret 9 $9$abc
            username admin privilege 15 secret 9 $9$def
            line vty 0 4
             login local
             transport input ssh
            crypto pki trustpoint TP-self-signed-1
             enrollment selfsigned
             revocation-check none
            crypto pki certificate chain TP-self-signed-1
             certificate self-signed 01
              3082032E 30820216 A0030201 02020101
              	quit
            """);
        Assert.All(result.Diagnostics, d =>
        {
            Assert.Equal(IosDiagnosticKind.Ignored, d.Kind);
            Assert.Equal(Severity.Info, d.Severity);
        });
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15], result.Diagnostics.Select(d => d.Line));
        Assert.All(result.Config.SourceLines, l => Assert.Equal(SourceLineKind.Ignored, l.Kind));
        Assert.Equal("'line' does not affect what NetTwin models", result.Diagnostics[8].Message);
    }

    [Fact]
    public void TheShowRunningConfigPreambleIsIgnored()
    {
        var result = Parse("Building configuration...\n\nCurrent configuration : 6174 bytes\n!\nhostname CSR1");
        Assert.Equal([(1, IosDiagnosticKind.Ignored), (3, IosDiagnosticKind.Ignored)], result.Diagnostics.Select(d => (d.Line, d.Kind)));
        Assert.Equal("CSR1", result.Config.Hostname);
    }

    [Fact]
    public void MultiLineBannersAreSkippedToTheirDelimiter()
    {
        var result = Parse("""
            banner motd ^C
            interface Gi9
            Authorized access only
            ^C
            banner login #one line#
            hostname R1
            """);
        Assert.Equal("R1", result.Config.Hostname);
        Assert.Empty(result.Config.Interfaces);
        Assert.Equal([1, 5], result.Diagnostics.Select(d => d.Line));
        Assert.Equal(
            [SourceLineKind.Ignored, SourceLineKind.Ignored, SourceLineKind.Ignored, SourceLineKind.Ignored, SourceLineKind.Ignored, SourceLineKind.Parsed],
            result.Config.SourceLines.Select(l => l.Kind));
    }

    [Fact]
    public void AnUnclosedBannerIsAnError()
    {
        var result = Parse("banner motd ^C\nhello\nhostname R1");
        var d = Single(result);
        Assert.Equal((IosDiagnosticKind.Error, 3), (d.Kind, d.Line));
        Assert.Equal("the banner is not closed: delimiter '^C' not found before the end of the file", d.Message);
        Assert.Null(result.Config.Hostname);
    }

    [Fact]
    public void WindowsLineEndsAndTabsAreHandled()
    {
        var config = Clean("interface Gi1\r\n\tip address 10.0.0.1 255.255.255.0\r\n\tshutdown\r\n");
        Assert.True(config.Interfaces[0].Shutdown);
        Assert.Equal(2, config.SourceLines.Count(l => l.Text.StartsWith('\t')));
        Assert.Equal(3, config.SourceLines.Length);
    }

    [Fact]
    public void UnindentedSubcommandsFallBackToTheOpenModeAsIosDoes()
    {
        // Pasted without indentation (as blogs often print configurations): IOS keeps the mode open.
        var config = Clean("""
            ip access-list extended VPN
            permit ip 10.1.0.0 0.0.255.255 172.16.0.0 0.0.255.255
            permit ip 10.2.0.0 0.0.255.255 172.16.0.0 0.0.255.255
            interface Gi1
            ip address 10.0.0.1 255.255.255.0
            crypto map CM
            exit
            crypto map CM 10 ipsec-isakmp
            set peer 1.1.1.1
            set transform-set T
            set ikev2-profile P
            match address VPN
            crypto ipsec transform-set T esp-aes 256 esp-sha256-hmac
            crypto ikev2 profile P
            """);
        Assert.Equal(2, config.AccessLists["VPN"].Entries.Length);
        Assert.Equal("CM", config.Interfaces[0].CryptoMap);
        Assert.Equal("VPN", config.Crypto.CryptoMaps["CM"].Entries[0].MatchAddress);
    }

    [Fact]
    public void AnIndentedGlobalCommandIsAppliedGloballyWithAWarning()
    {
        var result = Parse("interface Gi1\n ip address 10.0.0.1 255.255.255.0\n ip route 0.0.0.0 0.0.0.0 10.0.0.254");
        Assert.Single(result.Config.StaticRoutes);
        var d = Single(result);
        Assert.Equal((IosDiagnosticKind.Warning, 3, 2), (d.Kind, d.Line, d.Column));
        Assert.Equal("indented under 'interface Gi1' (line 1) but not a command of that mode; IOS applies it in global configuration", d.Message);
    }

    [Fact]
    public void ExitAndEndCloseModes()
    {
        var result = Parse("""
            router bgp 65001
             address-family ipv4
              network 10.0.0.0
             exit-address-family
             neighbor 1.1.1.1 remote-as 2
            route-map M permit 10
             set weight 1
             exit
            end
            """);
        Assert.Empty(result.Diagnostics);
        Assert.Single(result.Config.Bgp!.Networks);
        Assert.Single(result.Config.Bgp!.Neighbors);
    }

    [Fact]
    public void LinesUnderALineWithAnErrorAreNotAppliedToTheWrongBlock()
    {
        var result = Parse("""
            crypto map CM 10 ipsec-isakmp
             set peer 1.1.1.1
            crypto map CM 99999 ipsec-isakmp
             set peer 2.2.2.2
            """);
        Assert.Equal(
            [(1, IosDiagnosticKind.Warning), (3, IosDiagnosticKind.Error), (4, IosDiagnosticKind.NotUnderstood)],
            result.Diagnostics.Select(d => (d.Line, d.Kind)));
        Assert.Equal("sequence number 99999 is out of range (1-65535)", result.Diagnostics[1].Message);
        Assert.Equal("inside 'crypto map CM 99999 ipsec-isakmp' (line 3), which has an error", result.Diagnostics[2].Message);
        Assert.Equal([Ip("1.1.1.1")], result.Config.Crypto.CryptoMaps["CM"].Entries.Single().Peers.AsEnumerable());
    }

    [Fact]
    public void WarningsOfALineThatFailsAreDropped()
    {
        // host bits (a warning) and then a bad wildcard (an error) on the same line: only the error remains
        var d = Single(Parse("ip access-list extended X\n permit ip 10.1.1.1 0.0.255.255 10.0.0.0 0.0.255.0"));
        Assert.Equal(IosDiagnosticKind.Error, d.Kind);
    }

    [Fact]
    public void ParseFileNamesTheFileAsGiven()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nettwin-ios-{Guid.NewGuid():N}.cfg");
        System.IO.File.WriteAllText(path, "hostname FILE\nnonsense\n");
        try
        {
            var result = IosParser.ParseFile(path);
            Assert.Equal("FILE", result.Config.Hostname);
            Assert.Equal(path, result.Config.FileName);
            Assert.Equal(path, Single(result).File);
            Assert.Equal(new SourceRef(path, 2, 1), Single(result).Source);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void AnEmptyFileGivesAnEmptyModel()
    {
        var result = Parse("");
        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.Config.SourceLines);
        Assert.Null(result.Config.Hostname);
        Assert.Empty(result.Config.Interfaces);
        Assert.Null(result.Config.Bgp);
        Assert.Empty(result.Config.Crypto.CryptoMaps);
    }
}
