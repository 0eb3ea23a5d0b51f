using System.Runtime.CompilerServices;
using NetTwin.Formats.Yaml;
using NetTwin.Validation;
using static NetTwin.Tests.Validation.Topo;

namespace NetTwin.Tests.Validation;

/// <summary>The scenario examples under examples/ validate as scenarios.md says: clean where the story works,
/// refused with the intended rule (and only that rule) where Azure refused it.</summary>
public class ExampleValidationTests
{
    private static readonly string Root = FindRoot();

    /// <summary>The folder holding NetTwin.slnx: above the test binaries, or (when the build output lives outside the
    /// repository, as with --artifacts-path) above this source file.</summary>
    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "NetTwin.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("NetTwin.slnx not found above the test binaries or the test sources");
    }

    private static IReadOnlyList<Finding> Run(string example, params string[] changes)
    {
        var folder = Path.Combine(Root, "examples", example);
        var t = TopologyLoader.Load(folder, changes.Select(c => Path.Combine(folder, "changes", c)));
        return Validator.Validate(t);
    }

    private static string[] ErrorIds(IReadOnlyList<Finding> f) =>
        [.. f.Where(x => x.Severity == Severity.Error).Select(x => x.Id).Distinct().Order(StringComparer.Ordinal)];

    private static void Clean(IReadOnlyList<Finding> f) => Assert.True(f.Count == 0, $"expected no findings:\n{Dump(f)}");

    // ---- S0 ---------------------------------------------------------------------------------------------------

    [Fact]
    public void S0_base_is_clean() => Clean(Run("s0-proxy-tunnel"));

    [Fact]
    public void S0_solution1_fails_with_Azures_UseRemoteGateways_message()
    {
        var f = Run("s0-proxy-tunnel", "solution1-proxy-vnet.yaml");
        Assert.Equal([PeeringRules.UseRemoteGatewaysAlreadySet.Id], ErrorIds(f));
        Expect(f, PeeringRules.UseRemoteGatewaysAlreadySet, "virtualNetworkPeerings/vdi-vnet-to-proxy-vnet",
            "Peering vdi-vnet/vdi-vnet-to-proxy-vnet cannot have UseRemoteGateways flag set to true, because another peering "
            + "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/nettwin/providers/Microsoft.Network/virtualNetworks/vdi-vnet/"
            + "virtualNetworkPeerings/vdi-vnet-to-hub-vnet001 already has UseRemoteGateways flag set to true.");
    }

    [Fact]
    public void S0_solution2_fails_on_C5()
    {
        var f = Run("s0-proxy-tunnel", "solution2-vpn-in-vdi.yaml");
        Assert.Equal([PeeringRules.UseRemoteGatewaysWithOwnGateway.Id], ErrorIds(f));
        Assert.Equal("virtualNetworkPeerings/vdi-vnet-to-hub-vnet001", One(f, PeeringRules.UseRemoteGatewaysWithOwnGateway).Resource);
    }

    [Fact]
    public void S0_solution3_is_valid() => Clean(Run("s0-proxy-tunnel", "solution3-gateways-in-vdi.yaml"));

    [Fact]
    public void S0_solution4_is_clean() => Clean(Run("s0-proxy-tunnel", "solution4-hub-vpn.yaml"));

    [Fact]
    public void S0_solution4_with_a_default_route_in_the_local_network_gateway_fails()
    {
        var f = Run("s0-proxy-tunnel", "solution4-hub-vpn.yaml", "lng-default-route.yaml");
        Assert.Equal([ConnectionRules.LocalNetworkGatewayDefaultRoute.Id], ErrorIds(f));
        Assert.Equal("localNetworkGateways/proxy-supplier", One(f, ConnectionRules.LocalNetworkGatewayDefaultRoute).Resource);
    }

    [Theory]
    [InlineData("app-default-udr.yaml")]
    [InlineData("app-half-default-udr.yaml")]
    [InlineData("app-no-propagation.yaml")]
    public void S0_solution4_app_variants_are_valid(string change) => Clean(Run("s0-proxy-tunnel", "solution4-hub-vpn.yaml", change));

    // ---- S1 .. S4 bases ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData("s1-vpn-over-er")]
    [InlineData("s2-ipsec-backup")]
    [InlineData("s3-third-parties")]
    [InlineData("s4-vnet-to-vnet")]
    public void Scenario_bases_are_clean(string example) => Clean(Run(example));

    [Theory]
    [InlineData("prefer-vpn-for-gateway-subnet.yaml")]
    [InlineData("firewall.yaml")]
    [InlineData("firewall.yaml", "firewall-gateway-udr.yaml")]
    public void S1_variants_are_valid(params string[] changes) => Assert.Empty(ErrorIds(Run("s1-vpn-over-er", changes)));

    // ---- S2 ---------------------------------------------------------------------------------------------------

    [Fact]
    public void S2_step4_before_step3_fails_on_C4()
    {
        var f = Run("s2-ipsec-backup", "step4-peer-vnet3.yaml");
        Assert.Equal([PeeringRules.UseRemoteGatewaysAlreadySet.Id], ErrorIds(f));
        Expect(f, PeeringRules.UseRemoteGatewaysAlreadySet, "virtualNetworkPeerings/vnet1-to-vnet3",
            $"Peering vnet1/vnet1-to-vnet3 cannot have UseRemoteGateways flag set to true, because another peering {Arm}/virtualNetworks/vnet1/"
            + "virtualNetworkPeerings/vnet1-to-vnet2 already has UseRemoteGateways flag set to true.");
    }

    [Fact]
    public void S2_timeline_in_order_is_valid() =>
        Clean(Run("s2-ipsec-backup", "step2-primary-fails.yaml", "step3-unpeer-vnet2.yaml", "step4-peer-vnet3.yaml"));

    // ---- S3 ---------------------------------------------------------------------------------------------------

    [Fact]
    public void S3_NAT_rule_with_policy_based_selectors_fails_on_F2()
    {
        var f = Run("s3-third-parties", "b-wide-acls.yaml", "c-policy-based.yaml", "nat-with-policy-based.yaml");
        Assert.Equal([NatRules.NatWithPolicyBasedSelectors.Id], ErrorIds(f));
        Assert.Equal("connections/conn-red", One(f, NatRules.NatWithPolicyBasedSelectors).Resource);
    }

    [Theory]
    [InlineData("b-wide-acls.yaml")]
    [InlineData("b-wide-acls.yaml", "c-policy-based.yaml")]
    [InlineData("b-wide-acls.yaml", "c-policy-based.yaml", "d-selector-policies.yaml")]
    [InlineData("b-wide-acls.yaml", "c-policy-based.yaml", "d-selector-policies.yaml", "e-initiator-only.yaml")]
    [InlineData("b-wide-acls.yaml", "c-policy-based.yaml", "d-selector-policies.yaml", "e-initiator-only.yaml", "f-exact-acls.yaml")]
    public void S3_cases_are_valid(params string[] changes) => Assert.Empty(ErrorIds(Run("s3-third-parties", changes)));

    // ---- S4 ---------------------------------------------------------------------------------------------------

    [Fact]
    public void S4_connect_is_valid() => Clean(Run("s4-vnet-to-vnet", "connect.yaml"));

    [Fact]
    public void S4_policy_based_gateway_in_the_VNet_to_VNet_connection_fails_on_D1()
    {
        var f = Run("s4-vnet-to-vnet", "connect.yaml", "policy-based.yaml");
        Assert.Equal([ConnectionRules.Vnet2VnetPolicyBased.Id], ErrorIds(f));
        Has(f, ConnectionRules.Vnet2VnetPolicyBased, "connections/VNet1-to-VNet2",
            "Connection VNet1-to-VNet2 is VNet-to-VNet but gateway VNet2-gw is PolicyBased: VNet-to-VNet connections need RouteBased VPN gateways "
            + "on both sides (unverified: Azure's error text is not documented).");
    }

    [Fact]
    public void S4_second_VPN_gateway_in_one_vnet_fails_on_C9()
    {
        var f = Run("s4-vnet-to-vnet", "connect.yaml", "second-vpn-gateway.yaml");
        Assert.Equal([GatewayRules.MultipleVpnGateways.Id], ErrorIds(f));
    }

    [Fact]
    public void S4_too_many_tunnels_fails_on_D2()
    {
        var f = Run("s4-vnet-to-vnet", "connect.yaml", "too-many-tunnels.yaml");
        Assert.Equal([GatewayRules.TooManyTunnels.Id], ErrorIds(f));
        Assert.StartsWith("VPN gateway VNet1-gw needs 31 S2S/VNet-to-VNet tunnels, more than the 30 its SKU VpnGw1 supports",
            One(f, GatewayRules.TooManyTunnels).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void S4_overlap_fails()
    {
        var f = Run("s4-vnet-to-vnet", "overlap.yaml");
        Assert.Equal([ConnectionRules.Vnet2VnetAddressOverlap.Id], ErrorIds(f));
        Has(f, ConnectionRules.Vnet2VnetAddressOverlap, "connections/VNet1-to-VNet2",
            "Connection VNet1-to-VNet2 joins virtual networks VNet1 and VNet2, whose address spaces overlap (10.0.4.0/24): VNet-to-VNet connections "
            + "need non-overlapping address spaces (unverified: Azure's error text is not documented).");
    }
}
