using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>VPN gateway NAT rules (spec F1, F2; nat-overview and its FAQ).</summary>
public static class NatRules
{
    public static readonly RuleDescriptor NatSkuNotSupported = new(
        "NT-NAT-001", "NAT rules on a gateway SKU without NAT", Severity.Error, "F1", Learn.Nat,
        "VPN gateway {0} has NAT rules but uses SKU {1}: NAT is supported on VpnGw2~5 and VpnGw2AZ~5AZ only.");

    public static readonly RuleDescriptor NatOnVnet2Vnet = new(
        "NT-NAT-002", "NAT rules on a VNet-to-VNet connection", Severity.Error, "F1", Learn.Nat,
        "Connection {0} is VNet-to-VNet and uses NAT rules {1}: NAT is supported on IPsec cross-premises connections only; "
        + "VNet-to-VNet connections or P2S connections aren't supported.");

    public static readonly RuleDescriptor NatWithPolicyBasedSelectors = new(
        "NT-NAT-003", "NAT rules with policy-based traffic selectors", Severity.Error, "F2", Learn.Nat,
        "Connection {0} uses NAT rules {1} and usePolicyBasedTrafficSelectors: NAT rules aren't supported on connections that have "
        + "Use Policy Based Traffic Selectors enabled.");

    public static readonly RuleDescriptor StaticNatPrefixLengthMismatch = new(
        "NT-NAT-004", "Static NAT rule with mappings of different sizes", Severity.Error, "F1", Learn.Nat,
        "Static NAT rule {0}/{1} maps {2} to {3}: a static rule is a 1:1 mapping, so internal and external mappings must have the same size "
        + "(use a Dynamic rule when the external pool is smaller).");

    public static readonly RuleDescriptor DynamicNatExternalTooLarge = new(
        "NT-NAT-005", "Dynamic NAT external mapping larger than /26", Severity.Error, "F1", Learn.Nat,
        "Dynamic NAT rule {0}/{1} has external mapping {2}: the maximum supported external mapping subnet size for Dynamic NAT is /26.");

    public static readonly RuleDescriptor TooManyNatRules = new(
        "NT-NAT-006", "More than 100 NAT rules on a gateway", Severity.Error, "F1", Learn.Nat,
        "VPN gateway {0} has {1} NAT rules: you can create up to 100 NAT rules (ingress and egress rules combined) on a VPN gateway.");

    public static readonly RuleDescriptor NatRuleNameSlash = new(
        "NT-NAT-007", "'/' in a NAT rule name", Severity.Error, "F1", Learn.Nat,
        "NAT rule '{1}' on VPN gateway {0} contains '/': a NAT rule name can't contain '/'.");

    public static readonly RuleDescriptor NatExternalMappingOverlap = new(
        "NT-NAT-008", "NAT external mapping overlaps another network", Severity.Error, "F1", Learn.Nat,
        "NAT rule {0}/{1} external mapping {2} overlaps {3} ({4}): the address spaces for all external mappings must not overlap with each other "
        + "and with the networks connected without NAT.");

    public static readonly RuleDescriptor NatRuleModeMismatch = new(
        "NT-NAT-009", "Ingress/egress NAT rule used in the wrong direction", Severity.Error, "F1", Learn.NatHowTo,
        "Connection {0} lists NAT rule {1} under {2}, but the rule's mode is {3}: ingressNatRules take IngressSnat rules and egressNatRules take EgressSnat rules.");

    public static readonly RuleDescriptor NatWithApipaBgp = new(
        "NT-NAT-010", "NAT rules on a BGP connection with an APIPA peer", Severity.Error, "F2", Learn.Nat,
        "Connection {0} has NAT rules ({1}) and runs BGP with local network gateway {2} at the APIPA address {3}: NAT isn't supported with BGP APIPA addresses "
        + "(VPN FAQ, NAT). Use a non-APIPA BGP peer address, translated by an IngressSnat rule if it collides.");

    public static readonly RuleDescriptor IngressRuleSharedAcrossSites = new(
        "NT-NAT-011", "One IngressSnat rule on connections to different on-premises networks", Severity.Error, "F2", Learn.Nat,
        "IngressSnat rule {0} of gateway {1} is used by connections {2} and {3}, whose local network gateways {4} and {5} are different on-premises networks: "
        + "an ingress rule may be shared only by connections to the same on-premises network (VPN FAQ, NAT).");

    public static readonly RuleDescriptor NatRuleWithoutInstanceOnActiveActive = new(
        "NT-NAT-012", "NAT rule without an IP configuration on an active-active gateway", Severity.Warning, "F2", Learn.Nat,
        "NAT rule {0} of active-active gateway {1} names no ipConfigurationId: each NAT rule applies to a single gateway instance, so an active-active "
        + "gateway needs one rule per instance, each with its IP configuration ID (VPN FAQ, NAT). NetTwin applies it to every instance.");

    public const int NatRuleLimit = 100;

    private static readonly Prefix Apipa = Prefix.Parse("169.254.0.0/16");

    public static IReadOnlyList<RuleDescriptor> All { get; } =
    [
        NatSkuNotSupported, NatOnVnet2Vnet, NatWithPolicyBasedSelectors, StaticNatPrefixLengthMismatch, DynamicNatExternalTooLarge,
        TooManyNatRules, NatRuleNameSlash, NatExternalMappingOverlap, NatRuleModeMismatch, NatWithApipaBgp, IngressRuleSharedAcrossSites,
        NatRuleWithoutInstanceOnActiveActive,
    ];

    public static IEnumerable<Finding> Check(Topology t)
    {
        foreach (var g in t.VirtualNetworkGateways.Where(g => g.NatRules.Length > 0))
        {
            var where = Shared.Address(g);
            if (g.GatewayType == GatewayType.Vpn && !Skus.SupportsNat(g.Sku))
                yield return NatSkuNotSupported.Create(g, g.Name, g.Sku);
            if (g.NatRules.Length > NatRuleLimit)
                yield return TooManyNatRules.Create(g, g.Name, g.NatRules.Length);

            foreach (var r in g.NatRules)
            {
                if (r.Name.Contains('/'))
                    yield return NatRuleNameSlash.Create(where, r.Source, g.Name, r.Name);
                if (r.Type == NatRuleType.Static && !SameSize(r))
                    yield return StaticNatPrefixLengthMismatch.Create(where, r.Source, g.Name, r.Name,
                        Shared.Join(r.InternalMappings), Shared.Join(r.ExternalMappings));
                if (r.Type == NatRuleType.Dynamic)
                    foreach (var e in r.ExternalMappings.Where(e => e.Length < 26))
                        yield return DynamicNatExternalTooLarge.Create(where, r.Source, g.Name, r.Name, e);
                if (g.ActiveActive && r.IpConfigurationId is null)
                    yield return NatRuleWithoutInstanceOnActiveActive.Create(where, r.Source, r.Name, g.Name);
            }

            // Rule F2: an ingress rule is shared only by connections to the same on-premises network.
            foreach (var rule in g.NatRules.Where(r => r.Mode == NatRuleMode.IngressSnat))
            {
                var users = t.Connections.Where(c => c.VirtualNetworkGateway1 == g.Name && c.IngressNatRules.Contains(rule.Name) && c.LocalNetworkGateway2 is not null)
                    .Select(c => (Connection: c, Site: t.LocalNetworkGateway(c.LocalNetworkGateway2!))).Where(x => x.Site is not null).ToList();
                var first = users.FirstOrDefault();
                foreach (var other in users.Skip(1).Where(u => !u.Site!.AddressPrefixes.ToHashSet().SetEquals(first.Site!.AddressPrefixes)))
                    yield return IngressRuleSharedAcrossSites.Create(other.Connection, rule.Name, g.Name, first.Connection.Name, other.Connection.Name, first.Site!.Name, other.Site!.Name);
            }

            foreach (var f in ExternalOverlaps(t, g)) yield return f;
        }

        foreach (var c in t.Connections)
        {
            var names = c.IngressNatRules.Concat(c.EgressNatRules).ToList();
            if (names.Count == 0) continue;
            var list = string.Join(", ", names);
            if (c.ConnectionType == ConnectionType.Vnet2Vnet) yield return NatOnVnet2Vnet.Create(c, c.Name, list);
            if (c.UsePolicyBasedTrafficSelectors) yield return NatWithPolicyBasedSelectors.Create(c, c.Name, list);
            if (c.EnableBgp && c.LocalNetworkGateway2 is { } lngName && t.LocalNetworkGateway(lngName) is { BgpSettings.BgpPeeringAddress: { } peer } lng && Apipa.Contains(peer))
                yield return NatWithApipaBgp.Create(c, c.Name, list, lng.Name, peer);

            if (t.VirtualNetworkGateway(c.VirtualNetworkGateway1) is not { } g) continue;
            foreach (var (property, wanted, ruleNames) in new[]
                     { ("ingressNatRules", NatRuleMode.IngressSnat, c.IngressNatRules), ("egressNatRules", NatRuleMode.EgressSnat, c.EgressNatRules) })
                foreach (var rule in ruleNames.Select(n => g.NatRules.FirstOrDefault(r => r.Name == n)).OfType<VirtualNetworkGatewayNatRule>())
                    if (rule.Mode != wanted)
                        yield return NatRuleModeMismatch.Create(c, c.Name, rule.Name, property, rule.Mode);
        }
    }

    private static bool SameSize(VirtualNetworkGatewayNatRule r) =>
        r.InternalMappings.Length == r.ExternalMappings.Length
            ? r.InternalMappings.Zip(r.ExternalMappings).All(p => p.First.Length == p.Second.Length)
            : r.InternalMappings.Aggregate(0UL, (s, p) => s + p.Size) == r.ExternalMappings.Aggregate(0UL, (s, p) => s + p.Size);

    /// <summary>External mappings must not overlap each other, the virtual networks the gateway serves, or the sites
    /// connected to the gateway without NAT.</summary>
    private static IEnumerable<Finding> ExternalOverlaps(Topology t, VirtualNetworkGateway g)
    {
        var where = Shared.Address(g);
        var others = new List<(string What, IReadOnlyList<Prefix> Prefixes)>();
        foreach (var v in Shared.ServedVnets(t, g)) others.Add(($"virtual network {v.Name}", v.AddressPrefixes));
        foreach (var c in t.Connections.Where(c => c.VirtualNetworkGateway1 == g.Name && c.ConnectionType == ConnectionType.IPsec
                                                   && c.IngressNatRules.Length == 0 && c.EgressNatRules.Length == 0))
            if (c.LocalNetworkGateway2 is { } l && t.LocalNetworkGateway(l) is { } lng)
                others.Add(($"local network gateway {lng.Name} (connection {c.Name}, no NAT)", lng.AddressPrefixes));

        for (var i = 0; i < g.NatRules.Length; i++)
        {
            var r = g.NatRules[i];
            var candidates = others.Concat(g.NatRules.Take(i).Select(o => ($"the external mapping of NAT rule {o.Name}", (IReadOnlyList<Prefix>)o.ExternalMappings)));
            foreach (var e in r.ExternalMappings)
                foreach (var (what, prefixes) in candidates)
                {
                    var overlap = Shared.Overlaps([e], prefixes);
                    if (overlap.Count > 0)
                        yield return NatExternalMappingOverlap.Create(where, r.Source, g.Name, r.Name, e, what, Shared.Join(overlap));
                }
        }
    }
}
