using System.Globalization;

namespace NetTwin.Model;

/// <summary>An IPv4 address as a value type.</summary>
public readonly record struct Ipv4(uint Value) : IComparable<Ipv4>
{
    public static Ipv4 Parse(string text) =>
        TryParse(text, out var ip, out var error) ? ip : throw new FormatException(error);

    public static bool TryParse(string? text, out Ipv4 address, out string error)
    {
        address = default;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) { error = "an IP address is empty"; return false; }
        text = text.Trim();
        if (text.Contains(':')) { error = $"'{text}' is an IPv6 address: IPv6 is not supported yet"; return false; }
        var parts = text.Split('.');
        if (parts.Length != 4) { error = $"'{text}' is not a valid IPv4 address"; return false; }
        uint v = 0;
        foreach (var p in parts)
        {
            if (p.Length == 0 || p.Length > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0')
                || !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var octet) || octet > 255)
            {
                error = $"'{text}' is not a valid IPv4 address";
                return false;
            }
            v = (v << 8) | (uint)octet;
        }
        address = new Ipv4(v);
        return true;
    }

    public int CompareTo(Ipv4 other) => Value.CompareTo(other.Value);
    public static bool operator <(Ipv4 a, Ipv4 b) => a.Value < b.Value;
    public static bool operator >(Ipv4 a, Ipv4 b) => a.Value > b.Value;
    public static bool operator <=(Ipv4 a, Ipv4 b) => a.Value <= b.Value;
    public static bool operator >=(Ipv4 a, Ipv4 b) => a.Value >= b.Value;
    public Ipv4 Add(long n) => new((uint)(Value + n));
    public override string ToString() =>
        $"{Value >> 24}.{(Value >> 16) & 255}.{(Value >> 8) & 255}.{Value & 255}";
}

/// <summary>An IPv4 prefix (CIDR). Parsing rejects host bits, as Azure does for address prefixes.</summary>
public readonly record struct Prefix : IComparable<Prefix>
{
    public Ipv4 Network { get; }
    public int Length { get; }

    public Prefix(Ipv4 network, int length)
    {
        if (length is < 0 or > 32) throw new ArgumentOutOfRangeException(nameof(length));
        Network = new Ipv4(network.Value & MaskOf(length));
        Length = length;
    }

    public static readonly Prefix Default = new(new Ipv4(0), 0);

    public static uint MaskOf(int length) => length == 0 ? 0u : uint.MaxValue << (32 - length);
    public uint Mask => MaskOf(Length);
    public Ipv4 First => Network;
    public Ipv4 Last => new(Network.Value | ~Mask);
    public ulong Size => 1UL << (32 - Length);

    public static Prefix Parse(string text) =>
        TryParse(text, out var p, out var error) ? p : throw new FormatException(error);

    /// <summary>Strict parse: "a.b.c.d/n" with no host bits set (Azure's InvalidCIDRNotation).
    /// A bare address is read as a /32.</summary>
    public static bool TryParse(string? text, out Prefix prefix, out string error, bool allowBareAddress = false)
    {
        prefix = default;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) { error = "an address prefix is empty"; return false; }
        text = text.Trim();
        if (text.Contains(':')) { error = $"'{text}' is an IPv6 prefix: IPv6 is not supported yet"; return false; }
        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            if (!allowBareAddress) { error = $"'{text}' is not a valid CIDR prefix (expected a.b.c.d/n)"; return false; }
            if (!Ipv4.TryParse(text, out var host, out error)) return false;
            prefix = new Prefix(host, 32);
            return true;
        }
        if (!Ipv4.TryParse(text[..slash], out var ip, out _))
        {
            error = $"'{text}' is not a valid CIDR prefix: '{text[..slash]}' is not an IPv4 address";
            return false;
        }
        var lenText = text[(slash + 1)..];
        if (lenText.Length == 0 || lenText.Length > 2 || !lenText.All(char.IsAsciiDigit)
            || !int.TryParse(lenText, NumberStyles.None, CultureInfo.InvariantCulture, out var len) || len > 32)
        {
            error = $"'{text}' is not a valid CIDR prefix: the length must be 0 to 32";
            return false;
        }
        var candidate = new Prefix(ip, len);
        if (candidate.Network != ip)
        {
            error = $"The address prefix {text} has an invalid CIDR notation. For the given prefix length, the address prefix should be {candidate}.";
            return false;
        }
        prefix = candidate;
        return true;
    }

    public bool Contains(Ipv4 ip) => (ip.Value & Mask) == Network.Value;
    /// <summary>True when <paramref name="other"/> lies inside this prefix (or equals it).</summary>
    public bool Contains(Prefix other) => other.Length >= Length && Contains(other.Network);
    public bool Overlaps(Prefix other) => Contains(other) || other.Contains(this);

    public int CompareTo(Prefix other)
    {
        var c = Network.Value.CompareTo(other.Network.Value);
        return c != 0 ? c : Length.CompareTo(other.Length);
    }

    public override string ToString() => $"{Network}/{Length}";

    /// <summary>The ranges that are left of this prefix after removing <paramref name="hole"/>.</summary>
    public IEnumerable<Prefix> Without(Prefix hole)
    {
        if (!Overlaps(hole)) { yield return this; yield break; }
        if (hole.Contains(this)) yield break;
        var current = this;
        while (current.Length < hole.Length)
        {
            var lower = new Prefix(current.Network, current.Length + 1);
            var upper = new Prefix(new Ipv4(current.Network.Value | (1u << (31 - current.Length))), current.Length + 1);
            if (lower.Contains(hole)) { yield return upper; current = lower; }
            else { yield return lower; current = upper; }
        }
    }
}

/// <summary>Where a model object was declared: file, line and column (1-based).</summary>
public sealed record SourceRef(string File, int Line, int Column)
{
    public static readonly SourceRef None = new("", 0, 0);
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}

/// <summary>The address ranges the internet does not route: RFC 1918, RFC 6598 shared space, loopback, link-local,
/// "this network", multicast and reserved. Everything else is public (the Internet service tag, tunnel endpoints
/// reached over the internet).</summary>
public static class AddressRanges
{
    public static readonly System.Collections.Immutable.ImmutableArray<Prefix> NotPublic =
    [
        Prefix.Parse("0.0.0.0/8"), Prefix.Parse("10.0.0.0/8"), Prefix.Parse("100.64.0.0/10"), Prefix.Parse("127.0.0.0/8"),
        Prefix.Parse("169.254.0.0/16"), Prefix.Parse("172.16.0.0/12"), Prefix.Parse("192.168.0.0/16"), Prefix.Parse("224.0.0.0/3"),
    ];

    public static bool IsPublic(Ipv4 ip)
    {
        foreach (var p in NotPublic)
            if (p.Contains(ip)) return false;
        return true;
    }
}
