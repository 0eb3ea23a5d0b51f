using NetTwin.Validation;
using static NetTwin.Tests.Validation.Topo;

namespace NetTwin.Tests.Validation;

public class IpsecPolicyRulesTests
{
    private static IReadOnlyList<Finding> WithPolicies(string policies, string sku = "VpnGw1") =>
        Validate(Hub(), Gw("gw", "hub", sku: sku), Lng("site", "203.0.113.1", "192.168.1.0/24"),
            S2s("c", "gw", "site", $", ipsecPolicies: [{policies}]"));

    private static string Policy(string replace = "", string with = "") =>
        "{ " + (replace.Length == 0 ? Topo.Policy : Topo.Policy.Replace(replace, with, StringComparison.Ordinal)) + " }";

    [Fact]
    public void Valid_custom_policy_passes()
    {
        Assert.Empty(WithPolicies(Policy()));
    }

    [Fact]
    public void Unsupported_DH_group_is_refused()
    {
        var f = WithPolicies(Policy("dhGroup: DHGroup14", "dhGroup: DHGroup5"));
        Expect(f, IpsecPolicyRules.IpsecPolicyValueNotSupported, "connections/c",
            "Connection c: dhGroup 'DHGroup5' is not supported in a custom IPsec/IKE policy; supported values: DHGroup24, ECP384, ECP256, "
            + "DHGroup14, DHGroup2048, DHGroup2, DHGroup1, None.");
    }

    [Theory]
    [InlineData("ikeEncryption: AES256", "ikeEncryption: DES3")]   // DES3 is an IPsec cipher, not an IKE one
    [InlineData("ikeIntegrity: SHA256", "ikeIntegrity: GCMAES256")]
    [InlineData("pfsGroup: PFS2048", "pfsGroup: DHGroup14")]
    [InlineData("ipsecIntegrity: SHA256", "ipsecIntegrity: SHA384")]
    public void Each_field_is_checked_against_its_own_list(string replace, string with)
    {
        One(WithPolicies(Policy(replace, with)), IpsecPolicyRules.IpsecPolicyValueNotSupported);
    }

    [Theory]
    [InlineData("pfsGroup: PFS2048", "pfsGroup: PFS14")]   // accepted by the API enum (E7)
    [InlineData("pfsGroup: PFS2048", "pfsGroup: None")]
    [InlineData("dhGroup: DHGroup14", "dhGroup: ECP384")]
    public void Documented_and_API_values_pass(string replace, string with)
    {
        None(WithPolicies(Policy(replace, with)), IpsecPolicyRules.IpsecPolicyValueNotSupported);
    }

    [Fact]
    public void GCMAES_encryption_without_the_same_GCMAES_integrity_is_refused()
    {
        var f = WithPolicies(Policy("ipsecEncryption: AES256", "ipsecEncryption: GCMAES256"));
        Expect(f, IpsecPolicyRules.GcmAesIntegrityMismatch, "connections/c",
            "Connection c uses IPsec encryption GCMAES256 with IPsec integrity SHA256: if GCMAES is used for IPsec encryption, you must select "
            + "the same GCMAES algorithm and key length for IPsec integrity.");
    }

    [Fact]
    public void GCMAES_key_length_mismatch_is_refused()
    {
        var f = WithPolicies(Policy("ipsecEncryption: AES256, ipsecIntegrity: SHA256", "ipsecEncryption: GCMAES256, ipsecIntegrity: GCMAES128"));
        One(f, IpsecPolicyRules.GcmAesIntegrityMismatch);
    }

    [Fact]
    public void Same_GCMAES_for_encryption_and_integrity_passes()
    {
        var f = WithPolicies(Policy("ipsecEncryption: AES256, ipsecIntegrity: SHA256", "ipsecEncryption: GCMAES128, ipsecIntegrity: GCMAES128"));
        None(f, IpsecPolicyRules.GcmAesIntegrityMismatch);
        Assert.Empty(f);
    }

    [Fact]
    public void SA_lifetime_below_300_seconds_is_refused()
    {
        var f = WithPolicies(Policy("saLifeTimeSeconds: 27000", "saLifeTimeSeconds: 299"));
        Expect(f, IpsecPolicyRules.IpsecSaLifetimeTooLow, "connections/c",
            "Connection c: saLifeTimeSeconds is 299, below the minimum of 300 seconds for the quick mode SA lifetime of a custom IPsec/IKE policy.");
    }

    [Fact]
    public void SA_data_size_below_1024_KB_is_refused()
    {
        var f = WithPolicies(Policy("saDataSizeKilobytes: 102400000", "saDataSizeKilobytes: 1023"));
        Expect(f, IpsecPolicyRules.IpsecSaLifetimeTooLow, "connections/c",
            "Connection c: saDataSizeKilobytes is 1023, below the minimum of 1,024 KB for the quick mode SA lifetime of a custom IPsec/IKE policy.");
    }

    [Fact]
    public void Minimum_lifetimes_pass()
    {
        var f = WithPolicies(Policy("saLifeTimeSeconds: 27000, saDataSizeKilobytes: 102400000", "saLifeTimeSeconds: 300, saDataSizeKilobytes: 1024"));
        None(f, IpsecPolicyRules.IpsecSaLifetimeTooLow);
        None(f, IpsecPolicyRules.MultipleIpsecPolicies);
        Assert.Empty(f);
    }

    [Fact]
    public void Two_policies_on_one_connection_are_refused()
    {
        var f = WithPolicies(Policy() + ", " + Policy());
        Expect(f, IpsecPolicyRules.MultipleIpsecPolicies, "connections/c",
            "Connection c has 2 IPsec/IKE policies: you can only specify one policy combination for a given connection.");
    }

    [Fact]
    public void Custom_policy_on_a_Basic_gateway_is_refused()
    {
        var f = WithPolicies(Policy(), sku: "Basic");
        Expect(f, IpsecPolicyRules.IpsecPolicyOnBasic, "connections/c",
            "Connection c has a custom IPsec/IKE policy, but gateway gw uses the Basic SKU: custom IPsec/IKE policies only work on "
            + "VpnGw1~5, VpnGw1AZ~5AZ, Standard and HighPerformance gateways.");
    }

    [Fact]
    public void Basic_gateway_without_a_custom_policy_passes()
    {
        var f = Validate(Hub(), Gw("gw", "hub", sku: "Basic"), Lng("site", "203.0.113.1", "192.168.1.0/24"), S2s("c", "gw", "site"));
        None(f, IpsecPolicyRules.IpsecPolicyOnBasic);
        Assert.Empty(f);
    }
}
