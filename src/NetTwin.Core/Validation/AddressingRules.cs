using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>Subnets inside their virtual network and apart from each other; names unique where Azure
/// Resource Manager needs them unique. (References that do not resolve are the loader's job.)</summary>
public static class AddressingRules
{
    public static readonly RuleDescriptor SubnetRangeOutsideVnet = new(
        "NT-ADDR-001", "Subnet outside its virtual network's address space", Severity.Error, "-", Learn.Subnets,
        "Subnet '{0}' is not valid because its IP address range is outside the IP address range of virtual network '{1}'.",
        "NetcfgSubnetRangeOutsideVnet");

    public static readonly RuleDescriptor SubnetRangesOverlap = new(
        "NT-ADDR-002", "Subnets of one virtual network overlap", Severity.Error, "-", Learn.Subnets,
        "Subnet '{0}' is not valid because its IP address range overlaps with that of an existing subnet in virtual network '{1}'.",
        "NetcfgSubnetRangesOverlap");

    public static readonly RuleDescriptor DuplicateName = new(
        "NT-ADDR-003", "Duplicate resource name", Severity.Error, "-", Learn.ResourceNames,
        "{0} '{1}' is declared more than once (first at {2}): Azure Resource Manager identifies a resource by its name, "
        + "so this declaration would replace the first one instead of adding a second resource.");

    public static IReadOnlyList<RuleDescriptor> All { get; } = [SubnetRangeOutsideVnet, SubnetRangesOverlap, DuplicateName];

    public static IEnumerable<Finding> Check(Topology t) => Parts.SelectMany(p => p.Check(t));

    /// <summary>The family in parts, each with the one collection it reads (Validator.Parts): the subnets' ranges,
    /// then the duplicate names of each collection.</summary>
    internal static IReadOnlyList<RulePart> Parts { get; } =
    [
        new("subnet ranges", TopologyParts.VirtualNetworks, SubnetRanges),
        Top(TopologyParts.VirtualNetworks, t => t.VirtualNetworks, "Virtual network"),
        Top(TopologyParts.RouteTables, t => t.RouteTables, "Route table"),
        Top(TopologyParts.NetworkSecurityGroups, t => t.NetworkSecurityGroups, "Network security group"),
        Top(TopologyParts.NetworkInterfaces, t => t.NetworkInterfaces, "Network interface"),
        Top(TopologyParts.VirtualMachines, t => t.VirtualMachines, "Virtual machine"),
        Top(TopologyParts.AzureFirewalls, t => t.AzureFirewalls, "Azure firewall"),
        Top(TopologyParts.VirtualNetworkGateways, t => t.VirtualNetworkGateways, "Virtual network gateway"),
        Top(TopologyParts.LocalNetworkGateways, t => t.LocalNetworkGateways, "Local network gateway"),
        Top(TopologyParts.Connections, t => t.Connections, "Connection"),
        Top(TopologyParts.ExpressRouteCircuits, t => t.ExpressRouteCircuits, "ExpressRoute circuit"),
        Top(TopologyParts.OnPremisesDevices, t => t.OnPremisesDevices, "On-premises device"),
        // Child resources: unique within their parent, as ARM ids nest them.
        new("duplicate subnets", TopologyParts.VirtualNetworks,
            t => Dup(t.VirtualNetworks.SelectMany(v => v.Subnets), s => s.Id, Shared.Address, s => s.Source, "Subnet")),
        new("duplicate peerings", TopologyParts.VirtualNetworkPeerings,
            t => Dup(t.VirtualNetworkPeerings, p => $"{p.VirtualNetwork}/{p.Name}", p => Shared.Address(p), p => p.Source, "Peering")),
        new("duplicate routes", TopologyParts.RouteTables, DuplicateRoutes),
        new("duplicate security rules", TopologyParts.NetworkSecurityGroups,
            t => Dup(t.NetworkSecurityGroups.SelectMany(n => n.SecurityRules.Select(r => (n, r))), x => $"{x.n.Name}/{x.r.Name}",
                x => Shared.Address(x.n), x => x.r.Source, "Security rule")),
        new("duplicate NAT rules", TopologyParts.VirtualNetworkGateways,
            t => Dup(t.VirtualNetworkGateways.SelectMany(g => g.NatRules.Select(r => (g, r))), x => $"{x.g.Name}/{x.r.Name}",
                x => Shared.Address(x.g), x => x.r.Source, "NAT rule")),
        new("duplicate IP configurations", TopologyParts.VirtualNetworkGateways,
            t => Dup(t.VirtualNetworkGateways.SelectMany(g => g.IpConfigurations.Select(c => (g, c))), x => $"{x.g.Name}/{x.c.Name}",
                x => Shared.Address(x.g), x => x.g.Source, "IP configuration")),
        new("duplicate circuit peerings", TopologyParts.ExpressRouteCircuits,
            t => Dup(t.ExpressRouteCircuits.SelectMany(c => c.Peerings.Select(p => (c, p))), x => $"{x.c.Name}/{x.p.PeeringType}",
                x => Shared.Address(x.c), x => x.p.Source, "ExpressRoute circuit peering")),
    ];

    private static IEnumerable<Finding> SubnetRanges(Topology t)
    {
        foreach (var v in t.VirtualNetworks)
        {
            var earlier = new List<Subnet>();
            foreach (var s in v.Subnets)
            {
                if (!v.AddressPrefixes.Any(p => p.Contains(s.AddressPrefix)))
                    yield return SubnetRangeOutsideVnet.Create(Shared.Address(s), s.Source, s.Name, v.Name);
                else if (earlier.Any(e => e.AddressPrefix.Overlaps(s.AddressPrefix)))
                    yield return SubnetRangesOverlap.Create(Shared.Address(s), s.Source, s.Name, v.Name);
                earlier.Add(s);
            }
        }
    }

    /// <summary>Routes are unique by name within their route table (names case-insensitive, tables too): the
    /// names are checked table by table, without forming a "table/route" key for each of the estate's routes.</summary>
    private static IEnumerable<Finding> DuplicateRoutes(Topology t)
    {
        var byTable = new Dictionary<string, Dictionary<string, Model.Route>>(StringComparer.OrdinalIgnoreCase);
        foreach (var rt in t.RouteTables)
        {
            if (!byTable.TryGetValue(rt.Name, out var first)) byTable[rt.Name] = first = new(StringComparer.OrdinalIgnoreCase);
            foreach (var r in rt.Routes)
            {
                if (first.TryGetValue(r.Name, out var original))
                    yield return DuplicateName.Create(Shared.Address(rt), r.Source, "Route", $"{rt.Name}/{r.Name}", original.Source);
                else first[r.Name] = r;
            }
        }
    }

    private static RulePart Top<T>(TopologyParts reads, Func<Topology, IEnumerable<T>> items, string label) where T : IResource =>
        new($"duplicate {label.ToLowerInvariant()}s", reads, t => Dup(items(t), x => x.Name, x => Shared.Address(x), x => x.Source, label));

    /// <summary>Azure Resource Manager names are case-insensitive: 'Hub' and 'hub' are one resource.</summary>
    private static IEnumerable<Finding> Dup<T>(IEnumerable<T> items, Func<T, string> key,
        Func<T, string> resource, Func<T, SourceRef> source, string label)
    {
        var first = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            if (first.TryGetValue(key(item), out var original))
                yield return DuplicateName.Create(resource(item), source(item), label, key(item), source(original));
            else first[key(item)] = item;
        }
    }
}
