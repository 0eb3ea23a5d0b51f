using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Ipsec;

/// <summary>What kind of node the peer of a tunnel is.</summary>
public enum PeerKind
{
    /// <summary>An on-premises device with a configuration NetTwin reads (crypto maps, IKEv2, keyrings).</summary>
    Device,
    /// <summary>Another Azure VPN gateway (VNet-to-VNet, or a local network gateway pointing at an Azure gateway).</summary>
    AzureGateway,
    /// <summary>No configuration to read: a device declared without a config file, or an address no modelled node
    /// owns. Its behaviour is assumed compatible and flagged.</summary>
    Unmodelled,
}

/// <summary>The Azure side of one connection: the prefixes it proposes (rules E2-E4), what it accepts (E1), its
/// proposals (defaults or custom policy, E7), its key and its connection mode (E5).</summary>
internal static class AzureParties
{
    /// <summary>The Azure prefixes behind a gateway: its VNet's address space, then every spoke that uses the gateway
    /// (spoke peering with useRemoteGateways, hub peering allowing the gateway to be shared) (rules C10, E3).</summary>
    public static (ImmutableArray<Prefix> Hub, ImmutableArray<(string Vnet, Prefix Prefix)> Spokes) Prefixes(Topology t, VirtualNetworkGateway g)
    {
        var hub = t.VirtualNetwork(g.VirtualNetwork)?.AddressPrefixes ?? [];
        var spokes = ImmutableArray.CreateBuilder<(string, Prefix)>();
        foreach (var p in t.VirtualNetworkPeerings)
        {
            if (p.RemoteVirtualNetwork != g.VirtualNetwork || !p.UseRemoteGateways) continue;
            var back = t.ReversePeering(p);
            if (back is null || !back.AllowGatewayTransit) continue;
            foreach (var prefix in t.VirtualNetwork(p.VirtualNetwork)?.AddressPrefixes ?? [])
                spokes.Add((p.VirtualNetwork, prefix));
        }
        return (hub, spokes.ToImmutable());
    }

    public static ImmutableArray<Prefix> AllPrefixes(Topology t, VirtualNetworkGateway g)
    {
        var (hub, spokes) = Prefixes(t, g);
        return [.. hub, .. spokes.Select(s => s.Prefix)];
    }

    /// <summary>Builds the Azure party of connection <paramref name="c"/>. <paramref name="remote"/> holds the site's
    /// prefixes (the local network gateway's, or the other VNet's). With <paramref name="asPeer"/> the party is the far
    /// end of another connection's tunnel: its selectors are flipped into that connection's orientation.</summary>
    public static Party Build(Topology t, Connection c, VirtualNetworkGateway g, ImmutableArray<Prefix> remote, int instance, bool asPeer, string name)
    {
        var side = asPeer ? Side.Peer : Side.Azure;
        var (hubRaw, spokesRaw) = Prefixes(t, g);
        // On the wire the VNet side appears through the connection's EgressSnat rules (rule F1).
        var hub = Wire(t, c, instance, hubRaw);
        var hubAndSpokes = Wire(t, c, instance, [.. hubRaw, .. spokesRaw.Select(s => s.Prefix)]);
        var policy = c.IpsecPolicies.IsEmpty ? null : c.IpsecPolicies[0];
        var notes = ImmutableArray.CreateBuilder<ExplanationStep>();

        var ike = policy is null ? Algorithms.AzureDefaultIke : [Algorithms.IkeOf(policy)];
        var ikeSource = policy is null
            ? $"{name}: Azure default IKE offers (DH group 2 only)"
            : $"{name}: custom IPsec/IKE policy ({policy.Source})";
        var espOffers = policy is null ? Algorithms.AzureDefaultEspInitiator : [Algorithms.EspOf(policy)];
        var espAccepts = policy is null ? Algorithms.AzureDefaultEspResponder : [Algorithms.EspOf(policy)];
        var espOfferSource = policy is null ? $"{name}: Azure default quick mode offers as initiator" : $"{name}: custom IPsec/IKE policy";
        var espAcceptSource = policy is null ? $"{name}: Azure default quick mode offers as responder" : $"{name}: custom IPsec/IKE policy";

        TsProposal P(TrafficSelector s, string origin, string? rule) =>
            new(asPeer ? s.Flip() : s, origin, c.Source, rule);

        var pairs = hubAndSpokes.SelectMany(a => remote.Select(r => P(TrafficSelector.Single(a, r),
            $"{name} proposes every Azure prefix x site prefix pair", null))).ToImmutableArray();
        var hubPairs = hub.SelectMany(a => remote.Select(r => P(TrafficSelector.Single(a, r),
            $"{name} proposes hub prefix x site prefix", null))).ToImmutableArray();
        var anyToAny = P(TrafficSelector.AnyToAny, $"{name}'s default proposal 0.0.0.0/0<->0.0.0.0/0", "E2");

        var initiations = ImmutableArray.CreateBuilder<Initiation>();
        if (c.UsePolicyBasedTrafficSelectors)
        {
            notes.Add(new(instance, name,
                "usePolicyBasedTrafficSelectors is on. Documented contradiction: the current docs (ipsec-ike-policy-howto) say policy-based "
                + "traffic selectors can be specified with the Default policy, without a custom IPsec/IKE policy; the older page "
                + "(vpn-gateway-connect-multiple-policybased-rm-ps) requires the complete custom policy. NetTwin follows the current docs "
                + (policy is null ? "(this connection has no custom policy; its selectors are still used)." : "(this connection has a custom policy anyway)."),
                "E3"));
        }
        if (c.UsePolicyBasedTrafficSelectors && !c.TrafficSelectorPolicies.IsEmpty)
        {
            // Rule E4: exactly the traffic selector policies, only when Azure initiates; one line = one child SA.
            foreach (var (line, k) in c.TrafficSelectorPolicies.Select((l, k) => (l, k)))
            {
                var origin = $"{name}'s trafficSelectorPolicies line {k + 1}"
                    + (k > 0 ? " (created on demand when traffic arrives, its first packets lost)" : " (created when the tunnel comes up)");
                var sel = new TrafficSelector(Wire(t, c, instance, line.LocalAddressRanges), line.RemoteAddressRanges);
                initiations.Add(new Initiation(origin, [[P(sel, origin, "E4")]], espOffers, espOfferSource));
            }
            notes.Add(new(instance, name, "trafficSelectorPolicies only change what Azure proposes when it initiates; as responder Azure still accepts whatever the peer proposes", "E4, E1"));
        }
        else if (c.UsePolicyBasedTrafficSelectors)
        {
            // Rule E3: every (Azure prefix, site prefix) pair; then, as seed 003 observed, the wide proposal.
            var stages = ImmutableArray.CreateBuilder<ImmutableArray<TsProposal>>();
            if (!pairs.IsEmpty) stages.Add(pairs.Select(p => p with { Rule = "E3" }).ToImmutableArray());
            stages.Add([anyToAny with { Origin = $"{name} falls back to the wide 0.0.0.0/0<->0.0.0.0/0 proposal", Rule = "E3 observed (seed 003), not documented" }]);
            initiations.Add(new Initiation("policy-based traffic selectors", stages.ToImmutable(), espOffers, espOfferSource));
        }
        else
        {
            // Rule E2: any-to-any; on TS_UNACCEPTABLE the fallbacks seed 003 observed.
            var stages = ImmutableArray.CreateBuilder<ImmutableArray<TsProposal>>();
            stages.Add([anyToAny]);
            if (!pairs.IsEmpty)
                stages.Add(pairs.Select(p => p with { Origin = $"{name} falls back to (VNet + spokes) x site prefixes", Rule = "E2 observed (seed 003), not documented" }).ToImmutableArray());
            if (!hubPairs.IsEmpty && hubPairs.Length != pairs.Length)
                stages.Add(hubPairs.Select(p => p with { Origin = $"{name} falls back to hub VNet x site prefixes", Rule = "E2 observed (seed 003), not documented" }).ToImmutableArray());
            initiations.Add(new Initiation("default selectors", stages.ToImmutable(), espOffers, espOfferSource));
            if (!c.TrafficSelectorPolicies.IsEmpty)
                notes.Add(new(instance, name, "trafficSelectorPolicies are ignored: they take effect only with usePolicyBasedTrafficSelectors", "E4"));
        }

        return new Party
        {
            Side = side,
            Name = name,
            MayInitiate = c.ConnectionMode != ConnectionMode.ResponderOnly,
            WhyNoInitiation = "connectionMode ResponderOnly: the Azure gateway never initiates",
            AcceptsInitiation = c.ConnectionMode != ConnectionMode.InitiatorOnly,
            WhyRejects = "connectionMode InitiatorOnly: the Azure gateway rejects connection attempts from the other side",
            IkeOffers = ike,
            IkeAccepts = ike,
            IkeSource = ikeSource,
            KeySent = c.SharedKey,
            KeyExpected = c.SharedKey,
            KeySource = $"connection {c.Name} sharedKey" + (c.SharedKey is null ? " (not given)" : ""),
            Initiations = initiations.ToImmutable(),
            Respond = sel => new TsResponse(sel, espAccepts, espAcceptSource,
                $"{name} accepts whatever traffic selector is proposed, in every connection mode", "E1", c.Source),
            Notes = notes.ToImmutable(),
        };
    }

    private static ImmutableArray<Prefix> Wire(Topology t, Connection c, int instance, ImmutableArray<Prefix> azurePrefixes) =>
        azurePrefixes.IsEmpty ? azurePrefixes : VpnNat.SelectorToWire(t, c, instance, new TrafficSelector(azurePrefixes, [])).Local;
}

/// <summary>A Cisco IOS peer read from its configuration: the crypto map entries (or IPsec tunnel interface) for the
/// Azure address, their ACL (each permit entry = one traffic selector it proposes and accepts), transform sets and PFS,
/// the IKEv2 profile, keyring and proposals.</summary>
internal static class CiscoParties
{
    private sealed record Policy(TrafficSelector Selector, ImmutableArray<EspAlgorithms> EspOffers, ImmutableArray<EspAlgorithms> EspAccepts,
        string EspSource, string Origin, SourceRef Source);

    /// <summary>The party, or null with the reason when the device has nothing for this Azure address.</summary>
    public static Party? Build(OnPremisesDevice dev, DeviceConfig cfg, Ipv4 azureAddress, int instance, List<ExplanationStep> trail, out string? notConfigured)
    {
        notConfigured = null;
        var name = dev.Name;
        var crypto = cfg.Crypto;
        var policies = new List<Policy>();
        string? profileName = null;
        InterfaceConfig? outside = null;
        var kind = "";

        // Crypto maps applied to interfaces, entries whose 'set peer' is the Azure address.
        foreach (var iface in cfg.Interfaces.Where(i => !i.Shutdown && i.CryptoMap is not null))
        {
            if (!crypto.CryptoMaps.TryGetValue(iface.CryptoMap!, out var map)) continue;
            foreach (var entry in map.Entries.Where(e => e.DynamicMap is null && e.Peers.Contains(azureAddress)).OrderBy(e => e.Sequence))
            {
                outside ??= map.LocalAddressInterface is { } lai ? cfg.Interface(lai) ?? iface : iface;
                profileName ??= entry.Ikev2Profile;
                kind = $"crypto map {map.Name} {entry.Sequence} on {iface.Name}";
                var (offers, accepts, espSource) = Esp(crypto, entry.TransformSets, entry.PfsGroup, $"{name} crypto map {map.Name} {entry.Sequence}", entry.Source);
                var acl = entry.MatchAddress is null ? null : cfg.AccessList(entry.MatchAddress);
                if (acl is null)
                {
                    trail.Add(new(instance, name, $"crypto map {map.Name} {entry.Sequence} ({entry.Source}) has no usable 'match address' ACL ({entry.MatchAddress ?? "none"}): it proposes and accepts no traffic selector"));
                    continue;
                }
                foreach (var ace in acl.Permits())
                {
                    if (ace.Protocol is not null || ace.SourcePorts is not null || ace.DestinationPorts is not null)
                    {
                        trail.Add(new(instance, name, $"ACL {acl.Name} entry '{ace}' ({ace.Source}) is protocol- or port-specific: NetTwin models address selectors only and skips it"));
                        continue;
                    }
                    // The ACL is written from the device's side: source = its own networks (Remote for Azure).
                    policies.Add(new Policy(TrafficSelector.Single(ace.DestinationPrefix, ace.SourcePrefix), offers, accepts, espSource,
                        $"{name} crypto map {map.Name} {entry.Sequence} ACL {acl.Name} entry '{ace}'", ace.Source));
                }
            }
        }

        // Route-based peers: an IPsec tunnel interface towards the Azure address proposes and accepts any <-> any.
        foreach (var tun in cfg.Interfaces.Where(i => !i.Shutdown && i.Tunnel is { Mode: TunnelMode.IpsecIpv4, ProtectionProfile: not null } tc && tc.Destination == azureAddress))
        {
            var tc = tun.Tunnel!;
            crypto.IpsecProfiles.TryGetValue(tc.ProtectionProfile!, out var ipsecProfile);
            outside ??= tc.SourceInterface is { } si ? cfg.Interface(si) : cfg.Interfaces.FirstOrDefault(i => i.Address?.Ip == tc.SourceAddress);
            profileName ??= ipsecProfile?.Ikev2Profile;
            kind = $"tunnel interface {tun.Name} (tunnel mode ipsec ipv4)";
            var (offers, accepts, espSource) = Esp(crypto, ipsecProfile?.TransformSets ?? [], ipsecProfile?.PfsGroup,
                $"{name} IPsec profile {tc.ProtectionProfile}", ipsecProfile?.Source ?? tun.Source);
            policies.Add(new Policy(TrafficSelector.AnyToAny, offers, accepts, espSource,
                $"{name} {tun.Name}: a route-based tunnel interface uses 0.0.0.0/0<->0.0.0.0/0", tun.Source));
        }

        if (kind.Length == 0)
        {
            notConfigured = $"{name} ({Path.GetFileName(cfg.FileName)}) has no crypto map entry with 'set peer {azureAddress}' on an interface and no IPsec tunnel interface with 'tunnel destination {azureAddress}'";
            return null;
        }
        var localAddress = outside?.Address?.Ip ?? (outside?.Tunnel?.SourceAddress);
        trail.Add(new(instance, name, $"terminates the tunnel with {kind}" + (localAddress is { } la ? $", source address {la}" : "")
            + $"; narrowing {(dev.Narrowing == IpsecNarrowing.Exact ? "exact (answers only a selector equal to one of its own)" : "rfc7296 (answers the part of a proposal inside its policy)")}", "E5"));

        // IKEv2 profile: the one named by the crypto map / IPsec profile, else the one matching Azure's identity.
        Ikev2Profile? profile = null;
        if (profileName is not null) crypto.Ikev2Profiles.TryGetValue(profileName, out profile);
        profile ??= crypto.Ikev2Profiles.Values.OrderBy(p => p.Source.Line).FirstOrDefault(p => p.MatchesRemote(azureAddress));
        string? authProblem = null;
        string? sent = null, expected = null;
        var keySource = $"{name}: no keyring";
        if (profile is null)
            authProblem = $"{name} has no IKEv2 profile matching remote identity {azureAddress} ('match identity remote address')";
        else if (!profile.MatchIdentityRemoteAddresses.IsEmpty && !profile.MatchesRemote(azureAddress))
            authProblem = $"{name}'s IKEv2 profile {profile.Name} ({profile.Source}) does not match remote identity {azureAddress}";
        else if (Method(profile.AuthenticationLocal) is { } l && l != "pre-share" || Method(profile.AuthenticationRemote) is { } r && r != "pre-share")
            authProblem = $"{name}'s IKEv2 profile {profile.Name} ({profile.Source}) authenticates with {profile.AuthenticationLocal ?? profile.AuthenticationRemote}; Azure uses pre-shared keys";
        else if (profile.Keyring is null || !crypto.Ikev2Keyrings.TryGetValue(profile.Keyring, out var keyring))
            authProblem = $"{name}'s IKEv2 profile {profile.Name} ({profile.Source}) has no usable 'keyring local' ({profile.Keyring ?? "none"})";
        else if (keyring.PeerFor(azureAddress) is not { } kp)
            authProblem = $"{name}'s keyring {keyring.Name} ({keyring.Source}) has no peer whose address holds {azureAddress}";
        else
        {
            keySource = $"{name} keyring {keyring.Name} peer {kp.Name} ({kp.Source})";
            if (kp.PreSharedKeyEncrypted)
                keySource += ", key stored encrypted: not comparable";
            else
            {
                sent = kp.LocalPreSharedKey;
                expected = kp.RemotePreSharedKey;
                if (sent is null || expected is null)
                    authProblem = $"{keySource} has no pre-shared key";
            }
        }

        // IKEv2 proposals: those of the IKEv2 policies matching the local address, else IOS's default proposal.
        var ikePolicies = crypto.Ikev2Policies.Values
            .Where(p => p.MatchAddressLocal.IsEmpty || (localAddress is { } a && p.MatchAddressLocal.Contains(a)))
            .OrderBy(p => p.Source.Line).ToList();
        var proposals = ikePolicies.SelectMany(p => p.Proposals)
            .Select(n => crypto.Ikev2Proposals.GetValueOrDefault(n)).OfType<Ikev2Proposal>().Distinct().ToList();
        var ike = proposals.SelectMany(Algorithms.Expand).Distinct().ToImmutableArray();
        var ikeSource = proposals.Count > 0
            ? $"{name}: IKEv2 proposal {string.Join(", ", proposals.Select(p => $"{p.Name} ({p.Source})"))}"
            : $"{name}: no IKEv2 proposal configured, IOS default proposal assumed (unverified)";
        if (ike.IsEmpty) ike = Algorithms.CiscoDefaultIke;

        var narrowing = dev.Narrowing;
        var frozen = policies.ToImmutableArray();
        return new Party
        {
            Side = Side.Peer,
            Name = name,
            MayInitiate = !frozen.IsEmpty,
            WhyNoInitiation = "no traffic selector to propose",
            AcceptsInitiation = true,
            IkeOffers = ike,
            IkeAccepts = ike,
            IkeSource = ikeSource,
            KeySent = sent,
            KeyExpected = expected,
            KeySource = keySource,
            AuthenticationProblem = authProblem,
            Initiations = [.. frozen.Select(p => new Initiation(p.Origin,
                [[new TsProposal(p.Selector, p.Origin + (p.Selector.SetEquals(TrafficSelector.AnyToAny) ? "" : " (each permit entry is one proposal)"), p.Source, null)]],
                p.EspOffers, p.EspSource))],
            Respond = sel => Respond(name, narrowing, frozen, sel),
        };
    }

    private static string? Method(string? m) => m?.Trim().ToLowerInvariant();

    private static TsResponse Respond(string name, IpsecNarrowing narrowing, ImmutableArray<Policy> policies, TrafficSelector proposed)
    {
        if (narrowing == IpsecNarrowing.Exact)
        {
            var equal = policies.FirstOrDefault(p => p.Selector.SetEquals(proposed));
            if (equal is not null)
                return new TsResponse(proposed, equal.EspAccepts, equal.EspSource, $"{equal.Origin} ({equal.Source}) equals it", "E5", equal.Source);
            return new TsResponse(null, [], "", $"no selector of {name} equals it (narrowing exact: a Cisco crypto map answers only an equal selector); "
                + $"{name} has {Show(policies)}", "E5", SourceRef.None);
        }
        // RFC 7296 §2.9: return the subset of the proposal inside the first policy entry that overlaps it.
        var hits = policies.Select(p => (p, part: proposed.Intersect(p.Selector))).Where(x => x.part is not null).ToList();
        if (hits.Count == 0)
            return new TsResponse(null, [], "", $"no selector of {name} overlaps it; {name} has {Show(policies)}", "E6", SourceRef.None);
        var (hit, part) = hits[0];
        var more = hits.Count > 1 ? $"; ADDITIONAL_TS_POSSIBLE: {hits.Count - 1} more of its selectors overlap the proposal" : "";
        return new TsResponse(part, hit.EspAccepts, hit.EspSource,
            $"{name} returns the part inside {hit.Origin} ({hit.Source}) (narrowing rfc7296){more}", "E6", hit.Source);
    }

    private static string Show(ImmutableArray<Policy> policies) =>
        policies.IsEmpty ? "no selector" : string.Join("; ", policies.Select(p => $"{p.Selector} ({p.Source})"));

    private static (ImmutableArray<EspAlgorithms> Offers, ImmutableArray<EspAlgorithms> Accepts, string Source) Esp(
        CryptoConfig crypto, ImmutableArray<string> transformSetNames, int? pfs, string where, SourceRef source)
    {
        var sets = transformSetNames.Select(n => crypto.TransformSets.GetValueOrDefault(n)).OfType<IpsecTransformSet>().ToList();
        var pairs = sets.Select(Algorithms.Expand).OfType<(string, string)>().ToList();
        var text = sets.Count > 0
            ? $"{where}: transform set {string.Join(", ", sets.Select(s => $"{s.Name} ({s.Source})"))}"
            : $"{where}: IOS default transform sets (esp-aes esp-sha-hmac, esp-3des esp-sha-hmac)";
        if (pairs.Count == 0) pairs = [.. Algorithms.CiscoDefaultTransforms];
        text += pfs is { } g ? $", set pfs group{g} ({source})" : ", no PFS set";
        return ([.. pairs.Select(p => new EspAlgorithms(p.Item1, p.Item2, pfs ?? 0))],
                [.. pairs.Select(p => new EspAlgorithms(p.Item1, p.Item2, pfs ?? Algorithms.AnyPfs))], text);
    }
}

/// <summary>A peer NetTwin cannot read: assumed to be a route-based device that agrees with Azure on everything
/// (proposals, key) and accepts Azure's selectors as proposed; flagged in the output.</summary>
internal static class AssumedParties
{
    public static Party Build(string name, Party azure, string why) => new()
    {
        Side = Side.Peer,
        Name = name,
        MayInitiate = true,
        AcceptsInitiation = true,
        IkeOffers = azure.IkeAccepts,
        IkeAccepts = azure.IkeOffers,
        IkeSource = $"{name}: not modelled ({why}), assumed to match",
        KeySent = null,
        KeyExpected = null,
        KeySource = $"{name}: not modelled, key assumed to match",
        Initiations = azure.Initiations.IsEmpty ? [] :
            [new Initiation($"{name} (assumed route-based)",
                [[new TsProposal(TrafficSelector.AnyToAny, $"{name} is assumed to propose 0.0.0.0/0<->0.0.0.0/0 (not modelled)", SourceRef.None, null)]],
                azure.Initiations[0].EspOffers, $"{name}: assumed to match")],
        Respond = sel => new TsResponse(sel, azure.Initiations.IsEmpty ? Algorithms.AzureDefaultEspInitiator : azure.Initiations[0].EspOffers,
            $"{name}: assumed to match", $"{name} is assumed to accept it (not modelled)", null, SourceRef.None),
        Assumed = true,
    };
}
