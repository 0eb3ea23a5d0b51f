using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Formats.Ios;

// Mutable state filled in line by line (IOS lets a later line re-enter and extend an earlier block), turned
// into the immutable model once the whole file has been read.

internal sealed class DeviceBuilder
{
    public string? Hostname;
    public readonly List<InterfaceBuilder> Interfaces = [];
    public readonly List<StaticRoute> StaticRoutes = [];
    public BgpBuilder? Bgp;
    public readonly Dictionary<string, PrefixListBuilder> PrefixLists = new(StringComparer.Ordinal);
    public readonly Dictionary<string, RouteMapBuilder> RouteMaps = new(StringComparer.Ordinal);
    public readonly Dictionary<string, AccessListBuilder> AccessLists = new(StringComparer.Ordinal);
    public readonly Dictionary<string, Ikev2ProposalBuilder> Proposals = new(StringComparer.Ordinal);
    public readonly Dictionary<string, Ikev2PolicyBuilder> Policies = new(StringComparer.Ordinal);
    public readonly Dictionary<string, KeyringBuilder> Keyrings = new(StringComparer.Ordinal);
    public readonly Dictionary<string, Ikev2ProfileBuilder> Profiles = new(StringComparer.Ordinal);
    public readonly Dictionary<string, TransformSetBuilder> TransformSets = new(StringComparer.Ordinal);
    public readonly Dictionary<string, IpsecProfileBuilder> IpsecProfiles = new(StringComparer.Ordinal);
    public readonly Dictionary<string, CryptoMapBuilder> CryptoMaps = new(StringComparer.Ordinal);

    public InterfaceBuilder? FindInterface(string name) =>
        Interfaces.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase));

    public DeviceConfig Build(string file, ImmutableArray<SourceLine> lines) => new(
        file,
        Hostname,
        [.. Interfaces.Select(i => i.Build())],
        [.. StaticRoutes],
        Bgp?.Build(),
        Dict(PrefixLists, b => b.Build()),
        Dict(RouteMaps, b => b.Build()),
        Dict(AccessLists, b => b.Build()),
        new CryptoConfig(
            Dict(Proposals, b => b.Build()),
            Dict(Policies, b => b.Build()),
            Dict(Keyrings, b => b.Build()),
            Dict(Profiles, b => b.Build()),
            Dict(TransformSets, b => b.Build()),
            Dict(IpsecProfiles, b => b.Build()),
            Dict(CryptoMaps, b => b.Build())),
        lines);

    private static ImmutableDictionary<string, T> Dict<TB, T>(Dictionary<string, TB> builders, Func<TB, T> build) =>
        builders.ToImmutableDictionary(kv => kv.Key, kv => build(kv.Value), StringComparer.Ordinal);
}

internal sealed class InterfaceBuilder(string name, SourceRef source)
{
    public readonly string Name = name;
    public readonly SourceRef Source = source;
    public string? Description;
    public InterfaceAddress? Address;
    public readonly List<InterfaceAddress> Secondary = [];
    public bool Shutdown;
    public bool HasTunnel;
    public string? TunnelSourceInterface;
    public Ipv4? TunnelSourceAddress;
    public Ipv4? TunnelDestination;
    public TunnelMode TunnelMode = TunnelMode.GreIp;
    public string? TunnelProtection;
    public string? CryptoMap;

    public InterfaceConfig Build() => new(
        Name, Description, Address, [.. Secondary], Shutdown,
        HasTunnel ? new TunnelConfig(TunnelSourceInterface, TunnelSourceAddress, TunnelDestination, TunnelMode, TunnelProtection) : null,
        CryptoMap, Source);
}

internal sealed class BgpBuilder(long asn, SourceRef source)
{
    public readonly long Asn = asn;
    public readonly SourceRef Source = source;
    public Ipv4? RouterId;
    public bool DefaultIpv4Unicast = true;
    public int MaximumPaths = 1;
    public readonly List<NeighborBuilder> Neighbors = [];
    public readonly List<BgpNetwork> Networks = [];
    public readonly List<BgpRedistribution> Redistributions = [];

    public NeighborBuilder Neighbor(Ipv4 address, IosLine line)
    {
        var n = Neighbors.FirstOrDefault(x => x.Address == address);
        if (n is null) Neighbors.Add(n = new NeighborBuilder(address, line));
        else n.Lines.Add(line.Source);
        return n;
    }

    public BgpProcess Build() => new(
        Asn, RouterId, DefaultIpv4Unicast, MaximumPaths,
        [.. Neighbors.Select(n => n.Build(DefaultIpv4Unicast))], [.. Networks], [.. Redistributions], Source);
}

internal sealed class NeighborBuilder
{
    public NeighborBuilder(Ipv4 address, IosLine first)
    {
        Address = address;
        First = first;
        Lines.Add(first.Source);
    }

    public readonly Ipv4 Address;
    public readonly IosLine First;
    public readonly List<SourceRef> Lines = [];
    public long? RemoteAs;
    public string? Description;
    public string? UpdateSource;
    public int? EbgpMultihop;
    public bool Shutdown;
    public bool? Activate;
    public string? RouteMapIn, RouteMapOut, PrefixListIn, PrefixListOut;
    public int? Weight;
    public bool NextHopSelf;

    public BgpNeighbor Build(bool defaultIpv4Unicast) => new(
        Address, RemoteAs, Description, UpdateSource, EbgpMultihop, Shutdown, Activate ?? defaultIpv4Unicast,
        RouteMapIn, RouteMapOut, PrefixListIn, PrefixListOut, Weight, NextHopSelf, [.. Lines], First.Source);
}

internal sealed class PrefixListBuilder(string name, SourceRef source)
{
    public readonly string Name = name;
    public readonly SourceRef Source = source;
    public string? Description;
    public readonly SortedDictionary<long, PrefixListEntry> Entries = [];

    /// <summary>IOS numbers an entry without "seq" 5 above the highest so far (5 for the first).</summary>
    public long NextSequence => Entries.Count == 0 ? 5 : Entries.Keys.Max() + 5;

    public PrefixList Build() => new(Name, Description, [.. Entries.Values], Source);
}

internal sealed class RouteMapBuilder(string name, SourceRef source)
{
    public readonly string Name = name;
    public readonly SourceRef Source = source;
    public readonly SortedDictionary<int, RouteMapEntryBuilder> Entries = [];

    public RouteMap Build() => new(Name, [.. Entries.Values.Select(e => e.Build())], Source);
}

internal sealed class RouteMapEntryBuilder(int sequence, LineAction action, SourceRef source)
{
    public readonly int Sequence = sequence;
    public LineAction Action = action;
    public readonly SourceRef Source = source;
    public string? Description;
    public readonly List<string> MatchPrefixLists = [];
    public readonly List<string> MatchAccessLists = [];
    public readonly List<string> Unsupported = [];
    public long? LocalPreference;
    public ImmutableArray<long> Prepend = [];
    public int? Weight;
    public long? Metric;
    public Ipv4? NextHop;

    public RouteMapEntry Build() => new(
        Sequence, Action, Description, [.. MatchPrefixLists], [.. MatchAccessLists], [.. Unsupported],
        new RouteMapSets(LocalPreference, Prepend, Weight, Metric, NextHop), Source);
}

internal sealed class AccessListBuilder(string name, AccessListKind kind, SourceRef source)
{
    public readonly string Name = name;
    public readonly AccessListKind Kind = kind;
    public readonly SourceRef Source = source;
    public readonly SortedDictionary<int, AccessListEntry> Entries = [];

    /// <summary>IOS numbers an entry without a sequence number 10 above the highest so far (10 for the first).</summary>
    public int NextSequence => Entries.Count == 0 ? 10 : Entries.Keys.Max() + 10;

    public AccessList Build() => new(Name, Kind, [.. Entries.Values], Source);
}

internal sealed class Ikev2ProposalBuilder(string name, SourceRef source)
{
    public readonly string Name = name;
    public readonly SourceRef Source = source;
    public readonly List<string> Encryption = [], Integrity = [], Prf = [];
    public readonly List<int> Groups = [];

    public Ikev2Proposal Build() => new(Name, [.. Encryption], [.. Integrity], [.. Prf], [.. Groups], Source);
}

internal sealed class Ikev2PolicyBuilder(string name, SourceRef source)
{
    public readonly string Name = name;
    public readonly SourceRef Source = source;
    public readonly List<string> Proposals = [];
    public readonly List<Ipv4> MatchAddressLocal = [];

    public Ikev2Policy Build() => new(Name, [.. Proposals], [.. MatchAddressLocal], Source);
}

internal sealed class KeyringBuilder(string name, SourceRef source)
{
    public readonly string Name = name;
    public readonly SourceRef Source = source;
    public readonly List<KeyringPeerBuilder> Peers = [];

    public Ikev2Keyring Build() => new(Name, [.. Peers.Select(p => p.Build())], Source);
}

internal sealed class KeyringPeerBuilder(string name, SourceRef source)
{
    public readonly string Name = name;
    public readonly SourceRef Source = source;
    public Prefix? Address;
    public string? Identity;
    public string? LocalKey, RemoteKey;
    public bool Encrypted;

    public Ikev2KeyringPeer Build() => new(Name, Address, Identity, LocalKey, RemoteKey, Encrypted, Source);
}

internal sealed class Ikev2ProfileBuilder(string name, SourceRef source)
{
    public readonly string Name = name;
    public readonly SourceRef Source = source;
    public readonly List<Prefix> MatchRemote = [];
    public Ipv4? MatchLocal;
    public string? MatchLocalInterface;
    public string? IdentityLocal;
    public string? AuthenticationLocal, AuthenticationRemote;
    public string? Keyring;
    public int? Lifetime;

    public Ikev2Profile Build() => new(Name, [.. MatchRemote], MatchLocal, MatchLocalInterface, IdentityLocal,
        AuthenticationLocal, AuthenticationRemote, Keyring, Lifetime, Source);
}

internal sealed class TransformSetBuilder(string name, ImmutableArray<string> transforms, SourceRef source)
{
    public readonly string Name = name;
    public ImmutableArray<string> Transforms = transforms;
    public SourceRef Source = source;
    public IpsecMode Mode = IpsecMode.Tunnel;

    public IpsecTransformSet Build() => new(Name, Transforms, Mode, Source);
}

internal sealed class IpsecProfileBuilder(string name, SourceRef source)
{
    public readonly string Name = name;
    public readonly SourceRef Source = source;
    public readonly List<string> TransformSets = [];
    public string? Ikev2Profile;
    public int? PfsGroup;
    public int? LifetimeSeconds;
    public long? LifetimeKilobytes;

    public IpsecProfile Build() => new(Name, [.. TransformSets], Ikev2Profile, PfsGroup, LifetimeSeconds, LifetimeKilobytes, Source);
}

internal sealed class CryptoMapBuilder(string name, SourceRef source)
{
    public readonly string Name = name;
    public readonly SourceRef Source = source;
    public string? LocalAddressInterface;
    public readonly SortedDictionary<int, CryptoMapEntryBuilder> Entries = [];

    public CryptoMap Build() => new(Name, [.. Entries.Values.Select(e => e.Build(Name))], LocalAddressInterface, Source);
}

internal sealed class CryptoMapEntryBuilder(int sequence, string? dynamicMap, IosLine header)
{
    public readonly int Sequence = sequence;
    public readonly string? DynamicMap = dynamicMap;
    public readonly IosLine Header = header;
    public readonly List<Ipv4> Peers = [];
    public readonly List<string> TransformSets = [];
    public int? PfsGroup;
    public string? Ikev2Profile;
    public string? MatchAddress;
    public int? LifetimeSeconds;
    public long? LifetimeKilobytes;

    public CryptoMapEntry Build(string map) => new(map, Sequence, DynamicMap, [.. Peers], [.. TransformSets], PfsGroup,
        Ikev2Profile, MatchAddress, LifetimeSeconds, LifetimeKilobytes, Header.Source);
}
