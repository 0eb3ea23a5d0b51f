namespace NetTwin.Validation;

/// <summary>The validation catalogue: every <see cref="RuleDescriptor"/>, family by family, sorted by id
/// (for <c>nettwin rules</c> and the docs). A test checks that no descriptor declared in a rule family is missing.</summary>
public static class Catalogue
{
    private static readonly Lazy<IReadOnlyList<RuleDescriptor>> Rules = new(() =>
        new[]
        {
            AddressingRules.All, PeeringRules.All, GatewayRules.All, ConnectionRules.All, IpsecPolicyRules.All,
            RouteTableRules.All, SecurityRules.All, NatRules.All, DeviceConfigRules.All, ServiceTagRules.All,
        }
        .SelectMany(f => f)
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToList());

    public static IReadOnlyList<RuleDescriptor> All => Rules.Value;

    /// <summary>The descriptor with this id (NT-PEER-001 …), or null.</summary>
    public static RuleDescriptor? Find(string id) => All.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase));
}
