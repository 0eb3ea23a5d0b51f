using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Routing.Bgp;

/// <summary>Turns the topology into BGP speakers: VPN gateway instances, ExpressRoute gateways, the Microsoft
/// edge of each circuit, on-premises routers (IOS) and YAML devices, and a stand-in for on-premises when a
/// circuit only lists peerAdvertisedRoutes.</summary>
internal sealed class BgpBuilder
{
    private readonly Topology _t;
    private readonly GatewayTransit _transit;
    private readonly RoutingOptions _options;
    private readonly Dictionary<Ipv4, string> _nodeOf = [];
    private readonly Dictionary<string, string> _nodeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceConfig?> _configs = new(StringComparer.Ordinal);

    public List<Speaker> Speakers { get; } = [];
    public List<RoutingNote> Notes { get; } = [];
    /// <summary>Speakers per gateway name (instances of a VPN gateway in order; one for an ExpressRoute gateway).</summary>
    public Dictionary<string, List<Speaker>> ByGateway { get; } = new(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, DeviceConfig?> Configs => _configs;

    public BgpBuilder(Topology topology, GatewayTransit transit, RoutingOptions options)
    {
        _t = topology;
        _transit = transit;
        _options = options;
        foreach (var d in topology.OnPremisesDevices)
            _configs[d.Name] = options.DeviceConfigs is { } resolve ? resolve(d) : d.Configuration;
        IndexNodes();
        foreach (var g in topology.VirtualNetworkGateways)
        {
            if (g.GatewayType == GatewayType.Vpn) VpnGateway(g);
            else ExpressRouteGateway(g);
        }
        var devices = Devices();
        foreach (var c in topology.ExpressRouteCircuits) Circuit(c, devices);
        Speakers.AddRange(devices);
    }

    public string? NodeOf(Ipv4 ip) => _nodeOf.GetValueOrDefault(ip);
    public string NodeName(string node) => _nodeNames.GetValueOrDefault(node) ?? node;

    private static string InstanceNode(VirtualNetworkGateway g, int i) => $"gw:{g.Name}#{i}";

    private void IndexNodes()
    {
        foreach (var g in _t.VirtualNetworkGateways)
            for (var i = 0; i < g.IpConfigurations.Length; i++)
            {
                var cfg = g.IpConfigurations[i];
                var node = InstanceNode(g, i);
                _nodeNames[node] = g.IpConfigurations.Length > 1 ? $"{g.Name} instance {i}" : g.Name;
                foreach (var ip in new[] { cfg.PrivateIPAddress, cfg.DefaultBgpIpAddress }.Concat(cfg.CustomBgpIpAddresses))
                    _nodeOf.TryAdd(ip, node);
                if (cfg.PublicIPAddress is { } pub) _nodeOf.TryAdd(pub, node);
            }
        foreach (var d in _t.OnPremisesDevices)
        {
            var node = $"dev:{d.Name}";
            _nodeNames[node] = d.Name;
            foreach (var i in d.Interfaces) _nodeOf.TryAdd(i.IpAddress, node);
            if (_configs.GetValueOrDefault(d.Name) is { } cfg)
                foreach (var (_, a) in cfg.ConnectedAddresses) _nodeOf.TryAdd(a.Ip, node);
        }
    }

    private bool InstanceFailed(VirtualNetworkGateway g, int i) => _t.IsFailed(new Failure(FailureKind.GatewayInstance, g.Name, i));

    private string? ConnectionDown(Connection c, int instance) =>
        _t.IsFailed(new Failure(FailureKind.Connection, c.Name)) ? $"connection {c.Name} is failed (change set)"
        : _options.TunnelDown?.Invoke(c, instance) is { } r ? $"the tunnel of {c.Name} is down: {r}"
        : null;

    private static BgpPath LocalPath(Speaker s, Prefix p, Ipv4 nextHop, string description) =>
        new(p, nextHop, [], BgpOrigin.Igp, 0, BgpPath.DefaultLocalPreference, 32768, BgpPathSource.Local, null, s.RouterId, description);

    /// <summary>Local routes of an Azure gateway: its VNet's prefixes and its spokes' (C10, origin Network).</summary>
    private void VnetOrigins(Speaker s, VirtualNetworkGateway g)
    {
        var vnet = g.VirtualNetwork;
        foreach (var p in _t.VirtualNetwork(vnet)?.AddressPrefixes ?? [])
            s.Local.Add(LocalPath(s, p, default, $"address space of {vnet}"));
        foreach (var spoke in _transit.SpokesOf(vnet))
            foreach (var p in _t.VirtualNetwork(spoke)?.AddressPrefixes ?? [])
                s.Local.Add(LocalPath(s, p, default, $"address space of {spoke}, a spoke using {vnet}'s gateways through peering {_transit.TransitPeering(spoke)?.Name} (rule C10)"));
    }

    // ------------------------------------------------------------------ VPN gateways

    private void VpnGateway(VirtualNetworkGateway g)
    {
        if (!g.EnableBgp) return;
        if (g.VpnType == VpnType.PolicyBased)
        {
            Notes.Add(new RoutingNote("D1", $"virtualNetworkGateways/{g.Name}", "a policy-based VPN gateway does not support BGP: enableBgp is ignored", g.Source));
            return;
        }
        var vnetPrefixes = _transit.VnetPrefixesOf(_t, g.VirtualNetwork);
        var instances = new List<Speaker>();
        for (var i = 0; i < g.IpConfigurations.Length; i++)
        {
            var cfg = g.IpConfigurations[i];
            var s = new Speaker(g.IpConfigurations.Length > 1 ? $"{g.Name}#{i}" : g.Name, g.Name, BgpSpeakerKind.VpnGateway,
                g.BgpSettings.Asn, cfg.DefaultBgpIpAddress, InstanceNode(g, i))
            {
                Instance = i,
                Policy = new VpnGatewayPolicy(g.Name, vnetPrefixes),
            };
            s.Addresses.Add(cfg.DefaultBgpIpAddress);
            s.Addresses.AddRange(cfg.CustomBgpIpAddresses);
            VnetOrigins(s, g);
            var failed = InstanceFailed(g, i) ? $"instance {i} of {g.Name} is failed (change set)" : null;

            foreach (var c in _t.Connections.Where(c => c.VirtualNetworkGateway1 == g.Name))
            {
                if (c.ConnectionType == ConnectionType.IPsec && c.LocalNetworkGateway2 is { } lngName && _t.LocalNetworkGateway(lngName) is { } lng)
                {
                    // Rule D5: the prefixes of every connected local network gateway are advertised (while the
                    // connection is not failed: the same condition as for the gateway routes in the VNet).
                    if (!_t.IsFailed(new Failure(FailureKind.Connection, c.Name)))
                        foreach (var p in lng.AddressPrefixes)
                            s.Local.Add(LocalPath(s, p, lng.GatewayIpAddress, $"address prefix of local network gateway {lng.Name} (connection {c.Name})"));
                    if (!c.EnableBgp) continue;
                    if (lng.BgpSettings is not { BgpPeeringAddress: { } peer } lngBgp)
                    {
                        Notes.Add(new RoutingNote("D4", $"connections/{c.Name}", $"enableBgp is set but local network gateway {lng.Name} has no bgpSettings: no BGP session", c.Source));
                        continue;
                    }
                    // The Azure side speaks from its APIPA address when the peer uses APIPA, else from its default BGP IP.
                    Ipv4? local = AzureRules.IsApipa(peer) ? cfg.CustomBgpIpAddresses.Select(a => (Ipv4?)a).FirstOrDefault() : cfg.DefaultBgpIpAddress;
                    var n = new Neighbor(s, peer, local, lngBgp.Asn, $"connection {c.Name} (local network gateway {lng.Name})")
                    {
                        Source = c.Source,
                        Tag = c,
                        PrefixLimit = 4000, // rule D4
                        PeerCheck = target => BehindTunnel(c, lng, peer, target),
                    };
                    n.DownReason = failed ?? ConnectionDown(c, i)
                        ?? (local is null ? $"the peer {peer} uses an APIPA address but instance {i} of {g.Name} has no custom APIPA BGP address (rule D4)" : null);
                    s.Neighbors.Add(n);
                }
                else if (c.ConnectionType == ConnectionType.Vnet2Vnet && c.EnableBgp && c.VirtualNetworkGateway2 is { } g2Name && _t.VirtualNetworkGateway(g2Name) is { } g2)
                {
                    for (var j = 0; j < g2.IpConfigurations.Length; j++)
                    {
                        var remote = g2.IpConfigurations[j];
                        var n = new Neighbor(s, remote.DefaultBgpIpAddress, cfg.DefaultBgpIpAddress, g2.BgpSettings.Asn,
                            $"VNet-to-VNet connection {c.Name} to {g2.Name}" + (g2.IpConfigurations.Length > 1 ? $" instance {j}" : ""))
                        {
                            Source = c.Source,
                            Tag = c,
                            PrefixLimit = 4000,
                            PeerCheck = target => target.Asn == s.Asn
                                ? $"both gateways use AS {s.Asn}: VNet-to-VNet BGP needs a different ASN on each side (rule D4)" : null,
                        };
                        n.DownReason = failed ?? ConnectionDown(c, i);
                        s.Neighbors.Add(n);
                    }
                }
            }
            instances.Add(s);
        }
        // Active-active: the instances exchange what they learn over iBGP.
        for (var i = 0; i < instances.Count; i++)
            for (var j = i + 1; j < instances.Count; j++)
            {
                var a = instances[i];
                var b = instances[j];
                var ab = new Neighbor(a, b.RouterId, a.RouterId, b.Asn, $"iBGP with the other instance of {g.Name}") { Tag = InternalLink.SiblingInstance };
                var ba = new Neighbor(b, a.RouterId, b.RouterId, a.Asn, $"iBGP with the other instance of {g.Name}") { Tag = InternalLink.SiblingInstance };
                ab.Fixed = ba;
                ba.Fixed = ab;
                if (InstanceFailed(g, i)) ab.DownReason = $"instance {i} of {g.Name} is failed (change set)";
                if (InstanceFailed(g, j)) ba.DownReason = $"instance {j} of {g.Name} is failed (change set)";
                a.Neighbors.Add(ab);
                b.Neighbors.Add(ba);
            }
        ByGateway[g.Name] = instances;
        Speakers.AddRange(instances);
    }

    /// <summary>The BGP peer of a site must sit at the far end of the site's tunnel: Azure reaches it through
    /// the tunnel (host route to the peer address, BGP FAQ).</summary>
    private string? BehindTunnel(Connection c, LocalNetworkGateway lng, Ipv4 peer, Speaker target)
    {
        var farEnd = NodeOf(lng.GatewayIpAddress);
        if (farEnd is null)
            return $"the tunnel of {c.Name} goes to {lng.GatewayIpAddress}, which no modelled device or gateway owns, so {peer} ({target.Id}) is not reachable through it";
        return target.Node == farEnd ? null
            : $"{peer} belongs to {target.Id}, but the tunnel of {c.Name} ends at {lng.GatewayIpAddress} ({NodeName(farEnd)}): the BGP peer is not reachable through it";
    }

    // ------------------------------------------------------------------ ExpressRoute

    private void ExpressRouteGateway(VirtualNetworkGateway g)
    {
        if (g.IpConfigurations.IsEmpty) return;
        var s = new Speaker(g.Name, g.Name, BgpSpeakerKind.ExpressRouteGateway, g.BgpSettings.Asn, g.IpConfigurations[0].PrivateIPAddress, InstanceNode(g, 0))
        {
            Policy = new ExpressRouteGatewayPolicy(g.Name, _transit.VnetPrefixesOf(_t, g.VirtualNetwork)),
        };
        s.Addresses.AddRange(g.IpConfigurations.Select(c => c.PrivateIPAddress));
        VnetOrigins(s, g);
        ByGateway[g.Name] = [s];
        Speakers.Add(s);
    }

    private static Ipv4 Host(Prefix link, int offset) => link.Network.Add(offset);

    private void Circuit(ExpressRouteCircuit circuit, List<Speaker> devices)
    {
        var peering = circuit.Peerings.FirstOrDefault(p => p.PeeringType.Equals("AzurePrivatePeering", StringComparison.OrdinalIgnoreCase));
        if (peering is null) return;
        var circuitFailed = _t.IsFailed(new Failure(FailureKind.Circuit, circuit.Name)) ? $"circuit {circuit.Name} is failed (change set)" : null;
        var links = new List<(string Label, Prefix Link)>();
        if (peering.PrimaryPeerAddressPrefix is { } pri) links.Add(("primary", pri));
        if (peering.SecondaryPeerAddressPrefix is { } sec) links.Add(("secondary", sec));
        var limit = circuit.SkuTier.Equals("Premium", StringComparison.OrdinalIgnoreCase) ? 10000 : 4000; // rule D7

        Speaker? edge = null;
        var msees = new List<Speaker>();
        foreach (var (label, link) in links)
        {
            var mseeIp = Host(link, 2);
            var ceIp = Host(link, 1);
            var msee = new Speaker($"{circuit.Name} (MSEE {label})", circuit.Name, BgpSpeakerKind.MicrosoftEdge, ExpressRouteCircuit.MicrosoftAsn, mseeIp, $"msee:{circuit.Name}:{label}")
            {
                Policy = new MseePolicy(),
            };
            msee.Addresses.Add(mseeIp);
            msees.Add(msee);
            var toCe = new Neighbor(msee, ceIp, mseeIp, peering.PeerAsn, $"private peering of {circuit.Name}, {label} link {link}")
            {
                Source = peering.Source,
                PrefixLimit = limit,
            };
            toCe.DownReason = circuitFailed;
            msee.Neighbors.Add(toCe);

            // No modelled router at the customer end of this link: peerAdvertisedRoutes stand for on-premises.
            var deviceThere = devices.Any(d => d.Addresses.Contains(ceIp));
            if (!deviceThere && !peering.PeerAdvertisedRoutes.IsEmpty)
            {
                if (edge is null)
                {
                    edge = new Speaker($"{circuit.Name} (on-premises)", circuit.Name, BgpSpeakerKind.CustomerEdge, peering.PeerAsn, ceIp, $"ce:{circuit.Name}")
                    {
                        Policy = new CustomerEdgePolicy(),
                    };
                    foreach (var r in peering.PeerAdvertisedRoutes)
                        edge.Local.Add(new BgpPath(r.Prefix, ceIp, r.AsPath.IsDefaultOrEmpty ? [peering.PeerAsn] : r.AsPath, BgpOrigin.Igp, 0,
                            BgpPath.DefaultLocalPreference, 32768, BgpPathSource.Local, null, ceIp, $"peerAdvertisedRoutes of {circuit.Name}"));
                    Speakers.Add(edge);
                }
                edge.Addresses.Add(ceIp);
                edge.Neighbors.Add(new Neighbor(edge, mseeIp, ceIp, ExpressRouteCircuit.MicrosoftAsn, $"peerAdvertisedRoutes of {circuit.Name} ({label} link)")
                {
                    Source = peering.Source,
                    DownReason = circuitFailed,
                });
            }
        }

        // ExpressRoute connections: each gateway peers with both Microsoft edges of the circuit. Rule D8: the
        // gateway and a VPN gateway of the same VNet do not peer (no Route Server is modelled), so nothing
        // learned over ExpressRoute reaches VPN sites or the other way round.
        foreach (var c in _t.Connections.Where(c => c.ConnectionType == ConnectionType.ExpressRoute && c.Peer == circuit.Name))
        {
            if (!ByGateway.TryGetValue(c.VirtualNetworkGateway1, out var list) || list.Count != 1 || list[0].Kind != BgpSpeakerKind.ExpressRouteGateway) continue;
            var gw = list[0];
            var g = _t.VirtualNetworkGateway(c.VirtualNetworkGateway1)!;
            var allFailed = Enumerable.Range(0, g.IpConfigurations.Length).All(i => InstanceFailed(g, i));
            var down = _t.IsFailed(new Failure(FailureKind.Connection, c.Name)) ? $"connection {c.Name} is failed (change set)"
                : circuitFailed ?? (allFailed ? $"every instance of {g.Name} is failed (change set)" : null);
            foreach (var msee in msees)
            {
                var toGw = new Neighbor(msee, gw.RouterId, msee.RouterId, gw.Asn, $"ExpressRoute connection {c.Name} to {gw.Id}") { Tag = InternalLink.MseeToGateway, Source = c.Source };
                var toMsee = new Neighbor(gw, msee.RouterId, gw.RouterId, ExpressRouteCircuit.MicrosoftAsn, $"ExpressRoute connection {c.Name} to {msee.Id}") { Tag = c, Source = c.Source };
                toGw.Fixed = toMsee;
                toMsee.Fixed = toGw;
                toMsee.DownReason = down;
                msee.Neighbors.Add(toGw);
                gw.Neighbors.Add(toMsee);
            }
        }
        Speakers.AddRange(msees);
    }

    // ------------------------------------------------------------------ on-premises

    private List<Speaker> Devices()
    {
        var list = new List<Speaker>();
        foreach (var d in _t.OnPremisesDevices)
        {
            var cfg = _configs.GetValueOrDefault(d.Name);
            if (cfg is not null)
            {
                if (IosSpeaker.Build(d, cfg, NodeOf, NodeName, Notes) is { } ios) list.Add(ios);
                continue;
            }
            if (d.Asn is not { } asn) continue;
            // A device declared in YAML with an ASN: answers every session configured towards its addresses and
            // advertises the networks behind it.
            var rid = d.Interfaces.Select(i => (Ipv4?)i.IpAddress).Max() ?? default(Ipv4);
            var s = new Speaker(d.Name, d.Name, BgpSpeakerKind.Router, asn, rid, $"dev:{d.Name}") { Passive = true, Policy = OpenPolicy.Instance };
            s.Addresses.AddRange(d.Interfaces.Select(i => i.IpAddress));
            foreach (var p in d.AddressPrefixes) s.Local.Add(LocalPath(s, p, default, $"address prefix of {d.Name}"));
            list.Add(s);
        }
        return list;
    }
}
