using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Ipsec;

/// <summary>Which way a packet crosses a NAT-ed connection: from the site into Azure, or from Azure to the site.</summary>
public enum NatDirection { Inbound, Outbound }

/// <summary>One rewrite done by a NAT rule: which address field, from what to what.</summary>
public sealed record NatStep(string Rule, NatRuleType Type, NatRuleMode Mode, string Field, Ipv4 From, Ipv4 To)
{
    public override string ToString() => $"{Mode} {Type} rule {Rule}: {Field} {From} -> {To}";
}

/// <summary>A packet after the VPN gateway's NAT: the new addresses, or dropped (a new flow towards a dynamic
/// mapping), with each rewrite and a sentence.</summary>
public sealed record NatPacket(Ipv4 Source, Ipv4 Destination, bool Dropped, string? DropReason, ImmutableArray<NatStep> Steps, string Explanation);

/// <summary>A prefix after NAT (a BGP route or a selector range): the resulting prefixes and why.</summary>
public sealed record NatPrefixResult(ImmutableArray<Prefix> Prefixes, string Explanation);

/// <summary>VPN gateway NAT (rules F1-F3; nat-overview, nat-howto and the NAT FAQ). An IngressSnat rule maps an
/// on-premises range (internal) to the range Azure sees (external); an EgressSnat rule maps a VNet range to the range
/// the site sees. One rule translates both directions: the source of packets it maps from internal, the destination
/// of packets coming back to its external range; no DNAT rules. Static rules are 1:1 and stateless; dynamic rules are
/// stateful and only the internal side may start a flow ("If traffic is initiated from the External Mapping, the
/// connection will not be established"). A rule with an ipConfigurationId applies to that gateway instance only.</summary>
public static class VpnNat
{
    /// <summary>The NAT rules of <paramref name="mode"/> that apply to a connection on one gateway instance: the rules
    /// named in its ingressNatRules (IngressSnat) or egressNatRules (EgressSnat).</summary>
    public static ImmutableArray<VirtualNetworkGatewayNatRule> Rules(Topology t, Connection c, NatRuleMode mode, int instance = 0)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(c);
        var g = t.VirtualNetworkGateway(c.VirtualNetworkGateway1);
        if (g is null || c.ConnectionType != ConnectionType.IPsec) return []; // F1: IPsec cross-premises connections only
        var names = mode == NatRuleMode.IngressSnat ? c.IngressNatRules : c.EgressNatRules;
        var ipConfig = instance < g.IpConfigurations.Length ? g.IpConfigurations[instance].Name : null;
        return [.. names.Select(n => g.NatRules.FirstOrDefault(r => r.Name == n)).OfType<VirtualNetworkGatewayNatRule>()
            .Where(r => r.Mode == mode && (r.IpConfigurationId is null || r.IpConfigurationId == ipConfig))];
    }

    /// <summary>Maps one address through a rule, internal to external or back. Static: the same offset in the other
    /// range. Dynamic, internal to external: the gateway picks any free address (and port) of the pool; NetTwin shows
    /// the address at the same offset modulo the pool size as a stand-in. Dynamic, external to internal: not
    /// possible without the flow's state (null).</summary>
    public static Ipv4? MapAddress(VirtualNetworkGatewayNatRule rule, Ipv4 ip, bool toExternal)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var from = toExternal ? rule.InternalMappings : rule.ExternalMappings;
        var to = toExternal ? rule.ExternalMappings : rule.InternalMappings;
        for (var k = 0; k < from.Length && k < to.Length; k++)
        {
            if (!from[k].Contains(ip)) continue;
            if (rule.Type == NatRuleType.Dynamic && !toExternal) return null;
            var offset = (ulong)(ip.Value - from[k].Network.Value) % to[k].Size;
            return new Ipv4((uint)(to[k].Network.Value + offset));
        }
        return null;
    }

    /// <summary>Maps a prefix through a rule: the part inside the rule's range is mapped (static: the same offset and
    /// length; dynamic: the whole pool), the rest is left as is.</summary>
    public static ImmutableArray<Prefix> MapPrefix(VirtualNetworkGatewayNatRule rule, Prefix p, bool toExternal)
    {
        var (mapped, rest) = Split(rule, p, toExternal);
        return [.. mapped, .. rest];
    }

    /// <summary>The translated part of a prefix and the part the rule does not cover.</summary>
    private static (List<Prefix> Mapped, List<Prefix> Others) Split(VirtualNetworkGatewayNatRule rule, Prefix p, bool toExternal)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var from = toExternal ? rule.InternalMappings : rule.ExternalMappings;
        var to = toExternal ? rule.ExternalMappings : rule.InternalMappings;
        for (var k = 0; k < from.Length && k < to.Length; k++)
        {
            var f = from[k];
            var target = to[k];
            if (!f.Overlaps(p)) continue;
            if (rule.Type == NatRuleType.Dynamic) return ([target], [.. p.Without(f)]);
            if (f.Contains(p))
            {
                var offset = (ulong)(p.Network.Value - f.Network.Value) % target.Size;
                var length = Math.Clamp(p.Length - f.Length + target.Length, 0, 32);
                return ([new Prefix(new Ipv4((uint)(target.Network.Value + offset)), length)], []);
            }
            return ([target], [.. p.Without(f)]);
        }
        return ([], [p]);
    }

    /// <summary>Translates a packet crossing connection <paramref name="c"/> (rule F1). Inbound (site to Azure): the
    /// source by the IngressSnat rules (internal to external), the destination by the EgressSnat rules (external back
    /// to the VNet's internal range). Outbound (Azure to site): the source by the EgressSnat rules, the destination by
    /// the IngressSnat rules (external back to internal). A reply passes <paramref name="request"/>, the translation of
    /// the packet it answers, and gets its inverse (how stateful dynamic NAT lets replies back). A new flow towards a
    /// dynamic rule's external range is dropped.</summary>
    public static NatPacket TranslatePacket(Topology t, Connection c, int instance, NatDirection direction, Ipv4 source, Ipv4 destination, NatPacket? request = null)
    {
        if (request is not null)
        {
            // A reply travels back from the request's translated destination to its translated source.
            var src = source;
            var dst = destination;
            var undo = ImmutableArray.CreateBuilder<NatStep>();
            foreach (var s in request.Steps)
            {
                if (s.Field == "source" && destination == s.To) { dst = s.From; undo.Add(s with { Field = "destination", From = s.To, To = s.From }); }
                if (s.Field == "destination" && source == s.To) { src = s.From; undo.Add(s with { Field = "source", From = s.To, To = s.From }); }
            }
            return new NatPacket(src, dst, false, null, undo.ToImmutable(),
                undo.Count == 0 ? "reply: no translation" : "reply: the request's translations undone (" + string.Join("; ", undo) + ")");
        }

        var steps = ImmutableArray.CreateBuilder<NatStep>();
        var (srcMode, dstMode) = direction == NatDirection.Inbound
            ? (NatRuleMode.IngressSnat, NatRuleMode.EgressSnat)
            : (NatRuleMode.EgressSnat, NatRuleMode.IngressSnat);
        var newSource = source;
        foreach (var r in Rules(t, c, srcMode, instance))
            if (MapAddress(r, source, toExternal: true) is { } mapped)
            {
                steps.Add(new NatStep(r.Name, r.Type, r.Mode, "source", source, mapped));
                newSource = mapped;
                break;
            }
        var newDestination = destination;
        foreach (var r in Rules(t, c, dstMode, instance))
        {
            if (!r.ExternalMappings.Any(e => e.Contains(destination))) continue;
            if (r.Type == NatRuleType.Dynamic)
                return new NatPacket(source, destination, true,
                    $"{destination} is in the external range of dynamic {r.Mode} rule {r.Name}: with dynamic NAT only the internal side initiates (rule F1)",
                    steps.ToImmutable(), $"dropped by dynamic NAT rule {r.Name}");
            var mapped = MapAddress(r, destination, toExternal: false)!.Value;
            steps.Add(new NatStep(r.Name, r.Type, r.Mode, "destination", destination, mapped));
            newDestination = mapped;
            break;
        }
        var text = steps.Count == 0
            ? $"no NAT rule of connection {c.Name} applies"
            : string.Join("; ", steps.Select(s => s.ToString())) + " (rule F1)";
        return new NatPacket(newSource, newDestination, false, null, steps.ToImmutable(), text);
    }

    /// <summary>A selector as Azure reasons about it (VNet ranges before NAT, site ranges after ingress NAT) turned into
    /// what goes on the wire: the VNet side through the EgressSnat rules, the site side back to its own (internal)
    /// ranges through the IngressSnat rules.</summary>
    public static TrafficSelector SelectorToWire(Topology t, Connection c, int instance, TrafficSelector azureView)
    {
        ArgumentNullException.ThrowIfNull(azureView);
        return new TrafficSelector(
            MapAll(Rules(t, c, NatRuleMode.EgressSnat, instance), azureView.Local, toExternal: true),
            MapAll(Rules(t, c, NatRuleMode.IngressSnat, instance), azureView.Remote, toExternal: false));
    }

    /// <summary>The inverse of <see cref="SelectorToWire"/>: a selector negotiated on the wire, as Azure routes it.</summary>
    public static TrafficSelector SelectorFromWire(Topology t, Connection c, int instance, TrafficSelector wire)
    {
        ArgumentNullException.ThrowIfNull(wire);
        return new TrafficSelector(
            MapAll(Rules(t, c, NatRuleMode.EgressSnat, instance), wire.Local, toExternal: false),
            MapAll(Rules(t, c, NatRuleMode.IngressSnat, instance), wire.Remote, toExternal: true));
    }

    /// <summary>A route learned over BGP on a connection (rule F3): the IngressSnat rules translate it from internal to
    /// external. The docs require the site to advertise exactly the rule's internal prefix; a more specific prefix is
    /// translated at the same offset and flagged.</summary>
    public static NatPrefixResult TranslateLearnedRoute(Topology t, Connection c, Prefix learned, int instance = 0)
    {
        foreach (var r in Rules(t, c, NatRuleMode.IngressSnat, instance))
        {
            if (!r.InternalMappings.Any(i => i.Overlaps(learned))) continue;
            var mapped = MapPrefix(r, learned, toExternal: true);
            var exact = r.InternalMappings.Contains(learned);
            return new NatPrefixResult(mapped, $"learned {learned} translated by IngressSnat rule {r.Name} to {string.Join(", ", mapped)} (rule F3)"
                + (exact ? "" : $"; the site should advertise exactly the internal prefix {string.Join(", ", r.InternalMappings)}"));
        }
        return new NatPrefixResult([learned], $"learned {learned}: no IngressSnat rule of {c.Name} covers it, not translated");
    }

    /// <summary>A VNet prefix the gateway advertises on a connection (rule F3): the EgressSnat rules translate it to
    /// their external mapping. Routes learned from other connections are already post-NAT and pass unchanged.</summary>
    public static NatPrefixResult TranslateAdvertisedRoute(Topology t, Connection c, Prefix advertised, int instance = 0)
    {
        foreach (var r in Rules(t, c, NatRuleMode.EgressSnat, instance))
        {
            if (!r.InternalMappings.Any(i => i.Overlaps(advertised))) continue;
            var mapped = MapPrefix(r, advertised, toExternal: true);
            return new NatPrefixResult(mapped, $"advertised {advertised} as {string.Join(", ", mapped)} by EgressSnat rule {r.Name} (rule F3)");
        }
        return new NatPrefixResult([advertised], $"advertised {advertised}: no EgressSnat rule of {c.Name} covers it, not translated");
    }

    private static ImmutableArray<Prefix> MapAll(ImmutableArray<VirtualNetworkGatewayNatRule> rules, ImmutableArray<Prefix> prefixes, bool toExternal)
    {
        if (rules.IsEmpty) return prefixes;
        var result = new List<Prefix>();
        foreach (var p in prefixes)
        {
            // Each part of the prefix is translated by the first rule that covers it, once.
            var pending = new List<Prefix> { p };
            foreach (var r in rules)
            {
                var next = new List<Prefix>();
                foreach (var x in pending)
                {
                    var (mapped, rest) = Split(r, x, toExternal);
                    result.AddRange(mapped);
                    next.AddRange(rest);
                }
                pending = next;
            }
            result.AddRange(pending);
        }
        return [.. result.Distinct()];
    }
}
