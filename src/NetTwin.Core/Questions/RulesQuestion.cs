using NetTwin.Validation;

namespace NetTwin.Questions;

/// <summary>`nettwin rules`: every rule NetTwin reports, from validation and from the later stages (tunnels).</summary>
public static class RulesQuestion
{
    public static IReadOnlyList<RuleDescriptor> All() =>
        Catalogue.All.Concat(Ipsec.TunnelRules.All).DistinctBy(d => d.Id).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
}
