using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>One part of the validation: a rule family, or a piece of one, with the topology collections it reads.
/// Its findings are a function of those collections alone (checked by a test that runs each part over a topology
/// whose other collections are emptied), so after a change that leaves them alone its findings are the baseline's.</summary>
public sealed record RulePart(string Name, TopologyParts Reads, Func<Topology, IEnumerable<Finding>> Check)
{
    /// <summary>For a part that checks each route table on its own: the findings of one table, a function of that
    /// table and of the other collections the part reads. After a change of some route tables alone, only those
    /// tables are checked again (<see cref="Validator.Revalidate"/>).</summary>
    public Func<Topology, RouteTable, IEnumerable<Finding>>? PerRouteTable { get; private init; }

    public static RulePart ForEachRouteTable(string name, TopologyParts reads, Func<Topology, RouteTable, IEnumerable<Finding>> check) =>
        new(name, reads, t => t.RouteTables.SelectMany(rt => check(t, rt))) { PerRouteTable = check };
}

/// <summary>The findings of a topology, part by part (<see cref="Validator.Parts"/>'s order), and assembled.</summary>
public sealed class ValidationResult
{
    public IReadOnlyList<IReadOnlyList<Finding>> ByPart { get; }
    public IReadOnlyList<Finding> Findings { get; }
    /// <summary>For each part checked table by table (null otherwise, or when two route tables share a name): the
    /// findings of each route table, by name.</summary>
    internal IReadOnlyList<IReadOnlyDictionary<string, IReadOnlyList<Finding>>?> ByRouteTable { get; }

    internal ValidationResult(IReadOnlyList<(IReadOnlyList<Finding> Findings, IReadOnlyDictionary<string, IReadOnlyList<Finding>>? ByTable)> parts)
    {
        ByPart = [.. parts.Select(p => p.Findings)];
        ByRouteTable = [.. parts.Select(p => p.ByTable)];
        Findings = Validator.Assemble(ByPart);
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
        new("route table count", TopologyParts.RouteTables, RouteTableRules.CheckCount),
        RulePart.ForEachRouteTable("route tables", TopologyParts.RouteTables | Vnets | Gateways | Peerings, RouteTableRules.CheckTable),
        new("security", Vnets | TopologyParts.NetworkSecurityGroups, SecurityRules.Check),
        new("NAT", Gateways | Connections | Sites | Peerings | Vnets, NatRules.Check),
        new("device configurations", TopologyParts.OnPremisesDevices, DeviceConfigRules.Check),
        new("service tags", TopologyParts.ServiceTags | TopologyParts.NetworkSecurityGroups | TopologyParts.AzureFirewalls | Vnets,
            ServiceTagRules.CheckAllButRoutes),
        RulePart.ForEachRouteTable("service tags of routes", TopologyParts.ServiceTags | TopologyParts.RouteTables, ServiceTagRules.CheckRouteTable),
    ];

    public static IReadOnlyList<Finding> Validate(Topology t) => ValidateByPart(t).Findings;

    /// <summary>Every part over <paramref name="t"/>.</summary>
    public static ValidationResult ValidateByPart(Topology t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new([.. Parts.Select(p => Run(p, t, null, null))]);
    }

    // One part over t; a part checked table by table reuses `reuse`'s findings for the tables not in `changedTables`.
    private static (IReadOnlyList<Finding>, IReadOnlyDictionary<string, IReadOnlyList<Finding>>?) Run(RulePart p, Topology t,
        IReadOnlyDictionary<string, IReadOnlyList<Finding>>? reuse, IReadOnlySet<string>? changedTables)
    {
        if (p.PerRouteTable is not { } check || t.RouteTables.Select(rt => rt.Name).Distinct(StringComparer.Ordinal).Count() != t.RouteTables.Length)
            return ([.. p.Check(t)], null);
        var byTable = new Dictionary<string, IReadOnlyList<Finding>>(StringComparer.Ordinal);
        foreach (var rt in t.RouteTables)
            byTable[rt.Name] = reuse is not null && changedTables is not null && !changedTables.Contains(rt.Name) && reuse.TryGetValue(rt.Name, out var kept)
                ? kept
                : [.. check(t, rt)];
        return ([.. t.RouteTables.SelectMany(rt => byTable[rt.Name])], byTable);
    }

    /// <summary>The findings of <paramref name="after"/>, a variant of the topology <paramref name="baseline"/> was
    /// computed for in which only the <paramref name="changed"/> collections differ: the parts reading none of them
    /// keep the baseline's findings (a part's findings are a function of what it reads), the others run again. The
    /// result equals <see cref="ValidateByPart"/>(after) (tests/NetTwin.Tests/Scale/WhatIfEquivalence.cs). When
    /// <paramref name="changedRouteTables"/> names the route tables added, removed or edited, a part checked table by
    /// table whose only changed input is the route tables checks only those tables again.</summary>
    public static ValidationResult Revalidate(ValidationResult baseline, Topology after, TopologyParts changed, IReadOnlySet<string>? changedRouteTables = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(after);
        return new([.. Parts.Select((p, i) => (p.Reads & changed) switch
        {
            0 => (baseline.ByPart[i], baseline.ByRouteTable[i]),
            TopologyParts.RouteTables when changedRouteTables is not null => Run(p, after, baseline.ByRouteTable[i], changedRouteTables),
            _ => Run(p, after, null, null),
        })]);
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
