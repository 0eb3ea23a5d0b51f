using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.Questions;

/// <summary>Gateway BGP routes shaped like <c>az network vnet-gateway list-learned-routes</c> and
/// <c>list-advertised-routes</c> (rule I2).</summary>
public sealed record GatewayRouteView(string LocalAddress, string Network, string? NextHop, string? SourcePeer, string Origin, string AsPath, int Weight);

/// <summary>A BGP neighbor shaped like <c>list-bgp-peer-status</c>, plus the reason when not Connected.
/// A twin has no uptime or message counters: those are null.</summary>
public sealed record PeerStatusView(string Speaker, string? LocalAddress, string Neighbor, long? Asn, string State,
    string? ConnectedDuration, int RoutesReceived, long? MessagesSent, long? MessagesReceived, string? Reason);

/// <summary>One path of an on-premises router's BGP table, as <c>show ip bgp</c> lists it.</summary>
public sealed record DevicePathView(string Status, string Network, string NextHop, long Metric, long LocalPreference, int Weight,
    string AsPath, string Path, bool Best, string? NotBestReason);

public sealed record DeviceBgpView(string Device, long? LocalAs, string? RouterId, IReadOnlyList<DevicePathView> Paths, IReadOnlyList<PeerStatusView> Neighbors);

public static class BgpQuestion
{
    public static IReadOnlyList<GatewayRouteView> Learned(ControlPlane cp, string gateway) =>
        cp.Bgp.LearnedRoutes(gateway).Select(View).ToList();

    /// <summary>What the gateway advertises to one BGP peer, or to each of its neighbors when no peer is given.</summary>
    public static IReadOnlyList<(string Peer, IReadOnlyList<GatewayRouteView> Routes)> Advertised(ControlPlane cp, string gateway, Ipv4? peer)
    {
        var peers = peer is { } p ? [p] : cp.Bgp.PeerStatus(gateway).Select(s => s.Neighbor).Distinct().Order().ToList();
        return peers.Select(x => (x.ToString(), (IReadOnlyList<GatewayRouteView>)cp.Bgp.AdvertisedRoutes(gateway, x).Select(View).ToList())).ToList();
    }

    /// <summary>Every session of one gateway, or of every gateway, device and circuit when none is named.</summary>
    public static IReadOnlyList<PeerStatusView> Peers(ControlPlane cp, string? gateway)
    {
        var rows = new List<PeerStatusView>();
        var gateways = gateway is not null ? [gateway]
            : cp.Topology.VirtualNetworkGateways.Select(g => g.Name).Order(StringComparer.Ordinal).ToList();
        foreach (var g in gateways)
            rows.AddRange(cp.Bgp.PeerStatus(g).Select(s => Peer(g, s)));
        if (gateway is null)
            foreach (var d in cp.Topology.OnPremisesDevices.OrderBy(d => d.Name, StringComparer.Ordinal))
                rows.AddRange(cp.Bgp.NeighborsOf(d.Name).Select(s => Peer(d.Name, s)));
        return rows;
    }

    public static DeviceBgpView Device(ControlPlane cp, string device)
    {
        var speaker = cp.Bgp.Speaker(device);
        var paths = cp.Bgp.DeviceTable(device).OrderBy(r => r.Network).ThenByDescending(r => r.Best).ThenBy(r => r.NextHop)
            .Select(r => new DevicePathView(r.Status, r.Network.ToString(), r.NextHop.ToString(), r.Metric, r.LocalPreference, r.Weight,
                string.Join(" ", r.AsPath), r.Path, r.Best, r.NotBestReason)).ToList();
        return new DeviceBgpView(device, speaker?.Asn, speaker?.RouterId.ToString(), paths,
            cp.Bgp.NeighborsOf(device).Select(s => Peer(device, s)).ToList());
    }

    private static GatewayRouteView View(Routing.GatewayBgpRoute r) =>
        new(r.LocalAddress.ToString(), r.Network.ToString(), r.NextHop?.ToString(), r.SourcePeer?.ToString(), r.Origin, r.AsPath, r.Weight);

    private static PeerStatusView Peer(string speaker, Routing.BgpPeerStatus s) =>
        new(speaker, s.LocalAddress?.ToString(), s.Neighbor.ToString(), s.Asn, s.State.ToString(), s.ConnectedDuration, s.RoutesReceived, null, null, s.Reason);
}

/// <summary><c>nettwin next-hop</c>: like <c>az network watcher show-next-hop</c> (rule I3).</summary>
public sealed record NextHopView(string? NextHopIpAddress, string NextHopType, string RouteTableId, string? Subnet, string? Explanation);

public static class NextHopQuestion
{
    public static NextHopView? Ask(ControlPlane cp, Ipv4 source, Ipv4 destination)
    {
        var r = cp.NextHop(source, destination);
        if (r.SubnetId is null) return null;
        return new NextHopView(r.NextHopIpAddress?.ToString(), r.NextHopType.ToString(), r.RouteTableId, r.SubnetId,
            r.Route?.Explanation ?? "no route matches: the packet is dropped (rule B1)");
    }
}
