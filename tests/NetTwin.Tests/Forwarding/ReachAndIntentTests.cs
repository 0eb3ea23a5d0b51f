using System.Text.Json;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.Forwarding;

/// <summary>`nettwin reach` and `nettwin check` through the CLI's code path.</summary>
public class ReachAndIntentTests
{
    private static readonly string S0 = Nt.Example("s0-proxy-tunnel");
    private static string C0(string f) => Nt.Change("s0-proxy-tunnel", f);

    private static JsonElement Json(params string[] args)
    {
        var r = Nt.Run(args);
        Assert.True(r.ExitCode == 0, r.Err);
        return JsonDocument.Parse(r.Out).RootElement;
    }

    private static string[] Subnets(JsonElement reach) =>
        [.. reach.GetProperty("subnets").EnumerateArray().Select(s => s.GetProperty("subnet").GetString()!)];

    [Fact]
    public void ReachViaProxyListsTenantAndAppThenOnlyTenantWithTheFix()
    {
        var both = Json("reach", S0, "--apply", C0("solution4-hub-vpn.yaml"), "--to", "8.8.8.8:443", "--via", "proxy-supplier", "-o", "json");
        Assert.Equal(["app-vnet/app", "vdi-vnet/tenant"], Subnets(both));
        Assert.All(both.GetProperty("subnets").EnumerateArray(), s => Assert.Equal("EXITS_TO_INTERNET", s.GetProperty("disposition").GetString()));
        Assert.Equal(443, both.GetProperty("port").GetInt32());
        var fixedApp = Json("reach", S0, "--apply", C0("solution4-hub-vpn.yaml"), "--apply", C0("app-half-default-udr.yaml"),
            "--to", "8.8.8.8:443", "--via", "proxy-supplier", "-o", "json");
        Assert.Equal(["vdi-vnet/tenant"], Subnets(fixedApp));
    }

    [Fact]
    public void ReachWithoutViaListsEveryWorkloadSubnet()
    {
        var all = Json("reach", Nt.Example("s1-vpn-over-er"), "--to", "10.200.1.10:22", "-o", "json");
        var row = Assert.Single(all.GetProperty("subnets").EnumerateArray());
        Assert.Equal("vnet-spoke/workload", row.GetProperty("subnet").GetString());
        Assert.True(row.GetProperty("reaches").GetBoolean());
        Assert.Equal(["spoke-vm1", "spoke-vm1-nic", "vnet-spoke/workload", "vpngateway", "datacenter01_connection", "datacenter_router1", "R1"],
            row.GetProperty("path").EnumerateArray().Select(p => p.GetString()!).ToArray());
    }

    [Fact]
    public void MatrixReportsEquivalenceClassesAsRanges()
    {
        var m = Json("reach", S0, "--apply", C0("solution4-hub-vpn.yaml"), "--matrix", "-o", "json");
        Assert.Equal(2, m.GetProperty("sources").GetInt32());
        var cells = m.GetProperty("cells").EnumerateArray()
            .Select(c => $"{c.GetProperty("from").GetString()} -> {c.GetProperty("to").GetString()} {c.GetProperty("range").GetString()} {c.GetProperty("disposition").GetString()}")
            .ToArray();
        Assert.Equal([
            "app-vnet/app -> vdi-vnet/tenant 10.120.1.0/24 NO_ROUTE",
            "app-vnet/app -> 10.1.0.0/16 10.1.0.0/16 DELIVERED",
            "app-vnet/app -> 10.2.0.0/16 10.2.0.0/16 DELIVERED",
            "app-vnet/app -> 192.168.0.0/16 192.168.0.0/16 DELIVERED",
            "vdi-vnet/tenant -> app-vnet/app 10.110.1.0/24 NO_ROUTE",
            "vdi-vnet/tenant -> 10.1.0.0/16 10.1.0.0/16 DELIVERED",
            "vdi-vnet/tenant -> 10.2.0.0/16 10.2.0.0/16 DELIVERED",
            "vdi-vnet/tenant -> 192.168.0.0/16 192.168.0.0/16 DELIVERED",
        ], cells);
    }

    [Fact]
    public void MatrixSplitsADestinationWhereARouteTableTreatsPartOfItDifferently()
    {
        // A /25 user route inside tenant's /24 on app: two classes of tenant addresses from app.
        var split = Path.Combine(Nt.TempTopology(("c.yaml", """
            changes:
              - add:
                  routeTables:
                    - name: app-rt
                      location: westeurope
                      routes:
                        - { name: half-tenant, addressPrefix: 10.120.1.128/25, nextHopType: None }
              - set:
                  resource: virtualNetworks/app-vnet/subnets/app
                  properties: { routeTable: app-rt }
            """)), "c.yaml");
        var m = Json("reach", S0, "--apply", split, "--matrix", "-o", "json");
        var toTenant = m.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("from").GetString() == "app-vnet/app" && c.GetProperty("to").GetString() == "vdi-vnet/tenant")
            .Select(c => $"{c.GetProperty("range").GetString()} {c.GetProperty("disposition").GetString()}").ToArray();
        Assert.Equal(["10.120.1.0/25 NO_ROUTE", "10.120.1.128/25 NULL_ROUTED"], toTenant);
    }

    [Theory]
    [InlineData("s0-proxy-tunnel", 5)]
    [InlineData("s1-vpn-over-er", 3)]
    [InlineData("s2-ipsec-backup", 3)]
    [InlineData("s3-third-parties", 5)]
    [InlineData("s4-vnet-to-vnet", 2)]
    public void EveryExampleHasIntentsThatHold(string example, int count)
    {
        var r = Nt.Run("check", Nt.Example(example), "-o", "json");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var v = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal(count, v.GetProperty("holding").GetInt32());
        Assert.Equal(0, v.GetProperty("violated").GetInt32());
    }

    [Fact]
    public void BreakingAnIntentOnPurposeExitsOne()
    {
        var r = Nt.Run("check", Nt.Example("s4-vnet-to-vnet"), "--apply", Nt.Change("s4-vnet-to-vnet", "connect.yaml"), "-o", "json");
        Assert.Equal(1, r.ExitCode);
        var v = JsonDocument.Parse(r.Out).RootElement;
        var broken = Assert.Single(v.GetProperty("intents").EnumerateArray(), i => !i.GetProperty("holds").GetBoolean());
        Assert.Equal("vnet2-unreachable", broken.GetProperty("name").GetString());
        Assert.Equal("VNet1VM01 (10.0.1.4) reaches VNet2VM01 (10.0.4.4) (request DELIVERED, reply DELIVERED): not isolated", broken.GetProperty("verdict").GetString());
    }

    [Fact]
    public void S1FirewallBreaksSymmetryAndTheGatewayRouteRestoresIt()
    {
        var ex = Nt.Example("s1-vpn-over-er");
        var broken = Nt.Run("check", ex, "--apply", Nt.Change("s1-vpn-over-er", "firewall.yaml"));
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("spoke-datacenter-symmetric", broken.Out);
        Assert.Contains("2 intent(s) hold, 1 violated.", broken.Out);
        var repaired = Nt.Run("check", ex, "--apply", Nt.Change("s1-vpn-over-er", "firewall.yaml"), "--apply", Nt.Change("s1-vpn-over-er", "firewall-gateway-udr.yaml"));
        Assert.Equal(0, repaired.ExitCode);
    }

    [Fact]
    public void S0Solution4CatchesAppOnTheProxyUntilTheFix()
    {
        var r = Nt.Run("check", S0, "--apply", C0("solution4-hub-vpn.yaml"), "-o", "json");
        Assert.Equal(1, r.ExitCode);
        var violated = JsonDocument.Parse(r.Out).RootElement.GetProperty("intents").EnumerateArray()
            .Where(i => !i.GetProperty("holds").GetBoolean()).Select(i => i.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["app-internet-direct", "vdi-internet-direct"], violated);
        var fixedApp = Nt.Run("check", S0, "--apply", C0("solution4-hub-vpn.yaml"), "--apply", C0("app-half-default-udr.yaml"), "-o", "json");
        var still = JsonDocument.Parse(fixedApp.Out).RootElement.GetProperty("intents").EnumerateArray()
            .Where(i => !i.GetProperty("holds").GetBoolean()).Select(i => i.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["vdi-internet-direct"], still);
    }

    [Fact]
    public void BadIntentsFileNamesFileLineAndKey()
    {
        var dir = Nt.TempTopology(
            ("net.yaml", "virtualNetworks:\n  - name: v\n    location: westeurope\n    addressSpace: [10.0.0.0/16]\n    subnets: [ { name: s, addressPrefix: 10.0.1.0/24 } ]\n"),
            ("intents.yaml", "intents:\n  - name: one\n    reach: { form: v/s, to: 10.0.1.5 }\n"));
        var r = Nt.Run("check", dir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("intents.yaml:3:14", r.Err);
        Assert.Contains("unknown key 'form' in intent one (did you mean 'from'?)", r.Err);
        Assert.DoesNotContain("   at ", r.Err);
    }

    [Fact]
    public void UnknownEndpointIsBadInput()
    {
        var r = Nt.Run("trace", S0, "--from", "no-such-vm", "--to", "8.8.8.8");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'no-such-vm' is not a VM, NIC, vnet/subnet, on-premises device or IPv4 address of this topology", r.Err);
        var reach = Nt.Run("reach", S0, "--to", "8.8.8.8:443", "--via", "nobody");
        Assert.Equal(2, reach.ExitCode);
        Assert.Contains("--via nobody: no device, gateway", reach.Err);
    }

    [Fact]
    public void TheReportsMatrixStaysWithinItsBudget()
    {
        var topology = NetTwin.Formats.Yaml.TopologyLoader.Load(S0, [C0("solution4-hub-vpn.yaml")]);
        var f = new NetTwin.Forwarding.Forwarder(NetTwin.Ipsec.Planes.Compute(topology));
        var over = NetTwin.Questions.ReachQuestion.Matrix(f, NetTwin.Model.TransportProtocol.Tcp, 443, maxTraces: 9);
        Assert.Empty(over.Cells);
        Assert.Equal("not computed here: 2 subnets x 5 address classes is 10 traces; run nettwin reach --matrix", over.Skipped);
        var within = NetTwin.Questions.ReachQuestion.Matrix(f, NetTwin.Model.TransportProtocol.Tcp, 443, maxTraces: 10);
        Assert.Null(within.Skipped);
        Assert.Equal(8, within.Cells.Count);
    }

    [Fact]
    public void TheReportSummarisesLargeRouteTablesAndKeepsTheSurprises()
    {
        // 45 more on-premises prefixes over ExpressRoute: tenant's table outgrows what the report lists.
        var change = TraceKit.S0CircuitAdvertising(["10.1.0.0/16", .. Enumerable.Range(0, 45).Select(i => $"10.50.{i}.0/24")]);
        var routes = Json("routes", S0, "--apply", C0("solution4-hub-vpn.yaml"), "--apply", change, "--subnet", "vdi-vnet/tenant", "-o", "json")
            .GetProperty("value").GetArrayLength();
        var report = Json("report", S0, "--apply", C0("solution4-hub-vpn.yaml"), "--apply", change, "-o", "json");
        var tenant = report.GetProperty("routing").GetProperty("subnets").EnumerateArray().Single(x => x.GetProperty("subnet").GetString() == "vdi-vnet/tenant");
        var listed = tenant.GetProperty("routes").EnumerateArray().ToList();
        Assert.Equal(40, listed.Count);
        Assert.Equal(routes - 40, tenant.GetProperty("omitted").GetInt32());
        // The shadowed default route (rule B9) is a surprise: always listed.
        Assert.Contains(listed, r => r.GetProperty("shadowed").GetBoolean() && r.GetProperty("addressPrefix")[0].GetString() == "0.0.0.0/0");
    }
}
