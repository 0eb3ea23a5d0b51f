using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.Forwarding;

/// <summary>What an NSG or a firewall decided for a packet: allowed or not, by which rule, in words.</summary>
/// <param name="Allowed">The packet passes.</param>
/// <param name="Rule">The deciding rule ("app-nsg/deny-ssh", "defaultSecurityRules/DenyAllInBound", "hub-fw/spoke-datacenter/spoke-to-datacenter").</param>
/// <param name="Priority">Its priority (NSG rule, or firewall rule collection).</param>
/// <param name="Text">A sentence for the hop.</param>
public sealed record Verdict(bool Allowed, string Rule, int Priority, string Text);

/// <summary>Network security group evaluation (rules G1-G5): custom rules by priority, lowest first, first match
/// wins; then the default rules; the service tags VirtualNetwork, Internet and AzureLoadBalancer.</summary>
public static class NsgEvaluation
{
    /// <summary>The Azure platform address of the health probes and DNS (service tag AzureLoadBalancer, G3, G5).</summary>
    public static readonly Prefix AzureLoadBalancer = Prefix.Parse("168.63.129.16/32");

    /// <summary>True for an address the internet routes (service tag Internet).</summary>
    public static bool IsInternet(Ipv4 ip) => AddressRanges.IsPublic(ip);

    /// <summary>The default rules of every NSG (rule G3), as Azure names them in effective security rules.</summary>
    public static readonly ImmutableArray<SecurityRule> DefaultRules =
    [
        Default("AllowVnetInBound", 65000, SecurityRuleDirection.Inbound, SecurityRuleAccess.Allow, "VirtualNetwork", "VirtualNetwork"),
        Default("AllowAzureLoadBalancerInBound", 65001, SecurityRuleDirection.Inbound, SecurityRuleAccess.Allow, "AzureLoadBalancer", "*"),
        Default("DenyAllInBound", 65500, SecurityRuleDirection.Inbound, SecurityRuleAccess.Deny, "*", "*"),
        Default("AllowVnetOutBound", 65000, SecurityRuleDirection.Outbound, SecurityRuleAccess.Allow, "VirtualNetwork", "VirtualNetwork"),
        Default("AllowInternetOutBound", 65001, SecurityRuleDirection.Outbound, SecurityRuleAccess.Allow, "*", "Internet"),
        Default("DenyAllOutBound", 65500, SecurityRuleDirection.Outbound, SecurityRuleAccess.Deny, "*", "*"),
    ];

    private static SecurityRule Default(string name, int priority, SecurityRuleDirection d, SecurityRuleAccess a, string src, string dst)
    {
        static AddressMatch M(string t) => t == "*" ? new AddressMatch("*", null, null) : new AddressMatch(t, null, t);
        return new SecurityRule(name, priority, d, a, TransportProtocol.Any, [M(src)], [PortRange.All], [M(dst)], [PortRange.All], SourceRef.None);
    }

    /// <summary>Evaluates <paramref name="nsg"/> for a packet in one direction. <paramref name="virtualNetwork"/>
    /// is the VirtualNetwork service tag where the NSG applies (rule G4).</summary>
    public static Verdict Evaluate(NetworkSecurityGroup nsg, SecurityRuleDirection direction, Flow flow, Func<Ipv4, bool> virtualNetwork,
        ServiceTagSet? tags = null)
    {
        foreach (var (r, verdict) in Ordered(nsg, direction))
            if (Matches(r, flow, virtualNetwork, tags))
                return verdict;
        throw new InvalidOperationException("DenyAll matches every packet");
    }

    /// <summary>For each rule of one direction in the order they are tried: whether it matches the flow in everything but
    /// its destination address (protocol, source, ports). <see cref="AllowedTo"/> then decides for any destination as
    /// <see cref="Evaluate"/> does: a sweep from one source asks once per NSG, not once per destination.</summary>
    internal static bool[] SourceMatches(NetworkSecurityGroup nsg, SecurityRuleDirection direction, Flow f, Func<Ipv4, bool> virtualNetwork,
        ServiceTagSet? tags = null)
    {
        var rules = Ordered(nsg, direction);
        var m = new bool[rules.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            var r = rules[i].Rule;
            m[i] = (r.Protocol == TransportProtocol.Any || r.Protocol == f.Protocol) && AnyAddress(r.SourceAddressPrefixes, f.Source, virtualNetwork, tags)
                   && (f.Protocol == TransportProtocol.Icmp || (AnyPort(r.SourcePortRanges, f.SourcePort) && AnyPort(r.DestinationPortRanges, f.DestinationPort)));
        }
        return m;
    }

    /// <summary><see cref="Evaluate"/>'s verdict (allowed or not) for a flow to <paramref name="destination"/> whose
    /// other fields give <paramref name="sourceMatches"/> (<see cref="SourceMatches"/>, same NSG and direction).</summary>
    internal static bool AllowedTo(NetworkSecurityGroup nsg, SecurityRuleDirection direction, bool[] sourceMatches, Ipv4 destination,
        Func<Ipv4, bool> virtualNetwork, ServiceTagSet? tags = null)
    {
        var rules = Ordered(nsg, direction);
        for (var i = 0; i < rules.Length; i++)
            if (sourceMatches[i] && AnyAddress(rules[i].Rule.DestinationAddressPrefixes, destination, virtualNetwork, tags))
                return rules[i].Verdict.Allowed;
        throw new InvalidOperationException("DenyAll matches every packet");
    }

    private static readonly ConditionalWeakTable<NetworkSecurityGroup, (SecurityRule, Verdict)[][]> Compiled = new();

    /// <summary>An NSG's rules in one direction as they are tried: custom rules by priority (a stable sort), then the
    /// default rules; each with the verdict it gives, made once per NSG.</summary>
    private static (SecurityRule Rule, Verdict Verdict)[] Ordered(NetworkSecurityGroup nsg, SecurityRuleDirection direction) =>
        Compiled.GetValue(nsg, n => [.. new[] { SecurityRuleDirection.Inbound, SecurityRuleDirection.Outbound }.Select(d =>
            n.SecurityRules.Where(r => r.Direction == d).OrderBy(r => r.Priority)
                .Select(r => (r, new Verdict(r.Access == SecurityRuleAccess.Allow, $"{n.Name}/{r.Name}", r.Priority,
                    $"{d} rule {r.Name} (priority {r.Priority}) {(r.Access == SecurityRuleAccess.Allow ? "allows" : "denies")} it (rule G1)")))
                .Concat(DefaultRules.Where(r => r.Direction == d)
                    .Select(r => (r, new Verdict(r.Access == SecurityRuleAccess.Allow, $"{n.Name}/defaultSecurityRules/{r.Name}", r.Priority,
                        $"default rule {r.Name} (priority {r.Priority}) {(r.Access == SecurityRuleAccess.Allow ? "allows" : "denies")} it (rule G3)"))))
                .ToArray())])[direction == SecurityRuleDirection.Inbound ? 0 : 1];

    private static bool Matches(SecurityRule r, Flow f, Func<Ipv4, bool> vnet, ServiceTagSet? tags)
    {
        if (r.Protocol != TransportProtocol.Any && r.Protocol != f.Protocol) return false;
        if (!AnyAddress(r.SourceAddressPrefixes, f.Source, vnet, tags)) return false;
        if (!AnyAddress(r.DestinationAddressPrefixes, f.Destination, vnet, tags)) return false;
        if (f.Protocol == TransportProtocol.Icmp) return true;
        return AnyPort(r.SourcePortRanges, f.SourcePort) && AnyPort(r.DestinationPortRanges, f.DestinationPort);
    }

    private static bool AnyAddress(ImmutableArray<AddressMatch> matches, Ipv4 ip, Func<Ipv4, bool> vnet, ServiceTagSet? tags)
    {
        foreach (var a in matches)
            if (Address(a, ip, vnet, tags)) return true;
        return false;
    }

    internal static bool AnyPort(ImmutableArray<PortRange> ranges, int port)
    {
        foreach (var p in ranges)
            if (p.Contains(port)) return true;
        return false;
    }

    /// <summary>An address against '*', a prefix or a service tag (G4: VirtualNetwork; Internet; AzureLoadBalancer).
    /// Other tags (Storage, Storage.WestEurope, Sql...) match the prefixes of the folder's service tags file; a tag the
    /// file does not hold matches nothing (validation warns, NT-TAG-001).</summary>
    public static bool Address(AddressMatch a, Ipv4 ip, Func<Ipv4, bool> vnet, ServiceTagSet? tags = null) =>
        a.IsAny || (a.Prefix is { } p ? p.Contains(ip) : a.ServiceTag switch
        {
            "VirtualNetwork" => vnet(ip),
            "Internet" => IsInternet(ip) && !vnet(ip),
            "AzureLoadBalancer" => AzureLoadBalancer.Contains(ip),
            { } tag => tags?.Find(tag)?.Contains(ip) ?? false,
            _ => false,
        });

    /// <summary>The VirtualNetwork service tag seen from a subnet (rule G4): its VNet's space, peered VNets, the
    /// on-premises prefixes its gateway routes carry and the prefixes of its user routes (a 0.0.0.0/0 user route
    /// widens the tag to every address — an inference from the documentation's wording, flagged unverified). Made
    /// once per table and kept with it (<see cref="EffectiveRouteTable.VirtualNetworkTag"/>), so the forwarders of
    /// what-ifs over one baseline share it.</summary>
    public static Func<Ipv4, bool> VirtualNetworkTag(EffectiveRouteTable table) => table.VirtualNetworkTag;
}

/// <summary>Azure Firewall network rules (rule H3): rule collections by priority, lowest first, the first rule that
/// matches decides; nothing matches = default deny. SNAT per rule F4.</summary>
public static class FirewallEvaluation
{
    public static Verdict Evaluate(AzureFirewall fw, Flow f, ServiceTagSet? tags = null)
    {
        var compiled = Compiled.GetValue(fw, Compile);
        foreach (var (r, verdict) in compiled.Rules)
            if (Matches(r, f, tags))
                return verdict;
        return compiled.DefaultDeny;
    }

    /// <summary>For each rule in the order they are tried: whether it matches the flow in everything but its
    /// destination address (protocol, source, port). <see cref="AllowedTo"/> then decides for any destination as
    /// <see cref="Evaluate"/> does: the matrix asks once per source, not once per destination.</summary>
    internal static bool[] SourceMatches(AzureFirewall fw, Flow f, ServiceTagSet? tags = null)
    {
        var rules = Compiled.GetValue(fw, Compile).Rules;
        var m = new bool[rules.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            var r = rules[i].Rule;
            m[i] = Protocol(r, f) && AnyAddress(r.SourceAddresses, f.Source, tags)
                   && (f.Protocol == TransportProtocol.Icmp || NsgEvaluation.AnyPort(r.DestinationPorts, f.DestinationPort));
        }
        return m;
    }

    /// <summary><see cref="Evaluate"/>'s verdict (allowed or not) for a flow to <paramref name="destination"/> whose
    /// other fields give <paramref name="sourceMatches"/>.</summary>
    internal static bool AllowedTo(AzureFirewall fw, bool[] sourceMatches, Ipv4 destination, ServiceTagSet? tags = null)
    {
        var compiled = Compiled.GetValue(fw, Compile);
        for (var i = 0; i < compiled.Rules.Length; i++)
            if (sourceMatches[i] && AnyAddress(compiled.Rules[i].Rule.DestinationAddresses, destination, tags))
                return compiled.Rules[i].Verdict.Allowed;
        return compiled.DefaultDeny.Allowed;
    }

    /// <summary>A firewall's network rules as they are tried, each with the verdict it gives, and its default deny.</summary>
    private sealed record CompiledRules((FirewallNetworkRule Rule, Verdict Verdict)[] Rules, Verdict DefaultDeny);

    private static readonly ConditionalWeakTable<AzureFirewall, CompiledRules> Compiled = new();

    /// <summary>The rules in the order they are tried (collections by priority, a stable sort; rules in order), made
    /// once per firewall.</summary>
    private static CompiledRules Compile(AzureFirewall fw) => new(
        [.. fw.NetworkRuleCollections.OrderBy(c => c.Priority).SelectMany(c => c.Rules.Select(r => (r,
            new Verdict(c.Action == SecurityRuleAccess.Allow, $"{fw.Name}/{c.Name}/{r.Name}", c.Priority,
                $"network rule collection {c.Name} (priority {c.Priority}, {c.Action}) rule {r.Name} matches"))))],
        new Verdict(false, $"{fw.Name}/default-deny", 65000, "no network rule matches: Azure Firewall denies by default (rule H3)"));

    private static bool Protocol(FirewallNetworkRule r, Flow f)
    {
        foreach (var p in r.Protocols)
            if (p == FirewallProtocol.Any
                || (p == FirewallProtocol.Tcp && f.Protocol == TransportProtocol.Tcp)
                || (p == FirewallProtocol.Udp && f.Protocol == TransportProtocol.Udp)
                || (p == FirewallProtocol.Icmp && f.Protocol == TransportProtocol.Icmp)) return true;
        return false;
    }

    private static bool Matches(FirewallNetworkRule r, Flow f, ServiceTagSet? tags)
    {
        if (!Protocol(r, f)) return false;
        if (!AnyAddress(r.SourceAddresses, f.Source, tags) || !AnyAddress(r.DestinationAddresses, f.Destination, tags)) return false;
        return f.Protocol == TransportProtocol.Icmp || NsgEvaluation.AnyPort(r.DestinationPorts, f.DestinationPort);
    }

    private static bool AnyAddress(ImmutableArray<AddressMatch> matches, Ipv4 ip, ServiceTagSet? tags)
    {
        foreach (var a in matches)
            if (Address(a, ip, tags)) return true;
        return false;
    }

    // Network rules take service tags as addresses: Internet, and the tags of the folder's service tags file.
    private static bool Address(AddressMatch a, Ipv4 ip, ServiceTagSet? tags) =>
        a.IsAny || (a.Prefix is { } p ? p.Contains(ip)
            : a.ServiceTag == "Internet" ? NsgEvaluation.IsInternet(ip)
            : a.ServiceTag is { } tag && (tags?.Find(tag)?.Contains(ip) ?? false));

    /// <summary>Rule F4: network rules do not SNAT towards the private ranges (by default IANA private ranges,
    /// <c>privateRanges</c> when set); otherwise the source becomes the firewall's private IP.</summary>
    public static bool Snats(AzureFirewall fw, Ipv4 destination) => !fw.SnatPrivateRanges.Any(p => p.Contains(destination));
}
