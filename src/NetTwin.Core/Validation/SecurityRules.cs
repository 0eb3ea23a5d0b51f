using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>Network security groups (spec B8, G1).</summary>
public static class SecurityRules
{
    public static readonly RuleDescriptor GatewaySubnetNsg = new(
        "NT-NSG-001", "Network security group on GatewaySubnet", Severity.Error, "B8", Learn.Udr,
        "Subnet {0} has network security group {1}: gateway subnets should not be configured with a network security group "
        + "(Azure Policy built-in definition).");

    public static readonly RuleDescriptor SecurityRuleConflict = new(
        "NT-NSG-002", "Two security rules with the same priority and direction", Severity.Error, "G1", Learn.Nsg,
        "Security rule {0} conflicts with rule {1}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.",
        "SecurityRuleConflict");

    public static IReadOnlyList<RuleDescriptor> All { get; } = [GatewaySubnetNsg, SecurityRuleConflict];

    public static IEnumerable<Finding> Check(Topology t)
    {
        foreach (var s in t.Subnets.Where(s => s.IsGatewaySubnet && s.NetworkSecurityGroup is not null))
            yield return GatewaySubnetNsg.Create(Shared.Address(s), s.Source, s.Id, s.NetworkSecurityGroup!);

        foreach (var nsg in t.NetworkSecurityGroups)
        {
            var seen = new Dictionary<(int, SecurityRuleDirection), SecurityRule>();
            foreach (var rule in nsg.SecurityRules)
            {
                if (seen.TryGetValue((rule.Priority, rule.Direction), out var earlier))
                    yield return SecurityRuleConflict.Create(Shared.Address(nsg), rule.Source, earlier.Name, rule.Name);
                else seen[(rule.Priority, rule.Direction)] = rule;
            }
        }
    }
}
