using System.Text.Json;
using NetTwin.Formats.Yaml;
using NetTwin.Tests.Support;
using NetTwin.WhatIf;

namespace NetTwin.Tests.WhatIf;

/// <summary>`nettwin whatif` through the CLI's own code path.</summary>
public class WhatIfCommandTests
{
    private static readonly string S0 = Nt.Example("s0-proxy-tunnel");
    private static readonly string Sol4 = Nt.Change("s0-proxy-tunnel", "solution4-hub-vpn.yaml");
    private static readonly string HalfDefault = Nt.Change("s0-proxy-tunnel", "app-half-default-udr.yaml");

    private static JsonElement Diff(string json) => JsonDocument.Parse(json).RootElement.GetProperty("differences");

    private static List<string> Strings(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetString()!)];

    [Fact]
    public void S0HalfDefaultUdrOnAppChangesAppsRoutesAndInternetFlowsAndNothingElse()
    {
        var r = Nt.Run("whatif", S0, "--apply", Sol4, "--change", HalfDefault, "-o", "json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Err);
        var root = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal("RouteTables", root.GetProperty("scope").GetString());
        Assert.True(root.GetProperty("difference").GetBoolean());
        var d = Diff(r.Out);

        // App's two new user routes, and the gateway's /1 routes turned Invalid in app-vnet/app; nothing else.
        var routes = d.GetProperty("routes").EnumerateArray().Select(x => (
            x.GetProperty("subnet").GetString(), x.GetProperty("change").GetString(), x.GetProperty("source").GetString(),
            x.GetProperty("addressPrefix").GetString(), x.GetProperty("nextHopType").GetString(),
            string.Join(" ", Strings(x.GetProperty("nextHopIpAddress"))), x.GetProperty("before").GetString(), x.GetProperty("after").GetString())).ToList();
        Assert.Equal(
        [
            ("app-vnet/app", "added", "User", "0.0.0.0/1", "Internet", "", null, "Active"),
            ("app-vnet/app", "changed", "VirtualNetworkGateway", "0.0.0.0/1", "VirtualNetworkGateway", "10.100.0.12", "Active", "Invalid"),
            ("app-vnet/app", "added", "User", "128.0.0.0/1", "Internet", "", null, "Active"),
            ("app-vnet/app", "changed", "VirtualNetworkGateway", "128.0.0.0/1", "VirtualNetworkGateway", "10.100.0.12", "Active", "Invalid"),
        ], routes);

        // App's internet flows move from proxy-supplier to the internet, over the internet's ranges.
        var flows = d.GetProperty("flows").EnumerateArray().ToList();
        var flow = Assert.Single(flows);
        Assert.Equal("app-vnet/app", flow.GetProperty("from").GetString());
        Assert.Equal("internet", flow.GetProperty("to").GetString());
        Assert.Equal("path", flow.GetProperty("change").GetString());
        Assert.Equal("EXITS_TO_INTERNET at proxy-supplier", flow.GetProperty("before").GetString());
        Assert.Equal("EXITS_TO_INTERNET at internet", flow.GetProperty("after").GetString());
        Assert.Equal(["app-vm1", "app-vm1-nic", "app-vnet/app", "VPNgw001", "hub-to-proxy", "proxy-supplier"], Strings(flow.GetProperty("beforePath")));
        Assert.Equal(["app-vm1", "app-vm1-nic", "app-vnet/app", "internet"], Strings(flow.GetProperty("afterPath")));
        Assert.Equal(["1.0.0.0-9.255.255.255", "11.0.0.0-100.63.255.255", "100.128.0.0-126.255.255.255", "128.0.0.0-169.253.255.255",
            "169.255.0.0-172.15.255.255", "172.32.0.0-192.167.255.255", "192.169.0.0-223.255.255.255"], Strings(flow.GetProperty("destinations")));

        // The intent about app's direct internet starts holding; nothing else changes.
        var intent = Assert.Single(d.GetProperty("intents").EnumerateArray());
        Assert.Equal("app-internet-direct", intent.GetProperty("intent").GetString());
        Assert.Equal("holds", intent.GetProperty("change").GetString());
        foreach (var kind in new[] { "findings", "bgpSessions", "learnedRoutes", "tunnels", "unavailable" })
            Assert.Empty(d.GetProperty(kind).EnumerateArray());
        Assert.DoesNotContain("vdi-vnet", r.Out);
        Assert.DoesNotContain("tenant", r.Out);
    }

    [Fact]
    public void AChangeThatChangesNothingPrintsNoDifference()
    {
        var same = Path.Combine(Nt.TempTopology(("same.yaml", """
            changes:
              - set:
                  resource: virtualNetworkPeerings/vdi-vnet-to-hub-vnet001
                  properties: { allowVirtualNetworkAccess: true }
            """)), "same.yaml");
        var r = Nt.Run("whatif", S0, "--apply", Sol4, "--change", same);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("no difference", r.Out.Split('\n')[1].Trim());
        var j = Nt.Run("whatif", S0, "--apply", Sol4, "--change", same, "-o", "json");
        Assert.False(JsonDocument.Parse(j.Out).RootElement.GetProperty("difference").GetBoolean());
    }

    [Fact]
    public void S2PrimaryFailureReportsTheSessionOnBothSpeakersAndTheLostRoutes()
    {
        var r = Nt.Run("whatif", Nt.Example("s2-ipsec-backup"), "--change", Nt.Change("s2-ipsec-backup", "step2-primary-fails.yaml"), "-o", "json");
        Assert.Equal(0, r.ExitCode);
        var d = Diff(r.Out);
        var sessions = d.GetProperty("bgpSessions").EnumerateArray().Select(x => (x.GetProperty("speaker").GetString(), x.GetProperty("peer").GetString(),
            x.GetProperty("change").GetString(), x.GetProperty("before").GetString(), x.GetProperty("after").GetString())).ToList();
        Assert.Equal(
        [
            ("vng1", "10.4.0.253", "added", null, "Connecting"),
            ("vng1", "10.4.0.254", "removed", "Connected", null),
            ("vng3", "10.2.0.254", "changed", "Connected", "Connecting"),
        ], sessions);
        var vnet1 = d.GetProperty("routes").EnumerateArray().Where(x => x.GetProperty("subnet").GetString() == "vnet1/vnet1-sub1")
            .Select(x => (x.GetProperty("change").GetString(), x.GetProperty("addressPrefix").GetString())).ToList();
        Assert.Equal([("removed", "10.3.0.0/16"), ("removed", "10.5.0.0/16")], vnet1);
        var intents = d.GetProperty("intents").EnumerateArray().Select(x => (x.GetProperty("intent").GetString(), x.GetProperty("change").GetString())).ToList();
        Assert.Equal([("vm1-reaches-vm2", "violated"), ("vm2-reaches-vm1", "violated")], intents);
        Assert.Empty(d.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public void AMissingChangeSetIsBadInputNamingTheFile()
    {
        var r = Nt.Run("whatif", S0, "--change", "/nonexistent/change.yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("/nonexistent/change.yaml: error: change set not found: no such file", r.Err.Trim());
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void WhatIfWithoutChangeIsAUsageError()
    {
        var r = Nt.Run("whatif", S0);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--change", r.Err);
    }

    [Fact]
    public void RouteTableOnlyChangeRecomputesIncrementallyAndAgreesWithAFullRecomputation()
    {
        var before = EstateAnalysis.Of(TopologyLoader.Load(S0, [Sol4]));
        var after = TopologyLoader.Load(S0, [Sol4, HalfDefault]);
        var derived = before.Derive(after);
        Assert.Equal(RoutingScope.RouteTables, derived.Scope!.Routing);
        Assert.Equal(["app-vnet/app"], derived.Scope.TouchedSubnets);
        Assert.Same(before.Routing.Bgp, derived.Routing.Bgp);
        Assert.Same(before.Tunnels, derived.Tunnels);
        var fresh = EstateAnalysis.Of(after);
        foreach (var s in after.Subnets)
            Assert.Equal(fresh.Routing.EffectiveRoutes(s.Id).Routes.Select(r => r.ToString()), derived.Routing.EffectiveRoutes(s.Id).Routes.Select(r => r.ToString()));
        Assert.True(Differ.Compare(fresh, derived).IsEmpty);
    }

    [Fact]
    public void AGatewaySubnetRouteTableIsAFullRecomputation()
    {
        var s1 = Nt.Example("s1-vpn-over-er");
        var before = EstateAnalysis.Of(TopologyLoader.Load(s1, [Nt.Change("s1-vpn-over-er", "firewall.yaml")]));
        var derived = before.Derive(TopologyLoader.Load(s1, [Nt.Change("s1-vpn-over-er", "firewall.yaml"), Nt.Change("s1-vpn-over-er", "firewall-gateway-udr.yaml")]));
        Assert.Equal(RoutingScope.Full, derived.Scope!.Routing);
    }
}
