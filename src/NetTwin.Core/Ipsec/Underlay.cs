using NetTwin.Model;

namespace NetTwin.Ipsec;

/// <summary>Which way an underlay question goes: from the Azure gateway instance to the peer's address, or back.</summary>
public enum UnderlayDirection { AzureToPeer, PeerToAzure }

/// <summary>How the underlay packet travels.</summary>
public enum UnderlayPath
{
    /// <summary>Over the internet (public addresses on both ends).</summary>
    Internet,
    /// <summary>Over ExpressRoute private peering (VPN over ExpressRoute, useLocalAzureIpAddress).</summary>
    ExpressRoute,
    /// <summary>Through an IPsec tunnel (<see cref="UnderlayAnswer.Via"/> names the connection).</summary>
    VpnTunnel,
    /// <summary>Inside one network (same VNet, or both ends on a directly connected link).</summary>
    Direct,
    /// <summary>Not reachable.</summary>
    None,
}

/// <summary>An underlay question for the reachability oracle: can <see cref="Source"/> reach
/// <see cref="Destination"/>, with this tunnel's own routes installed (<see cref="TunnelUp"/> true: the routes learned
/// or injected because the tunnel is up, e.g. BGP over it) or not.</summary>
/// <param name="Connection">The connection whose tunnel is evaluated.</param>
/// <param name="Instance">The gateway instance (0, or 1 for the second instance of an active-active gateway).</param>
/// <param name="Gateway">The Azure gateway of the connection.</param>
/// <param name="Peer">The peer: an on-premises device name, an Azure gateway name, or null when no modelled node owns
/// the peer address.</param>
/// <param name="Direction">Azure to peer (source = the gateway instance's address) or peer to Azure.</param>
/// <param name="Source">Where the IKE/ESP packets start.</param>
/// <param name="Destination">Where they go.</param>
/// <param name="UseLocalAzureIpAddress">The connection uses the gateway's private IP (expected over ExpressRoute).</param>
/// <param name="TunnelUp">Evaluate with the tunnel up (its own routes present) or down.</param>
public sealed record UnderlayQuery(
    string Connection,
    int Instance,
    string Gateway,
    string? Peer,
    UnderlayDirection Direction,
    Ipv4 Source,
    Ipv4 Destination,
    bool UseLocalAzureIpAddress,
    bool TunnelUp);

/// <summary>The oracle's answer: reachable or not, over which path, through which connection or circuit
/// (<see cref="Via"/>, and <see cref="ViaInstance"/> for a tunnel), and a sentence saying why (the route used).</summary>
public sealed record UnderlayAnswer(bool Reachable, UnderlayPath Path, string? Via, string Detail, int? ViaInstance = null)
{
    public static UnderlayAnswer Unreachable(string detail) => new(false, UnderlayPath.None, null, detail);

    /// <summary>True when the packet would run through the very tunnel it carries.</summary>
    public bool ThroughTunnel(string connection, int instance) =>
        Reachable && Path == UnderlayPath.VpnTunnel && Via == connection && (ViaInstance is null || ViaInstance == instance);
}

/// <summary>Answers underlay reachability questions. The routing engine provides the real one; tests and the
/// stand-alone tunnel question use <see cref="Underlay.PublicInternet"/> or a fake.</summary>
public delegate UnderlayAnswer UnderlayOracle(UnderlayQuery query);

/// <summary>The outcome of the underlay check of one tunnel.</summary>
/// <param name="Reachable">Both directions reachable with the tunnel down (it can come up).</param>
/// <param name="Recursive">With the tunnel up, one direction runs through the tunnel itself: the tunnel comes up,
/// its underlay moves into it, it goes down, the underlay falls back, and so on.</param>
/// <param name="Explanation">One sentence per direction and state.</param>
public sealed record UnderlayVerdict(
    bool Reachable,
    bool Recursive,
    UnderlayAnswer AzureToPeer,
    UnderlayAnswer PeerToAzure,
    UnderlayAnswer? AzureToPeerTunnelUp,
    UnderlayAnswer? PeerToAzureTunnelUp,
    string Explanation);

/// <summary>The underlay check (reachability of the peer's address, and recursion through the tunnel itself).</summary>
public static class Underlay
{
    /// <summary>A stand-alone oracle for when no routing engine is wired in: public addresses reach each other over
    /// the internet; a private, shared (RFC 6598), loopback or link-local address needs the routing engine and is
    /// reported unreachable with that reason.</summary>
    public static readonly UnderlayOracle PublicInternet = q =>
        IsPublic(q.Source) && IsPublic(q.Destination)
            ? new UnderlayAnswer(true, UnderlayPath.Internet, null, $"{q.Source} -> {q.Destination} over the internet (both public)")
            : UnderlayAnswer.Unreachable(
                $"{q.Source} -> {q.Destination}: {(IsPublic(q.Source) ? q.Destination : q.Source)} is not a public address and no routing engine answers for private underlays");

    /// <summary>Not RFC 1918, RFC 6598, loopback, link-local, multicast or reserved.</summary>
    public static bool IsPublic(Ipv4 ip) => AddressRanges.IsPublic(ip);

    /// <summary>Asks the oracle both directions with the tunnel down (can it come up?) and, when reachable, with the
    /// tunnel up (does the underlay then move into the tunnel itself?).</summary>
    public static UnderlayVerdict Check(
        UnderlayOracle oracle, string connection, int instance, string gateway, string? peer,
        Ipv4 azureAddress, Ipv4 peerAddress, bool useLocalAzureIpAddress)
    {
        ArgumentNullException.ThrowIfNull(oracle);
        UnderlayQuery Q(UnderlayDirection d, bool up) => d == UnderlayDirection.AzureToPeer
            ? new(connection, instance, gateway, peer, d, azureAddress, peerAddress, useLocalAzureIpAddress, up)
            : new(connection, instance, gateway, peer, d, peerAddress, azureAddress, useLocalAzureIpAddress, up);

        var outDown = oracle(Q(UnderlayDirection.AzureToPeer, false));
        var backDown = oracle(Q(UnderlayDirection.PeerToAzure, false));
        var who = peer ?? peerAddress.ToString();
        if (!outDown.Reachable || !backDown.Reachable)
        {
            var why = string.Join("; ", new[] { outDown, backDown }.Where(a => !a.Reachable).Select(a => a.Detail));
            return new UnderlayVerdict(false, false, outDown, backDown, null, null,
                $"the underlay between {gateway} ({azureAddress}) and {who} ({peerAddress}) is not reachable: {why}");
        }
        var outUp = oracle(Q(UnderlayDirection.AzureToPeer, true));
        var backUp = oracle(Q(UnderlayDirection.PeerToAzure, true));
        var looping = new[] { (outUp, $"{gateway} -> {peerAddress}"), (backUp, $"{who} -> {azureAddress}") }
            .Where(x => x.Item1.ThroughTunnel(connection, instance)).ToList();
        if (looping.Count > 0)
        {
            var path = PathName(outDown.Path == UnderlayPath.Internet && backDown.Path == UnderlayPath.Internet ? UnderlayPath.Internet
                : outDown.Path == UnderlayPath.ExpressRoute || backDown.Path == UnderlayPath.ExpressRoute ? UnderlayPath.ExpressRoute : outDown.Path);
            var moved = string.Join("; ", looping.Select(l => $"{l.Item2} then goes through the tunnel itself ({l.Item1.Detail})"));
            return new UnderlayVerdict(true, true, outDown, backDown, outUp, backUp,
                $"recursive and unstable: the tunnel comes up over {path} ({outDown.Detail}; {backDown.Detail}), then its underlay moves into it "
                + $"({moved}), then it goes down, then its underlay falls back over {path} and it comes up again, and so on");
        }
        return new UnderlayVerdict(true, false, outDown, backDown, outUp, backUp,
            $"underlay reachable: {outDown.Detail}; {backDown.Detail}");
    }

    internal static string PathName(UnderlayPath p) => p switch
    {
        UnderlayPath.Internet => "the internet",
        UnderlayPath.ExpressRoute => "ExpressRoute",
        UnderlayPath.VpnTunnel => "a VPN tunnel",
        UnderlayPath.Direct => "a direct link",
        _ => "no path",
    };
}
