using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>One part of the validation: a rule family, or a piece of one, with the topology collections it reads.
/// Its findings are a function of those collections alone (checked by a test that runs each part over a topology
/// whose other collections are emptied), so after a change that leaves them alone its findings are the baseline's.</summary>
public sealed record RulePart(string Name, TopologyParts Reads, Func<Topology, IEnumerable<Finding>> Check);

/// <summary>The findings of a topology, part by part (<see cref="Validator.Parts"/>'s order), and assembled.</summary>
public sealed class ValidationResult
{
    public IReadOnlyList<IReadOnlyList<Finding>> ByPart { get; }
    public IReadOnlyList<Finding> Findings { get; }

    internal ValidationResult(IReadOnlyList<IReadOnlyList<Finding>> byPart)
    {
        ByPart = byPart;
        Findings = Validator.Assemble(byPart);
    }
}

/// <summary>Runs every rule family over a topology and returns the findings in a deterministic order:
/// severity (errors first), then rule id, then resource, then message.</summary>
public static class Validator
{
    private const TopologyParts Vnets = TopologyParts.VirtualNetworks;
    private const TopologyParts Peerings = TopologyParts.VirtualNetworkPeerings;
    private const TopologyParts Gateways = TopologyParts.VirtualNetworkGateways;
    private const TopologyParts Sites = TopologyParts.LocalNetworkGateways;
    private const TopologyParts Connections = TopologyParts.Connections;

    /// <summary>Every part, in the order the findings are assembled (the rule families' order, each family's parts
    /// in the order its Check yields them). What each reads comes from its code: e.g. <c>Shared.ServedVnets</c>
    /// reads peerings and VNets, <c>Shared.GatewaysServing</c> gateways and peerings; no rule reads a peering's
    /// allowForwardedTraffic, the failures or the folder's root.</summary>
    public static IReadOnlyList<RulePart> Parts { get; } =
    [
        .. AddressingRules.Parts,
        new("peerings", Peerings | Vnets | Gateways, PeeringRules.Check),
        new("gateways", Gateways | Connections | Vnets | Sites | TopologyParts.ExpressRouteCircuits, GatewayRules.Check),
        new("connections", Connections | Gateways | Sites | Peerings | Vnets, ConnectionRules.Check),
        new("IPsec policies", Connections | Gateways, IpsecPolicyRules.Check),
        new("route tables", TopologyParts.RouteTables | Vnets | Gateways | Peerings, RouteTableRules.Check),
        new("security", Vnets | TopologyParts.NetworkSecurityGroups, SecurityRules.Check),
        new("NAT", Gateways | Connections | Sites | Peerings | Vnets, NatRules.Check),
        new("device configurations", TopologyParts.OnPremisesDevices, DeviceConfigRules.Check),
        new("service tags", TopologyParts.ServiceTags | TopologyParts.NetworkSecurityGroups | TopologyParts.AzureFirewalls
            | TopologyParts.RouteTables | Vnets, ServiceTagRules.Check),
    ];

    public static IReadOnlyList<Finding> Validate(Topology t) => ValidateByPart(t).Findings;

    /// <summary>Every part over <paramref name="t"/>.</summary>
    public static ValidationResult ValidateByPart(Topology t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new([.. Parts.Select(p => (IReadOnlyList<Finding>)[.. p.Check(t)])]);
    }

    /// <summary>The findings of <paramref name="after"/>, a variant of the topology <paramref name="baseline"/> was
    /// computed for in which only the <paramref name="changed"/> collections differ: the parts reading none of them
    /// keep the baseline's findings (a part's findings are a function of what it reads), the others run again. The
    /// result equals <see cref="ValidateByPart"/>(after) (tests/NetTwin.Tests/Scale/IncrementalEquivalenceTests.cs).</summary>
    public static ValidationResult Revalidate(ValidationResult baseline, Topology after, TopologyParts changed)
    {
        ArgumentNullException.ThrowIfNull(after);
        return new([.. Parts.Select((p, i) => (p.Reads & changed) == 0 ? baseline.ByPart[i] : (IReadOnlyList<Finding>)[.. p.Check(after)])]);
    }

    /// <summary>The parts' findings, without duplicates, in the deterministic order.</summary>
    internal static IReadOnlyList<Finding> Assemble(IEnumerable<IReadOnlyList<Finding>> parts) =>
        parts.SelectMany(p => p)
            .Distinct()
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.Id, StringComparer.Ordinal)
            .ThenBy(f => f.Resource, StringComparer.Ordinal)
            .ThenBy(f => f.Message, StringComparer.Ordinal)
            .ThenBy(f => f.Source.File, StringComparer.Ordinal)
            .ThenBy(f => f.Source.Line)
            .ToList();
}
