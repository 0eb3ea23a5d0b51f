using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>Service tags NetTwin needs prefixes for (spec A4, G4; [TAGS]): NSG rules, Azure Firewall network rules and
/// user-defined routes naming a tag, and subnets' service endpoints, against the folder's service tags file.</summary>
public static class ServiceTagRules
{
    public static readonly RuleDescriptor UnknownServiceTag = new(
        "NT-TAG-001", "Service tag without prefixes", Severity.Warning, "G4", Learn.ServiceTags,
        "{0} uses service tag {1}: NetTwin has no prefixes for service tag {1}: add the service tags file "
        + "(Azure's ServiceTags_Public_YYYYMMDD.json, or serviceTags.json, in the topology folder); until then it matches nothing.");

    public static readonly RuleDescriptor Ipv6PrefixesIgnored = new(
        "NT-TAG-002", "IPv6 prefixes of the service tags file ignored", Severity.Warning, "G4", Learn.ServiceTags,
        "{0}: NetTwin models IPv4 only, so they are ignored.");

    public static IReadOnlyList<RuleDescriptor> All { get; } = [UnknownServiceTag, Ipv6PrefixesIgnored];

    public static IEnumerable<Finding> Check(Topology t) => CheckAllButRoutes(t).Concat(t.RouteTables.SelectMany(rt => CheckRouteTable(t, rt)));

    private static bool Unknown(ServiceTagSet tags, string? tag) => tag is not null && !ServiceTagSet.BuiltIn.Contains(tag) && tags.Find(tag) is null;

    /// <summary>The routes of one route table whose address prefix is a tag nobody defines.</summary>
    public static IEnumerable<Finding> CheckRouteTable(Topology t, RouteTable rt)
    {
        foreach (var r in rt.Routes.Where(r => Unknown(t.ServiceTags, r.ServiceTag)))
            yield return UnknownServiceTag.Create(Shared.Address(rt), r.Source, $"Route {rt.Name}/{r.Name}", r.ServiceTag!);
    }

    /// <summary>The service tags file's notes, and the tags of NSG rules, firewall rules and service endpoints.</summary>
    public static IEnumerable<Finding> CheckAllButRoutes(Topology t)
    {
        var tags = t.ServiceTags;
        foreach (var note in tags.Notes)
            yield return Ipv6PrefixesIgnored.Create("serviceTags", new SourceRef(tags.Files.FirstOrDefault() ?? "", 0, 0), note);

        bool Unknown(string? tag) => ServiceTagRules.Unknown(tags, tag);

        // One finding per rule and tag, however many times the rule names it.
        foreach (var nsg in t.NetworkSecurityGroups)
            foreach (var r in nsg.SecurityRules)
                foreach (var tag in r.SourceAddressPrefixes.Concat(r.DestinationAddressPrefixes).Select(a => a.ServiceTag).Where(Unknown).Distinct())
                    yield return UnknownServiceTag.Create(Shared.Address(nsg), r.Source, $"Security rule {nsg.Name}/{r.Name}", tag!);

        foreach (var fw in t.AzureFirewalls)
            foreach (var c in fw.NetworkRuleCollections)
                foreach (var r in c.Rules)
                    foreach (var tag in r.SourceAddresses.Concat(r.DestinationAddresses).Select(a => a.ServiceTag).Where(Unknown).Distinct())
                        yield return UnknownServiceTag.Create(Shared.Address(fw), fw.Source, $"Firewall network rule {fw.Name}/{c.Name}/{r.Name}", tag!);


        // Rule A4: a service endpoint's routes are its service's regional tag.
        foreach (var vnet in t.VirtualNetworks)
            foreach (var s in vnet.Subnets)
                foreach (var service in s.ServiceEndpoints.Distinct(StringComparer.OrdinalIgnoreCase))
                    if (tags.ForEndpoint(service, vnet.Location) is null)
                        yield return UnknownServiceTag.Create(Shared.Address(s), s.Source, $"Service endpoint {service} of subnet {s.Id}",
                            ServiceTagSet.EndpointTagName(service, vnet.Location));
    }
}
