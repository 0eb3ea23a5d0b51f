using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>Custom IPsec/IKE policies on connections (spec E7; values as listed on ipsec-ike-policy-howto).</summary>
public static class IpsecPolicyRules
{
    public static readonly RuleDescriptor IpsecPolicyValueNotSupported = new(
        "NT-IPSEC-001", "IPsec/IKE policy value not supported", Severity.Error, "E7", Learn.IkePolicy,
        "Connection {0}: {1} '{2}' is not supported in a custom IPsec/IKE policy; supported values: {3}.");

    public static readonly RuleDescriptor GcmAesIntegrityMismatch = new(
        "NT-IPSEC-002", "GCMAES IPsec encryption without the same GCMAES integrity", Severity.Error, "E7", Learn.IkePolicy,
        "Connection {0} uses IPsec encryption {1} with IPsec integrity {2}: if GCMAES is used for IPsec encryption, "
        + "you must select the same GCMAES algorithm and key length for IPsec integrity.");

    public static readonly RuleDescriptor IpsecSaLifetimeTooLow = new(
        "NT-IPSEC-003", "IPsec SA lifetime below the minimum", Severity.Error, "E7", Learn.IkePolicy,
        "Connection {0}: {1} is {2}, below the minimum of {3} for the quick mode SA lifetime of a custom IPsec/IKE policy.");

    public static readonly RuleDescriptor MultipleIpsecPolicies = new(
        "NT-IPSEC-004", "More than one IPsec/IKE policy on a connection", Severity.Error, "E7", Learn.IkePolicy,
        "Connection {0} has {1} IPsec/IKE policies: you can only specify one policy combination for a given connection.");

    public static readonly RuleDescriptor IpsecPolicyOnBasic = new(
        "NT-IPSEC-005", "Custom IPsec/IKE policy on a Basic SKU gateway", Severity.Error, "E7", Learn.IkePolicy,
        "Connection {0} has a custom IPsec/IKE policy, but gateway {1} uses the Basic SKU: custom IPsec/IKE policies only work on "
        + "VpnGw1~5, VpnGw1AZ~5AZ, Standard and HighPerformance gateways.");

    public static IReadOnlyList<RuleDescriptor> All { get; } =
        [IpsecPolicyValueNotSupported, GcmAesIntegrityMismatch, IpsecSaLifetimeTooLow, MultipleIpsecPolicies, IpsecPolicyOnBasic];

    public static readonly IReadOnlyList<string> IkeEncryption = ["GCMAES256", "GCMAES128", "AES256", "AES192", "AES128"];
    public static readonly IReadOnlyList<string> IkeIntegrity = ["SHA384", "SHA256", "SHA1", "MD5"];
    public static readonly IReadOnlyList<string> DhGroup = ["DHGroup24", "ECP384", "ECP256", "DHGroup14", "DHGroup2048", "DHGroup2", "DHGroup1", "None"];
    public static readonly IReadOnlyList<string> IpsecEncryption = ["GCMAES256", "GCMAES192", "GCMAES128", "AES256", "AES192", "AES128", "DES3", "DES", "None"];
    public static readonly IReadOnlyList<string> IpsecIntegrity = ["GCMAES256", "GCMAES192", "GCMAES128", "SHA256", "SHA1", "MD5"];
    /// <summary>The documented list, plus PFS14 and PFSMM that the API enum also accepts (spec E7).</summary>
    public static readonly IReadOnlyList<string> PfsGroup = ["PFS24", "ECP384", "ECP256", "PFS2048", "PFS2", "PFS1", "None", "PFS14", "PFSMM"];

    public const int MinSaLifeTimeSeconds = 300;
    public const long MinSaDataSizeKilobytes = 1024;

    public static IEnumerable<Finding> Check(Topology t)
    {
        var cmp = StringComparer.OrdinalIgnoreCase;
        foreach (var c in t.Connections.Where(c => c.IpsecPolicies.Length > 0))
        {
            if (c.IpsecPolicies.Length > 1)
                yield return MultipleIpsecPolicies.Create(c, c.Name, c.IpsecPolicies.Length);
            if (t.VirtualNetworkGateway(c.VirtualNetworkGateway1) is { GatewayType: GatewayType.Vpn } g && Skus.IsBasic(g))
                yield return IpsecPolicyOnBasic.Create(c, c.Name, g.Name);

            foreach (var p in c.IpsecPolicies)
            {
                foreach (var (field, value, allowed) in new[]
                {
                    ("ikeEncryption", p.IkeEncryption, IkeEncryption), ("ikeIntegrity", p.IkeIntegrity, IkeIntegrity),
                    ("dhGroup", p.DhGroup, DhGroup), ("ipsecEncryption", p.IpsecEncryption, IpsecEncryption),
                    ("ipsecIntegrity", p.IpsecIntegrity, IpsecIntegrity), ("pfsGroup", p.PfsGroup, PfsGroup),
                })
                {
                    if (!allowed.Contains(value, cmp))
                        yield return IpsecPolicyValueNotSupported.Create(Shared.Address(c), p.Source, c.Name, field, value, string.Join(", ", allowed));
                }

                var gcmEncryption = p.IpsecEncryption.StartsWith("GCMAES", StringComparison.OrdinalIgnoreCase);
                var gcmIntegrity = p.IpsecIntegrity.StartsWith("GCMAES", StringComparison.OrdinalIgnoreCase);
                if ((gcmEncryption || gcmIntegrity) && !cmp.Equals(p.IpsecEncryption, p.IpsecIntegrity))
                    yield return GcmAesIntegrityMismatch.Create(Shared.Address(c), p.Source, c.Name, p.IpsecEncryption, p.IpsecIntegrity);

                if (p.SaLifeTimeSeconds < MinSaLifeTimeSeconds)
                    yield return IpsecSaLifetimeTooLow.Create(Shared.Address(c), p.Source, c.Name, "saLifeTimeSeconds", p.SaLifeTimeSeconds, "300 seconds");
                if (p.SaDataSizeKilobytes < MinSaDataSizeKilobytes)
                    yield return IpsecSaLifetimeTooLow.Create(Shared.Address(c), p.Source, c.Name, "saDataSizeKilobytes", p.SaDataSizeKilobytes, "1,024 KB");
            }
        }
    }
}
