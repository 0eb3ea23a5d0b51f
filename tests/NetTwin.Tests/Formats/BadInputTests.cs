using NetTwin.Tests.Support;

namespace NetTwin.Tests.Formats;

/// <summary>Every kind of unusable input: one message naming file, line, column and the value; exit 2; no stack trace.</summary>
public class BadInputTests
{
    private static void AssertCleanFailure(Nt.Result r)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.DoesNotMatch(@"^\s+at [A-Z][A-Za-z.]+\(", r.Err);
        Assert.DoesNotContain("Exception", r.Err);
    }

    [Fact]
    public void MalformedYamlNamesFileLineAndColumn()
    {
        var dir = Nt.TempTopology(("broken.yaml", "virtualNetworks:\n  - name: v1\n    addressSpace: [10.0.0.0/16\n"));
        var r = Nt.Run("validate", dir);
        AssertCleanFailure(r);
        Assert.Matches(@"broken\.yaml:4:1: error: malformed YAML", r.Err);
    }

    [Fact]
    public void InvalidCidrNamesTheValueAndObject()
    {
        var dir = Nt.TempTopology(("net.yaml", "virtualNetworks:\n  - name: v1\n    location: westeurope\n    addressSpace: [10.0.0.300/16]\n"));
        var r = Nt.Run("validate", dir);
        AssertCleanFailure(r);
        Assert.Contains("net.yaml:4:20: error [virtualNetworks/v1]: invalid address prefix: '10.0.0.300/16' is not a valid CIDR prefix: '10.0.0.300' is not an IPv4 address", r.Err);
    }

    [Fact]
    public void HostBitsAreRefusedWithAzuresWording()
    {
        var dir = Nt.TempTopology(("net.yaml", "virtualNetworks:\n  - name: v1\n    location: westeurope\n    addressSpace: [10.0.0.1/16]\n"));
        var r = Nt.Run("validate", dir);
        AssertCleanFailure(r);
        Assert.Contains("The address prefix 10.0.0.1/16 has an invalid CIDR notation. For the given prefix length, the address prefix should be 10.0.0.0/16.", r.Err);
    }

    [Fact]
    public void UnknownKeyGetsDidYouMean()
    {
        var dir = Nt.TempTopology(("net.yaml", "virtualNetworks:\n  - name: v1\n    location: westeurope\n    adressSpace: [10.0.0.0/16]\n"));
        var r = Nt.Run("validate", dir);
        AssertCleanFailure(r);
        Assert.Contains("net.yaml:4:5: error [virtualNetworks/v1]: unknown key 'adressSpace' (did you mean 'addressSpace'?)", r.Err);
    }

    [Fact]
    public void UnknownTopLevelKindGetsDidYouMean()
    {
        var dir = Nt.TempTopology(("net.yaml", "virtualNetwork:\n  - name: v1\n"));
        var r = Nt.Run("validate", dir);
        AssertCleanFailure(r);
        Assert.Contains("net.yaml:1:1: error: unknown key 'virtualNetwork' (did you mean 'virtualNetworks'?)", r.Err);
    }

    [Fact]
    public void DanglingReferenceNamesTheObjectAndGuesses()
    {
        var dir = Nt.TempTopology(("net.yaml", """
            virtualNetworks:
              - name: hub
                location: westeurope
                addressSpace: [10.0.0.0/16]
                subnets:
                  - name: app
                    addressPrefix: 10.0.1.0/24
                    routeTable: app-routes
            routeTables:
              - name: app-route
            """));
        var r = Nt.Run("validate", dir);
        AssertCleanFailure(r);
        Assert.Contains("net.yaml:6:9: error [virtualNetworks/hub/subnets/app]: 'routeTable' refers to route table 'app-routes', which does not exist (did you mean 'app-route'?)", r.Err);
    }

    [Fact]
    public void InvalidIpAddress()
    {
        var dir = Nt.TempTopology(("net.yaml", """
            localNetworkGateways:
              - name: site
                gatewayIpAddress: 198.51.100.256
                addressPrefixes: [10.9.0.0/16]
            """));
        var r = Nt.Run("validate", dir);
        AssertCleanFailure(r);
        Assert.Contains("net.yaml:3:23: error [localNetworkGateways/site]: invalid gatewayIpAddress: '198.51.100.256' is not a valid IPv4 address", r.Err);
    }

    [Fact]
    public void Ipv6IsRefusedAsNotSupportedYet()
    {
        var dir = Nt.TempTopology(("net.yaml", "virtualNetworks:\n  - name: v1\n    location: westeurope\n    addressSpace: ['fd00::/48']\n"));
        var r = Nt.Run("validate", dir);
        AssertCleanFailure(r);
        Assert.Contains("'fd00::/48' is an IPv6 prefix: IPv6 is not supported yet", r.Err);
    }

    [Fact]
    public void WrongEnumValueListsTheChoices()
    {
        var dir = Nt.TempTopology(("net.yaml", """
            routeTables:
              - name: rt
                routes:
                  - name: r1
                    addressPrefix: 0.0.0.0/0
                    nextHopType: Appliance
            """));
        var r = Nt.Run("validate", dir);
        AssertCleanFailure(r);
        Assert.Contains("net.yaml:6:22: error [routeTables/rt]: 'Appliance' is not allowed for 'nextHopType'; expected one of: VnetLocal, Internet, None, VirtualAppliance, VirtualNetworkGateway", r.Err);
    }

    [Fact]
    public void MissingRequiredProperty()
    {
        var dir = Nt.TempTopology(("net.yaml", "virtualNetworks:\n  - name: v1\n    location: westeurope\n"));
        var r = Nt.Run("validate", dir);
        AssertCleanFailure(r);
        Assert.Contains("net.yaml:2:5: error [virtualNetworks/v1]: 'addressSpace' is required", r.Err);
    }

    [Fact]
    public void MissingPath()
    {
        var r = Nt.Run("validate", "/nonexistent/topology");
        AssertCleanFailure(r);
        Assert.Contains("/nonexistent/topology: error: no such file or folder", r.Err);
    }

    [Fact]
    public void MissingChangeSet()
    {
        var dir = Nt.TempTopology(("net.yaml", "virtualNetworks: []\n"));
        var r = Nt.Run("validate", dir, "--apply", "/nonexistent/change.yaml");
        AssertCleanFailure(r);
        Assert.Contains("/nonexistent/change.yaml: error: change set not found: no such file", r.Err);
    }

    [Fact]
    public void ChangeSetOnAMissingResourceGuesses()
    {
        var dir = Nt.TempTopology(("net.yaml", "virtualNetworks:\n  - name: hub\n    location: westeurope\n    addressSpace: [10.0.0.0/16]\n"));
        var change = Path.Combine(dir, "change.yml.txt");
        File.WriteAllText(change, "changes:\n  - set:\n      resource: virtualNetworks/hubb\n      properties: { location: northeurope }\n");
        var r = Nt.Run("validate", dir, "--apply", change);
        AssertCleanFailure(r);
        Assert.Contains("change.yml.txt:3:17: error [change.yml.txt]: 'virtualNetworks/hubb' does not exist (did you mean 'hub'?)", r.Err);
    }

    [Fact]
    public void UnknownChangeVerbGuesses()
    {
        var dir = Nt.TempTopology(("net.yaml", "virtualNetworks: []\n"));
        var change = Path.Combine(dir, "c.txt");
        File.WriteAllText(change, "changes:\n  - sett: { resource: virtualNetworks/x, properties: {} }\n");
        var r = Nt.Run("validate", dir, "--apply", change);
        AssertCleanFailure(r);
        Assert.Contains("c.txt:2:5: error: each change is one of add, remove, set, unset, fail, restore (one per list item) (did you mean 'set'?)", r.Err);
    }

    [Fact]
    public void BadCommandLineIsExit2()
    {
        var r = Nt.Run("validate");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("nettwin:", r.Err);
    }

    [Fact]
    public void EveryErrorInAFileIsReportedNotJustTheFirst()
    {
        var dir = Nt.TempTopology(("net.yaml", """
            virtualNetworks:
              - name: a
                location: westeurope
                addressSpace: [10.0.0.300/16]
              - name: b
                location: westeurope
                addressSpace: [10.1.0.0/33]
            """));
        var r = Nt.Run("validate", dir);
        AssertCleanFailure(r);
        Assert.Contains("[virtualNetworks/a]", r.Err);
        Assert.Contains("[virtualNetworks/b]: invalid address prefix: '10.1.0.0/33' is not a valid CIDR prefix: the length must be 0 to 32", r.Err);
    }
}
