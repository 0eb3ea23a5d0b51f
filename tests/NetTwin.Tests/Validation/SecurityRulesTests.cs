using NetTwin.Validation;
using static NetTwin.Tests.Validation.Topo;

namespace NetTwin.Tests.Validation;

public class SecurityRulesTests
{
    private static (string, string) Nsg(params string[] rules) =>
        Item("networkSecurityGroups", $"{{ name: nsg, securityRules: [{string.Join(", ", rules)}] }}");

    private static string Rule(string name, int priority, string direction) =>
        $"{{ name: {name}, priority: {priority}, direction: {direction}, access: Allow, protocol: Tcp, sourceAddressPrefix: '*', "
        + "sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '443' }";

    [Fact]
    public void NSG_on_GatewaySubnet_is_refused()
    {
        var f = Validate(Vnet("hub", "10.0.0.0/16", Sub("GatewaySubnet", "10.0.0.0/27", ", networkSecurityGroup: nsg")), Nsg());
        Expect(f, SecurityRules.GatewaySubnetNsg, "virtualNetworks/hub/subnets/GatewaySubnet",
            "Subnet hub/GatewaySubnet has network security group nsg: gateway subnets should not be configured with a network security group "
            + "(Azure Policy built-in definition).");
    }

    [Fact]
    public void NSG_on_a_workload_subnet_passes()
    {
        var f = Validate(Vnet("hub", "10.0.0.0/16", Sub("GatewaySubnet", "10.0.0.0/27"), Sub("app", "10.0.1.0/24", ", networkSecurityGroup: nsg")), Nsg());
        None(f, SecurityRules.GatewaySubnetNsg);
        Assert.Empty(f);
    }

    [Fact]
    public void Two_rules_with_the_same_priority_and_direction_conflict()
    {
        var f = Validate(Nsg(Rule("allow-a", 100, "Inbound"), Rule("allow-b", 100, "Inbound")));
        Expect(f, SecurityRules.SecurityRuleConflict, "networkSecurityGroups/nsg",
            "Security rule allow-a conflicts with rule allow-b. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.");
        Assert.Equal("SecurityRuleConflict", SecurityRules.SecurityRuleConflict.AzureErrorCode);
    }

    [Fact]
    public void Same_priority_in_different_directions_passes()
    {
        var f = Validate(Nsg(Rule("in", 100, "Inbound"), Rule("out", 100, "Outbound"), Rule("in2", 110, "Inbound")));
        None(f, SecurityRules.SecurityRuleConflict);
        Assert.Empty(f);
    }
}
