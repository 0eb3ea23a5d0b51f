using NetTwin.Validation;

namespace NetTwin.Ipsec;

/// <summary>The findings of the tunnel question (issue 4). Only <see cref="Transit"/> has TRANSIT in its id; no other
/// finding uses that word.</summary>
public static class TunnelRules
{
    private const string Learn = "https://learn.microsoft.com/azure/vpn-gateway/";

    public static readonly RuleDescriptor Down = new(
        "NT-TUNNEL-001", "IPsec tunnel down", Severity.Warning, "D, E, F", Learn + "vpn-gateway-troubleshoot-site-to-site-cannot-connect",
        "Connection {0} is down: {1}, {2}");

    public static readonly RuleDescriptor Recursive = new(
        "NT-TUNNEL-002", "Tunnel underlay runs through the tunnel itself", Severity.Error, "D8", Learn + "site-to-site-vpn-private-peering",
        "Connection {0} is {1}");

    public static readonly RuleDescriptor OneSided = new(
        "NT-TUNNEL-003", "Tunnel comes up from one side only", Severity.Info, "E5", Learn + "vpn-gateway-about-vpn-devices",
        "Connection {0} comes up only when {1} initiates; when {2} initiates: {3}");

    public static readonly RuleDescriptor Assumed = new(
        "NT-TUNNEL-004", "Tunnel peer not modelled", Severity.Info, "D9", Learn + "vpn-gateway-about-vpn-devices",
        "Connection {0}: the peer {1} is not modelled ({2}); its proposals, key and selectors are assumed to match Azure's");

    public static readonly RuleDescriptor Transit = new(
        "NT-IPSEC-TRANSIT-001", "Third-party transit through a VPN gateway", Severity.Warning, "E1, E5", Learn + "custom-traffic-selectors",
        "The sites of {0} ({1}) and {2} ({3}) reach each other through VPN gateway {4}: {5}. To stop it: {6}");

    public static IReadOnlyList<RuleDescriptor> All { get; } = [Down, Recursive, OneSided, Assumed, Transit];
}
