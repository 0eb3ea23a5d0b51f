using NetTwin.Formats.Ios;
using NetTwin.Model;
using static NetTwin.Tests.Ios.Ios;

namespace NetTwin.Tests.Ios;

/// <summary>The Cisco configurations quoted in the seed reports, parsed as printed.</summary>
public class IosSeedConfigTests
{
    // Seed 001 (S2S VPN over ExpressRoute private peering), "Route Manipulation", as the report prints it:
    // prose lines between the configuration lines, and the neighbors given without their remote-as.
    private const string Seed001 = """
        Define a prefix list for the advertised routes
        ip prefix-list Azure-Advertised-Routes seq 10 permit 10.64.0.0/23
        ip prefix-list Azure-Advertised-Routes seq 20 permit 172.16.0.0/16

        Define a route map to set higher local preference for VPN Gateway
        route-map VPN-Gateway-Prefer permit 10
         match ip address prefix-list Azure-Advertised-Routes
         set local-preference 200

        Define a route map for other routes (lower preference)
        route-map Other-Routes permit 10
         match ip address prefix-list Azure-Advertised-Routes
         set local-preference 100

        Apply the route maps to the BGP neighbors
        router bgp 65501
         neighbor 169.254.21.2 route-map VPN-Gateway-Prefer in
         neighbor 192.168.100.2 route-map Other-Routes in
        """;

    [Fact]
    public void Seed001ProseIsReportedByLineAndTheConfigurationIsParsed()
    {
        var result = Parse(Seed001);
        Assert.Equal(
            [(1, IosDiagnosticKind.NotUnderstood, "not understood"),
             (5, IosDiagnosticKind.NotUnderstood, "not understood"),
             (10, IosDiagnosticKind.NotUnderstood, "not understood"),
             (15, IosDiagnosticKind.NotUnderstood, "not understood"),
             (17, IosDiagnosticKind.Warning, "neighbor 169.254.21.2 has no 'neighbor 169.254.21.2 remote-as': IOS refuses its other commands until the remote AS is given, and no session can come up"),
             (18, IosDiagnosticKind.Warning, "neighbor 192.168.100.2 has no 'neighbor 192.168.100.2 remote-as': IOS refuses its other commands until the remote AS is given, and no session can come up")],
            result.Diagnostics.Select(d => (d.Line, d.Kind, d.Message)));
        Assert.Equal("Define a route map for other routes (lower preference)", result.Diagnostics[2].Text);
        Assert.False(result.HasErrors);

        var c = result.Config;
        Assert.Equal([(10L, "10.64.0.0/23"), (20L, "172.16.0.0/16")],
            c.PrefixLists["Azure-Advertised-Routes"].Entries.Select(e => (e.Sequence, e.Prefix.ToString())));
        Assert.Equal(200L, c.RouteMaps["VPN-Gateway-Prefer"].Entries.Single().Sets.LocalPreference);
        Assert.Equal(100L, c.RouteMaps["Other-Routes"].Entries.Single().Sets.LocalPreference);
        Assert.Equal(65501, c.Bgp!.Asn);
        Assert.Equal(
            [("169.254.21.2", "VPN-Gateway-Prefer"), ("192.168.100.2", "Other-Routes")],
            c.Bgp.Neighbors.Select(n => (n.Address.ToString(), n.RouteMapIn!)));
        Assert.All(c.Bgp.Neighbors, n => Assert.Null(n.RemoteAs));
    }

    [Fact]
    public void Seed001CompletedPrefersTheVpnPathForAzurePrefixesOnly()
    {
        // The same policy with the sessions the report describes: VPN gateway (65515) over APIPA, ExpressRoute
        // (Microsoft, 12076) over the private peering.
        var config = Clean("""
            ip prefix-list Azure-Advertised-Routes seq 10 permit 10.64.0.0/23
            ip prefix-list Azure-Advertised-Routes seq 20 permit 172.16.0.0/16
            route-map VPN-Gateway-Prefer permit 10
             match ip address prefix-list Azure-Advertised-Routes
             set local-preference 200
            route-map Other-Routes permit 10
             match ip address prefix-list Azure-Advertised-Routes
             set local-preference 100
            router bgp 65501
             neighbor 169.254.21.2 remote-as 65515
             neighbor 192.168.100.2 remote-as 12076
             neighbor 169.254.21.2 route-map VPN-Gateway-Prefer in
             neighbor 192.168.100.2 route-map Other-Routes in
            """);
        var vpn = config.Bgp!.Neighbor(Ip("169.254.21.2"))!;
        var er = config.Bgp.Neighbor(Ip("192.168.100.2"))!;
        Assert.Equal((65515L, true), (vpn.RemoteAs!.Value, vpn.IsEbgp(65501)));
        Assert.Equal(12076L, er.RemoteAs);

        // "R1#show ip bgp": 10.64.0.0/23 and 172.16.0.0/16 learned over both paths
        foreach (var prefix in new[] { "10.64.0.0/23", "172.16.0.0/16" })
        {
            var overVpn = config.EvaluateRouteMap(vpn.RouteMapIn, new BgpRouteAttributes(P(prefix)) { AsPath = [65515] });
            var overEr = config.EvaluateRouteMap(er.RouteMapIn, new BgpRouteAttributes(P(prefix)) { AsPath = [12076, 65515] });
            Assert.True(overVpn.Permitted);
            Assert.True(overEr.Permitted);
            Assert.Equal(200, overVpn.Route.LocalPreference);
            Assert.Equal(100, overEr.Route.LocalPreference);
        }
        // Anything else (the GatewaySubnet's own /26, say) meets the implicit deny of both route maps.
        var gatewaySubnet = new BgpRouteAttributes(P("10.64.0.0/26"));
        Assert.True(config.EvaluateRouteMap(vpn.RouteMapIn, gatewaySubnet).ImplicitDeny);
        Assert.True(config.EvaluateRouteMap(er.RouteMapIn, gatewaySubnet).ImplicitDeny);
    }

    // Seed 003 (third-party VPN to Azure), the red third party's crypto map and ACL as quoted, with the trailing
    // blanks the report has after "ipsec-isakmp" and "AZURE".
    private static readonly string Seed003CryptoMap = string.Join("\n",
        "crypto map AZURE 10 ipsec-isakmp ",
        " set peer 52.151.66.181",
        " set security-association lifetime seconds 28800",
        " set transform-set AZURE ",
        " set pfs group2",
        " set ikev2-profile prof",
        " match address VPN-Azure-to-Onprem",
        "",
        "ip access-list extended VPN-Azure-to-Onprem",
        " permit ip 10.1.0.0 0.0.255.255 172.16.0.0 0.0.255.255");

    [Fact]
    public void Seed003CryptoMapAndItsTrafficSelectors()
    {
        var result = Parse(Seed003CryptoMap);
        // The snippet leaves out the transform set and the IKEv2 profile: they are reported, nothing else is.
        Assert.Equal(
            [(4, 20, IosDiagnosticKind.Warning, "transform-set 'AZURE' (crypto map) is not defined"),
             (6, 20, IosDiagnosticKind.Warning, "IKEv2 profile 'prof' (crypto map) is not defined")],
            result.Diagnostics.Select(d => (d.Line, d.Column, d.Kind, d.Message)));

        var c = result.Config;
        var entry = c.Crypto.CryptoMaps["AZURE"].Entries.Single();
        Assert.Equal(("AZURE", 10), (entry.MapName, entry.Sequence));
        Assert.Equal([Ip("52.151.66.181")], entry.Peers.AsEnumerable());
        Assert.Equal(28800, entry.LifetimeSeconds);
        Assert.Equal(["AZURE"], entry.TransformSets.AsEnumerable());
        Assert.Equal(2, entry.PfsGroup);
        Assert.Equal("prof", entry.Ikev2Profile);
        Assert.Equal("VPN-Azure-to-Onprem", entry.MatchAddress);
        Assert.Equal(new SourceRef(Ios.File, 1, 1), entry.Source);

        var acl = c.AccessLists["VPN-Azure-to-Onprem"];
        var selector = Assert.Single(acl.Permits());
        Assert.Equal((P("10.1.0.0/16"), P("172.16.0.0/16")), (selector.SourcePrefix, selector.DestinationPrefix));
        Assert.Equal((10, 10), (selector.Sequence, selector.Source.Line));
    }

    // Seed 003, "be careful": the red and blue CSRs' ACLs with the mistaken 10/8 <-> 10/8 line, printed
    // without indentation and with "//" labels.
    private const string Seed003Careful = """
        //Red CSR
        ip access-list extended VPN-Azure-to-Onprem
        permit ip 10.1.0.0 0.0.255.255 172.16.0.0 0.0.255.255
        permit ip 10.0.0.0 0.255.255.255 10.0.0.0 0.255.255.255

        //Blue CSR
        permit ip 10.1.0.0 0.0.255.255 172.16.100.0 0.0.0.255
        permit ip 10.0.0.0 0.255.255.255 10.0.0.0 0.255.255.255
        """;

    [Fact]
    public void Seed003CarefulLabelsAreReportedAndUnindentedEntriesStayInTheOpenAccessList()
    {
        var result = Parse(Seed003Careful);
        Assert.Equal([(1, "//Red CSR"), (6, "//Blue CSR")],
            result.Diagnostics.Select(d => (d.Line, d.Text)));
        Assert.All(result.Diagnostics, d => Assert.Equal(IosDiagnosticKind.NotUnderstood, d.Kind));
        // IOS stays in access-list mode after a line it rejects, so the blue lines (pasted into the same
        // router) land in the same list.
        var acl = result.Config.AccessLists["VPN-Azure-to-Onprem"];
        Assert.Equal(
            [(10, "10.1.0.0/16", "172.16.0.0/16"), (20, "10.0.0.0/8", "10.0.0.0/8"),
             (30, "10.1.0.0/16", "172.16.100.0/24"), (40, "10.0.0.0/8", "10.0.0.0/8")],
            acl.Entries.Select(e => (e.Sequence, e.SourcePrefix.ToString(), e.DestinationPrefix.ToString())));
    }

    [Fact]
    public void Seed003RedCsrMistakePermitsRedToBlueTransit()
    {
        var red = Clean("""
            ip access-list extended VPN-Azure-to-Onprem
             permit ip 10.1.0.0 0.0.255.255 172.16.0.0 0.0.255.255
             permit ip 10.0.0.0 0.255.255.255 10.0.0.0 0.255.255.255
            """).AccessLists["VPN-Azure-to-Onprem"];
        // 10.1.10.10 (red VM) -> 10.2.10.10 (blue VM): the mistaken line puts it in the encryption domain.
        var redToBlue = new AclFlow(Ip("10.1.10.10"), Ip("10.2.10.10"));
        Assert.True(red.Permits(redToBlue));
        Assert.Equal(20, red.FirstMatch(redToBlue)!.Sequence);
        Assert.True(red.Permits(new AclFlow(Ip("10.1.10.10"), Ip("172.16.1.4"))));
    }

    [Theory]
    // Seed 003, the fix: each CSR's ACL equals Azure's fixed traffic selector (InitiatorOnly + selector policy).
    [InlineData("permit ip 10.1.0.0 0.0.255.255 172.16.1.0 0.0.0.255", "10.1.0.0/16", "172.16.1.0/24")]
    [InlineData("permit ip 10.2.0.0 0.0.255.255 172.16.1.0 0.0.0.255", "10.2.0.0/16", "172.16.1.0/24")]
    public void Seed003FixedAclsMatchAzuresSelectorsAndStopTransit(string entry, string local, string remote)
    {
        var acl = Clean($"ip access-list extended VPN-Azure-to-Onprem\n {entry}").AccessLists["VPN-Azure-to-Onprem"];
        var selector = Assert.Single(acl.Permits());
        Assert.Equal((P(local), P(remote)), (selector.SourcePrefix, selector.DestinationPrefix));
        Assert.False(acl.Permits(new AclFlow(Ip("10.1.10.10"), Ip("10.2.10.10"))));
        Assert.False(acl.Permits(new AclFlow(Ip("10.2.10.10"), Ip("10.1.10.10"))));
        Assert.False(acl.Permits(new AclFlow(P(local).First, Ip("172.16.100.4"))));   // spoke outside the selector
    }
}
