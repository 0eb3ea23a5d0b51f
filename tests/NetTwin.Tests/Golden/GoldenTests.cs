using NetTwin.Tests.Support;

namespace NetTwin.Tests.Golden;

/// <summary>Every table and JSON shape the CLI prints, compared byte for byte with a reviewed file in
/// Golden/expected/. Output order is deterministic, so a difference is a change of behaviour or shape.
/// To accept a deliberate change: NETTWIN_UPDATE_GOLDEN=1 dotnet test --filter Golden, then review the diff.</summary>
public class GoldenTests
{
    private static string S0(string change) => Nt.Change("s0-proxy-tunnel", change);

    public static TheoryData<string, string[]> Cases() => new()
    {
        { "routes-s0-sol4-tenant.txt", ["routes", Nt.Example("s0-proxy-tunnel"), "--apply", S0("solution4-hub-vpn.yaml"), "--subnet", "vdi-vnet/tenant"] },
        { "routes-s0-sol4-tenant.json", ["routes", Nt.Example("s0-proxy-tunnel"), "--apply", S0("solution4-hub-vpn.yaml"), "--subnet", "vdi-vnet/tenant", "-o", "json"] },
        { "routes-s0-sol4-app-half-default.json", ["routes", Nt.Example("s0-proxy-tunnel"), "--apply", S0("solution4-hub-vpn.yaml"), "--apply", S0("app-half-default-udr.yaml"), "--nic", "app-vm1-nic", "-o", "json"] },
        { "bgp-s1-learned.txt", ["bgp", Nt.Example("s1-vpn-over-er"), "--gateway", "vpngateway", "--learned"] },
        { "bgp-s1-learned.json", ["bgp", Nt.Example("s1-vpn-over-er"), "--gateway", "vpngateway", "--learned", "-o", "json"] },
        { "bgp-s1-advertised-r1.txt", ["bgp", Nt.Example("s1-vpn-over-er"), "--gateway", "vpngateway", "--advertised", "--peer", "169.254.21.1"] },
        { "bgp-s1-advertised-r1.json", ["bgp", Nt.Example("s1-vpn-over-er"), "--gateway", "vpngateway", "--advertised", "--peer", "169.254.21.1", "-o", "json"] },
        { "bgp-s1-peers.txt", ["bgp", Nt.Example("s1-vpn-over-er"), "--peers"] },
        { "bgp-s2-step2-peers.json", ["bgp", Nt.Example("s2-ipsec-backup"), "--apply", Nt.Change("s2-ipsec-backup", "step2-primary-fails.yaml"), "--peers", "--gateway", "vng1", "-o", "json"] },
        { "bgp-s1-device-r1.txt", ["bgp", Nt.Example("s1-vpn-over-er"), "--device", "R1"] },
        { "bgp-s1-device-r1.json", ["bgp", Nt.Example("s1-vpn-over-er"), "--device", "R1", "-o", "json"] },
        { "next-hop-s0-sol4.txt", ["next-hop", Nt.Example("s0-proxy-tunnel"), "--apply", S0("solution4-hub-vpn.yaml"), "--from", "10.120.1.4", "--to", "8.8.8.8"] },
        { "next-hop-s0-sol4.json", ["next-hop", Nt.Example("s0-proxy-tunnel"), "--apply", S0("solution4-hub-vpn.yaml"), "--from", "10.120.1.4", "--to", "10.1.0.10", "-o", "json"] },
        { "validate-s0-sol1.txt", ["validate", Nt.Example("s0-proxy-tunnel"), "--apply", S0("solution1-proxy-vnet.yaml")] },
        { "validate-s0-sol1.json", ["validate", Nt.Example("s0-proxy-tunnel"), "--apply", S0("solution1-proxy-vnet.yaml"), "-o", "json"] },
        { "tunnels-s3-a.json", ["tunnels", Nt.Example("s3-third-parties"), "-o", "json"] },
        { "tunnels-s3-b.txt", ["tunnels", Nt.Example("s3-third-parties"), "--apply", Nt.Change("s3-third-parties", "b-wide-acls.yaml")] },
        { "routes-s0-sol4-app-half-default.txt", ["routes", Nt.Example("s0-proxy-tunnel"), "--apply", S0("solution4-hub-vpn.yaml"), "--apply", S0("app-half-default-udr.yaml"), "--nic", "app-vm1-nic"] },
        { "bgp-s2-step2-peers.txt", ["bgp", Nt.Example("s2-ipsec-backup"), "--apply", Nt.Change("s2-ipsec-backup", "step2-primary-fails.yaml"), "--peers", "--gateway", "vng1"] },
        { "bgp-s1-peers.json", ["bgp", Nt.Example("s1-vpn-over-er"), "--peers", "-o", "json"] },
        { "validate-s4-base.txt", ["validate", Nt.Example("s4-vnet-to-vnet")] },
        { "validate-s4-base.json", ["validate", Nt.Example("s4-vnet-to-vnet"), "-o", "json"] },
        { "report-s0-sol4.txt", ["report", Nt.Example("s0-proxy-tunnel"), "--apply", S0("solution4-hub-vpn.yaml")] },
        { "report-s0-sol4.json", ["report", Nt.Example("s0-proxy-tunnel"), "--apply", S0("solution4-hub-vpn.yaml"), "-o", "json"] },
        { "report-s0-sol1.txt", ["report", Nt.Example("s0-proxy-tunnel"), "--apply", S0("solution1-proxy-vnet.yaml")] },
        { "rules.txt", ["rules"] },
        { "rules.json", ["rules", "-o", "json"] },
    };

    /// <summary>Tables are laid out before the repository root is written &lt;root&gt;, so a path inside a table cell
    /// would make the layout depend on where the repository is checked out (a fresh clone in a temporary folder).
    /// Each example, copied to a folder with a much longer path, must print exactly what the checkout prints.</summary>
    [Theory]
    [InlineData("s1-vpn-over-er", "bgp", "--peers")]
    [InlineData("s1-vpn-over-er", "report")]
    [InlineData("s3-third-parties", "tunnels")]
    [InlineData("s3-third-parties", "report")]
    public void Output_does_not_depend_on_the_checkout_path(string example, string command, params string[] rest)
    {
        var copy = Path.Combine(Directory.CreateTempSubdirectory("nettwin-a-much-longer-checkout-path-than-usual-").FullName, "examples", example);
        CopyFolder(Nt.Example(example), copy);
        try
        {
            var here = Nt.Run([command, Nt.Example(example), .. rest]);
            var there = Nt.Run([command, copy, .. rest]);
            Assert.Equal(here.ExitCode, there.ExitCode);
            Assert.Equal(here.Out.Replace(Nt.Example(example), "<example>"), there.Out.Replace(copy, "<example>"));
        }
        finally { Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(copy))!, true); }
    }

    /// <summary>Deterministic output: every golden command, run again four times at once (no shared state leaks
    /// between runs, no hash or thread order shows through), prints byte for byte what it printed the first time.</summary>
    [Fact]
    public void Every_command_prints_the_same_on_every_run_even_concurrently()
    {
        foreach (var row in Cases())
        {
            var args = (string[])row[1];
            var first = Nt.Run(args);
            var again = Enumerable.Range(0, 4).AsParallel().Select(_ => Nt.Run(args)).ToList();
            Assert.All(again, r => Assert.Equal((first.ExitCode, first.Out, first.Err), (r.ExitCode, r.Out, r.Err)));
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.EnumerateDirectories(from)) CopyFolder(d, Path.Combine(to, Path.GetFileName(d)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OutputMatchesTheReviewedFile(string golden, string[] args)
    {
        var r = Nt.Run(args);
        Assert.True(r.ExitCode is 0 or 1, r.Err);
        // Paths differ between machines: the repository root is written <root>.
        var actual = r.Out.Replace(Nt.Root, "<root>").Replace("\r\n", "\n");
        var file = Path.Combine(Nt.Root, "tests", "NetTwin.Tests", "Golden", "expected", golden);
        if (Environment.GetEnvironmentVariable("NETTWIN_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(file, actual);
            return;
        }
        Assert.True(File.Exists(file), $"no golden file {golden}: run with NETTWIN_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(file).Replace("\r\n", "\n"), actual);
    }
}
