using System.Collections.Immutable;
using System.Globalization;
using NetTwin.Model;

namespace NetTwin.Ipsec;

// Cryptographic proposals in one vocabulary: Azure's (AES256, SHA256, DHGroup14 ...), with Diffie-Hellman and PFS
// groups as IANA group numbers. Cisco IOS names are translated into it (aes-cbc-256 -> AES256, esp-sha256-hmac ->
// SHA256, group 14 -> 14), so a proposal from either side compares with a plain equality.

/// <summary>One IKE SA (phase 1, "main mode") combination: encryption, integrity (the PRF for GCM encryption)
/// and Diffie-Hellman group (IANA number; 0 = none).</summary>
public sealed record IkeAlgorithms(string Encryption, string Integrity, int DhGroup)
{
    public override string ToString() => $"{Encryption}/{Integrity}/{Algorithms.DhName(DhGroup)}";
}

/// <summary>One IPsec SA (phase 2, "quick mode") combination: ESP encryption, integrity (equal to the encryption
/// for GCM) and PFS group (IANA number; 0 = no PFS; <see cref="Algorithms.AnyPfs"/> = whatever the initiator asks,
/// what a Cisco responder without "set pfs" accepts).</summary>
public sealed record EspAlgorithms(string Encryption, string Integrity, int PfsGroup)
{
    public override string ToString() => $"{Encryption}/{Integrity}/{Algorithms.PfsName(PfsGroup)}";
}

/// <summary>Algorithm names, Azure's default offers and the translation of Cisco IOS names.</summary>
public static class Algorithms
{
    /// <summary>PFS wildcard: the responder accepts any PFS group (or none) the initiator proposes.</summary>
    public const int AnyPfs = -1;

    private static IkeAlgorithms Ike(string e, string i, int g) => new(e, i, g);
    private static EspAlgorithms Esp(string e, string i, int p) => new(e, i, p);

    /// <summary>Azure's default IKE phase 1 offers for route-based gateways, in order of preference, as initiator and
    /// as responder: "About VPN devices and IPsec/IKE parameters", Default IPsec/IKE parameters, IKE Phase 1 (Main Mode)
    /// (learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-devices, ms.date 2023-10-06): DH group 2 only;
    /// "About cryptographic requirements" repeats "the IKEv2 main mode policies for Azure VPN gateways utilize only
    /// Diffie-Hellman Group 2 (1024 bits)".</summary>
    public static readonly ImmutableArray<IkeAlgorithms> AzureDefaultIke =
    [
        Ike("AES256", "SHA1", 2), Ike("AES256", "SHA256", 2), Ike("AES128", "SHA1", 2),
        Ike("AES128", "SHA256", 2), Ike("DES3", "SHA1", 2), Ike("DES3", "SHA256", 2),
    ];

    /// <summary>Azure's default IPsec SA offers as initiator ("RouteBased VPN IPsec Security Association (IKE Quick
    /// Mode SA) Offers", Azure Gateway as initiator, same page).</summary>
    public static readonly ImmutableArray<EspAlgorithms> AzureDefaultEspInitiator =
    [
        Esp("GCMAES256", "GCMAES256", 0), Esp("AES256", "SHA1", 0), Esp("DES3", "SHA1", 0),
        Esp("AES256", "SHA256", 0), Esp("AES128", "SHA1", 0), Esp("DES3", "SHA256", 0),
    ];

    /// <summary>Azure's default IPsec SA offers accepted as responder (same page, Azure Gateway as responder, 26 rows).</summary>
    public static readonly ImmutableArray<EspAlgorithms> AzureDefaultEspResponder =
    [
        Esp("GCMAES256", "GCMAES256", 0), Esp("AES256", "SHA1", 0), Esp("DES3", "SHA1", 0), Esp("AES256", "SHA256", 0),
        Esp("AES128", "SHA1", 0), Esp("DES3", "SHA256", 0), Esp("DES", "SHA1", 0), Esp("AES256", "SHA1", 1),
        Esp("AES256", "SHA1", 2), Esp("AES256", "SHA1", 14), Esp("AES128", "SHA1", 1), Esp("AES128", "SHA1", 2),
        Esp("AES128", "SHA1", 14), Esp("DES3", "SHA1", 1), Esp("DES3", "SHA1", 2), Esp("DES3", "SHA256", 2),
        Esp("AES256", "SHA256", 1), Esp("AES256", "SHA256", 2), Esp("AES256", "SHA256", 14), Esp("AES256", "SHA1", 24),
        Esp("AES256", "SHA256", 24), Esp("AES128", "SHA256", 0), Esp("AES128", "SHA256", 1), Esp("AES128", "SHA256", 2),
        Esp("AES128", "SHA256", 14), Esp("DES3", "SHA1", 14),
    ];

    /// <summary>IOS's default IKEv2 proposal when none is configured (IOS "smart defaults": AES-CBC-256/192/128,
    /// SHA-512/384/256/1, groups 5 and 2). Release-dependent: <b>unverified</b>, used only when a config has none.</summary>
    public static readonly ImmutableArray<IkeAlgorithms> CiscoDefaultIke =
    [
        .. from e in new[] { "AES256", "AES192", "AES128" }
           from i in new[] { "SHA512", "SHA384", "SHA256", "SHA1" }
           from g in new[] { 5, 2 }
           select Ike(e, i, g),
    ];

    /// <summary>IOS's default transform sets when a crypto map entry or IPsec profile names none
    /// (esp-aes esp-sha-hmac, then esp-3des esp-sha-hmac).</summary>
    public static readonly ImmutableArray<(string Encryption, string Integrity)> CiscoDefaultTransforms =
        [("AES128", "SHA1"), ("DES3", "SHA1")];

    /// <summary>The custom IPsec/IKE policy of a connection as one IKE combination (rule E7: with a policy Azure
    /// offers and accepts only it).</summary>
    public static IkeAlgorithms IkeOf(IpsecPolicy p) => new(Upper(p.IkeEncryption), Upper(p.IkeIntegrity), DhGroupOf(p.DhGroup));

    /// <summary>The custom policy as one IPsec combination (PFSMM = the IKE DH group).</summary>
    public static EspAlgorithms EspOf(IpsecPolicy p)
    {
        var pfs = Upper(p.PfsGroup) == "PFSMM" ? DhGroupOf(p.DhGroup) : PfsGroupOf(p.PfsGroup);
        return new(Upper(p.IpsecEncryption), Upper(p.IpsecIntegrity), pfs);
    }

    /// <summary>Azure DH group names (ipsec-ike-policy-howto, Diffie-Hellman groups table) to IANA numbers:
    /// DHGroup1 1, DHGroup2 2, DHGroup14 = DHGroup2048 14, ECP256 19, ECP384 20, DHGroup24 24, None 0.</summary>
    public static int DhGroupOf(string name) => Upper(name) switch
    {
        "NONE" => 0,
        "DHGROUP1" => 1,
        "DHGROUP2" => 2,
        "DHGROUP14" or "DHGROUP2048" => 14,
        "ECP256" => 19,
        "ECP384" => 20,
        "DHGROUP24" => 24,
        var other => throw new FormatException($"'{other}' is not an Azure DH group"),
    };

    /// <summary>Azure PFS group names to IANA numbers: PFS1 1, PFS2 2, PFS2048 = PFS14 14, ECP256 19, ECP384 20,
    /// PFS24 24, None 0.</summary>
    public static int PfsGroupOf(string name) => Upper(name) switch
    {
        "NONE" => 0,
        "PFS1" => 1,
        "PFS2" => 2,
        "PFS2048" or "PFS14" => 14,
        "ECP256" => 19,
        "ECP384" => 20,
        "PFS24" => 24,
        var other => throw new FormatException($"'{other}' is not an Azure PFS group"),
    };

    public static string DhName(int group) => group switch
    {
        0 => "no DH",
        1 => "DHGroup1",
        2 => "DHGroup2",
        14 => "DHGroup14",
        19 => "ECP256",
        20 => "ECP384",
        24 => "DHGroup24",
        _ => "DH group " + group.ToString(CultureInfo.InvariantCulture),
    };

    public static string PfsName(int group) => group switch
    {
        AnyPfs => "any PFS",
        0 => "no PFS",
        1 => "PFS1",
        2 => "PFS2",
        14 => "PFS2048",
        19 => "ECP256",
        20 => "ECP384",
        24 => "PFS24",
        _ => "PFS group " + group.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A Cisco IKEv2 proposal's encryption keyword in Azure's vocabulary.</summary>
    public static string FromCiscoIkeEncryption(string s) => s.ToLowerInvariant() switch
    {
        "aes-cbc-256" => "AES256",
        "aes-cbc-192" => "AES192",
        "aes-cbc-128" => "AES128",
        "aes-gcm-256" => "GCMAES256",
        "aes-gcm-128" => "GCMAES128",
        "3des" => "DES3",
        "des" => "DES",
        var other => other.ToUpperInvariant(),
    };

    /// <summary>A Cisco IKEv2 integrity / PRF keyword in Azure's vocabulary (sha1 -> SHA1 ...).</summary>
    public static string FromCiscoIntegrity(string s) => s.ToUpperInvariant();

    /// <summary>A Cisco ESP encryption transform ("esp-aes 256", "esp-gcm", "esp-3des") in Azure's vocabulary; null
    /// for transforms that are not ESP encryption.</summary>
    public static string? FromCiscoEspEncryption(string transform)
    {
        var parts = transform.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var bits = parts.Length > 1 ? parts[1] : "128";
        return parts[0] switch
        {
            "esp-aes" => "AES" + bits,
            "esp-gcm" => "GCMAES" + bits,
            "esp-3des" => "DES3",
            "esp-des" => "DES",
            "esp-null" => "NONE",
            _ => null,
        };
    }

    /// <summary>A Cisco ESP integrity transform (esp-sha256-hmac ...) in Azure's vocabulary; null otherwise.</summary>
    public static string? FromCiscoEspIntegrity(string transform) => transform.ToLowerInvariant() switch
    {
        "esp-sha-hmac" => "SHA1",
        "esp-sha256-hmac" => "SHA256",
        "esp-sha384-hmac" => "SHA384",
        "esp-sha512-hmac" => "SHA512",
        "esp-md5-hmac" => "MD5",
        _ => null,
    };

    /// <summary>Every IKE combination a Cisco IKEv2 proposal allows. GCM encryption carries no integrity: the PRF
    /// stands in its place (Azure's IKE integrity doubles as the PRF). With a non-GCM cipher and an explicit PRF
    /// list, only combinations whose integrity is also an allowed PRF remain (NetTwin assumes Azure uses the PRF of
    /// its integrity algorithm: <b>unverified</b>).</summary>
    public static IEnumerable<IkeAlgorithms> Expand(Ikev2Proposal p)
    {
        foreach (var encRaw in p.Encryption)
        {
            var enc = FromCiscoIkeEncryption(encRaw);
            var gcm = enc.StartsWith("GCM", StringComparison.Ordinal);
            var integrities = gcm
                ? (p.Prf.IsEmpty ? p.Integrity : p.Prf).Select(FromCiscoIntegrity)
                : p.Integrity.Select(FromCiscoIntegrity)
                    .Where(i => p.Prf.IsEmpty || p.Prf.Any(f => string.Equals(f, i, StringComparison.OrdinalIgnoreCase)));
            foreach (var integ in integrities)
                foreach (var g in p.Groups)
                    yield return new IkeAlgorithms(enc, integ, g);
        }
    }

    /// <summary>The ESP combination of a Cisco transform set, or null when it has no ESP encryption.</summary>
    public static (string Encryption, string Integrity)? Expand(IpsecTransformSet t)
    {
        var enc = t.Transforms.Select(FromCiscoEspEncryption).FirstOrDefault(e => e is not null);
        if (enc is null) return null;
        if (enc.StartsWith("GCM", StringComparison.Ordinal)) return (enc, enc);
        var integ = t.Transforms.Select(FromCiscoEspIntegrity).FirstOrDefault(i => i is not null);
        return (enc, integ ?? "NONE");
    }

    internal static bool Matches(EspAlgorithms offer, EspAlgorithms accept) =>
        offer.Encryption == accept.Encryption && offer.Integrity == accept.Integrity
        && (accept.PfsGroup == AnyPfs || offer.PfsGroup == AnyPfs || offer.PfsGroup == accept.PfsGroup);

    /// <summary>The responder picks the first of the initiator's offers it accepts; when none, a sentence naming the
    /// dimensions with nothing in common (or that no single combination matches).</summary>
    internal static (IkeAlgorithms? Chosen, string Difference) Choose(IReadOnlyList<IkeAlgorithms> offers, IReadOnlyList<IkeAlgorithms> accepts)
    {
        var chosen = offers.FirstOrDefault(accepts.Contains);
        if (chosen is not null) return (chosen, "");
        var diffs = new List<string>();
        Dimension(diffs, "encryption", offers.Select(o => o.Encryption), accepts.Select(a => a.Encryption));
        Dimension(diffs, "integrity", offers.Select(o => o.Integrity), accepts.Select(a => a.Integrity));
        Dimension(diffs, "DH group", offers.Select(o => DhName(o.DhGroup)), accepts.Select(a => DhName(a.DhGroup)));
        return (null, diffs.Count > 0 ? string.Join("; ", diffs) : "each algorithm is allowed on both sides, but no single combination of them is");
    }

    /// <inheritdoc cref="Choose(IReadOnlyList{IkeAlgorithms}, IReadOnlyList{IkeAlgorithms})"/>
    internal static (EspAlgorithms? Chosen, string Difference) Choose(IReadOnlyList<EspAlgorithms> offers, IReadOnlyList<EspAlgorithms> accepts)
    {
        foreach (var o in offers)
            foreach (var a in accepts)
                if (Matches(o, a)) return (o.PfsGroup == AnyPfs ? o with { PfsGroup = a.PfsGroup } : o, "");
        var diffs = new List<string>();
        Dimension(diffs, "ESP encryption", offers.Select(o => o.Encryption), accepts.Select(a => a.Encryption));
        Dimension(diffs, "ESP integrity", offers.Select(o => o.Integrity), accepts.Select(a => a.Integrity));
        if (!offers.Any(o => o.PfsGroup == AnyPfs) && !accepts.Any(a => a.PfsGroup == AnyPfs))
            Dimension(diffs, "PFS group", offers.Select(o => PfsName(o.PfsGroup)), accepts.Select(a => PfsName(a.PfsGroup)));
        if (diffs.Count == 0)
        {
            // Every dimension overlaps: say which combinations the responder would have taken.
            var pairs = offers.Select(o => (o.Encryption, o.Integrity)).Intersect(accepts.Select(a => (a.Encryption, a.Integrity))).ToList();
            if (pairs.Count > 0)
            {
                var (e, i) = pairs[0];
                var offered = offers.Where(o => o.Encryption == e && o.Integrity == i).Select(o => PfsName(o.PfsGroup)).Distinct();
                var accepted = accepts.Where(a => a.Encryption == e && a.Integrity == i).Select(a => PfsName(a.PfsGroup)).Distinct();
                diffs.Add($"PFS group for {e}/{i}: offered {string.Join(", ", offered)}, accepted {string.Join(", ", accepted)}");
            }
        }
        return (null, diffs.Count > 0 ? string.Join("; ", diffs) : "each algorithm is allowed on both sides, but no single combination of them is");
    }

    private static void Dimension(List<string> diffs, string what, IEnumerable<string> offered, IEnumerable<string> accepted)
    {
        var o = offered.Distinct().ToList();
        var a = accepted.Distinct().ToList();
        if (!o.Intersect(a).Any())
            diffs.Add($"{what}: offered {string.Join(", ", o)}; accepted {string.Join(", ", a)}");
    }

    private static string Upper(string s) => s.Trim().ToUpperInvariant();
}
