using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Formats.Ios;

/// <summary>Lines NetTwin knows and deliberately leaves out of the model, by leading keywords.</summary>
internal sealed class KeywordSet(params string[] entries)
{
    private readonly string[][] _entries = [.. entries.Select(e => e.Split(' '))];

    public bool Matches(IosLine line) => _entries.Any(line.Is);
}

/// <summary>A block whose lines are skipped: an ignorable block (line vty, crypto pki...) or the lines under
/// a header that was not understood or had an error. Every line under it is reported.</summary>
internal sealed class SkippedBlock(IosLine header, IosDiagnosticKind kind, string why) : Mode(header)
{
    public IosDiagnosticKind Kind { get; } = kind;
    public override bool AcceptsFallback => false;

    public override Outcome Handle(IosLine line, IosParseContext ctx)
    {
        if (Kind == IosDiagnosticKind.Ignored) ctx.IgnoreQuietly();
        else ctx.NotUnderstood(line, line.Indent + 1, $"inside '{Header!.Content}' (line {Header.Number}), which {why}");
        return Outcome.Done;
    }
}

internal sealed class GlobalMode() : Mode(null)
{
    private static readonly KeywordSet Ignorable = new(
        "version", "service", "no service", "boot-start-marker", "boot-end-marker", "boot", "no boot",
        "logging", "no logging", "enable", "username", "aaa", "no aaa", "clock", "ip domain", "ip domain-name",
        "ip domain-lookup", "no ip domain", "no ip domain-lookup", "ip name-server", "ip cef", "no ip cef",
        "ip forward-protocol", "no ip forward-protocol", "ip http", "no ip http", "ip ssh", "ip scp", "ip tftp",
        "ip ftp", "ntp", "snmp-server", "no snmp-server", "snmp", "line", "control-plane", "redundancy",
        "archive", "call-home", "license", "memory", "platform", "no platform", "diagnostic", "spanning-tree",
        "vtp", "multilink", "subscriber", "login", "security", "hw-module", "cdp", "no cdp", "lldp", "alias",
        "ip bootp", "no ip bootp", "ip dhcp", "no ip dhcp", "ip routing", "ip source-route", "no ip source-route",
        "ip finger", "no ip finger", "no ip gratuitous-arps", "ip arp", "ipv6 unicast-routing", "ip tcp",
        "ip icmp", "key chain", "event", "policy-map", "class-map", "vlan", "tacacs", "tacacs-server", "radius",
        "radius-server", "errdisable", "system", "process", "transceiver", "virtual-service", "iox",
        "netconf-yang", "restconf", "telemetry", "pnp", "device-tracking", "no device-tracking", "wsma",
        "privilege", "exception", "scheduler", "mac", "no mac", "file", "guestshell", "ip sla enable",
        "crypto pki", "crypto ikev2 dpd", "crypto ikev2 nat", "crypto ikev2 cookie-challenge", "crypto ikev2 limit",
        "crypto ikev2 diagnose", "crypto ikev2 fragmentation", "crypto ikev2 http-url", "crypto ikev2 window",
        "crypto ipsec security-association", "crypto ipsec df-bit", "crypto ipsec nat-transparency",
        "crypto ipsec fragmentation", "crypto logging", "crypto ipsec client", "ip prefix-list sequence-number",
        "no ip prefix-list sequence-number", "ip access-list resequence", "ip access-list logging",
        "ip access-list log-update", "no ip bgp-community", "ip bgp-community", "hostname-prefix", "diagnostics",
        "no license", "Building configuration...", "Current configuration");

    public override Outcome Handle(IosLine line, IosParseContext ctx)
    {
        var d = ctx.Device;
        if (line.Is("hostname"))
        {
            var c = line.At(1);
            var name = c.Word("host name");
            c.End();
            d.Hostname = name;
            return Outcome.Done;
        }
        if (line.Is("banner")) return Banner(line, ctx);
        if (line.Is("interface"))
        {
            if (line.Count < 2) throw line.At(1).Error("interface name expected");
            // "interface GigabitEthernet 0/0" is GigabitEthernet0/0; "point-to-point" / "multipoint" qualify sub-interfaces
            var count = line.Count - (line.WordIs(line.Count - 1, "point-to-point") || line.WordIs(line.Count - 1, "multipoint") ? 1 : 0);
            if (count < 2) throw line.At(1).Error("interface name expected");
            var name = string.Concat(line.Tokens.Skip(1).Take(count - 1).Select(t => t.ToStringValue()));
            var iface = d.FindInterface(name);
            if (iface is null) d.Interfaces.Add(iface = new InterfaceBuilder(name, line.Source));
            return Outcome.Enter(new InterfaceMode(line, iface));
        }
        if (line.Is("ip", "route")) { StaticRoute(line, ctx); return Outcome.Done; }
        if (line.Is("ip", "prefix-list") && !Ignorable.Matches(line)) { PrefixListLine(line, ctx); return Outcome.Done; }
        if (line.Is("ip", "access-list") && !Ignorable.Matches(line)) return NamedAccessList(line, ctx);
        if (line.Is("access-list")) { NumberedAccessList(line, ctx); return Outcome.Done; }
        if (line.Is("route-map")) return RouteMapHeader(line, ctx);
        if (line.Is("router"))
        {
            var c = line.At(1);
            if (!c.TryKeyword("bgp")) throw c.Unsupported($"routing protocol '{c.Peek}' is not modelled (only BGP and static routes are)");
            var asn = c.Asn("AS number");
            c.End();
            if (d.Bgp is { } existing && existing.Asn != asn)
                throw new IosLineException(line.Column(2), $"BGP is already running; AS is {existing.Asn}");
            d.Bgp ??= new BgpBuilder(asn, line.Source);
            return Outcome.Enter(new BgpMode(line, d.Bgp));
        }
        if (line.Is("crypto") && !Ignorable.Matches(line)) return CryptoModes.Global(line, ctx);
        if (Ignorable.Matches(line))
        {
            ctx.Ignore(line, $"'{line[0]}' does not affect what NetTwin models");
            return Outcome.Enter(new SkippedBlock(line, IosDiagnosticKind.Ignored, "is ignored"));
        }
        return Outcome.NotMine;
    }

    private static Outcome Banner(IosLine line, IosParseContext ctx)
    {
        // banner motd ^C ... ^C   (the delimiter is the first character after the banner type; "^C" in show run)
        if (line.Count < 3) throw line.At(line.Count).Error("banner text and delimiter expected");
        var text = line.Rest(2);
        var delimiter = text.StartsWith("^C", StringComparison.Ordinal) ? "^C" : text[..1];
        var after = text[delimiter.Length..];
        if (!after.Contains(delimiter, StringComparison.Ordinal)) ctx.BannerDelimiter = delimiter;
        ctx.Ignore(line, "banners do not affect what NetTwin models");
        return Outcome.Done;
    }

    private static void StaticRoute(IosLine line, IosParseContext ctx)
    {
        var c = line.At(2);
        if (c.PeekIs("vrf")) throw c.Unsupported("VRF static routes are not modelled");
        if (c.PeekIs("static")) throw c.Unsupported($"'ip route static' is not modelled");
        var column = c.Column;
        var ip = c.Address("destination");
        var length = c.Mask("destination mask");
        var prefix = new Prefix(ip, length);
        if (prefix.Network != ip) throw new IosLineException(column, $"%Inconsistent address and mask: {ip} has host bits set for /{length} (IOS refuses the route; {prefix} was probably meant)");
        Ipv4? nextHop = null;
        string? iface = null;
        if (c.PeekAddress) nextHop = c.Address("next hop");
        else if (!c.AtEnd && c.PeekKind == IosToken.Word && !c.PeekIs("name") && !c.PeekIs("tag") && !c.PeekIs("permanent") && !c.PeekIs("track"))
        {
            var ifIndex = c.Index;
            iface = c.Word("next-hop interface");
            if (!iface.Equals("Null0", StringComparison.OrdinalIgnoreCase))
                ctx.Use(ReferenceKind.Interface, iface, line, ifIndex, "static route next hop");
            if (c.PeekAddress) nextHop = c.Address("next hop");
        }
        else throw c.Error("next hop (address or interface) expected");
        int distance = Model.StaticRoute.DefaultAdminDistance;
        string? name = null;
        long? tag = null;
        var permanent = false;
        var sawDistance = false;
        while (!c.AtEnd)
        {
            if (c.PeekNumber && !sawDistance) { distance = c.Int("administrative distance", 1, 255); sawDistance = true; }
            else if (c.TryKeyword("name")) name = c.Word("route name");
            else if (c.TryKeyword("tag")) tag = c.Number("tag", 0, uint.MaxValue);
            else if (c.TryKeyword("permanent")) permanent = true;
            else if (c.PeekIs("track")) throw c.Unsupported("tracked static routes are not modelled");
            else if (c.PeekIs("dhcp") || c.PeekIs("global") || c.PeekIs("multicast")) throw c.Unsupported($"'ip route ... {c.Peek}' is not modelled");
            else throw c.Error($"unexpected '{c.Peek}'");
        }
        ctx.Device.StaticRoutes.Add(new StaticRoute(prefix, nextHop, iface, distance, name, tag, permanent, line.Source));
    }

    private static void PrefixListLine(IosLine line, IosParseContext ctx)
    {
        var c = line.At(2);
        var name = c.Word("prefix-list name");
        var d = ctx.Device;
        if (c.TryKeyword("description"))
        {
            var description = c.Rest("description");
            if (!d.PrefixLists.TryGetValue(name, out var list)) d.PrefixLists[name] = list = new PrefixListBuilder(name, line.Source);
            list.Description = description;
            return;
        }
        if (c.AtEnd) throw c.Error("'seq', 'permit', 'deny' or 'description' expected");
        var syntax = IosGrammar.Run(IosGrammar.PrefixListEntry, line, 3);
        var (seq, action, prefix, ge, le) = IosGrammar.ToPrefixListEntry(line, syntax, ctx.WarnFor(line));
        if (!d.PrefixLists.TryGetValue(name, out var builder)) d.PrefixLists[name] = builder = new PrefixListBuilder(name, line.Source);
        if (seq == 0) seq = builder.NextSequence;
        if (builder.Entries.TryGetValue(seq, out var old))
            ctx.Warn(line, line.Indent + 1, $"prefix-list {name} seq {seq} replaces the entry at line {old.Source.Line}");
        builder.Entries[seq] = new PrefixListEntry(seq, action, prefix, ge, le, line.Source);
    }

    private static Outcome NamedAccessList(IosLine line, IosParseContext ctx)
    {
        var c = line.At(2);
        var kindWord = c.Peek;
        AccessListKind kind;
        if (c.TryKeyword("extended")) kind = AccessListKind.Extended;
        else if (c.TryKeyword("standard")) kind = AccessListKind.Standard;
        else throw c.Unsupported($"'ip access-list {kindWord}' is not modelled (only standard and extended IPv4 access lists are)");
        var name = c.Word("access-list name");
        c.End();
        var acl = AccessList(ctx, name, kind, line, line.Column(3));
        return Outcome.Enter(new AccessListMode(line, acl));
    }

    internal static AccessListBuilder AccessList(IosParseContext ctx, string name, AccessListKind kind, IosLine line, int column)
    {
        if (ctx.Device.AccessLists.TryGetValue(name, out var acl))
        {
            if (acl.Kind != kind)
                throw new IosLineException(column, $"% A named {acl.Kind.ToString().ToLowerInvariant()} IP access list with this name already exists (line {acl.Source.Line})");
            return acl;
        }
        return ctx.Device.AccessLists[name] = new AccessListBuilder(name, kind, line.Source);
    }

    private static void NumberedAccessList(IosLine line, IosParseContext ctx)
    {
        var c = line.At(1);
        var column = c.Column;
        var number = c.Int("access-list number", 1, 2699);
        var kind = number switch
        {
            <= 99 or (>= 1300 and <= 1999) => AccessListKind.Standard,
            (>= 100 and <= 199) or (>= 2000 and <= 2699) => AccessListKind.Extended,
            _ => throw new IosLineException(column, $"access-list {number}: only IP standard (1-99, 1300-1999) and extended (100-199, 2000-2699) lists are modelled", IosDiagnosticKind.NotUnderstood),
        };
        if (c.PeekIs("remark")) { ctx.Comment(); return; }
        if (c.PeekIs("dynamic")) throw c.Unsupported("dynamic access-list entries are not modelled");
        var syntax = IosGrammar.AclEntry(line, 2, kind);
        if (syntax.Seq.HasValue) throw new IosLineException(line.Column(2), "numbered access-list lines take no sequence number");
        var name = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var acl = ctx.Device.AccessLists.GetValueOrDefault(name);
        var entry = IosGrammar.ToAclEntry(line, syntax, acl?.NextSequence ?? 10, kind, ctx.WarnFor(line));
        acl = AccessList(ctx, name, kind, line, column);
        acl.Entries[entry.Sequence] = entry;
    }

    private static Outcome RouteMapHeader(IosLine line, IosParseContext ctx)
    {
        var c = line.At(1);
        var name = c.Word("route-map name");
        var action = LineAction.Permit;
        if (c.TryKeyword("deny")) action = LineAction.Deny;
        else c.TryKeyword("permit");
        var seq = c.PeekNumber ? c.Int("sequence number", 0, 65535) : 10;
        c.End();
        if (!ctx.Device.RouteMaps.TryGetValue(name, out var map)) ctx.Device.RouteMaps[name] = map = new RouteMapBuilder(name, line.Source);
        if (!map.Entries.TryGetValue(seq, out var entry)) map.Entries[seq] = entry = new RouteMapEntryBuilder(seq, action, line.Source);
        else entry.Action = action; // IOS re-enters the entry and takes the new action
        return Outcome.Enter(new RouteMapMode(line, entry));
    }
}

internal sealed class InterfaceMode(IosLine header, InterfaceBuilder iface) : Mode(header)
{
    private static readonly KeywordSet Ignorable = new(
        "negotiation", "no negotiation", "speed", "duplex", "mop", "no mop", "load-interval", "mtu", "ip mtu",
        "ip tcp adjust-mss", "cdp", "no cdp", "ip redirects", "no ip redirects", "ip unreachables",
        "no ip unreachables", "ip proxy-arp", "no ip proxy-arp", "bandwidth", "delay", "keepalive", "no keepalive",
        "media-type", "carrier-delay", "logging", "no logging", "arp", "ip route-cache", "no ip route-cache",
        "ip virtual-reassembly", "no ip virtual-reassembly", "ip flow", "service-policy", "auto", "macro",
        "platform", "lldp", "no lldp", "tunnel path-mtu-discovery", "encapsulation", "hold-queue",
        "ip mroute-cache", "no ip mroute-cache", "snmp", "no snmp");

    public override Outcome Handle(IosLine line, IosParseContext ctx)
    {
        if (line.Is("description")) { iface.Description = line.Rest(1); return Outcome.Done; }
        if (line.Is("no", "description") && line.Count == 2) { iface.Description = null; return Outcome.Done; }
        if (line.Is("shutdown") && line.Count == 1) { iface.Shutdown = true; return Outcome.Done; }
        if (line.Is("no", "shutdown") && line.Count == 2) { iface.Shutdown = false; return Outcome.Done; }
        if (line.Is("no", "ip", "address") && line.Count == 3) { iface.Address = null; iface.Secondary.Clear(); return Outcome.Done; }
        if (line.Is("ip", "address")) { Address(line); return Outcome.Done; }
        if (line.Is("ip", "unnumbered")) throw line.At(1).Unsupported("unnumbered interfaces are not modelled");
        if (line.Is("vrf") || line.Is("ip", "vrf")) throw line.At(0).Unsupported("VRFs are not modelled: NetTwin treats every interface as in the global routing table, so this line is not applied");
        if (line.Is("tunnel")) { Tunnel(line, ctx); return Outcome.Done; }
        if (line.Is("crypto", "map"))
        {
            var c = line.At(2);
            var index = c.Index;
            var name = c.Word("crypto map name");
            c.TryKeyword("redundancy");
            if (!c.AtEnd) throw c.Error($"unexpected '{line.Rest(c.Index)}'");
            ctx.Use(ReferenceKind.CryptoMap, name, line, index, $"interface {iface.Name}");
            iface.CryptoMap = name;
            return Outcome.Done;
        }
        if (line.Is("no", "crypto", "map") && line.Count == 3) { iface.CryptoMap = null; return Outcome.Done; }
        if (Ignorable.Matches(line))
        {
            ctx.Ignore(line, $"'{line.Content}' does not affect what NetTwin models");
            return Outcome.Done;
        }
        return Outcome.NotMine;
    }

    private void Address(IosLine line)
    {
        var c = line.At(2);
        if (c.PeekIs("dhcp") || c.PeekIs("negotiated") || c.PeekIs("pool"))
            throw c.Unsupported($"'ip address {c.Peek}' is not modelled: NetTwin needs a static address");
        var column = c.Column;
        var ip = c.Address("interface address");
        var length = c.Mask("subnet mask");
        var secondary = c.TryKeyword("secondary");
        c.End();
        var prefix = new Prefix(ip, length);
        if (length <= 30 && (ip == prefix.Network || ip == prefix.Last))
            throw new IosLineException(column, $"Bad mask /{length} for address {ip}: it is the {(ip == prefix.Network ? "network" : "broadcast")} address of {prefix}");
        var address = new InterfaceAddress(ip, prefix);
        if (secondary) iface.Secondary.Add(address);
        else iface.Address = address;
    }

    private void Tunnel(IosLine line, IosParseContext ctx)
    {
        var c = line.At(1);
        var what = c.Word("tunnel setting").ToLowerInvariant();
        switch (what)
        {
            case "source":
                if (c.PeekAddress)
                {
                    var ip = c.Address("tunnel source");
                    c.End();
                    iface.TunnelSourceAddress = ip;
                    iface.TunnelSourceInterface = null;
                }
                else
                {
                    var index = c.Index;
                    var name = c.Word("tunnel source interface");
                    c.End();
                    ctx.Use(ReferenceKind.Interface, name, line, index, $"tunnel source of {iface.Name}");
                    iface.TunnelSourceInterface = name;
                    iface.TunnelSourceAddress = null;
                }
                break;
            case "destination":
                if (!c.PeekAddress && !c.AtEnd) throw c.Unsupported("tunnel destinations given as host names are not modelled");
                var destination = c.Address("tunnel destination");
                c.End();
                iface.TunnelDestination = destination;
                break;
            case "mode":
                var first = c.Word("tunnel mode").ToLowerInvariant();
                var second = c.AtEnd ? "" : c.Word("tunnel mode").ToLowerInvariant();
                c.End();
                iface.TunnelMode = (first, second) switch
                {
                    ("ipsec", "ipv4") => TunnelMode.IpsecIpv4,
                    ("gre", "ip") => TunnelMode.GreIp,
                    _ => throw new IosLineException(line.Column(2),
                        $"tunnel mode '{(first + " " + second).Trim()}' is not modelled (only 'ipsec ipv4' and 'gre ip' are)", IosDiagnosticKind.NotUnderstood),
                };
                break;
            case "protection":
                c.Keyword("ipsec");
                c.Keyword("profile");
                var profileIndex = c.Index;
                var profile = c.Word("IPsec profile name");
                c.TryKeyword("shared");
                c.End();
                ctx.Use(ReferenceKind.IpsecProfile, profile, line, profileIndex, $"tunnel protection of {iface.Name}");
                iface.TunnelProtection = profile;
                break;
            default:
                throw new IosLineException(line.Column(1), $"'tunnel {what}' is not modelled", IosDiagnosticKind.NotUnderstood);
        }
        iface.HasTunnel = true;
    }
}
