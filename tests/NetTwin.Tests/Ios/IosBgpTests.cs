using NetTwin.Formats.Ios;
using NetTwin.Model;
using static NetTwin.Tests.Ios.Ios;

namespace NetTwin.Tests.Ios;

public class IosBgpTests
{
    private const string Config = """
        interface Loopback0
         ip address 10.10.10.1 255.255.255.255
        !
        router bgp 65501
         bgp router-id 10.10.10.1
         bgp log-neighbor-changes
         neighbor 169.254.21.2 remote-as 65515
         neighbor 169.254.21.2 description Azure VPN instance 0
         neighbor 169.254.21.2 ebgp-multihop 5
         neighbor 169.254.21.2 update-source Loopback0
         neighbor 192.168.100.2 remote-as 12076
         neighbor 192.168.100.2 ebgp-multihop
         neighbor 192.168.100.2 shutdown
         neighbor 10.0.0.2 remote-as 65501
         maximum-paths 2
         !
         address-family ipv4
          network 10.10.10.1 mask 255.255.255.255
          network 192.168.10.0
          redistribute static route-map STATIC-TO-BGP
          redistribute connected metric 10
          neighbor 169.254.21.2 activate
          neighbor 169.254.21.2 route-map VPN-Gateway-Prefer in
          neighbor 169.254.21.2 prefix-list OUT out
          neighbor 169.254.21.2 weight 200
          neighbor 192.168.100.2 activate
          neighbor 192.168.100.2 route-map Other-Routes in
          neighbor 10.0.0.2 next-hop-self
          no neighbor 10.0.0.2 activate
         exit-address-family
        !
        route-map VPN-Gateway-Prefer permit 10
        route-map Other-Routes permit 10
        route-map STATIC-TO-BGP permit 10
        ip prefix-list OUT seq 5 permit 10.0.0.0/8 le 32
        """;

    [Fact]
    public void ParsesTheProcessNeighborsNetworksAndRedistribution()
    {
        var bgp = Clean(Config).Bgp!;
        Assert.Equal(65501, bgp.Asn);
        Assert.Equal(Ip("10.10.10.1"), bgp.RouterId);
        Assert.True(bgp.DefaultIpv4Unicast);
        Assert.Equal(2, bgp.MaximumPaths);
        Assert.Equal(new SourceRef(Ios.File, 4, 1), bgp.Source);
        Assert.Equal(["169.254.21.2", "192.168.100.2", "10.0.0.2"], bgp.Neighbors.Select(n => n.Address.ToString()));

        var vpn = bgp.Neighbor(Ip("169.254.21.2"))!;
        Assert.Equal(65515L, vpn.RemoteAs);
        Assert.Equal("Azure VPN instance 0", vpn.Description);
        Assert.Equal(5, vpn.EbgpMultihop);
        Assert.Equal("Loopback0", vpn.UpdateSource);
        Assert.True(vpn.Activated);
        Assert.False(vpn.Shutdown);
        Assert.Equal("VPN-Gateway-Prefer", vpn.RouteMapIn);
        Assert.Null(vpn.RouteMapOut);
        Assert.Null(vpn.PrefixListIn);
        Assert.Equal("OUT", vpn.PrefixListOut);
        Assert.Equal(200, vpn.Weight);
        Assert.False(vpn.NextHopSelf);
        Assert.True(vpn.IsEbgp(bgp.Asn));
        Assert.Equal(7, vpn.Source.Line);
        Assert.Equal([7, 8, 9, 10, 22, 23, 24, 25], vpn.Lines.Select(l => l.Line));

        var er = bgp.Neighbor(Ip("192.168.100.2"))!;
        Assert.Equal(12076L, er.RemoteAs);
        Assert.Equal(255, er.EbgpMultihop);
        Assert.True(er.Shutdown);
        Assert.Equal("Other-Routes", er.RouteMapIn);
        Assert.Null(er.Weight);

        var ibgp = bgp.Neighbor(Ip("10.0.0.2"))!;
        Assert.False(ibgp.IsEbgp(bgp.Asn));
        Assert.True(ibgp.NextHopSelf);
        Assert.False(ibgp.Activated);
        Assert.Null(ibgp.EbgpMultihop);

        Assert.Equal(
            [new BgpNetwork(P("10.10.10.1/32"), null, new SourceRef(Ios.File, 18, 3)),
             new BgpNetwork(P("192.168.10.0/24"), null, new SourceRef(Ios.File, 19, 3))],
            bgp.Networks.AsEnumerable());
        Assert.Equal(
            [new BgpRedistribution(RedistributeProtocol.Static, "STATIC-TO-BGP", null, new SourceRef(Ios.File, 20, 3)),
             new BgpRedistribution(RedistributeProtocol.Connected, null, 10, new SourceRef(Ios.File, 21, 3))],
            bgp.Redistributions.AsEnumerable());
    }

    [Theory]
    [InlineData("10.0.0.0", "10.0.0.0/8")]
    [InlineData("172.16.0.0", "172.16.0.0/16")]
    [InlineData("192.168.10.0", "192.168.10.0/24")]
    public void NetworkWithoutMaskUsesTheClassfulMask(string network, string expected) =>
        Assert.Equal(P(expected), Clean($"router bgp 1\n network {network}").Bgp!.Networks[0].Prefix);

    [Fact]
    public void WithoutDefaultIpv4UnicastOnlyActivatedNeighborsExchangeRoutes()
    {
        var bgp = Clean("""
            router bgp 65001
             no bgp default ipv4-unicast
             neighbor 1.1.1.1 remote-as 65002
             neighbor 2.2.2.2 remote-as 65003
             address-family ipv4 unicast
              neighbor 1.1.1.1 activate
             exit-address-family
            """).Bgp!;
        Assert.False(bgp.DefaultIpv4Unicast);
        Assert.True(bgp.Neighbor(Ip("1.1.1.1"))!.Activated);
        Assert.False(bgp.Neighbor(Ip("2.2.2.2"))!.Activated);
    }

    [Fact]
    public void AsdotAndFourByteAsNumbersAreRead()
    {
        var bgp = Clean("router bgp 1.10\n neighbor 1.1.1.1 remote-as 4200000000").Bgp!;
        Assert.Equal(65546, bgp.Asn);
        Assert.Equal(4200000000L, bgp.Neighbors[0].RemoteAs);
    }

    [Fact]
    public void ANeighborWithoutRemoteAsIsKeptWithAWarning()
    {
        var result = Parse("router bgp 65501\n neighbor 169.254.21.2 route-map VPN-Gateway-Prefer in\nroute-map VPN-Gateway-Prefer permit 10");
        var n = Assert.Single(result.Config.Bgp!.Neighbors);
        Assert.Null(n.RemoteAs);
        Assert.False(n.IsEbgp(65501));
        Assert.Equal("VPN-Gateway-Prefer", n.RouteMapIn);
        var d = Single(result);
        Assert.Equal((IosDiagnosticKind.Warning, 2, 2), (d.Kind, d.Line, d.Column));
        Assert.Equal("neighbor 169.254.21.2 has no 'neighbor 169.254.21.2 remote-as': IOS refuses its other commands until the remote AS is given, and no session can come up", d.Message);
    }

    [Fact]
    public void AnUndefinedNeighborRouteMapIsAWarningAndDeniesEverything()
    {
        var result = Parse("router bgp 65501\n neighbor 1.1.1.1 remote-as 65515\n neighbor 1.1.1.1 route-map MISSING out");
        var d = Single(result);
        Assert.Equal((3, 29), (d.Line, d.Column));
        Assert.Equal("route-map 'MISSING' (neighbor 1.1.1.1 route-map out) is not defined; IOS then filters every route on this session", d.Message);
        Assert.False(result.Config.EvaluateRouteMap(result.Config.Bgp!.Neighbors[0].RouteMapOut, new BgpRouteAttributes(P("10.0.0.0/8"))).Permitted);
    }

    [Fact]
    public void OtherAddressFamiliesAreReportedLineByLineAndNotMerged()
    {
        var result = Parse("""
            router bgp 65001
             neighbor 1.1.1.1 remote-as 65002
             address-family ipv6
              neighbor 1.1.1.1 activate
              network 10.0.0.0 mask 255.0.0.0
             exit-address-family
             address-family ipv4
              network 10.1.0.0 mask 255.255.0.0
             exit-address-family
            """);
        Assert.Equal(
            [(3, IosDiagnosticKind.NotUnderstood, "'address-family ipv6' is not modelled (only IPv4 unicast is)"),
             (4, IosDiagnosticKind.NotUnderstood, "inside 'address-family ipv6' (line 3), which was not understood"),
             (5, IosDiagnosticKind.NotUnderstood, "inside 'address-family ipv6' (line 3), which was not understood")],
            result.Diagnostics.Select(d => (d.Line, d.Kind, d.Message)));
        Assert.Equal([P("10.1.0.0/16")], result.Config.Bgp!.Networks.Select(n => n.Prefix));
        Assert.Equal(
            [SourceLineKind.Parsed, SourceLineKind.Parsed, SourceLineKind.NotUnderstood, SourceLineKind.NotUnderstood,
             SourceLineKind.NotUnderstood, SourceLineKind.Parsed, SourceLineKind.Parsed, SourceLineKind.Parsed, SourceLineKind.Parsed],
            result.Config.SourceLines.Select(l => l.Kind));
    }

    [Theory]
    [InlineData(" neighbor 1.1.1.1 remote-as 0", 29, IosDiagnosticKind.Error, "'0' is not a valid AS number (remote AS number)")]
    [InlineData(" neighbor 1.1.1.1 remote-as 65536.1", 29, IosDiagnosticKind.Error, "'65536.1' is not a valid AS number (remote AS number)")]
    [InlineData(" neighbor 1.1.1.300 remote-as 65002", 11, IosDiagnosticKind.Error, "'1.1.1.300' is not a valid IPv4 address (neighbor address)")]
    [InlineData(" neighbor 1.1.1.1 route-map X sideways", 31, IosDiagnosticKind.Error, "direction expected (in, out), found 'sideways'")]
    [InlineData(" neighbor 1.1.1.1 weight 65536", 26, IosDiagnosticKind.Error, "weight 65536 is out of range (0-65535)")]
    [InlineData(" neighbor 1.1.1.1 allowas-in", 19, IosDiagnosticKind.NotUnderstood, "neighbor option 'allowas-in' is not modelled")]
    [InlineData(" neighbor AZURE peer-group", 11, IosDiagnosticKind.NotUnderstood, "peer groups and templates ('AZURE') are not modelled")]
    [InlineData(" network 10.0.0.0 mask 255.0.255.0", 24, IosDiagnosticKind.Error, "'255.0.255.0' is not a valid subnet mask: its one bits are not contiguous (network mask)")]
    [InlineData(" redistribute ospf 1", 15, IosDiagnosticKind.NotUnderstood, "redistribution of 'ospf' is not modelled (only static and connected are)")]
    [InlineData(" bgp bestpath as-path multipath-relax", 2, IosDiagnosticKind.NotUnderstood, "not understood in 'router bgp 65001' (line 1)")]
    public void BadOrUnmodelledBgpLinesAreReportedAndNotApplied(string line, int column, IosDiagnosticKind kind, string message)
    {
        var result = Parse("router bgp 65001\n" + line);
        var d = Single(result);
        Assert.Equal((kind, 2, column, message), (d.Kind, d.Line, d.Column, d.Message));
        Assert.Empty(result.Config.Bgp!.Neighbors);
        Assert.Empty(result.Config.Bgp!.Networks);
        Assert.Empty(result.Config.Bgp!.Redistributions);
    }

    [Fact]
    public void ASecondRouterBgpWithAnotherAsIsAnError()
    {
        var d = Single(Parse("router bgp 65001\nrouter bgp 65002"));
        Assert.Equal((IosDiagnosticKind.Error, 2, 12, "BGP is already running; AS is 65001"), (d.Kind, d.Line, d.Column, d.Message));
    }

    [Fact]
    public void NetworkHostBitsAreClearedWithAWarning()
    {
        var result = Parse("router bgp 1\n network 10.10.10.1 mask 255.255.255.0");
        Assert.Equal(P("10.10.10.0/24"), result.Config.Bgp!.Networks[0].Prefix);
        Assert.Equal("10.10.10.1/24 has host bits set (network statement); IOS stores it as 10.10.10.0/24", Single(result).Message);
    }
}
