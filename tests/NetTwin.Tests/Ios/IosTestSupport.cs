using NetTwin.Formats.Ios;
using NetTwin.Model;

namespace NetTwin.Tests.Ios;

internal static class Ios
{
    public const string File = "r1.cfg";

    /// <summary>Parses a configuration written with '\n' line ends.</summary>
    public static IosParseResult Parse(string text) => IosParser.Parse(text, File);

    /// <summary>Parses and asserts nothing was reported except ignorable lines.</summary>
    public static DeviceConfig Clean(string text)
    {
        var result = Parse(text);
        var problems = result.Diagnostics.Where(d => d.Kind != IosDiagnosticKind.Ignored).Select(d => d.ToString()).ToList();
        Assert.True(problems.Count == 0, "unexpected diagnostics:\n" + string.Join("\n", problems));
        return result.Config;
    }

    /// <summary>The single diagnostic that is not an Ignored one.</summary>
    public static IosDiagnostic Single(IosParseResult result) =>
        Assert.Single(result.Diagnostics, d => d.Kind != IosDiagnosticKind.Ignored);

    public static Prefix P(string text) => Prefix.Parse(text);
    public static Ipv4 Ip(string text) => Ipv4.Parse(text);
}
