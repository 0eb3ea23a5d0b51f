using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>On-premises device configurations: every line NetTwin did not understand is reported with its
/// file and line, so nothing in a config is silently dropped.</summary>
public static class DeviceConfigRules
{
    public static readonly RuleDescriptor ConfigLineNotUnderstood = new(
        "NT-IOS-001", "Configuration line not understood", Severity.Warning, "-",
        "https://www.cisco.com/c/en/us/td/docs/ios-xml/ios/iproute_bgp/command/irg-cr-book.html",
        "{0} line {1}: '{2}' was not applied: {3}");

    public static IReadOnlyList<RuleDescriptor> All => [ConfigLineNotUnderstood];

    public static IEnumerable<Finding> Check(Topology t) =>
        t.OnPremisesDevices.SelectMany(d => d.ConfigNotes.Where(n => !n.Ignored).Select(n =>
            ConfigLineNotUnderstood.Create($"{d.Kind}/{d.Name}", n.Source, Path.GetFileName(n.Source.File), n.Source.Line, n.Text, n.Message)));
}
