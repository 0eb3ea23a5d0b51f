using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>BGP ORIGIN attribute.</summary>
public enum BgpOrigin { Igp, Egp, Incomplete }

/// <summary>What a BGP speaker stands for.</summary>
public enum BgpSpeakerKind
{
    /// <summary>One instance of an Azure VPN gateway (two speakers when active-active, rule D3).</summary>
    VpnGateway,
    /// <summary>An Azure ExpressRoute gateway.</summary>
    ExpressRouteGateway,
    /// <summary>The Microsoft edge (MSEE) of an ExpressRoute circuit, ASN 12076 (rule D7).</summary>
    MicrosoftEdge,
    /// <summary>On-premises as described by a circuit's peerAdvertisedRoutes when no router is modelled.</summary>
    CustomerEdge,
    /// <summary>An on-premises router or device.</summary>
    Router,
}

/// <summary>State of a BGP session, named as list-bgp-peer-status names them (I2).</summary>
public enum BgpSessionState
{
    /// <summary>Established: routes are exchanged.</summary>
    Connected,
    /// <summary>Configured but the other end does not answer or does not agree.</summary>
    Connecting,
    /// <summary>Not tried: the connection, instance or neighbor is down or failed.</summary>
    Idle,
}

/// <summary>How a speaker holds a path.</summary>
public enum BgpPathSource
{
    /// <summary>Originated by the speaker itself (VNet prefix, site prefix, network statement...).</summary>
    Local,
    Ebgp,
    Ibgp,
}

/// <summary>One BGP path as a speaker holds it.</summary>
/// <param name="Prefix">The network.</param>
/// <param name="NextHop">The next hop (0.0.0.0 for a router's own networks).</param>
/// <param name="AsPath">The AS path, nearest AS first.</param>
/// <param name="Origin">ORIGIN.</param>
/// <param name="Med">MULTI_EXIT_DISC.</param>
/// <param name="LocalPreference">LOCAL_PREF (100 unless policy sets it).</param>
/// <param name="Weight">Weight, local to the speaker.</param>
/// <param name="Source">Local, eBGP or iBGP.</param>
/// <param name="PeerAddress">The neighbor it came from (null for local paths).</param>
/// <param name="PeerRouterId">The router id of that neighbor (the speaker's own for local paths).</param>
/// <param name="Description">What the path stands for: "VNet address space", "local network gateway site1", ...</param>
public sealed record BgpPath(
    Prefix Prefix,
    Ipv4 NextHop,
    ImmutableArray<long> AsPath,
    BgpOrigin Origin,
    long Med,
    long LocalPreference,
    int Weight,
    BgpPathSource Source,
    Ipv4? PeerAddress,
    Ipv4 PeerRouterId,
    string Description)
{
    public const long DefaultLocalPreference = 100;

    /// <summary>Policy applied on the way in (route-map sequence, weight...), for the explanation.</summary>
    public string? PolicyNote { get; init; }

    /// <summary>The AS path as Azure prints it ("65020-65010"); empty for a local path.</summary>
    public string AsPathText => string.Join("-", AsPath);

    /// <summary>The path as <c>show ip bgp</c> prints it: ASNs then the origin code.</summary>
    public string IosPathText => string.Join(" ", AsPath.Select(a => a.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .Append(Origin switch { BgpOrigin.Igp => "i", BgpOrigin.Egp => "e", _ => "?" }));

    internal bool SameAs(BgpPath? o) =>
        o is not null && Prefix == o.Prefix && NextHop == o.NextHop && AsPath.SequenceEqual(o.AsPath) && Origin == o.Origin
        && Med == o.Med && LocalPreference == o.LocalPreference && Weight == o.Weight && Source == o.Source
        && PeerAddress == o.PeerAddress && PeerRouterId == o.PeerRouterId;
}

/// <summary>One path of a RIB entry: best or not, and why not (FRR's bestpath reasons: "Weight",
/// "Local Pref", "Local Route", "AS Path", "ORIGIN", "MED", "Peer Type", "Router ID", "Neighbor IP").</summary>
public sealed record BgpCandidate(BgpPath Path, bool Best, string? NotBestReason);

/// <summary>All paths a speaker holds for one prefix, best first.</summary>
public sealed record BgpRibEntry(Prefix Prefix, ImmutableArray<BgpCandidate> Paths)
{
    public BgpPath? Best => Paths.FirstOrDefault(p => p.Best)?.Path;
}

/// <summary>One end of a BGP session.</summary>
/// <param name="Speaker">The speaker id ("vpngateway#0", "R1", "er-circuit (MSEE)").</param>
/// <param name="Name">The resource: gateway, device or circuit name.</param>
/// <param name="Address">The address this end speaks from, when known.</param>
/// <param name="Asn">This end's ASN.</param>
/// <param name="PeerAddress">The neighbor address this end is configured with.</param>
/// <param name="PeerAsn">The remote ASN this end expects.</param>
/// <param name="Via">What configures the session on this end (connection, neighbor line...).</param>
public sealed record BgpSessionEnd(string Speaker, string Name, Ipv4? Address, long Asn, Ipv4 PeerAddress, long? PeerAsn, string Via);

/// <summary>A BGP session between two speakers, or a neighbor configuration that found no partner
/// (Remote null). Up only when both ends agree; otherwise the reason says why not.</summary>
public sealed record BgpSession(BgpSessionEnd Local, BgpSessionEnd? Remote, BgpSessionState State, string? Reason, bool IsEbgp)
{
    /// <summary>Prefixes Local accepted from Remote, and Remote from Local.</summary>
    public int PrefixesReceived { get; init; }
    public int PrefixesSent { get; init; }
}

/// <summary>A row of <c>az network vnet-gateway list-learned-routes</c> / <c>list-advertised-routes</c> (I2).</summary>
public sealed record GatewayBgpRoute(Ipv4 LocalAddress, Prefix Network, Ipv4? NextHop, Ipv4? SourcePeer, string Origin, string AsPath, int Weight);

/// <summary>A row of <c>az network vnet-gateway list-bgp-peer-status</c> (I2), with the reason when not Connected.</summary>
public sealed record BgpPeerStatus(Ipv4? LocalAddress, Ipv4 Neighbor, long? Asn, BgpSessionState State, int RoutesReceived, string? Reason)
{
    /// <summary>Not simulated: a twin has no uptime.</summary>
    public string? ConnectedDuration => null;
}

/// <summary>A row of <c>show ip bgp</c>: one path, the best one marked.</summary>
public sealed record DeviceBgpRow(Prefix Network, Ipv4 NextHop, long Metric, long LocalPreference, int Weight, ImmutableArray<long> AsPath, BgpOrigin Origin, bool Best, string? NotBestReason)
{
    /// <summary>The AS path with the origin code, as IOS prints it ("65515 i").</summary>
    public string Path => string.Join(" ", AsPath.Select(a => a.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .Append(Origin switch { BgpOrigin.Igp => "i", BgpOrigin.Egp => "e", _ => "?" }));
    /// <summary>IOS status codes: "*>" best, "*" valid.</summary>
    public string Status => Best ? "*>" : "*";
}

/// <summary>Something the control plane wants the user to know: a rule applied with an unverified
/// assumption, a configuration line that does nothing, a session limit...</summary>
public sealed record RoutingNote(string Rule, string Subject, string Message, SourceRef? Source = null)
{
    public override string ToString() => $"[{Rule}] {Subject}: {Message}";
}
