using System.Reflection;
using System.Text.RegularExpressions;
using NetTwin.Tests.Support;
using NetTwin.Validation;

namespace NetTwin.Tests.Validation;

/// <summary>Issue 2's "every rule has a test that triggers it and a near-miss test that passes", enforced: the
/// catalogue is enumerated, and for every rule the test sources must hold an assertion that the rule fires
/// (<c>Expect</c>, <c>One</c> or <c>Has</c> with the rule's descriptor) and one that it does not (<c>None</c> with
/// the descriptor). The tunnel rules `nettwin rules` also lists come from the IPsec stage; their trigger and
/// near-miss cases are the table in <see cref="TunnelRuleTests"/>, which must hold every one of them.</summary>
public class RuleCoverageTests
{
    /// <summary>"GatewayRules.TooManyTunnels" for every descriptor field of the Validation rule families.</summary>
    private static Dictionary<string, string> DescriptorNames() =>
        typeof(Catalogue).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Catalogue).Namespace && t.IsClass)
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.FieldType == typeof(RuleDescriptor))
                .Select(f => (Id: ((RuleDescriptor)f.GetValue(null)!).Id, Name: $"{t.Name}.{f.Name}")))
            .ToDictionary(x => x.Id, x => x.Name, StringComparer.Ordinal);

    private static string TestSources() =>
        string.Join("\n", Directory.EnumerateFiles(Path.Combine(Nt.Root, "tests", "NetTwin.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.EndsWith("RuleCoverageTests.cs", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText));

    [Fact]
    public void Every_catalogue_rule_has_a_trigger_test_and_a_near_miss_test()
    {
        var names = DescriptorNames();
        var sources = TestSources();
        var missing = new List<string>();
        foreach (var rule in Catalogue.All)
        {
            Assert.True(names.TryGetValue(rule.Id, out var name), $"{rule.Id} is not a public static descriptor of a Validation rule family");
            var field = Regex.Escape(name!.Split('.')[1]);
            // The family prefix is optional (tests may `using static` the family); the call must be in one statement.
            var trigger = new Regex($@"\b(Expect|One|Has)\([^;]*?\b({Regex.Escape(name.Split('.')[0])}\.)?{field}\b");
            var nearMiss = new Regex($@"\bNone\([^;]*?\b({Regex.Escape(name.Split('.')[0])}\.)?{field}\b");
            if (!trigger.IsMatch(sources)) missing.Add($"{rule.Id} ({name}): no trigger test (Expect/One/Has)");
            if (!nearMiss.IsMatch(sources)) missing.Add($"{rule.Id} ({name}): no near-miss test (None)");
        }
        Assert.True(missing.Count == 0, "rules without tests:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Every_rule_the_rules_command_lists_beyond_the_catalogue_is_in_the_tunnel_rule_table()
    {
        var beyond = NetTwin.Questions.RulesQuestion.All().Select(d => d.Id).Except(Catalogue.All.Select(d => d.Id)).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(beyond);
        Assert.Equal(beyond, TunnelRuleTests.Triggers.Select(c => (string)c[0]).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(beyond, TunnelRuleTests.NearMisses.Select(c => (string)c[0]).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_rules_command_lists_every_rule_once_in_both_shapes()
    {
        var all = NetTwin.Questions.RulesQuestion.All().Select(d => d.Id).ToList();
        var table = Nt.Run("rules");
        Assert.Equal(0, table.ExitCode);
        foreach (var id in all) Assert.Single(Regex.Matches(table.Out, $@"^\s+{Regex.Escape(id)}\s", RegexOptions.Multiline));
        var json = Nt.Run("rules", "-o", "json");
        Assert.Equal(0, json.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var ids = doc.RootElement.EnumerateObject().Single().Value.EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Equal(all, ids);
    }
}
