using NetTwin.Tests.Support;

namespace NetTwin.Tests.Formats;

/// <summary>IOS files referenced by onPremisesDevices are parsed at load; unknown lines are findings, syntax errors unusable input.</summary>
public class DeviceConfigTests
{
    private const string Device = "onPremisesDevices:\n  - name: R9\n    config: r9.ios\n";

    [Fact]
    public void UnknownIosLineIsAWarningWithFileAndLine()
    {
        var dir = Nt.TempTopology(("net.yaml", Device), ("r9.ios", "hostname R9\n!\nfrobnicate the widgets\nip route 10.9.0.0 255.255.0.0 192.0.2.1\n"));
        var r = Nt.Run("validate", dir);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("r9.ios:3:1: warning NT-IOS-001 [onPremisesDevices/R9]: r9.ios line 3: 'frobnicate the widgets' was not applied:", r.Out);
    }

    [Fact]
    public void FullyUnderstoodConfigHasNoFinding()
    {
        var dir = Nt.TempTopology(("net.yaml", Device), ("r9.ios", "hostname R9\n!\nip route 10.9.0.0 255.255.0.0 192.0.2.1\n"));
        var r = Nt.Run("validate", dir);
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("NT-IOS-001", r.Out);
    }

    [Fact]
    public void IosSyntaxErrorIsUnusableInput()
    {
        var dir = Nt.TempTopology(("net.yaml", Device), ("r9.ios", "hostname R9\nip route 10.9.0.0 255.0.255.0 192.0.2.1\n"));
        var r = Nt.Run("validate", dir);
        Assert.Equal(2, r.ExitCode);
        Assert.Matches(@"r9\.ios:2:\d+: error \[onPremisesDevices/R9\]: .*255\.0\.255\.0", r.Err);
    }

    [Fact]
    public void MissingConfigFileIsUnusableInput()
    {
        var dir = Nt.TempTopology(("net.yaml", Device));
        var r = Nt.Run("validate", dir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("net.yaml:3:13: error [onPremisesDevices/R9]: configuration file 'r9.ios' not found", r.Err);
    }
}

/// <summary>NT-IOS-001 through the validator itself: the finding names the device, file, line and text; a config
/// NetTwin fully understands has none.</summary>
public class DeviceConfigRuleTests
{
    private const string Device = "onPremisesDevices:\n  - name: R9\n    config: r9.ios\n";

    private static IReadOnlyList<NetTwin.Validation.Finding> ValidateWith(string ios)
    {
        var dir = Nt.TempTopology(("net.yaml", Device), ("r9.ios", ios));
        return NetTwin.Validation.Validator.Validate(NetTwin.Formats.Yaml.TopologyLoader.Load(dir));
    }

    [Fact]
    public void A_line_not_understood_triggers_NT_IOS_001()
    {
        var f = ValidateWith("hostname R9\n!\nfrobnicate the widgets\n");
        var finding = NetTwin.Tests.Validation.Topo.One(f, NetTwin.Validation.DeviceConfigRules.ConfigLineNotUnderstood);
        Assert.Equal("onPremisesDevices/R9", finding.Resource);
        Assert.StartsWith("r9.ios line 3: 'frobnicate the widgets' was not applied: ", finding.Message, StringComparison.Ordinal);
        Assert.Equal(("r9.ios", 3), (Path.GetFileName(finding.Source.File), finding.Source.Line));
    }

    [Fact]
    public void A_config_of_understood_lines_passes_NT_IOS_001()
    {
        var f = ValidateWith("hostname R9\n!\nip route 10.9.0.0 255.255.0.0 192.0.2.1\n");
        NetTwin.Tests.Validation.Topo.None(f, NetTwin.Validation.DeviceConfigRules.ConfigLineNotUnderstood);
        Assert.Empty(f);
    }
}
