using NetTwin.Validation;
using static NetTwin.Tests.Validation.Topo;

namespace NetTwin.Tests.Validation;

public class AddressingRulesTests
{
    [Fact]
    public void Subnet_outside_its_vnet_is_refused_with_Azure_text()
    {
        var f = Validate(Vnet("v1", "10.0.0.0/16", Sub("s1", "10.1.0.0/24")));
        Expect(f, AddressingRules.SubnetRangeOutsideVnet, "virtualNetworks/v1/subnets/s1",
            "Subnet 's1' is not valid because its IP address range is outside the IP address range of virtual network 'v1'.");
        Assert.Equal("NetcfgSubnetRangeOutsideVnet", AddressingRules.SubnetRangeOutsideVnet.AzureErrorCode);
    }

    [Fact]
    public void Subnet_inside_any_of_the_vnet_prefixes_passes()
    {
        var f = Validate(Vnet("v1", "10.0.0.0/16, 192.168.0.0/24", Sub("edge", "10.0.255.0/24"), Sub("second", "192.168.0.0/24")));
        None(f, AddressingRules.SubnetRangeOutsideVnet);
        Assert.Empty(f);
    }

    [Fact]
    public void Subnet_straddling_two_vnet_prefixes_is_outside()
    {
        // 10.0.0.0/15 is covered by the union of 10.0.0.0/16 and 10.1.0.0/16, but by neither prefix alone.
        var f = Validate(Vnet("v1", "10.0.0.0/16, 10.1.0.0/16", Sub("wide", "10.0.0.0/15")));
        One(f, AddressingRules.SubnetRangeOutsideVnet);
    }

    [Fact]
    public void Overlapping_subnets_are_refused_on_the_later_one()
    {
        var f = Validate(Vnet("v1", "10.0.0.0/16", Sub("a", "10.0.0.0/24"), Sub("b", "10.0.0.128/25")));
        Expect(f, AddressingRules.SubnetRangesOverlap, "virtualNetworks/v1/subnets/b",
            "Subnet 'b' is not valid because its IP address range overlaps with that of an existing subnet in virtual network 'v1'.");
    }

    [Fact]
    public void Adjacent_subnets_pass()
    {
        var f = Validate(Vnet("v1", "10.0.0.0/16", Sub("a", "10.0.0.0/25"), Sub("b", "10.0.0.128/25")));
        None(f, AddressingRules.SubnetRangesOverlap);
    }

    [Fact]
    public void Same_subnet_range_in_two_vnets_is_not_a_subnet_overlap()
    {
        var f = Validate(Vnet("v1", "10.0.0.0/16", Sub("a", "10.0.0.0/24")), Vnet("v2", "10.0.0.0/16", Sub("a", "10.0.0.0/24")));
        None(f, AddressingRules.SubnetRangesOverlap);
        None(f, AddressingRules.DuplicateName);
    }

    [Fact]
    public void Duplicate_route_table_names_are_reported_case_insensitively()
    {
        var f = Validate(Rt("rt", ""), Rt("RT", ""));
        Expect(f, AddressingRules.DuplicateName, "routeTables/RT",
            "Route table 'RT' is declared more than once (first at topology.yaml:2:5): Azure Resource Manager identifies a resource by its name, "
            + "so this declaration would replace the first one instead of adding a second resource.");
    }

    [Fact]
    public void Duplicate_route_names_are_reported_within_a_table_only()
    {
        var f = Validate(Rt("rt", Route("r1", "10.9.0.0/16", "None") + ", " + Route("R1", "10.8.0.0/16", "None")),
            Rt("other", Route("r1", "10.7.0.0/16", "None")));
        var d = One(f, AddressingRules.DuplicateName);
        Assert.Equal("routeTables/rt", d.Resource);
        Assert.StartsWith("Route 'rt/R1' is declared more than once (first at topology.yaml:", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_subnet_in_one_vnet_is_reported()
    {
        var f = Validate(Vnet("v1", "10.0.0.0/16", Sub("a", "10.0.0.0/24"), Sub("a", "10.0.1.0/24")));
        var d = One(f, AddressingRules.DuplicateName);
        Assert.Equal("virtualNetworks/v1/subnets/a", d.Resource);
        Assert.StartsWith("Subnet 'v1/a' is declared more than once (first at topology.yaml:", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_peering_name_in_two_vnets_passes_but_twice_in_one_vnet_fails()
    {
        var ok = Validate(Vnet("a", "10.0.0.0/16"), Vnet("b", "10.1.0.0/16"), Peer("link", "a", "b"), Peer("link", "b", "a"));
        None(ok, AddressingRules.DuplicateName);

        var bad = Validate(Vnet("a", "10.0.0.0/16"), Vnet("b", "10.1.0.0/16"), Vnet("c", "10.2.0.0/16"),
            Peer("link", "a", "b"), Peer("link", "a", "c"));
        Assert.Equal("Peering 'a/link' is declared more than once (first at topology.yaml:6:5): Azure Resource Manager identifies a resource "
                     + "by its name, so this declaration would replace the first one instead of adding a second resource.",
            One(bad, AddressingRules.DuplicateName).Message);
    }

    [Fact]
    public void Distinct_names_pass()
    {
        var f = Validate(Rt("rt1", ""), Rt("rt2", ""), Vnet("v1", "10.0.0.0/16", Sub("a", "10.0.0.0/24"), Sub("b", "10.0.1.0/24")));
        None(f, AddressingRules.DuplicateName);
    }
}
