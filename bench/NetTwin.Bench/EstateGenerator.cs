using System.Globalization;
using System.Text;
using NetTwin.Model;

namespace NetTwin.Bench;

/// <summary>A generated estate: the topology files (name → YAML text, in our format) and what they hold.</summary>
public sealed class GeneratedEstate(EstateSpec spec, IReadOnlyList<KeyValuePair<string, string>> files, EstateCounts counts)
{
    public EstateSpec Spec { get; } = spec;
    /// <summary>File name → text, in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Files { get; } = files;
    public EstateCounts Counts { get; } = counts;

    /// <summary>Writes the files into <paramref name="folder"/> (created if missing; other files are left alone).</summary>
    public string WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, text) in Files)
        {
            var path = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text, new UTF8Encoding(false));
        }
        return folder;
    }

    /// <summary>Writes the files into a fresh temporary folder and returns its path.</summary>
    public string WriteToTemp() => WriteTo(Directory.CreateTempSubdirectory($"nettwin-bench-{Spec.Name}-").FullName);
}

/// <summary>Generates a hub-and-spoke Azure hybrid estate, deterministically from <see cref="EstateSpec.Seed"/>.
///
/// Address plan (all valid by Azure's rules, nothing overlaps that must not):
/// <list type="bullet">
/// <item>hub r: 10.0.4r.0/22 — GatewaySubnet 10.0.4r.0/26 (ER + VPN coexist: /27 or shorter), AzureFirewallSubnet
/// 10.0.4r+1.0/26 (firewall at .4), shared 10.0.4r+2.0/24 (a jump VM at .4).</item>
/// <item>spokes: /24 subnets; a spoke's space is the power of two of /24s holding its M subnets; a region's spokes are
/// contiguous in one block aligned to its size (its supernet, used by UDRs and firewall rules), region blocks
/// from 10.16.0.0 upwards, all inside 10.0.0.0/9.</item>
/// <item>on-premises behind ExpressRoute: K prefixes /22–/29 in 10.128.0.0/9 (random lengths and gaps), the same
/// list on every region's circuit; circuit link /30s in 192.168.r.0/29.</item>
/// <item>VPN sites: LAN 172.16.i.0/24 (from 172.16.0.0), BGP peer 172.30.x.y/32, public IP in 203.0.113.0/24 then
/// 198.51.100.0/24; Azure public IPs in 192.0.2.0/24.</item>
/// </list>
/// Routing: spokes peer with their hub both ways (spoke useRemoteGateways, hub allowGatewayTransit, both
/// allowForwardedTraffic); hubs peer globally, full mesh. Spoke route tables send 0.0.0.0/0, every region's spoke
/// block and the on-premises summaries to their hub's firewall (VirtualAppliance), and fill up to U routes with
/// specific on-premises prefixes to the firewall (every 20th to None); odd-numbered tables disable gateway route
/// propagation. Each hub's GatewaySubnet has a route table sending its spokes to the firewall (symmetry, rule H4); those
/// R tables are part of T, so T − R spoke tables hold U routes each.
/// No UDR uses VirtualNetworkGateway (not allowed once ER and VPN gateways coexist).</summary>
public static class EstateGenerator
{
    private static readonly string[] RegionNames =
    [
        "westeurope", "northeurope", "eastus", "westus2", "southeastasia", "uksouth", "francecentral",
        "germanywestcentral", "swedencentral", "centralus", "eastus2", "japaneast", "australiaeast", "canadacentral",
        "brazilsouth", "koreacentral", "southafricanorth", "uaenorth", "switzerlandnorth", "norwayeast",
    ];

    private static readonly string[] SubnetNames = ["web", "app", "data", "api", "batch", "cache", "queue", "mgmt", "ml", "edge"];

    private const uint OnPremBase = (10u << 24) | (128u << 16);   // 10.128.0.0/9
    private const uint OnPremEnd = 11u << 24;                       // 11.0.0.0
    private const uint SpokeAreaBase = (10u << 24) | (16u << 16);   // 10.16.0.0
    private const uint AzureEnd = OnPremBase;                       // Azure lives in 10.0.0.0/9
    private const uint SiteLanBase = (172u << 24) | (16u << 16);    // 172.16.0.0
    private const uint SiteLoopbackBase = (172u << 24) | (30u << 16); // 172.30.0.0
    private const long OnPremAsn = 65010;

    /// <summary>The change sets the bench's what-if rows apply (written under changes/, which the loader does not read).</summary>
    public const string UdrChangeFile = "changes/one-udr.yaml";
    public const string PeeringChangeFile = "changes/one-peering-flag.yaml";

    public static string RegionName(int r) => r < RegionNames.Length ? RegionNames[r] : $"region{r + 1:00}";

    public static GeneratedEstate Generate(EstateSpec spec)
    {
        Check(spec);
        return new Builder(spec).Build();
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<EstateSpec, EstateCounts> CountCache = new();

    /// <summary>Only the counts (generates once per spec and drops the text).</summary>
    public static EstateCounts Count(EstateSpec spec) => CountCache.GetOrAdd(spec, s => Generate(s).Counts);

    private static void Check(EstateSpec s)
    {
        void Need(bool ok, string what) { if (!ok) throw new ArgumentException($"estate spec {s.Name}: {what}"); }
        Need(s.Regions is >= 1 and <= 60, "1 to 60 regions");
        Need(s.Spokes >= s.Regions, "at least one spoke per hub");
        Need(s.SubnetsPerSpoke is >= 1 and <= 256, "1 to 256 subnets per spoke");
        Need(s.ErPrefixes >= 0, "ER prefixes ≥ 0");
        Need(s.VpnSites is >= 0 and <= 508, "0 to 508 VPN sites (public addresses come from two documentation /24s)");
        Need(s.RouteTables >= 2 * s.Regions, "at least two route tables per region (the GatewaySubnet's and one for spokes)");
        Need(s.RoutesPerTable is >= 1 and <= 400, "1 to 400 routes per table (Azure's limit)");
        Need(s.ErPrefixes <= 10_000, "at most 10,000 ER prefixes (ExpressRoute Premium's private peering limit)");
    }

    private sealed class Builder(EstateSpec spec)
    {
        private readonly Random _rng = new(spec.Seed);
        private readonly int _r = spec.Regions;

        // Counts.
        private int _vnets, _subnets, _peerings, _routeTables, _routes, _nsgs, _rules, _vms, _nics, _firewalls,
            _gateways, _lngs, _connections, _circuits, _advertised;

        // Plan.
        private readonly List<Hub> _hubs = [];
        private readonly List<Spoke> _spokes = [];
        private readonly List<Prefix> _erPrefixes = [];
        private readonly List<long[]> _erPaths = [];
        private readonly List<Table> _tables = [];
        // Recorded for the intents: each spoke VM subnet's route table, and what each spoke table does with ER prefixes.
        private readonly Dictionary<Spoke, Table> _vmTable = [];
        private readonly Dictionary<Table, HashSet<Prefix>> _erToFirewall = [];
        private readonly Dictionary<Table, HashSet<Prefix>> _erDropped = [];
        private readonly Dictionary<Table, List<(string Name, Prefix Prefix, string Type, Ipv4? Ip)>> _tableRoutes = [];

        private sealed record Hub(int Index, string Region, string Name, Prefix Space, Prefix GatewaySubnet, Prefix FirewallSubnet,
            Prefix Shared, Ipv4 FirewallIp, Prefix SpokeBlock)
        {
            public string FirewallName => $"fw-{Name}";
            public string ErGatewayName => $"ergw-{Name}";
            public string VpnGatewayName => $"vpngw-{Name}";
            public string CircuitName => $"er-{Region}";
            public string GatewayTableName => $"rt-gateway-{Name}";
            public List<Spoke> Spokes { get; } = [];
            public List<Table> Tables { get; } = [];
        }

        private sealed record Spoke(int Index, Hub Hub, string Name, Prefix Space, List<(string Name, Prefix Prefix)> Subnets)
        {
            public string NsgName => $"nsg-{Name}";
        }

        private sealed record Table(int Index, Hub Hub, string Name, bool DisablePropagation);

        public GeneratedEstate Build()
        {
            Plan();
            var files = new List<KeyValuePair<string, string>>
            {
                new("network.yaml", Network()),
                new("routing.yaml", Routing()),
                new("security.yaml", Security()),
                new("compute.yaml", Compute()),
                new("gateways.yaml", Gateways()),
                new("onprem.yaml", OnPrem()),
                new("intents.yaml", Intents()),
                new(UdrChangeFile, UdrChange()),
                new(PeeringChangeFile, PeeringChange()),
            };
            var bytes = files.Sum(f => (long)Encoding.UTF8.GetByteCount(f.Value));
            var lines = files.Sum(f => f.Value.AsSpan().Count('\n'));
            var counts = new EstateCounts(_vnets, _subnets, _peerings, _routeTables, _routes, _nsgs, _rules, _vms, _nics,
                _firewalls, _gateways, _lngs, _connections, _circuits, _advertised, bytes, lines);
            return new GeneratedEstate(spec, files, counts);
        }

        // ---------------------------------------------------------------- plan

        private void Plan()
        {
            var blocks = NextPow2(spec.SubnetsPerSpoke);
            var spokeLen = 24 - Log2(blocks);
            var perRegionMax = (spec.Spokes + _r - 1) / _r;
            var regionLen = spokeLen - Log2(NextPow2(perRegionMax));
            if (regionLen < 9) throw new ArgumentException($"estate spec {spec.Name}: the spokes do not fit in 10.0.0.0/9");
            var regionSize = 1u << (32 - regionLen);
            var areaBase = AlignUp(SpokeAreaBase, regionSize);
            if ((ulong)areaBase + (ulong)regionSize * (uint)_r > AzureEnd)
                throw new ArgumentException($"estate spec {spec.Name}: {_r} region blocks of /{regionLen} do not fit in 10.0.0.0/9");

            for (var r = 0; r < _r; r++)
            {
                var hubBase = (10u << 24) | (uint)(4 * r) << 8;
                var region = RegionName(r);
                _hubs.Add(new Hub(r, region, $"hub-{region}", P(hubBase, 22), P(hubBase, 26), P(hubBase + 256, 26),
                    P(hubBase + 512, 24), new Ipv4(hubBase + 256 + 4), P(areaBase + (uint)r * regionSize, regionLen)));
            }

            for (var j = 0; j < spec.Spokes; j++)
            {
                var hub = _hubs[(int)((long)j * _r / spec.Spokes)];
                var local = hub.Spokes.Count;
                var spokeBase = hub.SpokeBlock.Network.Value + (uint)local * (1u << (32 - spokeLen));
                var name = $"spoke-{j + 1:0000}";
                var subnets = new List<(string, Prefix)>();
                for (var k = 0; k < spec.SubnetsPerSpoke; k++)
                    subnets.Add((k < SubnetNames.Length ? SubnetNames[k] : $"snet-{k + 1:000}", P(spokeBase + (uint)k * 256, 24)));
                var spoke = new Spoke(j, hub, name, P(spokeBase, spokeLen), subnets);
                hub.Spokes.Add(spoke);
                _spokes.Add(spoke);
            }

            // On-premises prefixes behind ExpressRoute: mostly /24, some shorter and longer, with gaps.
            int[] lengths = [22, 23, 23, 24, 24, 24, 24, 24, 24, 24, 24, 25, 25, 26, 26, 27, 27, 28, 28, 29];
            ulong cursor = OnPremBase;
            for (var k = 0; k < spec.ErPrefixes; k++)
            {
                var len = lengths[_rng.Next(lengths.Length)];
                var size = 1UL << (32 - len);
                cursor = (cursor + size - 1) / size * size;
                if (_rng.Next(8) == 0) cursor += size * (ulong)_rng.Next(1, 4);   // a gap
                if (cursor + size > OnPremEnd) throw new ArgumentException($"estate spec {spec.Name}: {spec.ErPrefixes} ER prefixes do not fit in 10.128.0.0/9");
                _erPrefixes.Add(P((uint)cursor, len));
                // Most routes carry the default AS path [peerASN]; some come from further away.
                _erPaths.Add(_rng.Next(10) == 0 ? [OnPremAsn, 64900 + _rng.Next(50)] : []);
                cursor += size;
            }

            // T counts every route table: one per hub for its GatewaySubnet, the rest for spokes (the validator, like
            // Azure's limit, counts them all: 200).
            var spokeTables = spec.RouteTables - _r;
            for (var t = 0; t < spokeTables; t++)
            {
                var hub = _hubs[(int)((long)t * _r / spokeTables)];
                var table = new Table(t, hub, $"rt-{hub.Name}-{hub.Tables.Count + 1:000}", t % 2 == 1);
                hub.Tables.Add(table);
                _tables.Add(table);
            }
        }

        private static Prefix P(uint network, int length) => new(new Ipv4(network), length);
        private static int NextPow2(int n) { var p = 1; while (p < n) p <<= 1; return p; }
        private static int Log2(int pow2) => System.Numerics.BitOperations.Log2((uint)pow2);
        private static uint AlignUp(uint v, uint size) => (uint)(((ulong)v + size - 1) / size * size);
        private static string S(long v) => v.ToString(CultureInfo.InvariantCulture);

        private string Header(string what) =>
            $"# Generated by NetTwin.Bench — {what}.\n# Estate {spec}. Regenerate, do not edit.\n";

        // ---------------------------------------------------------------- network.yaml

        private string Network()
        {
            var w = new StringBuilder(Header("VNets and peerings"));
            w.Append("virtualNetworks:\n");
            foreach (var hub in _hubs)
            {
                _vnets++;
                w.Append("  - name: ").Append(hub.Name).Append('\n')
                 .Append("    location: ").Append(hub.Region).Append('\n')
                 .Append("    addressSpace: [").Append(hub.Space).Append("]\n")
                 .Append("    subnets:\n");
                Subnet(w, "GatewaySubnet", hub.GatewaySubnet, hub.GatewayTableName, null);
                Subnet(w, "AzureFirewallSubnet", hub.FirewallSubnet, null, null);
                Subnet(w, "shared", hub.Shared, null, null);
            }
            var tableCursor = new int[_r];
            foreach (var spoke in _spokes)
            {
                _vnets++;
                w.Append("  - name: ").Append(spoke.Name).Append('\n')
                 .Append("    location: ").Append(spoke.Hub.Region).Append('\n')
                 .Append("    addressSpace: [").Append(spoke.Space).Append("]\n")
                 .Append("    subnets:\n");
                foreach (var (name, prefix) in spoke.Subnets)
                {
                    var tables = spoke.Hub.Tables;
                    var table = tables[tableCursor[spoke.Hub.Index]++ % tables.Count];
                    _vmTable.TryAdd(spoke, table);   // the VM sits in the first subnet
                    Subnet(w, name, prefix, table.Name, spoke.NsgName);
                }
            }

            w.Append("\nvirtualNetworkPeerings:\n");
            foreach (var spoke in _spokes)
            {
                Peering(w, spoke.Name, spoke.Hub.Name, gatewayTransit: false, useRemoteGateways: true);
                Peering(w, spoke.Hub.Name, spoke.Name, gatewayTransit: true, useRemoteGateways: false);
            }
            foreach (var a in _hubs)
                foreach (var b in _hubs)
                    if (a != b) Peering(w, a.Name, b.Name, gatewayTransit: false, useRemoteGateways: false);
            return w.ToString();
        }

        private void Subnet(StringBuilder w, string name, Prefix prefix, string? routeTable, string? nsg)
        {
            _subnets++;
            w.Append("      - name: ").Append(name).Append('\n')
             .Append("        addressPrefix: ").Append(prefix).Append('\n');
            if (routeTable is not null) w.Append("        routeTable: ").Append(routeTable).Append('\n');
            if (nsg is not null) w.Append("        networkSecurityGroup: ").Append(nsg).Append('\n');
        }

        private void Peering(StringBuilder w, string local, string remote, bool gatewayTransit, bool useRemoteGateways)
        {
            _peerings++;
            w.Append("  - name: ").Append(local).Append("-to-").Append(remote).Append('\n')
             .Append("    virtualNetwork: ").Append(local).Append('\n')
             .Append("    remoteVirtualNetwork: ").Append(remote).Append('\n')
             .Append("    allowForwardedTraffic: true\n");
            if (gatewayTransit) w.Append("    allowGatewayTransit: true\n");
            if (useRemoteGateways) w.Append("    useRemoteGateways: true\n");
        }

        // ---------------------------------------------------------------- routing.yaml

        private string Routing()
        {
            var w = new StringBuilder(Header("route tables"));
            w.Append("routeTables:\n");
            foreach (var hub in _hubs)
            {
                // GatewaySubnet: return traffic to the spokes through the firewall (symmetry, rule H4); propagation on,
                // no 0.0.0.0/0 (rule B8). One route per spoke while that fits in 400, else the region's block.
                _routeTables++;
                w.Append("  - name: ").Append(hub.GatewayTableName).Append('\n')
                 .Append("    location: ").Append(hub.Region).Append('\n')
                 .Append("    routes:\n");
                if (hub.Spokes.Count <= 400)
                    foreach (var spoke in hub.Spokes) Route(w, $"to-{spoke.Name}", spoke.Space, "VirtualAppliance", hub.FirewallIp);
                else Route(w, $"to-spokes-{hub.Region}", hub.SpokeBlock, "VirtualAppliance", hub.FirewallIp);
            }

            var indices = Enumerable.Range(0, _erPrefixes.Count).ToArray();
            foreach (var table in _tables)
            {
                _routeTables++;
                var fw = table.Hub.FirewallIp;
                w.Append("  - name: ").Append(table.Name).Append('\n')
                 .Append("    location: ").Append(table.Hub.Region).Append('\n');
                if (table.DisablePropagation) w.Append("    disableBgpRoutePropagation: true\n");
                w.Append("    routes:\n");

                var routes = new List<(string Name, Prefix Prefix, string Type, Ipv4? Ip)>
                {
                    ("default-to-firewall", Prefix.Default, "VirtualAppliance", fw),
                };
                foreach (var hub in _hubs) routes.Add(($"spokes-{hub.Region}", hub.SpokeBlock, "VirtualAppliance", fw));
                routes.Add(("onprem-summary", P(OnPremBase, 9), "VirtualAppliance", fw));
                routes.Add(("branches-summary", P(SiteLanBase, 12), "VirtualAppliance", fw));
                routes.Add(("m365-direct", Prefix.Parse("13.107.0.0/16"), "Internet", null));
                routes.Add(("benchmark-blackhole", Prefix.Parse("198.18.0.0/15"), "None", null));

                // Specific on-premises prefixes, overriding the gateway's BGP routes so they too cross the firewall.
                var want = spec.RoutesPerTable - routes.Count;
                var take = Math.Min(Math.Max(want, 0), indices.Length);
                for (var i = 0; i < take; i++)
                {
                    var pick = i + _rng.Next(indices.Length - i);
                    (indices[i], indices[pick]) = (indices[pick], indices[i]);
                    var k = indices[i];
                    var drop = _rng.Next(20) == 0;
                    (drop ? Recorded(_erDropped, table) : Recorded(_erToFirewall, table)).Add(_erPrefixes[k]);
                    routes.Add(drop
                        ? ($"onprem-{k + 1:00000}-drop", _erPrefixes[k], "None", null)
                        : ($"onprem-{k + 1:00000}", _erPrefixes[k], "VirtualAppliance", fw));
                }
                // More routes than ER prefixes: 100.64.0.0/10 /24s (shared address space some enterprises route internally).
                for (var i = 0; routes.Count < spec.RoutesPerTable; i++)
                    routes.Add(($"cgnat-{i + 1:000}", P((100u << 24) | (64u << 16) | (uint)i << 8, 24), "VirtualAppliance", fw));

                _tableRoutes[table] = [.. routes.Take(spec.RoutesPerTable)];
                foreach (var (name, prefix, type, ip) in _tableRoutes[table]) Route(w, name, prefix, type, ip);
            }
            return w.ToString();
        }

        private static HashSet<Prefix> Recorded(Dictionary<Table, HashSet<Prefix>> d, Table t) =>
            d.TryGetValue(t, out var set) ? set : d[t] = [];

        private void Route(StringBuilder w, string name, Prefix prefix, string type, Ipv4? ip, bool count = true)
        {
            if (count) _routes++;
            w.Append("      - { name: ").Append(name).Append(", addressPrefix: ").Append(prefix).Append(", nextHopType: ").Append(type);
            if (ip is { } a) w.Append(", nextHopIpAddress: ").Append(a);
            w.Append(" }\n");
        }

        // ---------------------------------------------------------------- security.yaml

        private string Security()
        {
            var w = new StringBuilder(Header("NSGs and Azure Firewalls"));
            w.Append("networkSecurityGroups:\n");
            foreach (var spoke in _spokes)
            {
                _nsgs++;
                var appPort = 8000 + _rng.Next(100) * 10;
                w.Append("  - name: ").Append(spoke.NsgName).Append('\n')
                 .Append("    location: ").Append(spoke.Hub.Region).Append('\n')
                 .Append("    securityRules:\n");
                Rule(w, "allow-https-from-vnet", 100, "Inbound", "Allow", "Tcp", "VirtualNetwork", "*", "443");
                Rule(w, "allow-ssh-from-onprem", 110, "Inbound", "Allow", "Tcp", P(OnPremBase, 9).ToString(), "*", "22");
                Rule(w, "allow-app-from-region", 120, "Inbound", "Allow", "Tcp", spoke.Hub.SpokeBlock.ToString(), spoke.Space.ToString(),
                    $"{appPort}-{appPort + 9}");
                Rule(w, "deny-internet-in", 4000, "Inbound", "Deny", "*", "Internet", "*", "*");
                Rule(w, "deny-smtp-out", 100, "Outbound", "Deny", "Tcp", "*", "Internet", "25");
                Rule(w, "allow-vnet-out", 110, "Outbound", "Allow", "*", "*", "VirtualNetwork", "*");
            }

            w.Append("\nazureFirewalls:\n");
            var allSpokes = string.Join(", ", _hubs.Select(h => h.SpokeBlock.ToString()));
            foreach (var hub in _hubs)
            {
                _firewalls++;
                w.Append("  - name: ").Append(hub.FirewallName).Append('\n')
                 .Append("    location: ").Append(hub.Region).Append('\n')
                 .Append("    subnet: ").Append(hub.Name).Append("/AzureFirewallSubnet\n")
                 .Append("    privateIPAddress: ").Append(hub.FirewallIp).Append('\n')
                 .Append("    publicIPAddress: ").Append(new Ipv4((192u << 24) | (2u << 8) | (uint)(130 + hub.Index))).Append('\n')
                 .Append("    networkRuleCollections:\n")
                 .Append("      - name: deny-smb\n        priority: 100\n        action: Deny\n        rules:\n")
                 .Append("          - { name: smb, protocols: [TCP], sourceAddresses: ['*'], destinationAddresses: ['*'], destinationPorts: ['445'] }\n")
                 .Append("      - name: spokes-to-onprem\n        priority: 200\n        action: Allow\n        rules:\n")
                 .Append("          - { name: to-datacentres, protocols: [Any], sourceAddresses: [").Append(hub.SpokeBlock)
                 .Append("], destinationAddresses: [").Append(P(OnPremBase, 9)).Append(", ").Append(P(SiteLanBase, 12)).Append("], destinationPorts: ['*'] }\n")
                 .Append("          - { name: from-datacentres, protocols: [Any], sourceAddresses: [").Append(P(OnPremBase, 9)).Append(", ").Append(P(SiteLanBase, 12))
                 .Append("], destinationAddresses: [").Append(hub.SpokeBlock).Append("], destinationPorts: ['*'] }\n")
                 .Append("      - name: spoke-to-spoke\n        priority: 300\n        action: Allow\n        rules:\n")
                 .Append("          - { name: web-and-apps, protocols: [TCP], sourceAddresses: [").Append(allSpokes)
                 .Append("], destinationAddresses: [").Append(allSpokes).Append("], destinationPorts: ['443', '8000-8999'] }\n");
            }
            return w.ToString();
        }

        private void Rule(StringBuilder w, string name, int priority, string direction, string access, string protocol,
            string source, string destination, string ports)
        {
            _rules++;
            w.Append("      - { name: ").Append(name).Append(", priority: ").Append(S(priority)).Append(", direction: ").Append(direction)
             .Append(", access: ").Append(access).Append(", protocol: '").Append(protocol).Append("', sourceAddressPrefix: '").Append(source)
             .Append("', sourcePortRange: '*', destinationAddressPrefix: '").Append(destination)
             .Append("', destinationPortRange: '").Append(ports).Append("' }\n");
        }

        // ---------------------------------------------------------------- compute.yaml

        private string Compute()
        {
            var w = new StringBuilder(Header("virtual machines"));
            w.Append("virtualMachines:\n");
            foreach (var hub in _hubs) Vm(w, $"vm-{hub.Name}-jump", $"{hub.Name}/shared", hub.Shared.Network.Add(4));
            foreach (var spoke in _spokes)
            {
                var (first, prefix) = spoke.Subnets[0];
                Vm(w, $"vm-{spoke.Name}", $"{spoke.Name}/{first}", prefix.Network.Add(4));
            }
            return w.ToString();
        }

        private void Vm(StringBuilder w, string name, string subnet, Ipv4 ip)
        {
            _vms++;
            _nics++;
            w.Append("  - name: ").Append(name).Append('\n')
             .Append("    networkInterfaces:\n")
             .Append("      - { name: ").Append(name).Append("-nic0, subnet: ").Append(subnet).Append(", privateIPAddress: ").Append(ip).Append(" }\n");
        }

        // ---------------------------------------------------------------- gateways.yaml

        private string Gateways()
        {
            var w = new StringBuilder(Header("gateways, VPN sites and connections"));
            var sitesPerHub = (spec.VpnSites + _r - 1) / _r;
            // Active-active: two tunnels per site. VpnGw2AZ allows 30, VpnGw4AZ 100 (rule D2).
            var vpnSku = 2 * sitesPerHub <= 30 ? "VpnGw2AZ" : 2 * sitesPerHub <= 100 ? "VpnGw4AZ"
                : throw new ArgumentException($"estate spec {spec.Name}: {sitesPerHub} VPN sites per hub exceed VpnGw4AZ's 100 tunnels");

            w.Append("virtualNetworkGateways:\n");
            foreach (var hub in _hubs)
            {
                var gs = hub.GatewaySubnet.Network;
                _gateways += 2;
                w.Append("  - name: ").Append(hub.ErGatewayName).Append('\n')
                 .Append("    location: ").Append(hub.Region).Append('\n')
                 .Append("    subnet: ").Append(hub.Name).Append("/GatewaySubnet\n")
                 .Append("    gatewayType: ExpressRoute\n")
                 .Append("    sku: ErGw2AZ\n")
                 .Append("    ipConfigurations:\n")
                 .Append("      - { name: default, privateIPAddress: ").Append(gs.Add(4)).Append(" }\n");
                var pub = (192u << 24) | (2u << 8) | (uint)(2 + 2 * hub.Index);
                w.Append("  - name: ").Append(hub.VpnGatewayName).Append('\n')
                 .Append("    location: ").Append(hub.Region).Append('\n')
                 .Append("    subnet: ").Append(hub.Name).Append("/GatewaySubnet\n")
                 .Append("    gatewayType: Vpn\n")
                 .Append("    vpnType: RouteBased\n")
                 .Append("    sku: ").Append(vpnSku).Append('\n')
                 .Append("    activeActive: true\n")
                 .Append("    enableBgp: true\n")
                 .Append("    bgpSettings:\n")
                 .Append("      asn: 65515\n")
                 .Append("      bgpPeeringAddresses:\n")
                 .Append("        - { ipconfigurationId: vpn-config-1, defaultBgpIpAddresses: [").Append(gs.Add(61)).Append("] }\n")
                 .Append("        - { ipconfigurationId: vpn-config-2, defaultBgpIpAddresses: [").Append(gs.Add(60)).Append("] }\n")
                 .Append("    ipConfigurations:\n")
                 .Append("      - { name: vpn-config-1, privateIPAddress: ").Append(gs.Add(12)).Append(", publicIPAddress: ").Append(new Ipv4(pub)).Append(" }\n")
                 .Append("      - { name: vpn-config-2, privateIPAddress: ").Append(gs.Add(13)).Append(", publicIPAddress: ").Append(new Ipv4(pub + 1)).Append(" }\n");
            }

            w.Append("\nlocalNetworkGateways:\n");
            for (var i = 0; i < spec.VpnSites; i++)
            {
                _lngs++;
                var hub = _hubs[i % _r];
                var publicIp = i < 254 ? new Ipv4((203u << 24) | (113u << 8) | (uint)(i + 1)) : new Ipv4((198u << 24) | (51u << 16) | (100u << 8) | (uint)(i - 254 + 1));
                var loopback = new Ipv4(SiteLoopbackBase + (uint)(i / 254 * 256 + i % 254 + 1));
                w.Append("  - name: ").Append(SiteName(i)).Append('\n')
                 .Append("    location: ").Append(hub.Region).Append('\n')
                 .Append("    gatewayIpAddress: ").Append(publicIp).Append('\n')
                 .Append("    addressPrefixes: [").Append(P(SiteLanBase + (uint)i * 256, 24)).Append(", ").Append(loopback).Append("/32]\n")
                 .Append("    bgpSettings: { asn: ").Append(S(SiteAsn(i))).Append(", bgpPeeringAddress: ").Append(loopback).Append(" }\n");
            }

            w.Append("\nconnections:\n");
            foreach (var hub in _hubs)
            {
                _connections++;
                w.Append("  - name: cn-").Append(hub.Name).Append("-er\n")
                 .Append("    location: ").Append(hub.Region).Append('\n')
                 .Append("    connectionType: ExpressRoute\n")
                 .Append("    virtualNetworkGateway1: ").Append(hub.ErGatewayName).Append('\n')
                 .Append("    peer: ").Append(hub.CircuitName).Append('\n')
                 .Append("    routingWeight: 0\n");
            }
            for (var i = 0; i < spec.VpnSites; i++)
            {
                _connections++;
                var hub = _hubs[i % _r];
                w.Append("  - name: cn-").Append(SiteName(i)).Append('\n')
                 .Append("    location: ").Append(hub.Region).Append('\n')
                 .Append("    connectionType: IPsec\n")
                 .Append("    virtualNetworkGateway1: ").Append(hub.VpnGatewayName).Append('\n')
                 .Append("    localNetworkGateway2: ").Append(SiteName(i)).Append('\n')
                 .Append("    sharedKey: bench-psk-").Append(S(_rng.Next(100_000, 1_000_000))).Append('\n')
                 .Append("    enableBgp: true\n")
                 .Append("    routingWeight: 0\n");
            }
            return w.ToString();
        }

        private static string SiteName(int i) => $"site-{i + 1:000}";

        /// <summary>Private ASNs 64700–65499 (clear of 65515 and 65517–65520), then 32-bit private ASNs.</summary>
        private static long SiteAsn(int i) => i < 800 ? 64700 + i : 4_200_000_000L + i;

        // ---------------------------------------------------------------- intents.yaml

        /// <summary>A handful of intents that hold on the generated estate (docs/intents.md), so <c>check</c> and
        /// <c>failures</c> have something to break: the first spoke reaches on-premises over ExpressRoute and a branch
        /// over VPN through its hub's firewall, symmetrically; a neighbouring spoke on 443 but not on SMB (the firewall's
        /// deny-smb); the internet only on the m365-direct route; and the last spoke (another region when there are
        /// several) reaches on-premises through its own hub's firewall.</summary>
        private string Intents()
        {
            var w = new StringBuilder(Header("intents"));
            w.Append("intents:\n");
            var first = _spokes[0];
            var vm = $"vm-{first.Name}";
            var fw = first.Hub.FirewallName;
            var last = _spokes[^1];
            // An on-premises host behind ExpressRoute that the first and the last spoke VM both send through their
            // firewall: their table either overrides its BGP route with a UDR to the firewall or does not propagate BGP
            // routes (the on-premises summary then applies); never one a table sends to None.
            bool ThroughFirewall(Spoke sp, Prefix p) => _vmTable.TryGetValue(sp, out var t)
                && !Recorded(_erDropped, t).Contains(p) && (t.DisablePropagation || Recorded(_erToFirewall, t).Contains(p));
            var er = _erPrefixes.FirstOrDefault(p => ThroughFirewall(first, p) && ThroughFirewall(last, p));
            var erHost = er.Length > 0 ? er.Network.Add(1).ToString() : null;
            void Intent(string name, string kind, string from, string to, int port, string? via = null)
            {
                w.Append("  - name: ").Append(name).Append('\n')
                 .Append("    ").Append(kind).Append(": { from: ").Append(from).Append(", to: ").Append(to)
                 .Append(", protocol: tcp, port: ").Append(S(port));
                if (via is not null) w.Append(", via: ").Append(via);
                w.Append(" }\n");
            }
            if (erHost is not null)
            {
                Intent("spoke-reaches-onprem", "reach", vm, erHost, 22, fw);
                Intent("spoke-onprem-symmetric", "symmetric", vm, erHost, 22);
            }
            if (spec.VpnSites > 0 && _hubs.Count > 0)
                Intent("spoke-reaches-branch", "reach", vm, new Ipv4(SiteLanBase + 10).ToString(), 22, first.Hub.VpnGatewayName);
            if (first.Hub.Spokes.Count > 1)
            {
                var neighbour = $"vm-{first.Hub.Spokes[1].Name}";
                Intent("spoke-to-spoke-https", "reach", vm, neighbour, 443, fw);
                Intent("spoke-to-spoke-no-smb", "isolated", vm, neighbour, 445);
            }
            Intent("spoke-no-internet", "isolated", vm, "8.8.8.8", 443);
            Intent("spoke-m365-direct", "reach", vm, "13.107.6.152", 443, "internet");
            if (erHost is not null && last != first)
                Intent("last-spoke-reaches-onprem", "reach", $"vm-{last.Name}", erHost, 22, last.Hub.FirewallName);
            return w.ToString();
        }

        // ---------------------------------------------------------------- changes/*.yaml (the bench's what-ifs)

        /// <summary>One UDR changed: the first spoke VM's table sends 13.107.0.0/16 (m365-direct) to None instead of
        /// the internet, which breaks the spoke-m365-direct intent. A change set sets a table's routes as a whole (a
        /// route has no resource address of its own), so the list is restated with that one route changed.</summary>
        private string UdrChange()
        {
            var table = _vmTable[_spokes[0]];
            var w = new StringBuilder(Header("what-if: one UDR"));
            w.Append("description: the m365-direct route of ").Append(table.Name).Append(" goes to None\n")
             .Append("changes:\n  - set:\n      resource: routeTables/").Append(table.Name).Append('\n')
             .Append("      properties:\n        routes:\n");
            foreach (var (name, prefix, type, ip) in _tableRoutes[table])
            {
                w.Append("  ");
                if (name == "m365-direct") Route(w, name, prefix, "None", null, count: false);
                else Route(w, name, prefix, type, ip, count: false);
            }
            return w.ToString();
        }

        /// <summary>One peering flag changed: the second spoke no longer accepts forwarded traffic from its hub (rule C2),
        /// which breaks the spoke-to-spoke-https intent (the first spoke's packets arrive through the hub's firewall).</summary>
        private string PeeringChange()
        {
            var spoke = _spokes.Count > 1 ? _spokes[1] : _spokes[0];
            return Header("what-if: one peering flag") + $"description: {spoke.Name} stops allowing forwarded traffic from {spoke.Hub.Name}\n" +
                   $"changes:\n  - set:\n      resource: virtualNetworkPeerings/{spoke.Name}-to-{spoke.Hub.Name}\n" +
                   "      properties: { allowForwardedTraffic: false }\n";
        }

        // ---------------------------------------------------------------- onprem.yaml

        private string OnPrem()
        {
            var w = new StringBuilder(Header("ExpressRoute circuits and what on-premises advertises"));
            w.Append("expressRouteCircuits:\n");
            // ER Premium raises the private-peering prefix limit from 4,000 to 10,000 (rule D7).
            var tier = _erPrefixes.Count > 4000 ? "Premium" : "Standard";
            foreach (var hub in _hubs)
            {
                _circuits++;
                var link = (192u << 24) | (168u << 16) | (uint)hub.Index << 8;
                w.Append("  - name: ").Append(hub.CircuitName).Append('\n')
                 .Append("    location: ").Append(hub.Region).Append('\n')
                 .Append("    sku: { tier: ").Append(tier).Append(", family: MeteredData }\n")
                 .Append("    bandwidthInMbps: 10000\n")
                 .Append("    serviceProviderName: Equinix\n")
                 .Append("    peerings:\n")
                 .Append("      - peeringType: AzurePrivatePeering\n")
                 .Append("        peerASN: ").Append(S(OnPremAsn)).Append('\n')
                 .Append("        primaryPeerAddressPrefix: ").Append(P(link, 30)).Append('\n')
                 .Append("        secondaryPeerAddressPrefix: ").Append(P(link + 4, 30)).Append('\n')
                 .Append("        vlanId: ").Append(S(100 + hub.Index)).Append('\n')
                 .Append("        peerAdvertisedRoutes:\n");
                for (var k = 0; k < _erPrefixes.Count; k++)
                {
                    _advertised++;
                    w.Append("          - { prefix: ").Append(_erPrefixes[k]);
                    if (_erPaths[k].Length > 0) w.Append(", asPath: [").Append(string.Join(", ", _erPaths[k].Select(S))).Append(']');
                    w.Append(" }\n");
                }
            }
            return w.ToString();
        }
    }
}
