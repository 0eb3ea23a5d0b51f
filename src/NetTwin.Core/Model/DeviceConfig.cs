using System.Collections.Immutable;

namespace NetTwin.Model;

// The vendor-independent model of one router's configuration (Batfish style: each vendor format is parsed
// into this one model). Produced today by NetTwin.Formats.Ios.IosParser; consumed by the routing engine
// (static routes, BGP, prefix lists, route maps) and the IPsec engine (crypto maps, ACL traffic selectors,
// IKEv2 and IPsec settings). Every statement carries Source: the file and line it was parsed from.

/// <summary>The action of a prefix-list, route-map or access-list line.</summary>
public enum LineAction { Permit, Deny }

/// <summary>What the parser made of one line of the configuration file.</summary>
public enum SourceLineKind
{
    Blank,
    /// <summary>A '!' comment.</summary>
    Comment,
    /// <summary>Understood and applied to the model (possibly with a warning).</summary>
    Parsed,
    /// <summary>A known statement that does not affect what NetTwin models (logging, line vty, banners...).</summary>
    Ignored,
    /// <summary>Not understood: reported, not applied.</summary>
    NotUnderstood,
    /// <summary>A known statement with an error (bad address, bad mask...): reported, not applied.</summary>
    Error,
}

/// <summary>One line of the source file and what became of it.</summary>
public sealed record SourceLine(int Number, string Text, SourceLineKind Kind);

/// <summary>A router's whole configuration.</summary>
public sealed record DeviceConfig(
    string FileName,
    string? Hostname,
    ImmutableArray<InterfaceConfig> Interfaces,
    ImmutableArray<StaticRoute> StaticRoutes,
    BgpProcess? Bgp,
    ImmutableDictionary<string, PrefixList> PrefixLists,
    ImmutableDictionary<string, RouteMap> RouteMaps,
    ImmutableDictionary<string, AccessList> AccessLists,
    CryptoConfig Crypto,
    /// <summary>Every line of the file, in order, with what the parser made of it.</summary>
    ImmutableArray<SourceLine> SourceLines)
{
    public InterfaceConfig? Interface(string name) =>
        Interfaces.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase));

    public PrefixList? PrefixList(string name) => PrefixLists.GetValueOrDefault(name);
    public RouteMap? RouteMap(string name) => RouteMaps.GetValueOrDefault(name);
    public AccessList? AccessList(string name) => AccessLists.GetValueOrDefault(name);

    /// <summary>Connected routes: the address prefixes of interfaces that are not shut down.</summary>
    public IEnumerable<(InterfaceConfig Interface, InterfaceAddress Address)> ConnectedAddresses =>
        Interfaces.Where(i => !i.Shutdown)
            .SelectMany(i => (i.Address is { } a ? new[] { a } : []).Concat(i.SecondaryAddresses).Select(a => (i, a)));

    /// <summary>IOS semantics of a prefix-list reference: a list that does not exist permits every prefix.</summary>
    public bool PrefixListPermits(string name, Prefix prefix) =>
        PrefixLists.TryGetValue(name, out var list) ? list.Matches(prefix) : true;

    /// <summary>Applies a route map by name to a BGP route. No name = no policy: the route passes unchanged.
    /// A name that is not defined denies every route (what current IOS releases do for a neighbor route-map
    /// that does not exist; the result lists the name in UndefinedReferences).</summary>
    public RouteMapResult EvaluateRouteMap(string? name, BgpRouteAttributes route)
    {
        if (name is null) return new RouteMapResult(true, route, null, false, []);
        if (!RouteMaps.TryGetValue(name, out var map)) return new RouteMapResult(false, route, null, true, [name]);
        return map.Evaluate(route, PrefixLists, AccessLists);
    }
}

// ---------------------------------------------------------------- interfaces and static routes

/// <summary>An interface address: the address itself and the connected prefix it implies.</summary>
public sealed record InterfaceAddress(Ipv4 Ip, Prefix Prefix)
{
    public override string ToString() => $"{Ip}/{Prefix.Length}";
}

public enum TunnelMode
{
    /// <summary>"tunnel mode gre ip", the IOS default.</summary>
    GreIp,
    /// <summary>"tunnel mode ipsec ipv4": a static virtual tunnel interface (route-based VPN).</summary>
    IpsecIpv4,
}

public sealed record TunnelConfig(
    /// <summary>"tunnel source GigabitEthernet1": the interface whose address is the tunnel source.</summary>
    string? SourceInterface,
    /// <summary>"tunnel source 10.0.0.1".</summary>
    Ipv4? SourceAddress,
    Ipv4? Destination,
    TunnelMode Mode,
    /// <summary>"tunnel protection ipsec profile NAME".</summary>
    string? ProtectionProfile);

public sealed record InterfaceConfig(
    string Name,
    string? Description,
    /// <summary>The primary address ("ip address A MASK"); null when the interface has none.</summary>
    InterfaceAddress? Address,
    ImmutableArray<InterfaceAddress> SecondaryAddresses,
    bool Shutdown,
    /// <summary>Tunnel settings; null for interfaces without any "tunnel ..." command.</summary>
    TunnelConfig? Tunnel,
    /// <summary>"crypto map NAME" applied to the interface.</summary>
    string? CryptoMap,
    SourceRef Source)
{
    public bool IsTunnel => Name.StartsWith("Tunnel", StringComparison.OrdinalIgnoreCase);
    public bool IsLoopback => Name.StartsWith("Loopback", StringComparison.OrdinalIgnoreCase);
}

public sealed record StaticRoute(
    Prefix Prefix,
    Ipv4? NextHop,
    /// <summary>"ip route P M GigabitEthernet1 [A]" or Null0.</summary>
    string? NextHopInterface,
    /// <summary>1 unless given.</summary>
    int AdminDistance,
    string? Name,
    long? Tag,
    bool Permanent,
    SourceRef Source)
{
    public const int DefaultAdminDistance = 1;
    /// <summary>A route to Null0 drops what it matches.</summary>
    public bool IsDiscard => string.Equals(NextHopInterface, "Null0", StringComparison.OrdinalIgnoreCase);
}

// ---------------------------------------------------------------- BGP

public sealed record BgpProcess(
    long Asn,
    Ipv4? RouterId,
    /// <summary>False after "no bgp default ipv4-unicast": neighbors then need "neighbor X activate".</summary>
    bool DefaultIpv4Unicast,
    int MaximumPaths,
    ImmutableArray<BgpNeighbor> Neighbors,
    ImmutableArray<BgpNetwork> Networks,
    ImmutableArray<BgpRedistribution> Redistributions,
    SourceRef Source)
{
    public BgpNeighbor? Neighbor(Ipv4 address) => Neighbors.FirstOrDefault(n => n.Address == address);
}

/// <summary>A BGP neighbor with its IPv4 unicast settings (commands given under "router bgp" and under
/// "address-family ipv4" are merged: both configure IPv4 unicast).</summary>
public sealed record BgpNeighbor(
    Ipv4 Address,
    /// <summary>Null when the configuration never gives "neighbor X remote-as" (IOS would refuse the other
    /// neighbor commands; the parser warns).</summary>
    long? RemoteAs,
    string? Description,
    /// <summary>"neighbor X update-source Loopback0": the interface name.</summary>
    string? UpdateSource,
    /// <summary>"neighbor X ebgp-multihop [N]": the TTL (255 when no number is given); null when not set.</summary>
    int? EbgpMultihop,
    bool Shutdown,
    /// <summary>Whether the neighbor exchanges IPv4 unicast routes (explicit activate, or the default
    /// when "bgp default ipv4-unicast" is on).</summary>
    bool Activated,
    string? RouteMapIn,
    string? RouteMapOut,
    string? PrefixListIn,
    string? PrefixListOut,
    /// <summary>"neighbor X weight N"; null = the default (0 for learned routes).</summary>
    int? Weight,
    bool NextHopSelf,
    /// <summary>Every line that configured this neighbor.</summary>
    ImmutableArray<SourceRef> Lines,
    /// <summary>The first line that mentioned the neighbor.</summary>
    SourceRef Source)
{
    public bool IsEbgp(long localAsn) => RemoteAs is { } r && r != localAsn;
}

/// <summary>"network A mask M [route-map X]" (without mask: the classful mask).</summary>
public sealed record BgpNetwork(Prefix Prefix, string? RouteMap, SourceRef Source);

public enum RedistributeProtocol { Static, Connected }

public sealed record BgpRedistribution(RedistributeProtocol Protocol, string? RouteMap, long? Metric, SourceRef Source);

// ---------------------------------------------------------------- prefix lists

public sealed record PrefixListEntry(long Sequence, LineAction Action, Prefix Prefix, int? Ge, int? Le, SourceRef Source)
{
    /// <summary>Shortest matching length: ge if given, else the prefix length.</summary>
    public int MinLength => Ge ?? Prefix.Length;
    /// <summary>Longest matching length: le if given, else 32 when ge is given, else the prefix length.</summary>
    public int MaxLength => Le ?? (Ge is null ? Prefix.Length : 32);

    /// <summary>IOS: the first Prefix.Length bits must equal the entry's and the candidate's length must be in
    /// [MinLength, MaxLength]. Without ge/le only the exact prefix matches.</summary>
    public bool Matches(Prefix candidate) =>
        candidate.Length >= MinLength && candidate.Length <= MaxLength && Prefix.Contains(candidate);

    public override string ToString() =>
        $"seq {Sequence} {(Action == LineAction.Permit ? "permit" : "deny")} {Prefix}"
        + (Ge is { } g ? $" ge {g}" : "") + (Le is { } l ? $" le {l}" : "");
}

public sealed record PrefixList(string Name, string? Description, ImmutableArray<PrefixListEntry> Entries, SourceRef Source)
{
    /// <summary>The first entry (by sequence number) that matches, or null.</summary>
    public PrefixListEntry? FirstMatch(Prefix candidate)
    {
        foreach (var e in Entries)
            if (e.Matches(candidate)) return e;
        return null;
    }

    /// <summary>IOS semantics: the first matching entry decides; no matching entry = the implicit deny.
    /// A list with no entries at all (only a description) permits everything, as IOS treats an empty list.</summary>
    public bool Matches(Prefix candidate) =>
        Entries.IsEmpty || FirstMatch(candidate)?.Action == LineAction.Permit;
}

// ---------------------------------------------------------------- route maps

/// <summary>The attributes of a BGP route that route maps read and write.</summary>
public sealed record BgpRouteAttributes(Prefix Prefix)
{
    public const long DefaultLocalPreference = 100;
    public long LocalPreference { get; init; } = DefaultLocalPreference;
    /// <summary>The AS path, nearest AS first.</summary>
    public ImmutableArray<long> AsPath { get; init; } = [];
    public int Weight { get; init; }
    /// <summary>MED.</summary>
    public long Metric { get; init; }
    public Ipv4? NextHop { get; init; }
}

public sealed record RouteMapSets(
    long? LocalPreference,
    /// <summary>"set as-path prepend 65001 65001": prepended in the order given (the path then starts with
    /// the first one listed).</summary>
    ImmutableArray<long> AsPathPrepend,
    int? Weight,
    long? Metric,
    Ipv4? NextHop)
{
    public static readonly RouteMapSets None = new(null, [], null, null, null);

    public BgpRouteAttributes Apply(BgpRouteAttributes route) => route with
    {
        LocalPreference = LocalPreference ?? route.LocalPreference,
        AsPath = AsPathPrepend.IsEmpty ? route.AsPath : AsPathPrepend.AddRange(route.AsPath),
        Weight = Weight ?? route.Weight,
        Metric = Metric ?? route.Metric,
        NextHop = NextHop ?? route.NextHop,
    };
}

public sealed record RouteMapEntry(
    int Sequence,
    LineAction Action,
    string? Description,
    /// <summary>"match ip address prefix-list A B": the route matches when any of them permits it.</summary>
    ImmutableArray<string> MatchPrefixLists,
    /// <summary>"match ip address 10 ACL-NAME": the route matches when any of them permits it.</summary>
    ImmutableArray<string> MatchAccessLists,
    /// <summary>Match clauses the parser reported as not understood (match as-path, community...). An entry
    /// with any of them never matches in Evaluate and the result is flagged Approximate.</summary>
    ImmutableArray<string> UnsupportedMatches,
    RouteMapSets Sets,
    SourceRef Source)
{
    public bool HasMatchClauses => !MatchPrefixLists.IsEmpty || !MatchAccessLists.IsEmpty || !UnsupportedMatches.IsEmpty;
}

/// <summary>The outcome of a route map: permitted or not, the route after the set clauses, the sequence that
/// decided (null for the implicit deny), and names referenced but not defined (IOS treats a missing prefix
/// list or ACL in a match clause as matching everything).</summary>
public sealed record RouteMapResult(
    bool Permitted,
    BgpRouteAttributes Route,
    int? Sequence,
    bool ImplicitDeny,
    ImmutableArray<string> UndefinedReferences)
{
    /// <summary>True when an entry with match clauses NetTwin does not model was skipped.</summary>
    public bool Approximate { get; init; }
}

public sealed record RouteMap(string Name, ImmutableArray<RouteMapEntry> Entries, SourceRef Source)
{
    /// <summary>IOS semantics: entries in sequence order; an entry matches when every kind of match clause
    /// matches (within one kind, any listed name); an entry without match clauses matches every route. The
    /// first matching entry decides: deny drops the route, permit applies its set clauses. No matching
    /// entry = the implicit deny.</summary>
    public RouteMapResult Evaluate(
        BgpRouteAttributes route,
        IReadOnlyDictionary<string, PrefixList> prefixLists,
        IReadOnlyDictionary<string, AccessList>? accessLists = null)
    {
        var undefined = ImmutableArray.CreateBuilder<string>();
        var approximate = false;
        foreach (var entry in Entries)
        {
            if (!entry.UnsupportedMatches.IsEmpty) { approximate = true; continue; }
            var matches = true;
            if (!entry.MatchPrefixLists.IsEmpty)
            {
                var any = false;
                foreach (var name in entry.MatchPrefixLists)
                {
                    if (!prefixLists.TryGetValue(name, out var list)) { undefined.Add(name); any = true; }
                    else if (list.Matches(route.Prefix)) any = true;
                }
                matches &= any;
            }
            if (!entry.MatchAccessLists.IsEmpty)
            {
                var any = false;
                foreach (var name in entry.MatchAccessLists)
                {
                    if (accessLists is null || !accessLists.TryGetValue(name, out var acl)) { undefined.Add(name); any = true; }
                    else if (acl.PermitsRoute(route.Prefix)) any = true;
                }
                matches &= any;
            }
            if (!matches) continue;
            return entry.Action == LineAction.Deny
                ? new RouteMapResult(false, route, entry.Sequence, false, undefined.ToImmutable()) { Approximate = approximate }
                : new RouteMapResult(true, entry.Sets.Apply(route), entry.Sequence, false, undefined.ToImmutable()) { Approximate = approximate };
        }
        return new RouteMapResult(false, route, null, true, undefined.ToImmutable()) { Approximate = approximate };
    }
}

// ---------------------------------------------------------------- access lists

public enum AccessListKind { Standard, Extended }

public enum PortOperator { Eq, Neq, Lt, Gt, Range }

public sealed record PortMatch(PortOperator Operator, int Low, int High)
{
    public bool Matches(int port) => Operator switch
    {
        PortOperator.Eq => port == Low,
        PortOperator.Neq => port != Low,
        PortOperator.Lt => port < Low,
        PortOperator.Gt => port > Low,
        _ => port >= Low && port <= High,
    };

    public override string ToString() => Operator switch
    {
        PortOperator.Range => $"range {Low} {High}",
        _ => $"{Operator.ToString().ToLowerInvariant()} {Low}",
    };
}

/// <summary>A packet (or flow) to test against an access list. Protocol is the IP protocol number
/// (6 TCP, 17 UDP, 1 ICMP); ports are null when the protocol has none.</summary>
public readonly record struct AclFlow(Ipv4 Source, Ipv4 Destination, int Protocol = 0, int? SourcePort = null, int? DestinationPort = null);

public sealed record AccessListEntry(
    int Sequence,
    LineAction Action,
    /// <summary>As written: ip, tcp, udp, icmp, esp, gre, or a number.</summary>
    string ProtocolName,
    /// <summary>The IP protocol number; null for "ip" (every protocol).</summary>
    int? Protocol,
    /// <summary>The source as a prefix ("any" = 0.0.0.0/0, "host A" = A/32, "A W" = A/(32 - bits of W)).</summary>
    Prefix SourcePrefix,
    PortMatch? SourcePorts,
    /// <summary>The destination; 0.0.0.0/0 for standard access lists.</summary>
    Prefix DestinationPrefix,
    PortMatch? DestinationPorts,
    bool Established,
    /// <summary>ICMP message type name or number ("echo", "8"), when given.</summary>
    string? IcmpType,
    bool Log,
    SourceRef Source)
{
    public bool Matches(AclFlow flow)
    {
        if (Protocol is { } p && p != flow.Protocol) return false;
        if (!SourcePrefix.Contains(flow.Source) || !DestinationPrefix.Contains(flow.Destination)) return false;
        if (SourcePorts is { } sp && (flow.SourcePort is not { } s || !sp.Matches(s))) return false;
        if (DestinationPorts is { } dp && (flow.DestinationPort is not { } d || !dp.Matches(d))) return false;
        // established and ICMP types are properties of single packets NetTwin does not model: a flow matches.
        return true;
    }

    public override string ToString() =>
        $"{Sequence} {(Action == LineAction.Permit ? "permit" : "deny")} {ProtocolName} {SourcePrefix}"
        + (SourcePorts is { } sp ? $" {sp}" : "") + $" {DestinationPrefix}" + (DestinationPorts is { } dp ? $" {dp}" : "");
}

public sealed record AccessList(string Name, AccessListKind Kind, ImmutableArray<AccessListEntry> Entries, SourceRef Source)
{
    public AccessListEntry? FirstMatch(AclFlow flow)
    {
        foreach (var e in Entries)
            if (e.Matches(flow)) return e;
        return null;
    }

    /// <summary>First match decides; no match = the implicit deny.</summary>
    public bool Permits(AclFlow flow) => FirstMatch(flow)?.Action == LineAction.Permit;

    /// <summary>An ACL used in a route-map match clause for BGP: a standard ACL tests the route's network
    /// address; an extended ACL tests the network address as source and the mask as destination. Only
    /// "ip" entries can match a route.</summary>
    public bool PermitsRoute(Prefix route)
    {
        foreach (var e in Entries)
        {
            if (e.Protocol is not null || e.SourcePorts is not null || e.DestinationPorts is not null) continue;
            if (!e.SourcePrefix.Contains(route.Network)) continue;
            if (Kind == AccessListKind.Extended && !e.DestinationPrefix.Contains(new Ipv4(route.Mask))) continue;
            return e.Action == LineAction.Permit;
        }
        return false;
    }

    /// <summary>The permit entries, in order: for a crypto map's "match address" ACL these are the traffic
    /// selectors the device proposes and accepts.</summary>
    public IEnumerable<AccessListEntry> Permits() => Entries.Where(e => e.Action == LineAction.Permit);
}

// ---------------------------------------------------------------- crypto

public sealed record Ikev2Proposal(
    string Name,
    /// <summary>As written: aes-cbc-256, aes-gcm-256, 3des...</summary>
    ImmutableArray<string> Encryption,
    /// <summary>sha256, sha1, sha384, sha512, md5.</summary>
    ImmutableArray<string> Integrity,
    ImmutableArray<string> Prf,
    /// <summary>Diffie-Hellman groups: 2, 14, 19, 20, 24...</summary>
    ImmutableArray<int> Groups,
    SourceRef Source);

public sealed record Ikev2Policy(
    string Name,
    ImmutableArray<string> Proposals,
    /// <summary>"match address local A".</summary>
    ImmutableArray<Ipv4> MatchAddressLocal,
    SourceRef Source);

public sealed record Ikev2KeyringPeer(
    string Name,
    /// <summary>"address A [MASK]"; a bare address is a /32.</summary>
    Prefix? Address,
    /// <summary>"identity address A" / "identity fqdn X", as written after "identity".</summary>
    string? Identity,
    /// <summary>The key used to authenticate this device to the peer ("pre-shared-key K" or "... local K").</summary>
    string? LocalPreSharedKey,
    /// <summary>The key expected from the peer ("pre-shared-key K" or "... remote K").</summary>
    string? RemotePreSharedKey,
    /// <summary>True when a key was given in encrypted form (type 6/7): it cannot be compared with Azure's.</summary>
    bool PreSharedKeyEncrypted,
    SourceRef Source);

public sealed record Ikev2Keyring(string Name, ImmutableArray<Ikev2KeyringPeer> Peers, SourceRef Source)
{
    /// <summary>The peer whose address range holds the given address (longest prefix first).</summary>
    public Ikev2KeyringPeer? PeerFor(Ipv4 address) =>
        Peers.Where(p => p.Address is { } a && a.Contains(address)).OrderByDescending(p => p.Address!.Value.Length).FirstOrDefault();
}

public sealed record Ikev2Profile(
    string Name,
    /// <summary>"match identity remote address A [MASK]" ("address 0.0.0.0" without a mask = any peer, 0.0.0.0/0).</summary>
    ImmutableArray<Prefix> MatchIdentityRemoteAddresses,
    /// <summary>"match address local A".</summary>
    Ipv4? MatchAddressLocal,
    /// <summary>"match address local interface X".</summary>
    string? MatchAddressLocalInterface,
    /// <summary>"identity local address A" / "identity local fqdn X", as written after "identity local".</summary>
    string? IdentityLocal,
    /// <summary>"authentication local pre-share" → "pre-share".</summary>
    string? AuthenticationLocal,
    string? AuthenticationRemote,
    /// <summary>"keyring local NAME".</summary>
    string? Keyring,
    /// <summary>"lifetime N" in seconds (IKE SA).</summary>
    int? LifetimeSeconds,
    SourceRef Source)
{
    public bool MatchesRemote(Ipv4 address) => MatchIdentityRemoteAddresses.Any(p => p.Contains(address));
}

public enum IpsecMode { Tunnel, Transport }

public sealed record IpsecTransformSet(
    string Name,
    /// <summary>As written, a key size joined to its transform: "esp-aes 256", "esp-sha256-hmac".</summary>
    ImmutableArray<string> Transforms,
    /// <summary>Tunnel unless "mode transport".</summary>
    IpsecMode Mode,
    SourceRef Source)
{
    /// <summary>The ESP encryption transform (esp-aes 256, esp-gcm 256, esp-3des...), if any.</summary>
    public string? Encryption => Transforms.FirstOrDefault(t => !t.EndsWith("-hmac", StringComparison.Ordinal) && t.StartsWith("esp-", StringComparison.Ordinal));
    /// <summary>The ESP integrity transform (esp-sha256-hmac...), if any.</summary>
    public string? Integrity => Transforms.FirstOrDefault(t => t.EndsWith("-hmac", StringComparison.Ordinal) && t.StartsWith("esp-", StringComparison.Ordinal));
}

public sealed record IpsecProfile(
    string Name,
    ImmutableArray<string> TransformSets,
    string? Ikev2Profile,
    /// <summary>"set pfs groupN" → N.</summary>
    int? PfsGroup,
    int? LifetimeSeconds,
    long? LifetimeKilobytes,
    SourceRef Source);

public sealed record CryptoMapEntry(
    string MapName,
    int Sequence,
    /// <summary>"ipsec-isakmp" (the only kind parsed); "dynamic" entries name their dynamic map in DynamicMap.</summary>
    string? DynamicMap,
    ImmutableArray<Ipv4> Peers,
    ImmutableArray<string> TransformSets,
    int? PfsGroup,
    string? Ikev2Profile,
    /// <summary>"match address ACL": the access list defining the traffic selectors.</summary>
    string? MatchAddress,
    int? LifetimeSeconds,
    long? LifetimeKilobytes,
    SourceRef Source);

public sealed record CryptoMap(
    string Name,
    /// <summary>In sequence order.</summary>
    ImmutableArray<CryptoMapEntry> Entries,
    /// <summary>"crypto map NAME local-address IFACE".</summary>
    string? LocalAddressInterface,
    SourceRef Source);

public sealed record CryptoConfig(
    ImmutableDictionary<string, Ikev2Proposal> Ikev2Proposals,
    ImmutableDictionary<string, Ikev2Policy> Ikev2Policies,
    ImmutableDictionary<string, Ikev2Keyring> Ikev2Keyrings,
    ImmutableDictionary<string, Ikev2Profile> Ikev2Profiles,
    ImmutableDictionary<string, IpsecTransformSet> TransformSets,
    ImmutableDictionary<string, IpsecProfile> IpsecProfiles,
    ImmutableDictionary<string, CryptoMap> CryptoMaps)
{
    public static readonly CryptoConfig Empty = new(
        ImmutableDictionary<string, Ikev2Proposal>.Empty, ImmutableDictionary<string, Ikev2Policy>.Empty,
        ImmutableDictionary<string, Ikev2Keyring>.Empty, ImmutableDictionary<string, Ikev2Profile>.Empty,
        ImmutableDictionary<string, IpsecTransformSet>.Empty, ImmutableDictionary<string, IpsecProfile>.Empty,
        ImmutableDictionary<string, CryptoMap>.Empty);
}
