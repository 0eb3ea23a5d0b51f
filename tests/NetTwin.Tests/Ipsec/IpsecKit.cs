using System.Text.RegularExpressions;
using NetTwin.Formats.Ios;
using NetTwin.Formats.Yaml;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.Ipsec;

/// <summary>Helpers for the IPsec tests: device configurations read with the IOS parser (until the loader attaches
/// them to the devices), example estates with change sets, and small lab estates written to a temporary folder.</summary>
internal static partial class IpsecKit
{
    /// <summary>Reads each device's configuration file with the IOS parser, after an optional rewrite of its text.</summary>
    public static Func<OnPremisesDevice, DeviceConfig?> Configs(Func<string, string>? rewrite = null) => dev =>
    {
        if (dev.Config is null) return null;
        var text = File.ReadAllText(dev.Config);
        return IosParser.Parse(rewrite is null ? text : rewrite(text), Path.GetFileName(dev.Config)).Config;
    };

    /// <summary>Adds DH group 2 to every "group" line of the IKEv2 proposals that lacks it. Azure's default policy
    /// offers and accepts only DH group 2 in IKE main mode (vpn-gateway-about-vpn-devices; "About cryptographic
    /// requirements": "the IKEv2 main mode policies for Azure VPN gateways utilize only Diffie-Hellman Group 2"). The
    /// S1 and S3 example peers list only group 14, so with Azure's default policy they could not even start IKE; the
    /// seeds' labs did come up with the defaults, so their peers offered group 2. This rewrite restores that.</summary>
    public static string WithDhGroup2(string ios) => GroupLine().Replace(ios, m =>
        m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("2") ? m.Value : m.Value + " 2");

    [GeneratedRegex(@"^(\s+group)\s+([0-9 ]+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex GroupLine();

    /// <summary>Loads an example folder with its change sets (by file name, in order) plus extra change-set texts.</summary>
    public static Topology Example(string example, IEnumerable<string> changes, params string[] extraChangeSets)
    {
        var files = changes.Select(c => Path.Combine(Root, "examples", example, "changes", c)).ToList();
        if (extraChangeSets.Length > 0)
        {
            var dir = Directory.CreateTempSubdirectory("nettwin-ipsec-cs-").FullName;
            foreach (var (text, k) in extraChangeSets.Select((t, k) => (t, k)))
            {
                var path = Path.Combine(dir, $"extra{k}.yaml");
                File.WriteAllText(path, text);
                files.Add(path);
            }
        }
        return TopologyLoader.Load(Path.Combine(Root, "examples", example), files);
    }

    /// <summary>The repository root (the folder holding NetTwin.slnx): up from the test binaries, or, when they are
    /// built elsewhere (--artifacts-path), up from this source file.</summary>
    public static string Root { get; } = FindRoot(AppContext.BaseDirectory) ?? FindRoot(ThisFile()) ?? FindRoot(Environment.CurrentDirectory)
        ?? throw new InvalidOperationException("NetTwin.slnx not found above the test binaries, the test sources or the current folder");

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    private static string? FindRoot(string start)
    {
        var dir = start.Length == 0 ? null : new DirectoryInfo(Directory.Exists(start) ? start : Path.GetDirectoryName(start) ?? start);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetTwin.slnx"))) dir = dir.Parent;
        return dir?.FullName;
    }

    /// <summary>S3's change sets, cumulative up to a case letter (a = base).</summary>
    public static IEnumerable<string> S3Changes(char @case) =>
        new[] { "b-wide-acls.yaml", "c-policy-based.yaml", "d-selector-policies.yaml", "e-initiator-only.yaml", "f-exact-acls.yaml" }
            .Take(@case - 'a');

    public static TunnelsAnswer S3(char @case, params string[] extra) =>
        Tunnels.Evaluate(Example("s3-third-parties", S3Changes(@case), extra), Underlay.PublicInternet, Configs(WithDhGroup2));

    public static TrafficSelector Ts(string local, string remote) => TrafficSelector.Single(Prefix.Parse(local), Prefix.Parse(remote));

    public static Ipv4 Ip(string s) => Ipv4.Parse(s);

    /// <summary>The negotiated selectors of a connection, as "azure<->site" strings, sorted.</summary>
    public static string[] Selectors(TunnelReport r) => [.. r.Selectors.Select(s => s.Selector.ToString()).Order(StringComparer.Ordinal)];

    /// <summary>A one-site lab: hub 172.16.1.0/24 with VPN gateway 'gw' (public 198.51.100.40), site 'site'
    /// (203.0.113.10, 10.1.0.0/16) and connection 'conn'; device 'red' with the given IOS text (null: no device).</summary>
    public static Topology Lab(string? ios, string connectionExtra = "", string lngAddress = "203.0.113.10", string narrowing = "exact", string sharedKey = "Msft123Msft123")
    {
        var yaml = $$"""
            virtualNetworks:
              - name: hub
                location: westeurope
                addressSpace: [172.16.1.0/24]
                subnets:
                  - { name: GatewaySubnet, addressPrefix: 172.16.1.224/27 }
                  - { name: app, addressPrefix: 172.16.1.0/25 }
            virtualNetworkGateways:
              - name: gw
                subnet: hub/GatewaySubnet
                gatewayType: Vpn
                vpnType: RouteBased
                sku: VpnGw2
                ipConfigurations:
                  - { name: default, privateIPAddress: 172.16.1.228, publicIPAddress: 198.51.100.40 }
            localNetworkGateways:
              - name: site
                gatewayIpAddress: {{lngAddress}}
                addressPrefixes: [10.1.0.0/16]
            connections:
              - name: conn
                connectionType: IPsec
                virtualNetworkGateway1: gw
                localNetworkGateway2: site
                sharedKey: {{sharedKey}}
                {{Indent(connectionExtra, "    ")}}
            """;
        if (ios is not null)
            yaml += $"""

                onPremisesDevices:
                  - name: red
                    config: red.ios
                    narrowing: {narrowing}
                """;
        var files = new List<(string, string)> { ("topology.yaml", yaml) };
        if (ios is not null) files.Add(("red.ios", ios));
        return TopologyLoader.Load(Nt.TempTopology([.. files]));
    }

    private static string Indent(string text, string pad) =>
        string.Join("\n", text.Split('\n').Select((l, k) => k == 0 ? l : pad + l));

    /// <summary>A Cisco crypto-map peer at 203.0.113.10 for Azure at 198.51.100.40.</summary>
    public static string CiscoPeer(
        string acl = " permit ip 10.1.0.0 0.0.255.255 172.16.1.0 0.0.0.255",
        string groups = "14 2",
        string ikeEncryption = "aes-cbc-256",
        string ikeIntegrity = "sha256",
        string key = "Msft123Msft123",
        string transforms = "esp-aes 256 esp-sha256-hmac",
        string? pfs = null,
        string azure = "198.51.100.40") => $"""
        hostname red
        !
        crypto ikev2 proposal P
         encryption {ikeEncryption}
         integrity {ikeIntegrity}
         group {groups}
        !
        crypto ikev2 policy POL
         proposal P
        !
        crypto ikev2 keyring KR
         peer AZURE
          address {azure}
          pre-shared-key {key}
         !
        !
        crypto ikev2 profile prof
         match identity remote address {azure} 255.255.255.255
         authentication remote pre-share
         authentication local pre-share
         keyring local KR
        !
        crypto ipsec transform-set TS {transforms}
         mode tunnel
        !
        crypto map AZ 10 ipsec-isakmp
         set peer {azure}
         set transform-set TS
        {(pfs is null ? "" : " set pfs " + pfs + "\n")} set ikev2-profile prof
         match address CRYPTO
        !
        interface GigabitEthernet1
         ip address 203.0.113.10 255.255.255.240
         crypto map AZ
        !
        interface GigabitEthernet2
         ip address 10.1.0.1 255.255.0.0
        !
        ip access-list extended CRYPTO
        {acl}
        !
        end
        """;
}
