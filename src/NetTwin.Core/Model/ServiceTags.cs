using System.Collections.Immutable;

namespace NetTwin.Model;

/// <summary>One service tag of Azure's "Azure IP Ranges and Service Tags" file: a global tag (<c>Storage</c>) or a
/// regional one (<c>Storage.WestEurope</c>, region <c>westeurope</c>), with its IPv4 prefixes.</summary>
/// <param name="Name">The tag as NSG rules, firewall rules and routes spell it.</param>
/// <param name="Region">properties.region: empty for a global tag.</param>
/// <param name="SystemService">properties.systemService (AzureStorage, ...), may be empty.</param>
/// <param name="AddressPrefixes">The IPv4 prefixes (IPv6 prefixes are ignored: NetTwin models IPv4 only).</param>
/// <param name="Source">The file, and the line of the tag's entry when known.</param>
public sealed record ServiceTag(string Name, string Region, string SystemService, ImmutableArray<Prefix> AddressPrefixes, SourceRef Source)
{
    private (uint First, uint Last)[]? _ranges;

    /// <summary>True when an address is inside one of the tag's prefixes (sorted merged ranges, binary search).</summary>
    public bool Contains(Ipv4 ip)
    {
        var r = _ranges ??= Merge(AddressPrefixes);
        int lo = 0, hi = r.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (ip.Value < r[mid].First) hi = mid - 1;
            else if (ip.Value > r[mid].Last) lo = mid + 1;
            else return true;
        }
        return false;
    }

    private static (uint, uint)[] Merge(ImmutableArray<Prefix> prefixes)
    {
        var merged = new List<(uint First, uint Last)>();
        foreach (var p in prefixes.OrderBy(p => p.First.Value))
        {
            if (merged.Count > 0 && (ulong)p.First.Value <= (ulong)merged[^1].Last + 1)
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, p.Last.Value));
            else merged.Add((p.First.Value, p.Last.Value));
        }
        return [.. merged];
    }
}

/// <summary>The service tags the user supplied (a <c>ServiceTags_*.json</c> or <c>serviceTags.json</c> file in the
/// topology folder), by name, case-insensitive. Empty when the folder holds none: every tag beyond VirtualNetwork,
/// Internet and AzureLoadBalancer then matches nothing, and validation says so.</summary>
public sealed class ServiceTagSet
{
    public static readonly ServiceTagSet Empty = new([], [], []);

    /// <summary>The tags NetTwin evaluates itself (rule G4, G3): never looked up in the file.</summary>
    public static readonly ImmutableHashSet<string> BuiltIn =
        ImmutableHashSet.Create(StringComparer.OrdinalIgnoreCase, "VirtualNetwork", "Internet", "AzureLoadBalancer", "*");

    private readonly Dictionary<string, ServiceTag> _byName;

    /// <summary>The files read (full paths).</summary>
    public ImmutableArray<string> Files { get; }
    public ImmutableArray<ServiceTag> Tags { get; }
    /// <summary>What NetTwin left out while reading (IPv6 prefixes), one sentence per file.</summary>
    public ImmutableArray<string> Notes { get; }

    public ServiceTagSet(ImmutableArray<string> files, ImmutableArray<ServiceTag> tags, ImmutableArray<string> notes)
    {
        Files = files;
        Tags = tags;
        Notes = notes;
        _byName = new Dictionary<string, ServiceTag>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in tags) _byName.TryAdd(t.Name, t);
    }

    public bool IsEmpty => Tags.IsEmpty;

    /// <summary>The tag with this name (case-insensitive), or null when the file does not hold it.</summary>
    public ServiceTag? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Microsoft.* service endpoint names and the service tag each one's routes cover (rule A4). Services not
    /// listed map to their name without "Microsoft." (unverified).</summary>
    public static readonly ImmutableDictionary<string, string> EndpointTags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.Storage"] = "Storage",
        ["Microsoft.Storage.Global"] = "Storage",
        ["Microsoft.Sql"] = "Sql",
        ["Microsoft.AzureCosmosDB"] = "AzureCosmosDB",
        ["Microsoft.KeyVault"] = "AzureKeyVault",
        ["Microsoft.ServiceBus"] = "ServiceBus",
        ["Microsoft.EventHub"] = "EventHub",
        ["Microsoft.Web"] = "AppService",
        ["Microsoft.ContainerRegistry"] = "AzureContainerRegistry",
        ["Microsoft.AzureActiveDirectory"] = "AzureActiveDirectory",
    }.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tag name whose prefixes a service endpoint's routes cover in a VNet's region (rule A4): the regional
    /// tag (<c>Storage.WestEurope</c> for Microsoft.Storage in westeurope) — Microsoft.Storage.Global: the global tag.</summary>
    public static string EndpointTagName(string service, string location)
    {
        var baseTag = EndpointTags.GetValueOrDefault(service)
            ?? (service.StartsWith("Microsoft.", StringComparison.OrdinalIgnoreCase) ? service["Microsoft.".Length..] : service);
        if (service.Equals("Microsoft.Storage.Global", StringComparison.OrdinalIgnoreCase) || location.Length == 0) return baseTag;
        return $"{baseTag}.{location.Replace(" ", "")}";
    }

    /// <summary>The regional tag for a service endpoint (matched on the tag's name and its properties.region), or null.</summary>
    public ServiceTag? ForEndpoint(string service, string location)
    {
        var name = EndpointTagName(service, location);
        if (Find(name) is { } exact) return exact;
        var dot = name.IndexOf('.');
        if (dot < 0) return null;
        var baseTag = name[..dot];
        var region = location.Replace(" ", "");
        return Tags.FirstOrDefault(t => t.Name.StartsWith(baseTag + ".", StringComparison.OrdinalIgnoreCase)
            && t.Region.Equals(region, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Precedence among equal prefixes of user routes: an explicit prefix, then a regional tag, then a
    /// global tag, then AzureCloud regional, then AzureCloud ([UDR], service tags for user-defined routes).</summary>
    public static int RoutePrecedence(string? tag) => tag switch
    {
        null => 0,
        _ when tag.StartsWith("AzureCloud.", StringComparison.OrdinalIgnoreCase) => 3,
        _ when tag.Equals("AzureCloud", StringComparison.OrdinalIgnoreCase) => 4,
        _ when tag.Contains('.') => 1,
        _ => 2,
    };
}
