using System.Collections.Immutable;
using System.Globalization;
using NetTwin.Model;

namespace NetTwin.Routing.Bgp;

/// <summary>Route maps and prefix lists of an IOS neighbor, applied the IOS way.</summary>
internal sealed class IosPolicy(DeviceConfig config) : SpeakerPolicy
{
    public override int LearnedWeight(Neighbor from) => (from.Tag as BgpNeighbor)?.Weight ?? 0;

    public override bool NextHopSelf(Neighbor to) => to.Tag is BgpNeighbor { NextHopSelf: true };

    public override BgpPath? Import(Neighbor from, BgpPath path, out string? reason)
    {
        reason = null;
        if (from.Tag is not BgpNeighbor n) return path;
        if (n.PrefixListIn is { } pl && !config.PrefixListPermits(pl, path.Prefix))
        {
            reason = $"denied by prefix-list {pl} in";
            return null;
        }
        if (n.RouteMapIn is null) return path;
        var result = config.EvaluateRouteMap(n.RouteMapIn, Attributes(path));
        if (!result.Permitted)
        {
            reason = Denied(n.RouteMapIn, "in", result);
            return null;
        }
        return Apply(path, result.Route) with { PolicyNote = Applied(n.RouteMapIn, "in", result) };
    }

    public override BgpPath? Export(Neighbor to, BgpPath best, out string? reason)
    {
        reason = null;
        if (to.Tag is not BgpNeighbor n) return best;
        if (n.PrefixListOut is { } pl && !config.PrefixListPermits(pl, best.Prefix))
        {
            reason = $"denied by prefix-list {pl} out";
            return null;
        }
        if (n.RouteMapOut is null) return best;
        var result = config.EvaluateRouteMap(n.RouteMapOut, Attributes(best));
        if (!result.Permitted)
        {
            reason = Denied(n.RouteMapOut, "out", result);
            return null;
        }
        return Apply(best, result.Route);
    }

    private static BgpRouteAttributes Attributes(BgpPath p) => new(p.Prefix)
    {
        LocalPreference = p.LocalPreference,
        AsPath = p.AsPath,
        Weight = p.Weight,
        Metric = p.Med,
        NextHop = p.NextHop,
    };

    private static BgpPath Apply(BgpPath p, BgpRouteAttributes a) => p with
    {
        LocalPreference = a.LocalPreference,
        AsPath = a.AsPath,
        Weight = a.Weight,
        Med = a.Metric,
        NextHop = a.NextHop ?? p.NextHop,
    };

    private static string Denied(string map, string direction, RouteMapResult r) =>
        !r.UndefinedReferences.IsEmpty && r.Sequence is null && r.ImplicitDeny && r.UndefinedReferences.Contains(map)
            ? $"route-map {map} {direction} is not defined: IOS denies every route"
            : r.Sequence is { } seq ? $"denied by route-map {map} {direction} seq {seq}"
            : $"route-map {map} {direction}: no entry matches (implicit deny)" + (r.Approximate ? " (some match clauses are not modelled)" : "");

    private static string Applied(string map, string direction, RouteMapResult r) =>
        $"route-map {map} {direction} seq {r.Sequence}" + (r.Approximate ? " (approximate: some match clauses are not modelled)" : "");
}

/// <summary>Builds the BGP speaker of an on-premises router from its parsed IOS configuration: addresses from
/// interfaces, neighbors with their local address and reachability, networks and redistribution.</summary>
internal static class IosSpeaker
{
    public static Speaker? Build(OnPremisesDevice device, DeviceConfig config, Func<Ipv4, string?> nodeOf, Func<string, string> nodeName, List<RoutingNote> notes)
    {
        if (config.Bgp is not { } bgp) return null;
        var connected = config.ConnectedAddresses.ToList();
        var routerId = bgp.RouterId
            ?? connected.Where(c => c.Interface.IsLoopback).Select(c => (Ipv4?)c.Address.Ip).Max()
            ?? connected.Select(c => (Ipv4?)c.Address.Ip).Max()
            ?? default(Ipv4);
        var speaker = new Speaker(device.Name, device.Name, BgpSpeakerKind.Router, bgp.Asn, routerId, $"dev:{device.Name}")
        {
            Policy = new IosPolicy(config),
        };
        foreach (var (_, a) in connected) speaker.Addresses.Add(a.Ip);
        var rib = DeviceRoutingTable.Static(device.Name, config);

        // Originated routes: "network" needs an exact match in the routing table (IOS), redistribution takes all.
        var added = new HashSet<Prefix>();
        foreach (var net in bgp.Networks)
        {
            var inRib = rib.Routes.FirstOrDefault(r => r.Prefix == net.Prefix);
            if (inRib is null)
            {
                notes.Add(new RoutingNote("BGP", device.Name, $"network {net.Prefix} is not in the routing table (no interface or static route with exactly that prefix): IOS does not advertise it", net.Source));
                continue;
            }
            var path = LocalPath(speaker, net.Prefix, inRib.NextHop ?? default, BgpOrigin.Igp, 0, $"network {net.Prefix} ({inRib.Protocol.ToString().ToLowerInvariant()})");
            if (net.RouteMap is { } rm)
            {
                var r = config.EvaluateRouteMap(rm, new BgpRouteAttributes(net.Prefix) { Weight = 32768 });
                if (!r.Permitted) { notes.Add(new RoutingNote("BGP", device.Name, $"network {net.Prefix} route-map {rm} denies it", net.Source)); continue; }
                path = path with { LocalPreference = r.Route.LocalPreference, AsPath = r.Route.AsPath, Weight = r.Route.Weight, Med = r.Route.Metric };
            }
            if (added.Add(net.Prefix)) speaker.Local.Add(path);
        }
        foreach (var red in bgp.Redistributions)
        {
            var routes = red.Protocol == RedistributeProtocol.Static
                ? rib.Routes.Where(r => r.Protocol == DeviceRouteProtocol.Static)
                : rib.Routes.Where(r => r.Protocol == DeviceRouteProtocol.Connected);
            foreach (var r in routes)
            {
                if (red.RouteMap is { } rm && !config.EvaluateRouteMap(rm, new BgpRouteAttributes(r.Prefix)).Permitted) continue;
                if (added.Add(r.Prefix))
                    speaker.Local.Add(LocalPath(speaker, r.Prefix, r.NextHop ?? default, BgpOrigin.Incomplete, red.Metric ?? 0,
                        $"redistribute {red.Protocol.ToString().ToLowerInvariant()} ({r.Prefix})"));
            }
        }

        foreach (var n in bgp.Neighbors)
        {
            var local = LocalAddressFor(config, n, rib, out var via, out var problem);
            var neighbor = new Neighbor(speaker, n.Address, local, n.RemoteAs,
                $"neighbor {n.Address} in {Path.GetFileName(config.FileName)}" + (n.Description is { } d ? $" ({d})" : ""))
            {
                Source = n.Source,
                Tag = n,
                PeerCheck = via?.Tunnel is { } tunnel ? target => TunnelCheck(device.Name, n.Address, via, tunnel, target, nodeOf, nodeName) : null,
            };
            neighbor.DownReason =
                n.Shutdown ? $"neighbor {n.Address} is shut down"
                : n.RemoteAs is null ? $"neighbor {n.Address} has no remote-as"
                : !n.Activated ? $"neighbor {n.Address} is not activated for IPv4 unicast (no bgp default ipv4-unicast)"
                : problem
                ?? (n.IsEbgp(bgp.Asn) && n.EbgpMultihop is null && !connected.Any(c => c.Address.Prefix.Contains(n.Address))
                    ? $"eBGP neighbor {n.Address} is not on a connected subnet and has no ebgp-multihop" : null);
            speaker.Neighbors.Add(neighbor);
        }
        return speaker;
    }

    private static BgpPath LocalPath(Speaker s, Prefix p, Ipv4 nextHop, BgpOrigin origin, long med, string description) =>
        new(p, nextHop, [], origin, med, BgpPath.DefaultLocalPreference, 32768, BgpPathSource.Local, null, s.RouterId, description);

    /// <summary>The address the router speaks from to a neighbor: the update-source interface's, else the
    /// interface that reaches the neighbor (connected subnet or static route).</summary>
    private static Ipv4? LocalAddressFor(DeviceConfig config, BgpNeighbor n, DeviceRoutingTable rib, out InterfaceConfig? via, out string? problem)
    {
        problem = null;
        via = null;
        var reach = rib.Lookup(n.Address);
        if (reach is null)
            problem = $"no route to neighbor {n.Address} (connected subnets and static routes)";
        else if (reach.Interface is { } exit)
            via = config.Interface(exit);
        if (n.UpdateSource is { } src)
        {
            var itf = config.Interface(src);
            if (itf?.Address is not { } a)
            {
                problem ??= $"update-source {src} has no address";
                return null;
            }
            return a.Ip;
        }
        return via?.Address?.Ip;
    }

    private static string? TunnelCheck(string device, Ipv4 peer, InterfaceConfig itf, TunnelConfig tunnel, Speaker target,
        Func<Ipv4, string?> nodeOf, Func<string, string> nodeName)
    {
        if (tunnel.Destination is not { } dest)
            return $"{device} reaches {peer} through {itf.Name}, which has no tunnel destination";
        var owner = nodeOf(dest);
        if (owner == target.Node) return null;
        return $"{device} reaches {peer} through {itf.Name}, whose destination {dest} is "
            + (owner is null ? "not a modelled address" : nodeName(owner)) + $", not {target.Id}";
    }
}
