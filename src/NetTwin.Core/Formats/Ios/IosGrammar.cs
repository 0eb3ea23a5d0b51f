using System.Collections.Immutable;
using System.Globalization;
using NetTwin.Model;
using Superpower;
using Superpower.Model;
using Superpower.Parsers;

namespace NetTwin.Formats.Ios;

/// <summary>Superpower grammars for the IOS statements with the richest syntax (prefix-list entries and
/// access-list entries), and the conversion of what they recognise into model values with IOS's checks.</summary>
internal static class IosGrammar
{
    // ------------------------------------------------------------------ syntax

    private static TokenListParser<IosToken, Token<IosToken>> Kw(string keyword) =>
        Token.EqualToValueIgnoreCase(IosToken.Word, keyword).Named($"'{keyword}'");

    private static readonly TokenListParser<IosToken, Token<IosToken>> Num =
        Token.EqualTo(IosToken.Number).Named("number");

    private static readonly TokenListParser<IosToken, Token<IosToken>> AnyToken =
        Token.Matching<IosToken>(_ => true, "word");

    internal sealed record PrefixListSyntax(Token<IosToken> Seq, Token<IosToken> Action, Token<IosToken> Prefix,
        Token<IosToken>[] Bounds);

    /// <summary>[seq N] permit|deny A.B.C.D/L [ge N] [le N]</summary>
    public static readonly TokenListParser<IosToken, PrefixListSyntax> PrefixListEntry =
        (from seq in Kw("seq").IgnoreThen(Num.Named("sequence number")).OptionalOrDefault()
         from action in Kw("permit").Or(Kw("deny")).Named("'permit' or 'deny'")
         from prefix in Token.EqualTo(IosToken.Prefix).Named("prefix (a.b.c.d/n)")
         from bounds in (from op in Kw("ge").Or(Kw("le")) from n in Num.Named("prefix length") select new[] { op, n }).Many()
         select new PrefixListSyntax(seq, action, prefix, bounds.SelectMany(b => b).ToArray())).AtEnd();

    internal enum AddressForm { Any, Host, Wildcard, Bare }

    internal sealed record AddressSyntax(AddressForm Form, Token<IosToken> Address, Token<IosToken> Wildcard);

    private static readonly TokenListParser<IosToken, AddressSyntax> AnyAddress =
        Kw("any").Select(t => new AddressSyntax(AddressForm.Any, t, default));

    private static readonly TokenListParser<IosToken, AddressSyntax> HostAddress =
        from _ in Kw("host")
        from a in Token.EqualTo(IosToken.Address).Named("host address")
        select new AddressSyntax(AddressForm.Host, a, default);

    /// <summary>Extended ACL addresses: any | host A | A WILDCARD.</summary>
    private static readonly TokenListParser<IosToken, AddressSyntax> ExtendedAddress =
        AnyAddress.Or(HostAddress).Or(
            from a in Token.EqualTo(IosToken.Address).Named("address")
            from w in Token.EqualTo(IosToken.Address).Named("wildcard mask")
            select new AddressSyntax(AddressForm.Wildcard, a, w)).Named("'any', 'host A' or 'A WILDCARD'");

    /// <summary>Standard ACL addresses: any | host A | A [WILDCARD].</summary>
    private static readonly TokenListParser<IosToken, AddressSyntax> StandardAddress =
        AnyAddress.Or(HostAddress).Or(
            from a in Token.EqualTo(IosToken.Address).Named("address")
            from w in Token.EqualTo(IosToken.Address).Named("wildcard mask").OptionalOrDefault()
            select new AddressSyntax(w.HasValue ? AddressForm.Wildcard : AddressForm.Bare, a, w)).Named("'any', 'host A' or 'A [WILDCARD]'");

    internal sealed record PortSyntax(Token<IosToken> Operator, Token<IosToken> Low, Token<IosToken> High);

    private static readonly TokenListParser<IosToken, Token<IosToken>> PortValue =
        Token.EqualTo(IosToken.Number).Or(Token.EqualTo(IosToken.Word)).Named("port");

    private static readonly TokenListParser<IosToken, PortSyntax?> Ports =
        (from op in Kw("eq").Or(Kw("neq")).Or(Kw("lt")).Or(Kw("gt"))
         from p in PortValue
         select new PortSyntax(op, p, default))
        .Or(from op in Kw("range")
            from lo in PortValue
            from hi in PortValue
            select new PortSyntax(op, lo, hi))
        .Select(p => (PortSyntax?)p).OptionalOrDefault();

    internal sealed record AclEntrySyntax(Token<IosToken> Seq, Token<IosToken> Action, Token<IosToken> Protocol,
        AddressSyntax Source, PortSyntax? SourcePorts, AddressSyntax Destination, PortSyntax? DestinationPorts,
        Token<IosToken>[] Options);

    private static readonly TokenListParser<IosToken, Token<IosToken>> Action =
        Kw("permit").Or(Kw("deny")).Named("'permit' or 'deny'");

    /// <summary>[seq] permit|deny PROTOCOL SRC [PORTS] DST [PORTS] [options]</summary>
    public static readonly TokenListParser<IosToken, AclEntrySyntax> ExtendedEntry =
        (from seq in Num.Named("sequence number").OptionalOrDefault()
         from action in Action
         from protocol in Token.EqualTo(IosToken.Word).Or(Token.EqualTo(IosToken.Number)).Named("protocol")
         from src in ExtendedAddress
         from srcPorts in Ports
         from dst in ExtendedAddress
         from dstPorts in Ports
         from options in AnyToken.Many()
         select new AclEntrySyntax(seq, action, protocol, src, srcPorts, dst, dstPorts, options)).AtEnd();

    /// <summary>[seq] permit|deny SRC [log]</summary>
    public static readonly TokenListParser<IosToken, AclEntrySyntax> StandardEntry =
        (from seq in Num.Named("sequence number").OptionalOrDefault()
         from action in Action
         from src in StandardAddress
         from options in AnyToken.Many()
         select new AclEntrySyntax(seq, action, default, src, null, new AddressSyntax(AddressForm.Any, default, default), null, options)).AtEnd();

    /// <summary>Parses an access-list entry from token <paramref name="start"/>. Object groups are reported as not
    /// modelled before the grammar sees them (they stand where an address or protocol is expected).</summary>
    public static AclEntrySyntax AclEntry(IosLine line, int start, AccessListKind kind)
    {
        for (var i = start; i < line.Count; i++)
            if (line.WordIs(i, "object-group"))
                throw new IosLineException(line.Column(i), "'object-group' in access lists is not modelled", IosDiagnosticKind.NotUnderstood);
        return Run(kind == AccessListKind.Extended ? ExtendedEntry : StandardEntry, line, start);
    }

    /// <summary>Runs a grammar over the tokens of <paramref name="line"/> from <paramref name="start"/>;
    /// a syntax error becomes an <see cref="IosLineException"/> at the offending column.</summary>
    public static T Run<T>(TokenListParser<IosToken, T> parser, IosLine line, int start)
    {
        var tokens = new TokenList<IosToken>(line.Tokens[start..]);
        var result = parser.TryParse(tokens);
        if (result.HasValue) return result.Value;
        var column = result.ErrorPosition.HasValue ? line.Indent + result.ErrorPosition.Column : line.Text.Length + 1;
        throw new IosLineException(column, result.FormatErrorMessageFragment());
    }

    // ------------------------------------------------------------------ conversion

    public delegate void Warn(int column, string message);

    public static Ipv4 Address(IosLine line, Token<IosToken> token, string what)
    {
        var text = token.ToStringValue();
        return Ipv4.TryParse(text, out var ip, out _)
            ? ip
            : throw new IosLineException(line.Indent + token.Position.Column, $"'{text}' is not a valid IPv4 address ({what})");
    }

    public static long Number(IosLine line, Token<IosToken> token, string what, long min, long max)
    {
        var text = token.ToStringValue();
        var column = line.Indent + token.Position.Column;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            throw new IosLineException(column, $"'{text}' is not a number ({what})");
        if (n < min || n > max) throw new IosLineException(column, $"{what} {n} is out of range ({min}-{max})");
        return n;
    }

    /// <summary>A network and length, with IOS's handling of host bits: they are cleared, with a warning.</summary>
    public static Prefix Network(Ipv4 address, int length, int column, string what, Warn warn)
    {
        var prefix = new Prefix(address, length);
        if (prefix.Network != address)
            warn(column, $"{address}/{length} has host bits set ({what}); IOS stores it as {prefix}");
        return prefix;
    }

    public static (long Seq, LineAction Action, Prefix Prefix, int? Ge, int? Le) ToPrefixListEntry(
        IosLine line, PrefixListSyntax s, Warn warn)
    {
        long seq = s.Seq.HasValue ? Number(line, s.Seq, "sequence number", 1, 4294967294) : 0;
        var action = ToAction(s.Action);
        var prefixText = s.Prefix.ToStringValue();
        var prefixColumn = line.Indent + s.Prefix.Position.Column;
        var slash = prefixText.IndexOf('/');
        if (!Ipv4.TryParse(prefixText[..slash], out var ip, out _))
            throw new IosLineException(prefixColumn, $"'{prefixText}' is not a valid prefix: '{prefixText[..slash]}' is not an IPv4 address");
        if (!int.TryParse(prefixText[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var len) || len > 32)
            throw new IosLineException(prefixColumn, $"'{prefixText}': the prefix length must be 0 to 32");
        var prefix = Network(ip, len, prefixColumn, "prefix-list entry", warn);

        int? ge = null, le = null;
        for (var i = 0; i < s.Bounds.Length; i += 2)
        {
            var op = s.Bounds[i].ToStringValue().ToLowerInvariant();
            var value = (int)Number(line, s.Bounds[i + 1], $"{op} length", 0, 32);
            var column = line.Indent + s.Bounds[i].Position.Column;
            if (op == "ge")
            {
                if (ge is not null) throw new IosLineException(column, "'ge' is given twice");
                ge = value;
            }
            else
            {
                if (le is not null) throw new IosLineException(column, "'le' is given twice");
                le = value;
            }
        }
        // Cisco IOS IP Configuration Guide: "A specified ge-value or le-value must satisfy the following
        // condition: len < ge-value <= le-value <= 32". IOS refuses the command otherwise.
        var boundsColumn = s.Bounds.Length > 0 ? line.Indent + s.Bounds[0].Position.Column : prefixColumn;
        if ((ge is { } g && g <= len) || (le is { } l && l <= len) || (ge is { } g2 && le is { } l2 && g2 > l2))
            throw new IosLineException(boundsColumn,
                $"invalid prefix range for {prefix}: IOS requires len < ge-value <= le-value <= 32");
        return (seq, action, prefix, ge, le);
    }

    public static LineAction ToAction(Token<IosToken> token) =>
        string.Equals(token.ToStringValue(), "permit", StringComparison.OrdinalIgnoreCase) ? LineAction.Permit : LineAction.Deny;

    public static Prefix ToPrefix(IosLine line, AddressSyntax a, string what, Warn warn)
    {
        switch (a.Form)
        {
            case AddressForm.Any:
                return Prefix.Default;
            case AddressForm.Host:
            case AddressForm.Bare:
                return new Prefix(Address(line, a.Address, what), 32);
            default:
                var ip = Address(line, a.Address, what);
                var wildcard = Address(line, a.Wildcard, $"{what} wildcard");
                var length = IosValues.WildcardLength(wildcard) ?? throw new IosLineException(
                    line.Indent + a.Wildcard.Position.Column,
                    $"'{wildcard}' is not a contiguous wildcard mask: an inverse mask must be zeros followed by ones ({what})");
                return Network(ip, length, line.Indent + a.Address.Position.Column, what, warn);
        }
    }

    private static readonly Dictionary<string, int> Protocols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["icmp"] = 1, ["igmp"] = 2, ["tcp"] = 6, ["udp"] = 17, ["gre"] = 47, ["esp"] = 50, ["ahp"] = 51,
        ["eigrp"] = 88, ["ospf"] = 89, ["nos"] = 94, ["pim"] = 103, ["pcp"] = 108, ["sctp"] = 132,
    };

    private static readonly Dictionary<string, int> TcpPorts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bgp"] = 179, ["chargen"] = 19, ["cmd"] = 514, ["daytime"] = 13, ["discard"] = 9, ["domain"] = 53,
        ["echo"] = 7, ["exec"] = 512, ["finger"] = 79, ["ftp"] = 21, ["ftp-data"] = 20, ["gopher"] = 70,
        ["hostname"] = 101, ["ident"] = 113, ["irc"] = 194, ["klogin"] = 543, ["kshell"] = 544, ["login"] = 513,
        ["lpd"] = 515, ["msrpc"] = 135, ["nntp"] = 119, ["pop2"] = 109, ["pop3"] = 110, ["smtp"] = 25,
        ["sunrpc"] = 111, ["tacacs"] = 49, ["talk"] = 517, ["telnet"] = 23, ["time"] = 37, ["uucp"] = 540,
        ["whois"] = 43, ["www"] = 80,
    };

    private static readonly Dictionary<string, int> UdpPorts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["biff"] = 512, ["bootpc"] = 68, ["bootps"] = 67, ["discard"] = 9, ["dnsix"] = 195, ["domain"] = 53,
        ["echo"] = 7, ["isakmp"] = 500, ["mobile-ip"] = 434, ["nameserver"] = 42, ["netbios-dgm"] = 138,
        ["netbios-ns"] = 137, ["netbios-ss"] = 139, ["non500-isakmp"] = 4500, ["ntp"] = 123, ["pim-auto-rp"] = 496,
        ["rip"] = 520, ["snmp"] = 161, ["snmptrap"] = 162, ["sunrpc"] = 111, ["syslog"] = 514, ["tacacs"] = 49,
        ["talk"] = 517, ["tftp"] = 69, ["time"] = 37, ["who"] = 513, ["xdmcp"] = 177,
    };

    private static readonly HashSet<string> IcmpTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "administratively-prohibited", "alternate-address", "conversion-error", "dod-host-prohibited",
        "dod-net-prohibited", "echo", "echo-reply", "general-parameter-problem", "host-isolated",
        "host-precedence-unreachable", "host-redirect", "host-tos-redirect", "host-tos-unreachable",
        "host-unknown", "host-unreachable", "information-reply", "information-request", "mask-reply",
        "mask-request", "mobile-redirect", "net-redirect", "net-tos-redirect", "net-tos-unreachable",
        "net-unreachable", "network-unknown", "no-room-for-option", "option-missing", "packet-too-big",
        "parameter-problem", "port-unreachable", "precedence-unreachable", "protocol-unreachable",
        "reassembly-timeout", "redirect", "router-advertisement", "router-solicitation", "source-quench",
        "source-route-failed", "time-exceeded", "timestamp-reply", "timestamp-request", "traceroute",
        "ttl-exceeded", "unreachable",
    };

    public static AccessListEntry ToAclEntry(IosLine line, AclEntrySyntax s, int defaultSeq, AccessListKind kind, Warn warn)
    {
        var seq = s.Seq.HasValue ? (int)Number(line, s.Seq, "sequence number", 1, 2147483647) : defaultSeq;
        var action = ToAction(s.Action);
        string protocolName = "ip";
        int? protocol = null;
        if (kind == AccessListKind.Extended)
        {
            protocolName = s.Protocol.ToStringValue().ToLowerInvariant();
            var column = line.Indent + s.Protocol.Position.Column;
            if (s.Protocol.Kind == IosToken.Number)
                protocol = (int)Number(line, s.Protocol, "protocol number", 0, 255);
            else if (protocolName == "ip")
                protocol = null;
            else if (Protocols.TryGetValue(protocolName, out var p))
                protocol = p;
            else if (protocolName == "ipv6")
                throw new IosLineException(column, "IPv6 in access lists is not modelled", IosDiagnosticKind.NotUnderstood);
            else
                throw new IosLineException(column, $"'{protocolName}' is not a protocol IOS knows");
        }
        var source = ToPrefix(line, s.Source, "source", warn);
        var destination = ToPrefix(line, s.Destination, "destination", warn);
        var sourcePorts = ToPorts(line, s.SourcePorts, protocolName);
        var destinationPorts = ToPorts(line, s.DestinationPorts, protocolName);

        bool established = false, log = false;
        string? icmpType = null;
        var options = s.Options;
        for (var i = 0; i < options.Length; i++)
        {
            var text = options[i].ToStringValue();
            var column = line.Indent + options[i].Position.Column;
            if (text.Equals("log", StringComparison.OrdinalIgnoreCase) || text.Equals("log-input", StringComparison.OrdinalIgnoreCase))
            {
                log = true;
                if (i + 1 < options.Length) throw new IosLineException(line.Indent + options[i + 1].Position.Column,
                    $"unexpected '{options[i + 1].ToStringValue()}' after '{text}'");
            }
            else if (text.Equals("established", StringComparison.OrdinalIgnoreCase) && protocol == 6)
                established = true;
            else if (protocol == 1 && icmpType is null && (IcmpTypes.Contains(text) || options[i].Kind == IosToken.Number))
            {
                icmpType = text.ToLowerInvariant();
                // "icmp any any 3 4": a numeric type may be followed by a numeric code
                if (options[i].Kind == IosToken.Number && i + 1 < options.Length && options[i + 1].Kind == IosToken.Number)
                    icmpType += " " + options[++i].ToStringValue();
            }
            else
                throw new IosLineException(column,
                    $"access-list option '{text}' is not modelled; the entry is not applied", IosDiagnosticKind.NotUnderstood);
        }
        return new AccessListEntry(seq, action, protocolName, protocol, source, sourcePorts, destination, destinationPorts,
            established, icmpType, log, line.Source);
    }

    private static PortMatch? ToPorts(IosLine line, PortSyntax? s, string protocol)
    {
        if (s is null) return null;
        var column = line.Indent + s.Operator.Position.Column;
        if (protocol is not ("tcp" or "udp"))
            throw new IosLineException(column, $"port matches need protocol tcp or udp, not '{protocol}'");
        var op = s.Operator.ToStringValue().ToLowerInvariant() switch
        {
            "eq" => PortOperator.Eq,
            "neq" => PortOperator.Neq,
            "lt" => PortOperator.Lt,
            "gt" => PortOperator.Gt,
            _ => PortOperator.Range,
        };
        var low = Port(line, s.Low, protocol);
        var high = s.High.HasValue ? Port(line, s.High, protocol) : low;
        if (high < low) throw new IosLineException(column, $"port range {low}-{high} is empty");
        return new PortMatch(op, low, high);
    }

    private static int Port(IosLine line, Token<IosToken> token, string protocol)
    {
        if (token.Kind == IosToken.Number) return (int)Number(line, token, "port", 0, 65535);
        var names = protocol == "tcp" ? TcpPorts : UdpPorts;
        return names.TryGetValue(token.ToStringValue(), out var port)
            ? port
            : throw new IosLineException(line.Indent + token.Position.Column,
                $"'{token.ToStringValue()}' is not a {protocol} port name IOS knows");
    }

    /// <summary>Known IPsec transform names; the ones that take a key size.</summary>
    public static readonly ImmutableHashSet<string> Transforms = ImmutableHashSet.Create(StringComparer.OrdinalIgnoreCase,
        "esp-aes", "esp-gcm", "esp-gmac", "esp-3des", "esp-des", "esp-null", "esp-seal",
        "esp-md5-hmac", "esp-sha-hmac", "esp-sha256-hmac", "esp-sha384-hmac", "esp-sha512-hmac",
        "ah-md5-hmac", "ah-sha-hmac", "ah-sha256-hmac", "ah-sha384-hmac", "ah-sha512-hmac", "comp-lzs");

    public static readonly ImmutableHashSet<string> KeyedTransforms = ImmutableHashSet.Create(StringComparer.OrdinalIgnoreCase,
        "esp-aes", "esp-gcm", "esp-gmac");
}
