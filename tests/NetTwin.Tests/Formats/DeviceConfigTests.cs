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
