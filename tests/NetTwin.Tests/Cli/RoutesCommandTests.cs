using System.Text.Json;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.Cli;

/// <summary>`nettwin routes` through the CLI's own code path, in az's show-effective-route-table JSON shape.</summary>
public class RoutesCommandTests
{
    private static List<(string Source, string State, string Prefix, string Type, string Ips, bool Shadowed)> Rows(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("value").EnumerateArray().Select(v => (
            v.GetProperty("source").GetString()!, v.GetProperty("state").GetString()!,
            string.Join(" ", v.GetProperty("addressPrefix").EnumerateArray().Select(p => p.GetString())),
            v.GetProperty("nextHopType").GetString()!,
            string.Join(" ", v.GetProperty("nextHopIpAddress").EnumerateArray().Select(p => p.GetString())),
            v.GetProperty("shadowed").GetBoolean())).ToList();

    [Fact]
    public void S0Solution4TenantHoldsHalfDefaultsErPrefixesAndAShadowedDefault()
    {
        var r = Nt.Run("routes", Nt.Example("s0-proxy-tunnel"), "--apply", Nt.Change("s0-proxy-tunnel", "solution4-hub-vpn.yaml"),
            "--subnet", "vdi-vnet/tenant", "-o", "json");
        Assert.Equal(0, r.ExitCode);
        var rows = Rows(r.Out);
        Assert.Equal(
        [
            ("Default", "Active", "0.0.0.0/0", "Internet", "", true),
            ("Default", "Active", "10.0.0.0/8", "None", "", false),
            ("Default", "Active", "10.100.0.0/16", "VNetPeering", "", false),
            ("Default", "Active", "10.120.0.0/16", "VnetLocal", "", false),
            ("Default", "Active", "100.64.0.0/10", "None", "", false),
            ("Default", "Active", "172.16.0.0/12", "None", "", false),
            ("Default", "Invalid", "192.168.0.0/16", "None", "", false),
            ("VirtualNetworkGateway", "Active", "0.0.0.0/1", "VirtualNetworkGateway", "10.100.0.12", false),
            ("VirtualNetworkGateway", "Active", "10.1.0.0/16", "VirtualNetworkGateway", "10.100.0.4", false),
            ("VirtualNetworkGateway", "Active", "10.2.0.0/16", "VirtualNetworkGateway", "10.100.0.4", false),
            ("VirtualNetworkGateway", "Active", "128.0.0.0/1", "VirtualNetworkGateway", "10.100.0.12", false),
            ("VirtualNetworkGateway", "Active", "192.168.0.0/16", "VirtualNetworkGateway", "10.100.0.4", false),
        ], rows);
    }

    [Fact]
    public void AppWithoutPropagationHasNoGatewayRoutes()
    {
        var r = Nt.Run("routes", Nt.Example("s0-proxy-tunnel"), "--apply", Nt.Change("s0-proxy-tunnel", "solution4-hub-vpn.yaml"),
            "--apply", Nt.Change("s0-proxy-tunnel", "app-no-propagation.yaml"), "--subnet", "app-vnet/app", "-o", "json");
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain(Rows(r.Out), x => x.Source == "VirtualNetworkGateway");
        Assert.Contains(Rows(r.Out), x => x is { Prefix: "0.0.0.0/0", Type: "Internet", State: "Active", Shadowed: false });
    }

    [Fact]
    public void UnknownSubnetIsExit2()
    {
        var r = Nt.Run("routes", Nt.Example("s0-proxy-tunnel"), "--subnet", "vdi-vnet/nope");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no subnet named 'vdi-vnet/nope'", r.Err);
    }
}
