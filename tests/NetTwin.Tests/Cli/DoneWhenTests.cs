using System.Text.Json;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.Cli;

/// <summary>The "Done when" lists of issues 2 (validation) and 3 (routing), through the CLI's own code path:
/// exit codes, the exact rule ids, routes, BGP tables and next hops the scenarios in scenarios.md expect.</summary>
public class DoneWhenTests
{
    private static string[] On(string example, params string[] changes) =>
        [Nt.Example(example), .. changes.SelectMany(c => new[] { "--apply", Nt.Change(example, c) })];

    private static (int Code, JsonElement Json) Json(params string[] args)
    {
        var r = Nt.Run([.. args, "-o", "json"]);
        Assert.True(r.ExitCode is 0 or 1, r.Err);
        return (r.ExitCode, JsonDocument.Parse(r.Out).RootElement.Clone());
    }

    private static IEnumerable<JsonElement> Value(JsonElement e) => e.GetProperty("value").EnumerateArray();
    private static string S(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? "" : e.GetProperty(name).ToString();

    // ---- issue 2: validate ---------------------------------------------------------------------------------------

    private static (int Code, string[] Errors, string[] Warnings) Validate(params string[] on)
    {
        var (code, json) = Json(["validate", .. on]);
        var findings = json.GetProperty("findings").EnumerateArray().ToList();
        string[] Of(string severity) => [.. findings.Where(f => S(f, "severity") == severity).Select(f => $"{S(f, "id")} {S(f, "resource")}")];
        return (code, Of("Error"), Of("Warning"));
    }

    [Fact]
    public void S0_solution1_prints_Azures_UseRemoteGateways_error_naming_both_peerings_and_exits_1()
    {
        var r = Nt.Run(["validate", .. On("s0-proxy-tunnel", "solution1-proxy-vnet.yaml")]);
        Assert.Equal(1, r.ExitCode);
        var file = Nt.Change("s0-proxy-tunnel", "solution1-proxy-vnet.yaml");
        Assert.Equal(
            $"{file}:48:11: error NT-PEER-001 [virtualNetworkPeerings/vdi-vnet-to-proxy-vnet]: Peering vdi-vnet/vdi-vnet-to-proxy-vnet cannot have "
            + "UseRemoteGateways flag set to true, because another peering /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/nettwin/"
            + "providers/Microsoft.Network/virtualNetworks/vdi-vnet/virtualNetworkPeerings/vdi-vnet-to-hub-vnet001 already has UseRemoteGateways flag set to true.\n"
            + "    see https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-different-region\n"
            + "1 error(s), 0 warning(s).\n",
            r.Out.Replace("\r\n", "\n"));
    }

    public static TheoryData<string, string[], string> Refused => new()
    {
        { "s0-proxy-tunnel", ["solution2-vpn-in-vdi.yaml"], "NT-PEER-002 virtualNetworkPeerings/vdi-vnet-to-hub-vnet001" },
        { "s0-proxy-tunnel", ["solution4-hub-vpn.yaml", "lng-default-route.yaml"], "NT-CONN-001 localNetworkGateways/proxy-supplier" },
        { "s2-ipsec-backup", ["step4-peer-vnet3.yaml"], "NT-PEER-001 virtualNetworkPeerings/vnet1-to-vnet3" },
        { "s2-ipsec-backup", ["step2-primary-fails.yaml", "step4-peer-vnet3.yaml"], "NT-PEER-001 virtualNetworkPeerings/vnet1-to-vnet3" },
        // A VNet-to-VNet link is two connection resources, one from each side: both are refused.
        { "s4-vnet-to-vnet", ["connect.yaml", "policy-based.yaml"], "NT-CONN-004 connections/VNet1-to-VNet2, NT-CONN-004 connections/VNet2-to-VNet1" },
        { "s4-vnet-to-vnet", ["connect.yaml", "second-vpn-gateway.yaml"], "NT-GW-002 virtualNetworkGateways/VNet1-gw2" },
        { "s4-vnet-to-vnet", ["connect.yaml", "too-many-tunnels.yaml"], "NT-GW-014 virtualNetworkGateways/VNet1-gw" },
        { "s4-vnet-to-vnet", ["overlap.yaml"], "NT-CONN-003 connections/VNet1-to-VNet2, NT-CONN-003 connections/VNet2-to-VNet1" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refused_variants_fail_validation_with_exit_1_on_exactly_the_intended_rule(string example, string[] changes, string error)
    {
        var (code, errors, _) = Validate(On(example, changes));
        Assert.Equal(1, code);
        Assert.Equal(error, string.Join(", ", errors));
    }

    [Theory]
    [InlineData("s0-proxy-tunnel")]
    [InlineData("s1-vpn-over-er")]
    [InlineData("s2-ipsec-backup")]
    [InlineData("s3-third-parties")]
    [InlineData("s4-vnet-to-vnet")]
    [InlineData("s0-proxy-tunnel", "solution3-gateways-in-vdi.yaml")]
    [InlineData("s0-proxy-tunnel", "solution4-hub-vpn.yaml")]
    [InlineData("s2-ipsec-backup", "step2-primary-fails.yaml", "step3-unpeer-vnet2.yaml", "step4-peer-vnet3.yaml")]
    [InlineData("s4-vnet-to-vnet", "connect.yaml")]
    public void Base_examples_and_working_variants_validate_clean_with_exit_0(string example, params string[] changes)
    {
        var r = Nt.Run(["validate", .. On(example, changes)]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("No findings: the topology follows every rule NetTwin checks.\n", r.Out.Replace("\r\n", "\n"));
    }

    // ---- issue 3: S0 solution 4 ------------------------------------------------------------------------------------

    private static string[] Routes(string subnet, params string[] changes) =>
        [.. Value(Json(["routes", .. On("s0-proxy-tunnel", changes), "--subnet", subnet]).Json).Select(v =>
            $"{S(v, "source")} {S(v, "state")} {string.Join(" ", v.GetProperty("addressPrefix").EnumerateArray())} {S(v, "nextHopType")}"
            + $" [{string.Join(" ", v.GetProperty("nextHopIpAddress").EnumerateArray())}]" + (v.GetProperty("shadowed").GetBoolean() ? " shadowed" : ""))];

    private static string NextHop(string from, string to, params string[] changes)
    {
        var j = Json(["next-hop", .. On("s0-proxy-tunnel", changes), "--from", from, "--to", to]).Json;
        return $"{S(j, "nextHopType")} {S(j, "nextHopIpAddress")} {S(j, "routeTableId")}".TrimEnd();
    }

    private static readonly string[] Sol4 = ["solution4-hub-vpn.yaml"];

    [Fact]
    public void S0_solution4_tenant_goes_to_the_proxy_for_the_internet_and_to_expressroute_for_on_premises()
    {
        Assert.Equal("VirtualNetworkGateway 10.100.0.12 System Route", NextHop("10.120.1.4", "8.8.8.8", Sol4));
        Assert.Equal("VirtualNetworkGateway 10.100.0.4 System Route", NextHop("10.120.1.4", "10.1.0.10", Sol4));
    }

    [Fact]
    public void S0_app_default_udr_changes_nothing_for_internet_destinations()
    {
        string[] changes = [.. Sol4, "app-default-udr.yaml"];
        var app = Routes("app-vnet/app", changes);
        Assert.Contains("User Active 0.0.0.0/0 Internet [] shadowed", app);
        Assert.Contains("Default Invalid 0.0.0.0/0 Internet []", app);
        Assert.Contains("VirtualNetworkGateway Active 0.0.0.0/1 VirtualNetworkGateway [10.100.0.12]", app);
        Assert.Contains("VirtualNetworkGateway Active 128.0.0.0/1 VirtualNetworkGateway [10.100.0.12]", app);
        Assert.Equal("VirtualNetworkGateway 10.100.0.12 System Route", NextHop("10.110.1.4", "8.8.8.8", changes));
    }

    [Fact]
    public void S0_app_half_default_udr_wins_and_the_gateway_halves_turn_invalid()
    {
        string[] changes = [.. Sol4, "app-half-default-udr.yaml"];
        var app = Routes("app-vnet/app", changes);
        foreach (var half in new[] { "0.0.0.0/1", "128.0.0.0/1" })
        {
            Assert.Contains($"User Active {half} Internet []", app);
            Assert.Contains($"VirtualNetworkGateway Invalid {half} VirtualNetworkGateway [10.100.0.12]", app);
        }
        Assert.Equal("Internet", NextHop("10.110.1.4", "8.8.8.8", changes).Split(' ')[0]);
        Assert.Equal("VirtualNetworkGateway 10.100.0.4 System Route", NextHop("10.110.1.4", "10.1.0.10", changes));
    }

    [Fact]
    public void S0_app_without_propagation_keeps_the_internet_and_loses_on_premises()
    {
        string[] changes = [.. Sol4, "app-no-propagation.yaml"];
        Assert.Equal(
        [
            "Default Active 0.0.0.0/0 Internet []",
            "Default Active 10.0.0.0/8 None []",
            "Default Active 10.100.0.0/16 VNetPeering []",
            "Default Active 10.110.0.0/16 VnetLocal []",
            "Default Active 100.64.0.0/10 None []",
            "Default Active 172.16.0.0/12 None []",
            "Default Active 192.168.0.0/16 None []",
        ], Routes("app-vnet/app", changes));
        Assert.Equal("Internet", NextHop("10.110.1.4", "8.8.8.8", changes).Split(' ')[0]);
        Assert.Equal("None", NextHop("10.110.1.4", "10.1.0.10", changes).Split(' ')[0]);
    }

    // ---- issue 3: S1 -------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("vpngateway", "169.254.21.1", "10.64.0.0/23 65515, 172.16.0.0/16 65515")]
    // Instance 1 also passes on the LAN that instance 0 learned from R1 (rule D5: routes from other BGP sessions);
    // R2 drops it by AS-path loop prevention (65501 is its own ASN).
    [InlineData("vpngateway", "169.254.22.1", "10.64.0.0/23 65515, 10.200.0.0/16 65515-65501, 172.16.0.0/16 65515")]
    [InlineData("ExpressrouteGateway", "192.168.100.2", "10.64.0.0/23 65515, 172.16.0.0/16 65515")]
    [InlineData("ExpressrouteGateway", "192.168.200.2", "10.64.0.0/23 65515, 172.16.0.0/16 65515")]
    public void S1_both_gateways_advertise_the_hub_and_the_spoke(string gateway, string peer, string expected)
    {
        var routes = Value(Json(["bgp", .. On("s1-vpn-over-er"), "--gateway", gateway, "--advertised", "--peer", peer]).Json)
            .Select(v => $"{S(v, "network")} {S(v, "asPath")}");
        Assert.Equal(expected, string.Join(", ", routes));
    }

    [Fact]
    public void S1_R1_holds_both_paths_for_each_prefix_best_via_the_vpn_gateway_with_local_preference_200()
    {
        var paths = Json(["bgp", .. On("s1-vpn-over-er"), "--device", "R1"]).Json.GetProperty("paths").EnumerateArray().ToList();
        foreach (var prefix in new[] { "10.64.0.0/23", "172.16.0.0/16" })
        {
            var mine = paths.Where(p => S(p, "network") == prefix)
                .Select(p => $"{S(p, "nextHop")} lp {S(p, "localPreference")} as {S(p, "asPath")} best {S(p, "best")}").Order(StringComparer.Ordinal);
            Assert.Equal(["169.254.21.2 lp 200 as 65515 best True", "192.168.100.2 lp 100 as 12076 65515 best False"], mine);
        }
    }

    // ---- issue 3: S2 -------------------------------------------------------------------------------------------------

    private static readonly string[] Step2 = ["step2-primary-fails.yaml"];
    private static readonly string[] Step4 = ["step2-primary-fails.yaml", "step3-unpeer-vnet2.yaml", "step4-peer-vnet3.yaml"];

    private static string[] Learned(string gateway, params string[] changes) =>
        [.. Value(Json(["bgp", .. On("s2-ipsec-backup", changes), "--gateway", gateway, "--learned"]).Json)
            .Select(v => $"{S(v, "network")} {S(v, "origin")} {S(v, "sourcePeer")} {S(v, "asPath")}".TrimEnd())];

    [Fact]
    public void S2_step1_the_primary_gateway_holds_every_vnet()
    {
        Assert.Equal(
        [
            "10.1.0.0/16 Network 10.2.0.254",
            "10.2.0.0/16 Network 10.2.0.254",
            "10.3.0.0/16 EBgp 10.4.0.254 65020",
            "10.4.0.0/16 Network 10.2.0.254",
            "10.4.0.0/16 EBgp 10.4.0.254 65020",
            "10.5.0.0/16 EBgp 10.4.0.254 65020",
        ], Learned("vng1"));
    }

    [Fact]
    public void S2_step2_the_primary_session_is_down_with_its_reason_and_its_routes_are_gone()
    {
        var peer = Assert.Single(Value(Json(["bgp", .. On("s2-ipsec-backup", Step2), "--peers", "--gateway", "vng1"]).Json));
        Assert.Equal(("10.4.0.253", "Connecting", "no BGP speaker answers at 10.4.0.253"), (S(peer, "neighbor"), S(peer, "state"), S(peer, "reason")));
        // Only vng1's own prefixes and the local network gateway's static prefix remain; nothing learned over BGP.
        Assert.Equal(["10.1.0.0/16 Network 10.2.0.254", "10.2.0.0/16 Network 10.2.0.254", "10.4.0.0/16 Network 10.2.0.254"], Learned("vng1", Step2));
    }

    [Fact]
    public void S2_step4_vnet1_is_learned_on_the_backup_path()
    {
        Assert.Contains("10.1.0.0/16 EBgp 10.3.0.254 65010", Learned("vng3", Step4));
        Assert.Contains("10.1.0.0/16 Network 10.3.0.254", Learned("vng2", Step4));
        Assert.Equal("VirtualNetworkGateway 10.3.0.4 System Route",
            $"{S(Json(["next-hop", .. On("s2-ipsec-backup", Step4), "--from", "10.1.0.4", "--to", "10.5.0.4"]).Json, "nextHopType")} "
            + $"{S(Json(["next-hop", .. On("s2-ipsec-backup", Step4), "--from", "10.1.0.4", "--to", "10.5.0.4"]).Json, "nextHopIpAddress")} System Route");
    }
}
