using System.Text;
using NetTwin.Formats.Yaml;
using NetTwin.Model;
using NetTwin.Validation;

namespace NetTwin.Tests.Validation;

/// <summary>Builds small topologies as YAML (one flow-style map per resource, one resource per line, grouped by kind
/// in first-use order), loads them through <see cref="TopologyLoader.LoadText"/> and validates them.</summary>
internal static class Topo
{
    public const string Arm = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/nettwin/providers/Microsoft.Network";

    public static string Yaml(params (string Kind, string Item)[] items)
    {
        var sb = new StringBuilder();
        foreach (var group in items.GroupBy(i => i.Kind))
        {
            sb.Append(group.Key).Append(":\n");
            foreach (var (_, item) in group) sb.Append("  - ").Append(item).Append('\n');
        }
        return sb.ToString();
    }

    public static Topology Load(params (string Kind, string Item)[] items) => TopologyLoader.LoadText(Yaml(items));

    public static IReadOnlyList<Finding> Validate(params (string Kind, string Item)[] items) => Validator.Validate(Load(items));

    // ---- resources ---------------------------------------------------------------------------------------------

    public static string Sub(string name, string prefix, string extra = "") => $"{{ name: {name}, addressPrefix: {prefix}{extra} }}";

    public static (string, string) Vnet(string name, string space, params string[] subnets) =>
        (Kinds.VirtualNetworks, $"{{ name: {name}, location: westeurope, addressSpace: [{space}], subnets: [{string.Join(", ", subnets)}] }}");

    public static (string, string) Peer(string name, string vnet, string remote, string extra = "") =>
        (Kinds.VirtualNetworkPeerings, $"{{ name: {name}, virtualNetwork: {vnet}, remoteVirtualNetwork: {remote}{extra} }}");

    /// <summary>Hub-and-spoke peering pair: the hub allows gateway transit, the spoke uses remote gateways.</summary>
    public static (string, string)[] Transit(string hub, string spoke) =>
    [
        Peer($"{hub}-to-{spoke}", hub, spoke, ", allowGatewayTransit: true"),
        Peer($"{spoke}-to-{hub}", spoke, hub, ", useRemoteGateways: true"),
    ];

    /// <summary>A plain peering pair, both directions.</summary>
    public static (string, string)[] Pair(string a, string b) => [Peer($"{a}-to-{b}", a, b), Peer($"{b}-to-{a}", b, a)];

    public static (string, string) Gw(string name, string vnet, string type = "Vpn", string sku = "VpnGw1", string extra = "") =>
        (Kinds.VirtualNetworkGateways, $"{{ name: {name}, subnet: {vnet}/GatewaySubnet, gatewayType: {type}, sku: {sku}{extra} }}");

    public static (string, string) Lng(string name, string ip, string prefixes, string extra = "") =>
        (Kinds.LocalNetworkGateways, $"{{ name: {name}, gatewayIpAddress: {ip}, addressPrefixes: [{prefixes}]{extra} }}");

    public static (string, string) S2s(string name, string gw, string lng, string extra = "") =>
        (Kinds.Connections, $"{{ name: {name}, connectionType: IPsec, virtualNetworkGateway1: {gw}, localNetworkGateway2: {lng}, sharedKey: k{extra} }}");

    public static (string, string) V2v(string name, string gw1, string gw2, string extra = "") =>
        (Kinds.Connections, $"{{ name: {name}, connectionType: Vnet2Vnet, virtualNetworkGateway1: {gw1}, virtualNetworkGateway2: {gw2}, sharedKey: k{extra} }}");

    public static (string, string) Rt(string name, string routes, string extra = "") =>
        (Kinds.RouteTables, $"{{ name: {name}{extra}, routes: [{routes}] }}");

    public static string Route(string name, string prefix, string hop, string? ip = null) =>
        $"{{ name: {name}, addressPrefix: {prefix}, nextHopType: {hop}{(ip is null ? "" : $", nextHopIpAddress: {ip}")} }}";

    public static (string, string) Item(string kind, string flow) => (kind, flow);

    public const string Policy =
        "saLifeTimeSeconds: 27000, saDataSizeKilobytes: 102400000, ipsecEncryption: AES256, ipsecIntegrity: SHA256, "
        + "ikeEncryption: AES256, ikeIntegrity: SHA256, dhGroup: DHGroup14, pfsGroup: PFS2048";

    // ---- a standard estate: hub 10.0.0.0/16 (GatewaySubnet 10.0.0.0/27, app 10.0.1.0/24), spoke 10.1.0.0/16 ----

    public static (string, string) Hub(params string[] extraSubnets) =>
        Vnet("hub", "10.0.0.0/16", [Sub("GatewaySubnet", "10.0.0.0/27"), Sub("app", "10.0.1.0/24"), .. extraSubnets]);

    public static (string, string) Spoke(string name = "spoke", string space = "10.1.0.0/16") =>
        Vnet(name, space, Sub("work", space.Replace("/16", "/24", StringComparison.Ordinal)));

    // ---- assertions ----------------------------------------------------------------------------------------------

    public static string Dump(IEnumerable<Finding> findings) =>
        string.Join("\n", findings.Select(f => $"  {f.Severity} {f.Id} {f.Resource}: {f.Message}"));

    /// <summary>Exactly one finding of this rule; returns it.</summary>
    public static Finding One(IReadOnlyList<Finding> findings, RuleDescriptor rule)
    {
        var matching = findings.Where(f => f.Id == rule.Id).ToList();
        Assert.True(matching.Count == 1, $"expected exactly one {rule.Id}, got {matching.Count}:\n{Dump(findings)}");
        Assert.Same(rule, matching[0].Rule);
        return matching[0];
    }

    /// <summary>Exactly one finding of this rule, with this message and resource.</summary>
    public static Finding Expect(IReadOnlyList<Finding> findings, RuleDescriptor rule, string resource, string message)
    {
        var f = One(findings, rule);
        Assert.Equal(message, f.Message);
        Assert.Equal(resource, f.Resource);
        return f;
    }

    /// <summary>Among several findings of this rule, one on this resource with this message.</summary>
    public static void Has(IReadOnlyList<Finding> findings, RuleDescriptor rule, string resource, string message) =>
        Assert.True(findings.Any(f => f.Id == rule.Id && f.Resource == resource && f.Message == message),
            $"expected {rule.Id} on {resource}: {message}\ngot:\n{Dump(findings)}");

    public static void None(IReadOnlyList<Finding> findings, RuleDescriptor rule) =>
        Assert.False(findings.Any(f => f.Id == rule.Id), $"unexpected {rule.Id}:\n{Dump(findings)}");

    public static void NoErrors(IReadOnlyList<Finding> findings) =>
        Assert.False(findings.Any(f => f.Severity == Severity.Error), $"unexpected errors:\n{Dump(findings)}");
}
