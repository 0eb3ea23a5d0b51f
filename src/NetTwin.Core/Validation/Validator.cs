using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>Runs every rule family over a topology and returns the findings in a deterministic order:
/// severity (errors first), then rule id, then resource, then message.</summary>
public static class Validator
{
    private static readonly Func<Topology, IEnumerable<Finding>>[] Families =
    [
        AddressingRules.Check, PeeringRules.Check, GatewayRules.Check, ConnectionRules.Check, IpsecPolicyRules.Check,
        RouteTableRules.Check, SecurityRules.Check, NatRules.Check, DeviceConfigRules.Check, ServiceTagRules.Check,
    ];

    public static IReadOnlyList<Finding> Validate(Topology t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return Families.SelectMany(check => check(t))
            .Distinct()
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.Id, StringComparer.Ordinal)
            .ThenBy(f => f.Resource, StringComparer.Ordinal)
            .ThenBy(f => f.Message, StringComparer.Ordinal)
            .ThenBy(f => f.Source.File, StringComparer.Ordinal)
            .ThenBy(f => f.Source.Line)
            .ToList();
    }
}
