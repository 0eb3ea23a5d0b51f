using System.Collections.Immutable;
using NetTwin.Model;
using NetTwin.Validation;

namespace NetTwin.Ipsec;

/// <summary>Whether a tunnel carries traffic.</summary>
public enum TunnelState
{
    /// <summary>At least one child SA is up and the underlay stays outside the tunnel.</summary>
    Up,
    /// <summary>No child SA (see the failure reason).</summary>
    Down,
    /// <summary>The tunnel comes up, then its own underlay moves into it, it goes down, the underlay falls back, and
    /// so on: unstable, never simply up.</summary>
    Recursive,
}

/// <summary>The tunnel between one gateway instance and the peer.</summary>
/// <param name="Instance">The gateway instance (ipConfigurations index).</param>
/// <param name="AzureAddress">The gateway's tunnel endpoint: the instance's public IP, or its private IP with
/// useLocalAzureIpAddress.</param>
/// <param name="PeerAddress">The peer's address (the local network gateway's gatewayIpAddress, or the other gateway's IP).</param>
/// <param name="ChildSas">The child SAs negotiated.</param>
/// <param name="Proposals">Proposal and key checks, one per side that initiated.</param>
/// <param name="Underlay">The underlay verdict (null when the check did not get that far).</param>
public sealed record InstanceTunnel(
    int Instance,
    Ipv4? AzureAddress,
    Ipv4? PeerAddress,
    TunnelState State,
    TunnelFailure? Failure,
    string Reason,
    TunnelInitiator Initiator,
    ImmutableArray<ChildSa> ChildSas,
    ImmutableArray<ProposalCheck> Proposals,
    UnderlayVerdict? Underlay);

/// <summary>What NetTwin says about one IPsec or VNet-to-VNet connection.</summary>
/// <param name="Connection">The connection name.</param>
/// <param name="ConnectionType">IPsec or Vnet2Vnet.</param>
/// <param name="Gateway">The Azure VPN gateway (virtualNetworkGateway1).</param>
/// <param name="Peer">The peer's name: a device, another gateway, or the local network gateway when nothing modelled
/// owns its address.</param>
/// <param name="PeerKind">Device, Azure gateway or not modelled.</param>
/// <param name="State">Up, Down or Recursive: Recursive when any instance is recursive, else Up when any is up.</param>
/// <param name="Failure">Why it is down (null when not down).</param>
/// <param name="Reason">A sentence: why it is in this state.</param>
/// <param name="Initiator">Who started its child SAs.</param>
/// <param name="Selectors">The negotiated child SAs of every instance (selector Azure side ↔ site side).</param>
/// <param name="Proposals">The proposal and key checks.</param>
/// <param name="Explanation">Every step: who proposed what, who answered what, under which rule.</param>
/// <param name="Findings">The findings about this connection (tunnel down, recursive, third-party transit...).</param>
/// <param name="Instances">The tunnel of each gateway instance.</param>
public sealed record TunnelReport(
    string Connection,
    ConnectionType ConnectionType,
    string Gateway,
    string Peer,
    PeerKind PeerKind,
    TunnelState State,
    TunnelFailure? Failure,
    string Reason,
    TunnelInitiator Initiator,
    ImmutableArray<ChildSa> Selectors,
    ImmutableArray<ProposalCheck> Proposals,
    ImmutableArray<ExplanationStep> Explanation,
    ImmutableArray<Finding> Findings,
    ImmutableArray<InstanceTunnel> Instances)
{
    /// <summary>True when a packet between <paramref name="azureSide"/> and <paramref name="siteSide"/> (either
    /// direction) falls inside a negotiated child SA of a tunnel that is not down.</summary>
    public bool Carries(Ipv4 azureSide, Ipv4 siteSide) =>
        State != TunnelState.Down && Selectors.Any(s => s.Selector.Covers(azureSide, siteSide));
}

/// <summary>The answer of the tunnel question: every IPsec and VNet-to-VNet connection, the third-party transit
/// paths, and all findings.</summary>
public sealed record TunnelsAnswer(ImmutableArray<TunnelReport> Connections, ImmutableArray<TransitPath> Transits, ImmutableArray<Finding> Findings)
{
    /// <summary>The report of one connection, or null.</summary>
    public TunnelReport? Connection(string name) => Connections.FirstOrDefault(c => c.Connection == name);

    /// <summary>True when a host behind connection <paramref name="from"/> reaches one behind <paramref name="to"/>
    /// through their common gateway.</summary>
    public bool TransitAllows(string from, string to, Ipv4 source, Ipv4 destination) =>
        Transit.Allows(Transits, from, to, source, destination);
}

/// <summary>The tunnel question (issue 4): for every IPsec and VNet-to-VNet connection, its state and why.
/// <para>Per gateway instance (two for active-active): Topology.Failures (connection, gateway instance); the peer
/// (the node owning the far address: an on-premises device whose configuration NetTwin reads, another Azure gateway,
/// or nothing modelled); the underlay through the reachability oracle (unreachable: PEER_UNREACHABLE; running through
/// the tunnel itself once up: Recursive); then IKEv2 as both sides would run it (<see cref="Negotiator"/>): who may
/// initiate (E5), IKE proposals (defaults or custom policy, E7), pre-shared keys, IPsec proposals, and traffic
/// selectors (E1-E6, RFC 7296 §2.9).</para>
/// <para>Pure: the topology, the oracle and the device configurations in, the answer out.</para></summary>
public static class Tunnels
{
    /// <summary>Evaluates every IPsec and VNet-to-VNet connection of <paramref name="topology"/>.</summary>
    /// <param name="topology">The estate (with Failures from change sets).</param>
    /// <param name="underlay">Answers whether a tunnel endpoint reaches the other, with or without the tunnel's own
    /// routes (the routing engine; <see cref="Underlay.PublicInternet"/> without one).</param>
    /// <param name="deviceConfig">The parsed configuration of an on-premises device (null when it has none): the
    /// crypto maps, ACLs, IKEv2 and IPsec settings of the peers. Without it every device is "not modelled".</param>
    public static TunnelsAnswer Evaluate(Topology topology, UnderlayOracle underlay, Func<OnPremisesDevice, DeviceConfig?>? deviceConfig = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(underlay);
        var cache = new Dictionary<string, DeviceConfig?>(StringComparer.Ordinal);
        DeviceConfig? Config(OnPremisesDevice d)
        {
            if (!cache.TryGetValue(d.Name, out var cfg)) cache[d.Name] = cfg = deviceConfig?.Invoke(d);
            return cfg;
        }
        var reports = topology.Connections
            .Where(c => c.ConnectionType is ConnectionType.IPsec or ConnectionType.Vnet2Vnet)
            .Select(c => EvaluateConnection(topology, c, underlay, Config))
            .ToList();
        var transits = Transit.Find(topology, reports);
        var transitFindings = Transit.FindingsByPair(topology, transits);
        var byConnection = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
        foreach (var (a, b, finding) in transitFindings)
            foreach (var name in a == b ? [a] : new[] { a, b })
            {
                if (!byConnection.TryGetValue(name, out var list)) byConnection[name] = list = [];
                list.Add(finding);
            }
        var withTransit = reports.Select(r =>
            byConnection.TryGetValue(r.Connection, out var mine) ? r with { Findings = [.. r.Findings, .. mine] } : r).ToImmutableArray();
        var findings = withTransit.SelectMany(r => r.Findings).Distinct()
            .OrderByDescending(f => f.Severity).ThenBy(f => f.Id, StringComparer.Ordinal).ThenBy(f => f.Resource, StringComparer.Ordinal)
            .ToImmutableArray();
        return new TunnelsAnswer(withTransit, transits, findings);
    }

    /// <summary>Evaluates one connection (see <see cref="Tunnels"/>).</summary>
    public static TunnelReport EvaluateConnection(Topology t, Connection c, UnderlayOracle underlay, Func<OnPremisesDevice, DeviceConfig?>? deviceConfig = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(underlay);
        var trail = new List<ExplanationStep>();
        var g = t.VirtualNetworkGateway(c.VirtualNetworkGateway1);
        if (g is null || g.GatewayType != GatewayType.Vpn)
        {
            var why = $"{c.VirtualNetworkGateway1} is not a VPN gateway of this topology";
            trail.Add(new(null, c.Name, why));
            return Finish(t, c, c.VirtualNetworkGateway1, c.LocalNetworkGateway2 ?? c.VirtualNetworkGateway2 ?? "?", PeerKind.Unmodelled,
                [new InstanceTunnel(0, null, null, TunnelState.Down, TunnelFailure.PeerNotConfigured, why, TunnelInitiator.None, [], [], null)], trail, null);
        }

        var instances = g.ActiveActive && g.IpConfigurations.Length > 1 ? Enumerable.Range(0, g.IpConfigurations.Length).ToList() : [0];
        var results = new List<InstanceTunnel>();
        string peerName = "?";
        var peerKind = PeerKind.Unmodelled;
        string? assumedWhy = null;
        var remote = RemotePrefixes(t, c);
        foreach (var i in instances)
        {
            InstanceTunnel Down(TunnelFailure f, string reason, Ipv4? a = null, Ipv4? p = null, UnderlayVerdict? u = null)
            {
                trail.Add(new(i, c.Name, $"down: {f.Code()}, {reason}"));
                return new InstanceTunnel(i, a, p, TunnelState.Down, f, reason, TunnelInitiator.None, [], [], u);
            }

            if (t.IsFailed(new Failure(FailureKind.Connection, c.Name)))
            {
                results.Add(Down(TunnelFailure.ConnectionFailed, $"connection {c.Name} is failed (change set)"));
                continue;
            }
            var failed0 = t.IsFailed(new Failure(FailureKind.GatewayInstance, g.Name, i));
            if (g.ActiveActive && failed0)
            {
                results.Add(Down(TunnelFailure.GatewayFailed, $"gateway {g.Name} instance {i} is failed (change set)"));
                continue;
            }
            if (!g.ActiveActive && failed0)
            {
                if (t.IsFailed(new Failure(FailureKind.GatewayInstance, g.Name, 1)))
                {
                    results.Add(Down(TunnelFailure.GatewayFailed, $"both instances of active-standby gateway {g.Name} are failed (change set)"));
                    continue;
                }
                trail.Add(new(i, g.Name, "instance 0 is failed: the standby instance takes over the same addresses (active-standby failover; the tunnel re-establishes)", "D3"));
            }

            var ipc = i < g.IpConfigurations.Length ? g.IpConfigurations[i] : null;
            Ipv4? azureAddress = ipc is null ? null : c.UseLocalAzureIpAddress ? ipc.PrivateIPAddress : ipc.PublicIPAddress;
            if (azureAddress is null)
            {
                results.Add(Down(TunnelFailure.PeerUnreachable, c.UseLocalAzureIpAddress
                    ? $"gateway {g.Name} instance {i} has no ipConfiguration (no private IP to use)"
                    : $"gateway {g.Name} instance {i} has no public IP address (set useLocalAzureIpAddress for a private endpoint)"));
                continue;
            }
            trail.Add(new(i, g.Name, c.UseLocalAzureIpAddress
                ? $"tunnel endpoint {azureAddress}: the instance's private IP (useLocalAzureIpAddress, VPN over ExpressRoute private peering)"
                : $"tunnel endpoint {azureAddress}: the instance's public IP"));

            var azure = AzureParties.Build(t, c, g, remote, i, asPeer: false, name: g.Name);
            var peer = ResolvePeer(t, c, g, i, azureAddress.Value, azure, deviceConfig, trail);
            peerName = peer.Name;
            peerKind = peer.Kind;
            if (peer.Party is { Assumed: true }) assumedWhy = peer.AssumedWhy;
            if (peer.Failure is { } pf)
            {
                results.Add(Down(pf, peer.FailureReason!, azureAddress, peer.Address));
                continue;
            }

            var verdict = Underlay.Check(underlay, c.Name, i, g.Name, peer.DeviceName, azureAddress.Value, peer.Address!.Value, c.UseLocalAzureIpAddress);
            trail.Add(new(i, "underlay", verdict.Explanation));
            if (!verdict.Reachable)
            {
                results.Add(Down(TunnelFailure.PeerUnreachable, verdict.Explanation, azureAddress, peer.Address, verdict));
                continue;
            }

            trail.AddRange(azure.Notes);
            trail.AddRange(peer.Party!.Notes);
            var n = Negotiator.Negotiate(azure, peer.Party, i, trail);
            if (n.ChildSas.IsEmpty)
            {
                trail.Add(new(i, c.Name, $"down: {n.Failure!.Value.Code()}, {n.Reason}"));
                results.Add(new InstanceTunnel(i, azureAddress, peer.Address, TunnelState.Down, n.Failure, n.Reason, TunnelInitiator.None, [], n.Proposals, verdict));
                continue;
            }
            var sas = string.Join("; ", n.ChildSas.Select(s => $"{s.Selector} (initiated by {(s.Initiator == Side.Azure ? g.Name : peer.Name)})"));
            var reason = $"child SAs {sas}";
            if (verdict.Recursive)
            {
                trail.Add(new(i, c.Name, verdict.Explanation));
                results.Add(new InstanceTunnel(i, azureAddress, peer.Address, TunnelState.Recursive, null, verdict.Explanation, n.Initiator, n.ChildSas, n.Proposals, verdict));
            }
            else
            {
                trail.Add(new(i, c.Name, $"up: {reason}"));
                results.Add(new InstanceTunnel(i, azureAddress, peer.Address, TunnelState.Up, null, reason, n.Initiator, n.ChildSas, n.Proposals, verdict));
            }
        }
        return Finish(t, c, g.Name, peerName, peerKind, results, trail, assumedWhy);
    }

    private static TunnelReport Finish(Topology t, Connection c, string gateway, string peer, PeerKind kind, List<InstanceTunnel> results, List<ExplanationStep> trail, string? assumedWhy)
    {
        var state = results.Any(r => r.State == TunnelState.Recursive) ? TunnelState.Recursive
            : results.Any(r => r.State == TunnelState.Up) ? TunnelState.Up : TunnelState.Down;
        var failure = state == TunnelState.Down ? results[0].Failure : null;
        var reason = results.Count == 1 || results.Select(r => r.Reason).Distinct().Count() == 1
            ? results[0].Reason
            : string.Join("; ", results.Select(r => $"instance {r.Instance} {r.State.ToString().ToLowerInvariant()}: {r.Reason}"));
        var sas = new List<ChildSa>();
        foreach (var sa in results.SelectMany(r => r.ChildSas))
            if (!sas.Any(s => s.Selector.SetEquals(sa.Selector))) sas.Add(sa);
        var initiators = results.Where(r => r.State != TunnelState.Down).Select(r => r.Initiator).Distinct().ToList();
        var initiator = initiators.Count == 0 ? TunnelInitiator.None
            : initiators.Contains(TunnelInitiator.Both) || (initiators.Contains(TunnelInitiator.Azure) && initiators.Contains(TunnelInitiator.Peer)) ? TunnelInitiator.Both
            : initiators[0];

        var findings = ImmutableArray.CreateBuilder<Finding>();
        if (state == TunnelState.Down) findings.Add(TunnelRules.Down.Create(c, c.Name, failure!.Value.Code(), reason));
        if (state == TunnelState.Recursive) findings.Add(TunnelRules.Recursive.Create(c, c.Name, results.First(r => r.State == TunnelState.Recursive).Reason));
        if (state == TunnelState.Up)
        {
            foreach (var r in results.Where(r => r.State == TunnelState.Up))
            {
                var up = r.ChildSas.Select(s => s.Initiator).Distinct().ToList();
                var failedSides = r.Proposals.Where(p => p.Failure is not null && !up.Contains(p.Initiator)).ToList();
                if (up.Count == 1 && failedSides.Count > 0)
                {
                    var p = failedSides[0];
                    findings.Add(TunnelRules.OneSided.Create(c, c.Name, up[0] == Side.Azure ? gateway : peer, p.Initiator == Side.Azure ? gateway : peer,
                        $"{p.Failure!.Value.Code()}, {p.Detail}"));
                    break;
                }
            }
        }
        if (assumedWhy is not null) findings.Add(TunnelRules.Assumed.Create(c, c.Name, peer, assumedWhy));

        return new TunnelReport(c.Name, c.ConnectionType, gateway, peer, kind, state, failure, reason, initiator, [.. sas],
            [.. results.SelectMany(r => r.Proposals)], [.. trail], findings.ToImmutable(), [.. results]);
    }

    private static ImmutableArray<Prefix> RemotePrefixes(Topology t, Connection c) => c.ConnectionType == ConnectionType.Vnet2Vnet
        ? t.VirtualNetworkGateway(c.VirtualNetworkGateway2 ?? "") is { } g2 ? AzureParties.AllPrefixes(t, g2) : []
        : t.LocalNetworkGateway(c.LocalNetworkGateway2 ?? "")?.AddressPrefixes ?? [];

    private sealed record PeerResolution(
        string Name, PeerKind Kind, Ipv4? Address, Party? Party, TunnelFailure? Failure, string? FailureReason,
        string? DeviceName = null, string? AssumedWhy = null);

    /// <summary>Finds the node at the far end: another Azure gateway (VNet-to-VNet, or a local network gateway whose
    /// address is a gateway's), a device owning the local network gateway's address, or nothing modelled.</summary>
    private static PeerResolution ResolvePeer(Topology t, Connection c, VirtualNetworkGateway g, int instance, Ipv4 azureAddress, Party azure,
        Func<OnPremisesDevice, DeviceConfig?>? deviceConfig, List<ExplanationStep> trail)
    {
        if (c.ConnectionType == ConnectionType.Vnet2Vnet)
        {
            var g2 = t.VirtualNetworkGateway(c.VirtualNetworkGateway2 ?? "");
            if (g2 is null)
                return new(c.VirtualNetworkGateway2 ?? "?", PeerKind.AzureGateway, null, null, TunnelFailure.PeerNotConfigured, $"gateway {c.VirtualNetworkGateway2} does not exist");
            var back = t.Connections.FirstOrDefault(x => x.ConnectionType == ConnectionType.Vnet2Vnet && x.VirtualNetworkGateway1 == g2.Name && x.VirtualNetworkGateway2 == g.Name);
            var peerInstance = g2.ActiveActive && g2.IpConfigurations.Length > 1 ? instance % g2.IpConfigurations.Length : 0;
            var ipc = peerInstance < g2.IpConfigurations.Length ? g2.IpConfigurations[peerInstance] : null;
            var address = ipc is null ? null : c.UseLocalAzureIpAddress ? ipc.PrivateIPAddress : ipc.PublicIPAddress;
            if (back is null)
                return new(g2.Name, PeerKind.AzureGateway, address, null, TunnelFailure.PeerNotConfigured,
                    $"gateway {g2.Name} has no VNet-to-VNet connection back to {g.Name} (both connections are needed, with the same shared key)");
            if (address is null)
                return new(g2.Name, PeerKind.AzureGateway, null, null, TunnelFailure.PeerUnreachable, $"gateway {g2.Name} instance {peerInstance} has no public IP address");
            return AzurePeer(t, back, g2, peerInstance, address.Value, AzureParties.AllPrefixes(t, g), trail, instance);
        }

        var lng = t.LocalNetworkGateway(c.LocalNetworkGateway2 ?? "");
        if (lng is null)
            return new(c.LocalNetworkGateway2 ?? "?", PeerKind.Unmodelled, null, null, TunnelFailure.PeerNotConfigured, $"local network gateway {c.LocalNetworkGateway2} does not exist");
        var l = lng.GatewayIpAddress;

        // Another Azure gateway owning the address (seed 002 style: gateways joined through local network gateways).
        foreach (var other in t.VirtualNetworkGateways.Where(x => x.GatewayType == GatewayType.Vpn))
        {
            var idx = other.IpConfigurations.Select((ip, k) => (ip, k)).FirstOrDefault(x => x.ip.PublicIPAddress == l || x.ip.PrivateIPAddress == l);
            if (idx.ip is null) continue;
            var back = t.Connections.FirstOrDefault(x => x.ConnectionType == ConnectionType.IPsec && x.VirtualNetworkGateway1 == other.Name
                && t.LocalNetworkGateway(x.LocalNetworkGateway2 ?? "")?.GatewayIpAddress == azureAddress);
            trail.Add(new(instance, lng.Name, $"{l} is gateway {other.Name}'s instance {idx.k}"));
            if (back is null)
                return new(other.Name, PeerKind.AzureGateway, l, null, TunnelFailure.PeerNotConfigured,
                    $"gateway {other.Name} has no IPsec connection whose local network gateway points at {azureAddress}");
            var backSite = t.LocalNetworkGateway(back.LocalNetworkGateway2!)!;
            return AzurePeer(t, back, other, idx.k, l, backSite.AddressPrefixes, trail, instance);
        }

        // An on-premises device owning the address (an interface or loopback; declared in YAML or in its config).
        foreach (var dev in t.OnPremisesDevices)
        {
            var cfg = deviceConfig?.Invoke(dev);
            var owns = dev.Interfaces.Any(i => i.IpAddress == l) || (cfg?.ConnectedAddresses.Any(a => a.Address.Ip == l) ?? false);
            if (!owns) continue;
            trail.Add(new(instance, lng.Name, $"{l} is device {dev.Name}'s address"));
            if (cfg is null)
            {
                var why = dev.Config is null ? "declared without a configuration file" : $"its configuration {dev.Config} is not loaded";
                return new(dev.Name, PeerKind.Unmodelled, l, AssumedParties.Build(dev.Name, azure, why), null, null, dev.Name, why);
            }
            var party = CiscoParties.Build(dev, cfg, azureAddress, instance, trail, out var notConfigured);
            if (party is null)
                return new(dev.Name, PeerKind.Device, l, null, TunnelFailure.PeerNotConfigured, notConfigured, dev.Name);
            return new(dev.Name, PeerKind.Device, l, party, null, null, dev.Name);
        }

        var unowned = $"no modelled device or gateway owns {l}";
        trail.Add(new(instance, lng.Name, unowned + ": the peer is assumed compatible"));
        return new(lng.Name, PeerKind.Unmodelled, l, AssumedParties.Build(lng.Name, azure, unowned), null, null, null, unowned);
    }

    private static PeerResolution AzurePeer(Topology t, Connection back, VirtualNetworkGateway other, int otherInstance, Ipv4 address,
        ImmutableArray<Prefix> otherRemote, List<ExplanationStep> trail, int instance)
    {
        if (t.IsFailed(new Failure(FailureKind.Connection, back.Name)))
            return new(other.Name, PeerKind.AzureGateway, address, null, TunnelFailure.ConnectionFailed, $"the other side's connection {back.Name} is failed (change set)");
        if (t.IsFailed(new Failure(FailureKind.GatewayInstance, other.Name, otherInstance))
            && (other.ActiveActive || t.IsFailed(new Failure(FailureKind.GatewayInstance, other.Name, 1 - otherInstance))))
            return new(other.Name, PeerKind.AzureGateway, address, null, TunnelFailure.GatewayFailed, $"gateway {other.Name} instance {otherInstance} is failed (change set)");
        trail.Add(new(instance, other.Name, $"the other end is Azure gateway {other.Name} with its connection {back.Name}"));
        var party = AzureParties.Build(t, back, other, otherRemote, otherInstance, asPeer: true, name: other.Name);
        return new(other.Name, PeerKind.AzureGateway, address, party, null, null, other.Name);
    }
}
