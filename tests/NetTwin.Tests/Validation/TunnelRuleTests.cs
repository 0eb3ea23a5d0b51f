using System.Text.Json;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.Validation;

/// <summary>The tunnel rules `nettwin rules` lists (reported by the IPsec stage, not the validator): each fires on the
/// example that shows it, on exactly the connections named, and stays silent on a near miss. Through `nettwin tunnels -o json`.</summary>
public class TunnelRuleTests
{
    private static string[] Args(string example, params string[] changes) =>
        [Nt.Example(example), .. changes.SelectMany(c => new[] { "--apply", Nt.Change(example, c) })];

    private static readonly string[] S3e = ["b-wide-acls.yaml", "c-policy-based.yaml", "d-selector-policies.yaml", "e-initiator-only.yaml"];

    /// <summary>Rule id, the connections it fires on (sorted, comma-separated), and the example with its change sets.</summary>
    public static TheoryData<string, string, string[]> Triggers => new()
    {
        { "NT-TUNNEL-001", "connections/conn-blue,connections/conn-red", Args("s3-third-parties", S3e) },          // E5: InitiatorOnly, selectors do not match
        { "NT-TUNNEL-002", "connections/datacenter01_connection", Args("s1-vpn-over-er", "prefer-vpn-for-gateway-subnet.yaml") }, // D8: recursive underlay
        { "NT-TUNNEL-003", "connections/conn-blue,connections/conn-red", Args("s3-third-parties") },                 // E5: exact narrowing answers only one side
        { "NT-TUNNEL-004", "connections/hub-to-proxy", Args("s0-proxy-tunnel", "solution4-hub-vpn.yaml") },         // proxy-supplier is not modelled
        { "NT-IPSEC-TRANSIT-001", "connections/conn-blue", Args("s3-third-parties", "b-wide-acls.yaml") },           // E1: wide selectors accepted
    };

    /// <summary>Rule id and a near-miss estate where it must not fire.</summary>
    public static TheoryData<string, string[]> NearMisses => new()
    {
        { "NT-TUNNEL-001", Args("s3-third-parties") },                 // case a: both tunnels negotiate
        { "NT-TUNNEL-002", Args("s1-vpn-over-er") },                   // the static pin keeps the underlay on ExpressRoute
        { "NT-TUNNEL-003", Args("s1-vpn-over-er") },                   // R1/R2 and Azure both initiate successfully
        { "NT-TUNNEL-004", Args("s3-third-parties") },                 // red and blue are modelled from their IOS files
        { "NT-IPSEC-TRANSIT-001", Args("s3-third-parties") },          // case a: narrow ACLs, no transit
    };

    private static List<(string Id, string Resource)> Findings(string[] args)
    {
        var r = Nt.Run(["tunnels", .. args, "-o", "json"]);
        Assert.True(r.ExitCode is 0 or 1, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        return [.. doc.RootElement.GetProperty("findings").GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("id").GetString()!, f.GetProperty("resource").GetString()!))];
    }

    [Theory]
    [MemberData(nameof(Triggers))]
    public void Tunnel_rule_fires_on_exactly_these_connections(string id, string resources, string[] args)
    {
        var on = Findings(args).Where(f => f.Id == id).Select(f => f.Resource).Order(StringComparer.Ordinal);
        Assert.Equal(resources, string.Join(",", on));
    }

    [Theory]
    [MemberData(nameof(NearMisses))]
    public void Tunnel_rule_is_silent_on_the_near_miss(string id, string[] args)
    {
        Assert.DoesNotContain(Findings(args), f => f.Id == id);
    }
}
