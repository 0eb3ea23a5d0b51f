using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Routing.Bgp;

internal static class AzureRules
{
    public static Prefix? Containing(ImmutableArray<Prefix> vnetPrefixes, Prefix p) =>
        vnetPrefixes.Where(v => v.Contains(p)).Select(v => (Prefix?)v).FirstOrDefault();

    public static string FilteredText(string gateway, Prefix p, Prefix v) =>
        $"rule B3: {p} is {(v == p ? "equal to" : "inside")} the address space {v} of {gateway}'s VNet or a spoke: Azure filters it (a covering supernet would be accepted)";

    public static bool IsApipa(Ipv4 ip) => (ip.Value >> 16) == ((169u << 8) | 254u);
}

/// <summary>Marks the neighbor statements of the platform's internal sessions.</summary>
internal enum InternalLink { SiblingInstance, MseeToGateway, GatewayToMsee }

/// <summary>What an Azure VPN gateway instance learns and advertises.</summary>
internal sealed class VpnGatewayPolicy(string gateway, ImmutableArray<Prefix> vnetPrefixes) : SpeakerPolicy
{
    /// <summary>Rule I2: learned and local routes show weight 32768 in list-learned-routes.</summary>
    public override int LearnedWeight(Neighbor from) => 32768;

    public override BgpPath? Import(Neighbor from, BgpPath path, out string? reason)
    {
        reason = null;
        if (from.Tag is InternalLink.SiblingInstance) return path;
        // Rule B3 / VPN FAQ: a prefix equal to or inside the VNet's (or a spoke's) address space is filtered;
        // a covering supernet is accepted.
        if (AzureRules.Containing(vnetPrefixes, path.Prefix) is { } v)
        {
            reason = AzureRules.FilteredText(gateway, path.Prefix, v);
            return null;
        }
        return path;
    }

    public override BgpPath? Export(Neighbor to, BgpPath best, out string? reason)
    {
        reason = null;
        if (to.Tag is InternalLink.SiblingInstance)
        {
            // The other instance originates the same local routes; share what was learned from outside.
            if (best.Source == BgpPathSource.Ebgp) return best;
            reason = best.Source == BgpPathSource.Local ? "local route: the other instance originates it too" : "learned from the other instance";
            return null;
        }
        if (best.Source == BgpPathSource.Local) return best; // rule D5: VNet (and spoke) prefixes, connected site prefixes
        // Rule D5 / B6: routes learned from other BGP sessions, except default routes and VNet-overlapping ones.
        if (best.Prefix.Length == 0)
        {
            reason = "rule D5: an Azure VPN gateway never re-advertises a default route";
            return null;
        }
        if (vnetPrefixes.Where(v => v.Overlaps(best.Prefix)).Select(v => (Prefix?)v).FirstOrDefault() is { } o)
        {
            reason = $"rule D5: {best.Prefix} overlaps the VNet prefix {o}: not re-advertised";
            return null;
        }
        return best;
    }
}

/// <summary>What an Azure ExpressRoute gateway learns and advertises.</summary>
internal sealed class ExpressRouteGatewayPolicy(string gateway, ImmutableArray<Prefix> vnetPrefixes) : SpeakerPolicy
{
    /// <summary>Rule B5: connection routing weight is compared before AS-path length; the displayed base is 32768.</summary>
    public override int LearnedWeight(Neighbor from) => 32768 + (from.Tag is Connection c ? c.RoutingWeight : 0);

    public override BgpPath? Import(Neighbor from, BgpPath path, out string? reason)
    {
        reason = null;
        if (AzureRules.Containing(vnetPrefixes, path.Prefix) is { } v)
        {
            reason = AzureRules.FilteredText(gateway, path.Prefix, v);
            return null;
        }
        return path with
        {
            PolicyNote = from.Tag is Connection { RoutingWeight: > 0 } c ? $"connection {c.Name} routingWeight {c.RoutingWeight}" : null,
        };
    }

    public override BgpPath? Export(Neighbor to, BgpPath best, out string? reason)
    {
        reason = null;
        if (best.Source == BgpPathSource.Local) return best;
        reason = "rules D5/D8: an ExpressRoute gateway advertises only its VNet's and spokes' prefixes (no transit between circuits or to VPN sites without Route Server)";
        return null;
    }
}

/// <summary>The Microsoft edge routers of a circuit (ASN 12076).</summary>
internal sealed class MseePolicy : SpeakerPolicy
{
    /// <summary>Towards ExpressRoute gateways the MSEE overrides the gateway ASN (as-override), so VNets linked to
    /// the same circuit learn each other's prefixes despite sharing ASN 65515.</summary>
    public override ImmutableArray<long> RewriteOutgoingAsPath(Neighbor to, ImmutableArray<long> asPath)
    {
        if (to.Tag is not InternalLink.MseeToGateway || to.Partner is null) return asPath;
        var peerAsn = to.Partner.Owner.Asn;
        return asPath.Contains(peerAsn) ? [.. asPath.Select(a => a == peerAsn ? ExpressRouteCircuit.MicrosoftAsn : a)] : asPath;
    }
}

/// <summary>On-premises as a circuit's peerAdvertisedRoutes describe it: the paths carry their whole AS path.</summary>
internal sealed class CustomerEdgePolicy : SpeakerPolicy
{
    public override bool PrependOwnAsn => false;
}

/// <summary>A device declared in YAML: accepts everything, advertises its address prefixes.</summary>
internal sealed class OpenPolicy : SpeakerPolicy
{
    public static readonly OpenPolicy Instance = new();
}
