using NetTwin.Formats.Ios;
using NetTwin.Model;
using static NetTwin.Tests.Ios.Ios;

namespace NetTwin.Tests.Ios;

public class IosInterfaceAndRouteTests
{
    [Fact]
    public void ParsesInterfacesWithAddressesShutdownTunnelAndCryptoMap()
    {
        var config = Clean("""
            hostname DC-R1
            interface GigabitEthernet1
             description to ISP
             ip address 10.1.0.4 255.255.255.0
             ip address 10.1.1.4 255.255.255.0 secondary
             crypto map AZURE
             no shutdown
            interface Loopback0
             ip address 10.10.10.1 255.255.255.255
            interface GigabitEthernet2
             no ip address
             shutdown
            interface Tunnel11
             ip address 169.254.21.1 255.255.255.252
             tunnel source GigabitEthernet1
             tunnel mode ipsec ipv4
             tunnel destination 52.151.66.181
             tunnel protection ipsec profile AZ-IPSEC
            interface Tunnel12
             tunnel source 10.1.0.4
             tunnel destination 52.151.66.182
            crypto map AZURE 10 ipsec-isakmp
             set peer 52.151.66.181
             set transform-set TS
             set ikev2-profile P
             match address VPN
            crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
            crypto ikev2 profile P
            crypto ipsec profile AZ-IPSEC
            ip access-list extended VPN
             permit ip any any
            """);
        Assert.Equal("DC-R1", config.Hostname);
        Assert.Equal(["GigabitEthernet1", "Loopback0", "GigabitEthernet2", "Tunnel11", "Tunnel12"], config.Interfaces.Select(i => i.Name));

        var g1 = config.Interface("GigabitEthernet1")!;
        Assert.Equal("to ISP", g1.Description);
        Assert.Equal(new InterfaceAddress(Ip("10.1.0.4"), P("10.1.0.0/24")), g1.Address);
        Assert.Equal("10.1.0.4/24", g1.Address!.ToString());
        Assert.Equal([new InterfaceAddress(Ip("10.1.1.4"), P("10.1.1.0/24"))], g1.SecondaryAddresses.AsEnumerable());
        Assert.False(g1.Shutdown);
        Assert.Null(g1.Tunnel);
        Assert.Equal("AZURE", g1.CryptoMap);
        Assert.Equal(new SourceRef(Ios.File, 2, 1), g1.Source);

        var lo = config.Interface("loopback0")!;   // interface names compare case-insensitively
        Assert.Equal(P("10.10.10.1/32"), lo.Address!.Prefix);
        Assert.True(lo.IsLoopback);

        var g2 = config.Interface("GigabitEthernet2")!;
        Assert.Null(g2.Address);
        Assert.True(g2.Shutdown);

        var t11 = config.Interface("Tunnel11")!;
        Assert.True(t11.IsTunnel);
        Assert.Equal(new TunnelConfig("GigabitEthernet1", null, Ip("52.151.66.181"), TunnelMode.IpsecIpv4, "AZ-IPSEC"), t11.Tunnel);
        Assert.Equal(P("169.254.21.0/30"), t11.Address!.Prefix);

        var t12 = config.Interface("Tunnel12")!;
        Assert.Equal(new TunnelConfig(null, Ip("10.1.0.4"), Ip("52.151.66.182"), TunnelMode.GreIp, null), t12.Tunnel);

        Assert.Equal(
            [("GigabitEthernet1", "10.1.0.0/24"), ("GigabitEthernet1", "10.1.1.0/24"), ("Loopback0", "10.10.10.1/32"),
             ("Tunnel11", "169.254.21.0/30")],
            config.ConnectedAddresses.Select(c => (c.Interface.Name, c.Address.Prefix.ToString())));
    }

    [Fact]
    public void InterfaceNamesAreNormalisedAndDescriptionsCanBeRemoved()
    {
        var config = Clean("""
            interface GigabitEthernet 0/0
             description old
             no description
            interface GigabitEthernet0/1.100 point-to-point
             encapsulation dot1Q 100
             ip address 10.100.0.1 255.255.255.252
            """);
        Assert.Equal(["GigabitEthernet0/0", "GigabitEthernet0/1.100"], config.Interfaces.Select(i => i.Name));
        Assert.Null(config.Interfaces[0].Description);
        Assert.Equal(P("10.100.0.0/30"), config.Interfaces[1].Address!.Prefix);
    }

    [Fact]
    public void ReenteringAnInterfaceExtendsIt()
    {
        var config = Clean("interface Gi1\n ip address 10.0.0.1 255.255.255.0\ninterface Gi1\n shutdown");
        var i = Assert.Single(config.Interfaces);
        Assert.True(i.Shutdown);
        Assert.Equal(Ip("10.0.0.1"), i.Address!.Ip);
    }

    [Theory]
    [InlineData(" ip address 10.1.0.4 255.255.0.255", 22, "'255.255.0.255' is not a valid subnet mask: its one bits are not contiguous (subnet mask)")]
    [InlineData(" ip address 10.1.0.4 255.255.255.256", 22, "'255.255.255.256' is not a valid IPv4 address (subnet mask)")]
    [InlineData(" ip address 10.1.0.400 255.255.255.0", 13, "'10.1.0.400' is not a valid IPv4 address (interface address)")]
    [InlineData(" ip address 10.1.0.0 255.255.255.0", 13, "Bad mask /24 for address 10.1.0.0: it is the network address of 10.1.0.0/24")]
    [InlineData(" ip address 10.1.0.255 255.255.255.0", 13, "Bad mask /24 for address 10.1.0.255: it is the broadcast address of 10.1.0.0/24")]
    [InlineData(" ip address 10.1.0.4", 21, "subnet mask expected")]
    [InlineData(" ip address 10.1.0.4 255.255.255.0 primary", 36, "unexpected 'primary'")]
    [InlineData(" tunnel destination 52.1.1.1.1", 21, "tunnel destinations given as host names are not modelled")]
    public void BadInterfaceLinesAreReportedAndNotApplied(string line, int column, string message)
    {
        var result = Parse("interface Gi1\n" + line);
        var d = Single(result);
        Assert.Equal((2, column, message), (d.Line, d.Column, d.Message));
        Assert.Null(result.Config.Interfaces[0].Address);
        Assert.Null(result.Config.Interfaces[0].Tunnel);
    }

    [Fact]
    public void InterfaceCommandsNotModelledAreReported()
    {
        var result = Parse("""
            interface Gi1
             ip address dhcp
             vrf forwarding RED
             ip nat outside
             negotiation auto
            """);
        Assert.Equal(
            [(2, IosDiagnosticKind.NotUnderstood, "'ip address dhcp' is not modelled: NetTwin needs a static address"),
             (3, IosDiagnosticKind.NotUnderstood, "VRFs are not modelled: NetTwin treats every interface as in the global routing table, so this line is not applied"),
             (4, IosDiagnosticKind.NotUnderstood, "not understood in 'interface Gi1' (line 1)"),
             (5, IosDiagnosticKind.Ignored, "'negotiation auto' does not affect what NetTwin models")],
            result.Diagnostics.Select(d => (d.Line, d.Kind, d.Message)));
    }

    [Fact]
    public void ParsesStaticRoutes()
    {
        var config = Clean("""
            interface GigabitEthernet1
             ip address 10.1.0.4 255.255.255.0
            ip route 0.0.0.0 0.0.0.0 10.1.0.1
            ip route 172.16.0.0 255.255.0.0 GigabitEthernet1 10.1.0.254 200 name backup-to-azure
            ip route 10.99.0.0 255.255.0.0 Null0 tag 7 permanent
            ip route 192.168.5.0 255.255.255.0 GigabitEthernet1
            """);
        Assert.Collection(config.StaticRoutes,
            r =>
            {
                Assert.Equal(new StaticRoute(P("0.0.0.0/0"), Ip("10.1.0.1"), null, 1, null, null, false, new SourceRef(Ios.File, 3, 1)), r);
                Assert.False(r.IsDiscard);
            },
            r => Assert.Equal(new StaticRoute(P("172.16.0.0/16"), Ip("10.1.0.254"), "GigabitEthernet1", 200, "backup-to-azure", null, false, new SourceRef(Ios.File, 4, 1)), r),
            r =>
            {
                Assert.Equal(new StaticRoute(P("10.99.0.0/16"), null, "Null0", 1, null, 7, true, new SourceRef(Ios.File, 5, 1)), r);
                Assert.True(r.IsDiscard);
            },
            r => Assert.Equal(new StaticRoute(P("192.168.5.0/24"), null, "GigabitEthernet1", 1, null, null, false, new SourceRef(Ios.File, 6, 1)), r));
    }

    [Theory]
    [InlineData("ip route 10.0.0.0 255.0.255.0 10.1.0.1", 19, IosDiagnosticKind.Error, "'255.0.255.0' is not a valid subnet mask: its one bits are not contiguous (destination mask)")]
    [InlineData("ip route 10.1.0.0 255.0.0.0 10.1.0.1", 10, IosDiagnosticKind.Error, "%Inconsistent address and mask: 10.1.0.0 has host bits set for /8 (IOS refuses the route; 10.0.0.0/8 was probably meant)")]
    [InlineData("ip route 10.0.0.0 255.0.0.0 10.1.0.999", 29, IosDiagnosticKind.Error, "'10.1.0.999' is not a valid IPv4 address (next hop)")]
    [InlineData("ip route 10.0.0.0 255.0.0.0", 28, IosDiagnosticKind.Error, "next hop (address or interface) expected")]
    [InlineData("ip route 10.0.0.0 255.0.0.0 10.1.0.1 256", 38, IosDiagnosticKind.Error, "administrative distance 256 is out of range (1-255)")]
    [InlineData("ip route 10.0.0.0/8 10.1.0.1", 10, IosDiagnosticKind.Error, "'10.0.0.0/8' is not a valid IPv4 address (destination)")]
    [InlineData("ip route vrf RED 10.0.0.0 255.0.0.0 10.1.0.1", 10, IosDiagnosticKind.NotUnderstood, "VRF static routes are not modelled")]
    [InlineData("ip route 10.0.0.0 255.0.0.0 10.1.0.1 track 5", 38, IosDiagnosticKind.NotUnderstood, "tracked static routes are not modelled")]
    public void BadStaticRoutesAreReportedAndNotApplied(string line, int column, IosDiagnosticKind kind, string message)
    {
        var result = Parse(line);
        var d = Single(result);
        Assert.Equal((kind, Ios.File, 1, column, line, message), (d.Kind, d.File, d.Line, d.Column, d.Text, d.Message));
        Assert.Empty(result.Config.StaticRoutes);
    }

    [Fact]
    public void NamesUsedButNotDefinedAreWarnings()
    {
        var result = Parse("""
            interface Tunnel1
             tunnel source GigabitEthernet9
             tunnel mode ipsec ipv4
             tunnel protection ipsec profile NOPE
             crypto map NOMAP
            """);
        Assert.Equal(
            [(2, 16, "interface 'GigabitEthernet9' (tunnel source of Tunnel1) is not defined"),
             (4, 34, "IPsec profile 'NOPE' (tunnel protection of Tunnel1) is not defined"),
             (5, 13, "crypto map 'NOMAP' (interface Tunnel1) is not defined")],
            result.Diagnostics.Select(d => (d.Line, d.Column, d.Message)));
        Assert.All(result.Diagnostics, d => Assert.Equal(IosDiagnosticKind.Warning, d.Kind));
    }
}
