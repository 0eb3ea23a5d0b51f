using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using NetTwin.Model;
using NetTwin.Validation;
using static NetTwin.Tests.Validation.Topo;

namespace NetTwin.Tests.Validation;

public class CatalogueTests
{
    private static IEnumerable<RuleDescriptor> Declared() =>
        typeof(Catalogue).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Catalogue).Namespace && t.IsClass)
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.FieldType == typeof(RuleDescriptor))
            .Select(f => (RuleDescriptor)f.GetValue(null)!);

    [Fact]
    public void Every_declared_descriptor_is_in_the_catalogue_once()
    {
        var declared = Declared().ToList();
        Assert.NotEmpty(declared);
        Assert.Equal(declared.Select(d => d.Id).Order(StringComparer.Ordinal), Catalogue.All.Select(d => d.Id));
        Assert.Equal(Catalogue.All.Count, Catalogue.All.Select(d => d.Id).Distinct().Count());
        foreach (var d in declared) Assert.Same(d, Catalogue.Find(d.Id));
    }

    [Fact]
    public void Catalogue_is_sorted_by_id()
    {
        Assert.Equal(Catalogue.All.Select(d => d.Id).Order(StringComparer.Ordinal), Catalogue.All.Select(d => d.Id));
    }

    [Fact]
    public void Every_descriptor_is_well_formed()
    {
        foreach (var d in Catalogue.All)
        {
            Assert.Matches(new Regex("^NT-[A-Z]+-[0-9]{3}$"), d.Id);
            Assert.False(string.IsNullOrWhiteSpace(d.Title), d.Id);
            Assert.True(d.Severity is Severity.Error or Severity.Warning, d.Id);
            Assert.True(d.SpecRule == "-" || Regex.IsMatch(d.SpecRule, "^[A-I][0-9]{1,2}$"), $"{d.Id}: spec rule '{d.SpecRule}'");
            // Azure rules cite Microsoft Learn; rules about on-premises device configs cite the vendor's reference.
            Assert.StartsWith(d.Id.StartsWith("NT-IOS-", StringComparison.Ordinal) ? "https://www.cisco.com/" : "https://learn.microsoft.com/", d.HelpLink, StringComparison.Ordinal);
            Assert.DoesNotContain("/en-us/", d.HelpLink, StringComparison.Ordinal);

            // The message format takes its placeholders 0..n-1, all of them used.
            var indexes = Regex.Matches(d.MessageFormat, @"\{(\d+)\}").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().ToList();
            Assert.Equal(Enumerable.Range(0, indexes.Count), indexes.Order());
            var text = string.Format(CultureInfo.InvariantCulture, d.MessageFormat, indexes.Select(i => (object)$"<{i}>").ToArray());
            Assert.DoesNotContain("{", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Rule_families_cover_the_spec_sections_the_issue_names()
    {
        var spec = Catalogue.All.Select(d => d.SpecRule).ToHashSet();
        foreach (var rule in new[] { "A5", "A8", "B8", "B10", "C1", "C4", "C5", "C6", "C7", "C8", "C9", "D1", "D2", "D4", "D7", "D8", "D9", "D10", "E4", "E7", "F1", "F2", "G1" })
            Assert.Contains(rule, spec);
    }

    [Fact]
    public void Azure_error_codes_are_given_where_Azure_has_one()
    {
        Assert.Equal("RemoteVnetHasNoGateways", PeeringRules.RemoteVnetHasNoGateways.AzureErrorCode);
        Assert.Equal("VnetAddressSpaceOverlapsWithAlreadyPeeredVnet", PeeringRules.VnetAddressSpaceOverlapsWithAlreadyPeeredVnet.AzureErrorCode);
        Assert.Equal("SecurityRuleConflict", SecurityRules.SecurityRuleConflict.AzureErrorCode);
        Assert.Equal("NetcfgSubnetRangesOverlap", AddressingRules.SubnetRangesOverlap.AzureErrorCode);
    }

    [Fact]
    public void Arm_ids_use_the_fixed_subscription_and_resource_group()
    {
        Assert.Equal(Arm + "/virtualNetworks/vdi-vnet/virtualNetworkPeerings/vdi-vnet-to-hub-vnet001",
            ArmId.Peering("vdi-vnet", "vdi-vnet-to-hub-vnet001"));
        Assert.Equal(Arm + "/virtualNetworks/hub/subnets/GatewaySubnet", ArmId.Subnet("hub", "GatewaySubnet"));
        Assert.Equal(Arm + "/connections/c1", ArmId.Connection("c1"));
        var t = Load(Vnet("a", "10.0.0.0/16", Sub("s", "10.0.0.0/24")), Vnet("b", "10.1.0.0/16"), Peer("a-to-b", "a", "b"));
        Assert.Equal(Arm + "/virtualNetworks/a/virtualNetworkPeerings/a-to-b", ArmId.Of(t.VirtualNetworkPeerings[0]));
        Assert.Equal(Arm + "/virtualNetworks/a/subnets/s", ArmId.Of(t.VirtualNetworks[0].Subnets[0]));
        Assert.Equal(Arm + "/virtualNetworks/b", ArmId.Of(t.VirtualNetworks[1]));
    }
}

public class ValidatorTests
{
    [Fact]
    public void Empty_topology_has_no_findings()
    {
        Assert.Empty(Validator.Validate(new Topology()));
    }

    [Fact]
    public void Findings_are_sorted_by_severity_then_id_then_resource()
    {
        // Errors: NT-ADDR-001 (subnet outside its VNet), NT-PEER-006 twice (the overlap, both directions);
        // warning: NT-RT-010 (a route to a gateway that does not exist). Declared in the opposite order on purpose.
        var f = Validate(
            Vnet("b", "10.0.0.0/16", Sub("outside", "10.9.0.0/24")),
            Vnet("a", "10.0.0.0/16", Sub("app", "10.0.1.0/24", ", routeTable: rt")),
            Peer("b-to-a", "b", "a"), Peer("a-to-b", "a", "b"),
            Rt("rt", Route("r1", "10.8.0.0/16", "VirtualNetworkGateway")));
        Assert.Equal(
            ["NT-ADDR-001 virtualNetworks/b/subnets/outside", "NT-PEER-006 virtualNetworkPeerings/a-to-b", "NT-PEER-006 virtualNetworkPeerings/b-to-a",
             "NT-RT-010 routeTables/rt"],
            f.Select(x => $"{x.Id} {x.Resource}"));
        Assert.Equal([Severity.Error, Severity.Error, Severity.Error, Severity.Warning], f.Select(x => x.Severity));
    }

    [Fact]
    public void Findings_point_at_the_declaring_line()
    {
        var f = Validate(Vnet("v1", "10.0.0.0/16", Sub("s1", "10.1.0.0/24")));
        var source = One(f, AddressingRules.SubnetRangeOutsideVnet).Source;
        Assert.Equal("topology.yaml", source.File);
        Assert.Equal(2, source.Line);
    }
}
