using NetTwin.Model;

namespace NetTwin.Formats.Ios;

/// <summary>"router bgp ASN". Commands given here and under "address-family ipv4" both configure IPv4 unicast
/// and are merged into one neighbor model.</summary>
internal sealed class BgpMode(IosLine header, BgpBuilder bgp) : Mode(header)
{
    private static readonly KeywordSet Ignorable = new(
        "bgp log-neighbor-changes", "no bgp log-neighbor-changes", "bgp graceful-restart", "no synchronization",
        "no auto-summary", "timers bgp", "bgp update-delay", "bgp nopeerup-delay", "bgp refresh", "bgp scan-time",
        "no bgp enforce-first-as");

    public override Outcome Handle(IosLine line, IosParseContext ctx)
    {
        if (line.Is("bgp", "router-id"))
        {
            var c = line.At(2);
            var id = c.Address("router id");
            c.End();
            bgp.RouterId = id;
            return Outcome.Done;
        }
        if (line.Is("bgp", "default", "ipv4-unicast") && line.Count == 3) { bgp.DefaultIpv4Unicast = true; return Outcome.Done; }
        if (line.Is("no", "bgp", "default", "ipv4-unicast") && line.Count == 4) { bgp.DefaultIpv4Unicast = false; return Outcome.Done; }
        if (line.Is("address-family"))
        {
            var c = line.At(1);
            if (c.TryKeyword("ipv4") && (c.AtEnd || c.TryKeyword("unicast")) && c.AtEnd)
                return Outcome.Enter(new AddressFamilyMode(line, bgp));
            throw line.At(1).Unsupported($"'address-family {line.Rest(1)}' is not modelled (only IPv4 unicast is)");
        }
        if (line.Is("exit-address-family") && line.Count == 1) return Outcome.Done;
        if (Ignorable.Matches(line))
        {
            ctx.Ignore(line, $"'{line.Content}' does not affect what NetTwin models");
            return Outcome.Done;
        }
        return BgpCommands.Handle(line, ctx, bgp);
    }
}

/// <summary>"address-family ipv4 [unicast]" ... "exit-address-family".</summary>
internal sealed class AddressFamilyMode(IosLine header, BgpBuilder bgp) : Mode(header)
{
    public override bool Sticky => true;

    public override Outcome Handle(IosLine line, IosParseContext ctx)
    {
        if (line.Is("exit-address-family") && line.Count == 1) return Outcome.Exit;
        if (line.Is("no", "auto-summary") || line.Is("no", "synchronization"))
        {
            ctx.Ignore(line, $"'{line.Content}' is the IOS default");
            return Outcome.Done;
        }
        return BgpCommands.Handle(line, ctx, bgp);
    }
}

/// <summary>The commands valid both under "router bgp" and under "address-family ipv4".</summary>
internal static class BgpCommands
{
    private static readonly HashSet<string> IgnorableNeighborOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "timers", "version", "fall-over", "send-community", "soft-reconfiguration",
        "advertisement-interval", "ha-mode", "log-neighbor-changes", "transport",
    };

    public static Outcome Handle(IosLine line, IosParseContext ctx, BgpBuilder bgp)
    {
        if (line.Is("neighbor")) { Neighbor(line, ctx, bgp, negated: false); return Outcome.Done; }
        if (line.Is("no", "neighbor")) { Neighbor(line, ctx, bgp, negated: true); return Outcome.Done; }
        if (line.Is("network")) { Network(line, ctx, bgp); return Outcome.Done; }
        if (line.Is("redistribute")) { Redistribute(line, ctx, bgp); return Outcome.Done; }
        if (line.Is("maximum-paths"))
        {
            var c = line.At(1);
            if (c.PeekIs("ibgp") || c.PeekIs("eibgp")) throw c.Unsupported($"'maximum-paths {c.Peek}' is not modelled");
            var n = c.Int("number of paths", 1, 64);
            c.End();
            bgp.MaximumPaths = n;
            return Outcome.Done;
        }
        return Outcome.NotMine;
    }

    private static void Neighbor(IosLine line, IosParseContext ctx, BgpBuilder bgp, bool negated)
    {
        var c = line.At(negated ? 2 : 1);
        if (!c.PeekAddress)
        {
            if (c.AtEnd) throw c.Error("neighbor address expected");
            if (c.Peek!.Contains(':')) throw c.Unsupported("IPv6 neighbors are not modelled");
            if (!char.IsAsciiDigit(c.Peek[0])) throw c.Unsupported($"peer groups and templates ('{c.Peek}') are not modelled");
        }
        var address = c.Address("neighbor address");
        var optionIndex = c.Index;
        var option = c.Word("neighbor option").ToLowerInvariant();
        if (IgnorableNeighborOptions.Contains(option))
        {
            ctx.Ignore(line, $"'neighbor ... {option}' does not affect what NetTwin models");
            return;
        }
        if (negated && option is not ("activate" or "shutdown" or "next-hop-self" or "route-map" or "prefix-list" or "weight" or "ebgp-multihop" or "update-source" or "description"))
            throw new IosLineException(line.Column(optionIndex), $"'no neighbor ... {option}' is not modelled", IosDiagnosticKind.NotUnderstood);

        // Parse everything first, then apply: a line with an error changes nothing.
        Action<NeighborBuilder> apply;
        switch (option)
        {
            case "remote-as":
            {
                var asn = c.Asn("remote AS number");
                c.End();
                apply = n => n.RemoteAs = asn;
                break;
            }
            case "description":
            {
                var text = negated ? null : c.Rest("description");
                apply = n => n.Description = text;
                break;
            }
            case "update-source":
            {
                if (negated) { apply = n => n.UpdateSource = null; break; }
                var index = c.Index;
                var iface = c.Word("update-source interface");
                c.End();
                ctx.Use(ReferenceKind.Interface, iface, line, index, $"update-source of neighbor {address}");
                apply = n => n.UpdateSource = iface;
                break;
            }
            case "ebgp-multihop":
            {
                int? ttl = negated ? null : c.AtEnd ? 255 : c.Int("TTL", 1, 255);
                c.End();
                apply = n => n.EbgpMultihop = ttl;
                break;
            }
            case "shutdown":
                c.End();
                apply = n => n.Shutdown = !negated;
                break;
            case "activate":
                c.End();
                apply = n => n.Activate = !negated;
                break;
            case "next-hop-self":
                c.TryKeyword("all");
                c.End();
                apply = n => n.NextHopSelf = !negated;
                break;
            case "weight":
            {
                int? weight = negated ? null : c.Int("weight", 0, 65535);
                c.End();
                apply = n => n.Weight = weight;
                break;
            }
            case "route-map":
            case "prefix-list":
            {
                var nameIndex = c.Index;
                var name = c.Word($"{option} name");
                var inbound = c.OneOf("direction", "in", "out") == "in";
                c.End();
                var value = negated ? null : name;
                if (!negated)
                    ctx.Use(option == "route-map" ? ReferenceKind.RouteMap : ReferenceKind.PrefixList, name, line, nameIndex,
                        $"neighbor {address} {option} {(inbound ? "in" : "out")}");
                apply = option == "route-map"
                    ? (inbound ? n => n.RouteMapIn = value : n => n.RouteMapOut = value)
                    : (inbound ? n => n.PrefixListIn = value : n => n.PrefixListOut = value);
                break;
            }
            default:
                throw new IosLineException(line.Column(optionIndex), $"neighbor option '{option}' is not modelled", IosDiagnosticKind.NotUnderstood);
        }
        apply(bgp.Neighbor(address, line));
    }

    private static void Network(IosLine line, IosParseContext ctx, BgpBuilder bgp)
    {
        var c = line.At(1);
        var column = c.Column;
        var ip = c.Address("network");
        var length = c.TryKeyword("mask") ? c.Mask("network mask") : IosValues.ClassfulLength(ip);
        string? routeMap = null;
        if (c.TryKeyword("route-map"))
        {
            var index = c.Index;
            routeMap = c.Word("route-map name");
            ctx.Use(ReferenceKind.RouteMap, routeMap, line, index, "network statement");
        }
        if (c.PeekIs("backdoor")) throw c.Unsupported("'network ... backdoor' is not modelled");
        c.End();
        var prefix = IosGrammar.Network(ip, length, column, "network statement", ctx.WarnFor(line));
        bgp.Networks.RemoveAll(n => n.Prefix == prefix);
        bgp.Networks.Add(new BgpNetwork(prefix, routeMap, line.Source));
    }

    private static void Redistribute(IosLine line, IosParseContext ctx, BgpBuilder bgp)
    {
        var c = line.At(1);
        RedistributeProtocol protocol;
        if (c.TryKeyword("static")) protocol = RedistributeProtocol.Static;
        else if (c.TryKeyword("connected")) protocol = RedistributeProtocol.Connected;
        else throw c.Unsupported($"redistribution of '{c.Peek}' is not modelled (only static and connected are)");
        string? routeMap = null;
        long? metric = null;
        while (!c.AtEnd)
        {
            if (c.TryKeyword("route-map"))
            {
                var index = c.Index;
                routeMap = c.Word("route-map name");
                ctx.Use(ReferenceKind.RouteMap, routeMap, line, index, "redistribute");
            }
            else if (c.TryKeyword("metric")) metric = c.Number("metric", 0, uint.MaxValue);
            else throw c.Error($"unexpected '{c.Peek}'");
        }
        bgp.Redistributions.RemoveAll(r => r.Protocol == protocol);
        bgp.Redistributions.Add(new BgpRedistribution(protocol, routeMap, metric, line.Source));
    }
}
