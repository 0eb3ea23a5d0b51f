using System.Reflection;

namespace NetTwin.Validation;

/// <summary>The validation catalogue: every <see cref="RuleDescriptor"/> declared as a public static field
/// of a rule family class in this namespace, so a rule is listed the moment it is declared.</summary>
public static class Catalogue
{
    private static readonly Lazy<IReadOnlyList<RuleDescriptor>> Rules = new(() =>
        typeof(Catalogue).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Catalogue).Namespace && t.IsClass)
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.FieldType == typeof(RuleDescriptor))
            .Select(f => (RuleDescriptor)f.GetValue(null)!)
            .DistinctBy(d => d.Id)
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToList());

    public static IReadOnlyList<RuleDescriptor> All => Rules.Value;
}
