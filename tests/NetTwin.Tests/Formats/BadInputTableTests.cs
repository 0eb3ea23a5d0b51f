using NetTwin.Tests.Support;

namespace NetTwin.Tests.Formats;

/// <summary>Issue 2, bad input: every kind, through `validate` and `report` alike — exactly one message naming
/// file, line, column, object and the offending value; exit code 2; nothing on stdout; nothing written into the
/// topology folder; no stack trace.</summary>
public class BadInputTableTests
{
    private const string Vnet = "virtualNetworks:\n  - name: v1\n    location: westeurope\n";

    /// <summary>Kind, the file net.yaml, and the whole error line after "&lt;folder&gt;/".</summary>
    public static TheoryData<string, string, string> Cases => new()
    {
        { "malformed YAML", Vnet + "    addressSpace: [10.0.0.0/16\n",
          "net.yaml:5:1: error: malformed YAML: While parsing a flow sequence, did not find expected ',' or ']'. (line 4: '    addressSpace: [10.0.0.0/16')" },
        { "malformed YAML mid-file", "virtualNetworks:\n  - name: v1\n   location: westeurope\n    addressSpace: [10.0.0.0/16]\n",
          "net.yaml:3:4: error: malformed YAML: While parsing a block collection, did not find expected '-' indicator. (line 3: '   location: westeurope')" },
        { "unknown key", Vnet + "    addressSpace: [10.0.0.0/16]\n    subnet: []\n",
          "net.yaml:5:5: error [virtualNetworks/v1]: unknown key 'subnet' (did you mean 'subnets'?)" },
        { "invalid CIDR", Vnet + "    addressSpace: [10.0.0.300/16]\n",
          "net.yaml:4:20: error [virtualNetworks/v1]: invalid address prefix: '10.0.0.300/16' is not a valid CIDR prefix: '10.0.0.300' is not an IPv4 address" },
        { "host bits set", Vnet + "    addressSpace: [10.0.0.1/16]\n",
          "net.yaml:4:20: error [virtualNetworks/v1]: invalid address prefix: The address prefix 10.0.0.1/16 has an invalid CIDR notation. For the given prefix length, the address prefix should be 10.0.0.0/16." },
        { "invalid IP", "localNetworkGateways:\n  - name: site\n    gatewayIpAddress: 198.51.100.256\n    addressPrefixes: [10.9.0.0/16]\n",
          "net.yaml:3:23: error [localNetworkGateways/site]: invalid gatewayIpAddress: '198.51.100.256' is not a valid IPv4 address" },
        { "IPv6 prefix", Vnet + "    addressSpace: ['fd00::/48']\n",
          "net.yaml:4:20: error [virtualNetworks/v1]: invalid address prefix: 'fd00::/48' is an IPv6 prefix: IPv6 is not supported yet" },
        { "IPv6 address", "localNetworkGateways:\n  - name: site\n    gatewayIpAddress: '2001:db8::1'\n    addressPrefixes: [10.9.0.0/16]\n",
          "net.yaml:3:23: error [localNetworkGateways/site]: invalid gatewayIpAddress: '2001:db8::1' is an IPv6 address: IPv6 is not supported yet" },
        { "dangling reference", Vnet + "    addressSpace: [10.0.0.0/16]\n    subnets:\n      - name: app\n        addressPrefix: 10.0.1.0/24\n        routeTable: app-routes\nrouteTables:\n  - name: app-route\n",
          "net.yaml:6:9: error [virtualNetworks/v1/subnets/app]: 'routeTable' refers to route table 'app-routes', which does not exist (did you mean 'app-route'?)" },
    };

    public static TheoryData<string> Commands => new() { "validate", "report" };

    private static string Snapshot(string dir) =>
        string.Join("\n", Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? $"{p} {File.ReadAllText(p)}" : p));

    private static void AssertUnusable(Nt.Result r, string expectedLine)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Equal([expectedLine], r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
        Assert.DoesNotContain("Exception", r.Err, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\n\s+at \S+\(", r.Err);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_refuses_bad_input_with_one_exact_message(string kind, string yaml, string message) => Check("validate", kind, yaml, message);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Report_refuses_bad_input_with_one_exact_message(string kind, string yaml, string message) => Check("report", kind, yaml, message);

    private static void Check(string command, string kind, string yaml, string message)
    {
        var dir = Nt.TempTopology(("net.yaml", yaml));
        try
        {
            var before = Snapshot(dir);
            var r = Nt.Run(command, dir, "-o", "json");
            AssertUnusable(r, Path.Combine(dir, message));
            Assert.True(before == Snapshot(dir), $"{kind}: the topology folder changed");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_missing_path_names_the_path(string command)
    {
        var missing = Path.Combine(Path.GetTempPath(), "nettwin-no-such-topology-" + Guid.NewGuid().ToString("N"));
        AssertUnusable(Nt.Run(command, missing), $"{missing}: error: no such file or folder");
        Assert.False(Path.Exists(missing), "a missing topology path must not be created");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_missing_change_set_names_the_path(string command)
    {
        var dir = Nt.TempTopology(("net.yaml", "virtualNetworks: []\n"));
        try
        {
            var missing = Path.Combine(dir, "changes", "nope.yaml");
            AssertUnusable(Nt.Run(command, dir, "--apply", missing), $"{missing}: error: change set not found: no such file");
            Assert.Equal([Path.Combine(dir, "net.yaml")], Directory.EnumerateFileSystemEntries(dir));
        }
        finally { Directory.Delete(dir, true); }
    }
}
