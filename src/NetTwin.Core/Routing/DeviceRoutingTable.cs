using System.Collections.Immutable;
using System.Globalization;
using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>Where a router's route comes from.</summary>
public enum DeviceRouteProtocol { Connected, Static, Bgp }

/// <summary>One route of an on-premises router's routing table (<c>show ip route</c>).</summary>
public sealed record DeviceRoute(Prefix Prefix, DeviceRouteProtocol Protocol, int AdminDistance, Ipv4? NextHop, string? Interface, string Detail)
{
    public bool IsDiscard => Interface is { } i && i.Equals("Null0", StringComparison.OrdinalIgnoreCase);
    public string Code => Protocol switch { DeviceRouteProtocol.Connected => "C", DeviceRouteProtocol.Static => "S", _ => "B" };
    public override string ToString() => $"{Code} {Prefix} [{AdminDistance}] " + (NextHop is { } nh ? $"via {nh}" : $"is directly connected, {Interface}");
}

/// <summary>A router's routing table: connected, static and BGP best routes, the lowest administrative
/// distance per prefix, with longest-prefix match.</summary>
public sealed class DeviceRoutingTable
{
    private readonly PrefixTrie<DeviceRoute> _trie = new();
    /// <summary>The device name.</summary>
    public string Device { get; }
    /// <summary>The routes in prefix order.</summary>
    public ImmutableArray<DeviceRoute> Routes { get; }

    private DeviceRoutingTable(string device, IEnumerable<DeviceRoute> routes)
    {
        Device = device;
        var best = new Dictionary<Prefix, DeviceRoute>();
        foreach (var r in routes)
            if (!best.TryGetValue(r.Prefix, out var cur) || r.AdminDistance < cur.AdminDistance) best[r.Prefix] = r;
        Routes = [.. best.Values.OrderBy(r => r.Prefix)];
        foreach (var r in Routes) _trie.Set(r.Prefix, r);
        _trie.Freeze();
    }

    /// <summary>Longest-prefix match (static routes given by next hop carry the exit interface they resolve to).</summary>
    public DeviceRoute? Lookup(Ipv4 destination) => _trie.LongestMatch(destination);

    internal static DeviceRoutingTable Static(string device, DeviceConfig config) => new(device, ConnectedAndStatic(config));

    internal static DeviceRoutingTable WithBgp(string device, DeviceConfig? config, IEnumerable<DeviceInterface> declared, IEnumerable<BgpRibEntry> bgp)
    {
        var baseRoutes = config is not null ? ConnectedAndStatic(config).ToList()
            : [.. declared.Select(i => new DeviceRoute(i.Address, DeviceRouteProtocol.Connected, 0, null, i.Name, $"connected {i.Name} {i.IpAddress}/{i.Address.Length}"))];
        var baseTable = new DeviceRoutingTable(device, baseRoutes);
        var routes = new List<DeviceRoute>(baseRoutes);
        foreach (var e in bgp)
        {
            if (e.Best is not { Source: not BgpPathSource.Local } b) continue;
            // The BGP next hop must resolve over the connected/static routes. A device declared in YAML has no
            // routing configuration: its BGP sessions run over the site's tunnel, which carries the routes.
            var exit = baseTable.Lookup(b.NextHop)?.Interface ?? (config is null ? $"tunnel to {b.PeerAddress}" : null);
            if (exit is null) continue; // unresolvable next hop: not installed
            routes.Add(new DeviceRoute(e.Prefix, DeviceRouteProtocol.Bgp, b.Source == BgpPathSource.Ebgp ? 20 : 200, b.NextHop, exit, $"BGP, AS path {b.IosPathText}"));
        }
        return new DeviceRoutingTable(device, routes);
    }

    private static IEnumerable<DeviceRoute> ConnectedAndStatic(DeviceConfig config)
    {
        var connected = config.ConnectedAddresses.Select(c => new DeviceRoute(c.Address.Prefix, DeviceRouteProtocol.Connected, 0, null, c.Interface.Name,
            $"connected {c.Interface.Name} {c.Address}")).ToList();
        foreach (var c in connected) yield return c;
        // Loopbacks and /32 addresses: the host route is what "network a.b.c.d mask 255.255.255.255" matches.
        foreach (var s in config.StaticRoutes)
        {
            string? exit = s.NextHopInterface;
            if (exit is null && s.NextHop is { } nh)
                exit = connected.Where(c => c.Prefix.Contains(nh)).OrderByDescending(c => c.Prefix.Length).FirstOrDefault()?.Interface;
            if (exit is null && s.NextHop is { } nh2)
            {
                // Recursive: resolve the next hop through another static route onto a connected subnet.
                var hop = config.StaticRoutes.Where(o => o != s && o.Prefix.Contains(nh2) && o.NextHop is { } n3 && connected.Any(c => c.Prefix.Contains(n3)))
                    .OrderByDescending(o => o.Prefix.Length).FirstOrDefault();
                if (hop?.NextHop is { } n4) exit = connected.First(c => c.Prefix.Contains(n4)).Interface;
            }
            if (exit is null) continue; // unresolvable next hop: IOS does not install the route
            yield return new DeviceRoute(s.Prefix, DeviceRouteProtocol.Static, s.AdminDistance, s.NextHop, exit,
                $"ip route {s.Prefix.Network} {new Ipv4(s.Prefix.Mask)} {s.NextHop?.ToString() ?? s.NextHopInterface}".Trim()
                + (s.AdminDistance != StaticRoute.DefaultAdminDistance ? " " + s.AdminDistance.ToString(CultureInfo.InvariantCulture) : ""));
        }
    }
}
