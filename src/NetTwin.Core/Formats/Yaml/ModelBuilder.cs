using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Formats.Yaml;

/// <summary>Builds the immutable model from schema-checked YAML documents and resolves every reference once.</summary>
internal static class ModelBuilder
{
    public static Topology Build(IReadOnlyList<YMap> documents, string root, ImmutableHashSet<Failure> failures, List<LoadError> errors)
    {
        var r = new NodeReader(errors);
        IEnumerable<(YMap Node, string Kind)> Resources(string kind) =>
            documents.SelectMany(d => d[kind] is YSeq q ? q.Items.OfType<YMap>() : []).Select(n => (n, kind));

        T Named<T>((YMap Node, string Kind) x, Func<YMap, T> build)
        {
            r.Object = $"{x.Kind}/{r.Str(x.Node, "name")}";
            return build(x.Node);
        }

        var vnets = Resources(Kinds.VirtualNetworks).Select(x => Named(x, n => VirtualNetwork(r, n))).ToImmutableArray();
        var peerings = Resources(Kinds.VirtualNetworkPeerings).Select(x => Named(x, n => new VirtualNetworkPeering(
            r.Str(n, "name"), r.Str(n, "virtualNetwork"), r.Str(n, "remoteVirtualNetwork"),
            r.Bool(n, "allowVirtualNetworkAccess", true), r.Bool(n, "allowForwardedTraffic", false),
            r.Bool(n, "allowGatewayTransit", false), r.Bool(n, "useRemoteGateways", false), n.Source))).ToImmutableArray();
        var routeTables = Resources(Kinds.RouteTables).Select(x => Named(x, n => new RouteTable(
            r.Str(n, "name"), r.Bool(n, "disableBgpRoutePropagation", false),
            [.. r.Maps(n, "routes").Select(rt => UserRoute(r, rt))],
            n.Source))).ToImmutableArray();
        var nsgs = Resources(Kinds.NetworkSecurityGroups).Select(x => Named(x, n => new NetworkSecurityGroup(
            r.Str(n, "name"), [.. r.Maps(n, "securityRules").Select(s => SecurityRule(r, s))], n.Source))).ToImmutableArray();

        var nics = new List<NetworkInterface>();
        nics.AddRange(Resources(Kinds.NetworkInterfaces).Select(x => Named(x, n => Nic(r, n, r.Str(n, "name"), null))));
        var vms = Resources(Kinds.VirtualMachines).Select(x => Named(x, n =>
        {
            var vmName = r.Str(n, "name");
            var names = new List<string>();
            var i = 0;
            foreach (var item in r.Items(n, "networkInterfaces"))
            {
                if (item is YScalar s) names.Add(s.Value);
                else if (item is YMap m)
                {
                    var nicName = r.OptStr(m, "name") ?? $"{vmName}-nic{i}";
                    nics.Add(Nic(r, m, nicName, vmName));
                    names.Add(nicName);
                }
                i++;
            }
            return new VirtualMachine(vmName, [.. names], n["appliance"] is YMap a ? Appliance(r, a) : null, n.Source);
        })).ToImmutableArray();
        // A NIC named by a VM belongs to that VM.
        var owner = vms.SelectMany(v => v.NetworkInterfaces.Select(nn => (nn, v.Name))).GroupBy(x => x.nn).ToDictionary(g => g.Key, g => g.First().Name);
        var nicArray = nics.Select(n => n.VirtualMachine is null && owner.TryGetValue(n.Name, out var vm) ? n with { VirtualMachine = vm } : n).ToImmutableArray();

        var firewalls = Resources(Kinds.AzureFirewalls).Select(x => Named(x, n => new AzureFirewall(
            r.Str(n, "name"), r.Str(n, "subnet"), r.Ip(n["privateIPAddress"], "privateIPAddress"), r.OptIp(n, "publicIPAddress"),
            [.. r.Maps(n, "networkRuleCollections").Select(c => new FirewallRuleCollection(r.Str(c, "name"), r.Int(c, "priority", 0),
                r.Enum(c, "action", SecurityRuleAccess.Allow),
                [.. r.Maps(c, "rules").Select(fr => new FirewallNetworkRule(r.Str(fr, "name"),
                    [.. r.Items(fr, "protocols").OfType<YScalar>().Select(p => Enum.TryParse<FirewallProtocol>(p.Value, true, out var fp) ? fp : FirewallProtocol.Any)],
                    [.. r.Items(fr, "sourceAddresses").Select(a => Address(r, a))],
                    [.. r.Items(fr, "destinationAddresses").Select(a => Address(r, a))],
                    [.. r.Items(fr, "destinationPorts").Select(p => Port(r, p))]))], c.Source))],
            SnatRanges(r, n), n.Source))).ToImmutableArray();

        var subnetsById = vnets.SelectMany(v => v.Subnets).GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First());
        var gateways = Resources(Kinds.VirtualNetworkGateways).Select(x => Named(x, n => Gateway(r, n, subnetsById))).ToImmutableArray();
        var lngs = Resources(Kinds.LocalNetworkGateways).Select(x => Named(x, n => new LocalNetworkGateway(
            r.Str(n, "name"), r.Ip(n["gatewayIpAddress"], "gatewayIpAddress"), r.Cidrs(n, "addressPrefixes"),
            n["bgpSettings"] is YMap b ? new BgpSettings(r.Long(b, "asn", 0), r.OptIp(b, "bgpPeeringAddress"), r.Int(b, "peerWeight", 0)) : null,
            n.Source))).ToImmutableArray();
        var connections = Resources(Kinds.Connections).Select(x => Named(x, n => new Connection(
            r.Str(n, "name"), r.Enum(n, "connectionType", ConnectionType.IPsec), r.Str(n, "virtualNetworkGateway1"),
            r.OptStr(n, "localNetworkGateway2"), r.OptStr(n, "virtualNetworkGateway2"), r.OptStr(n, "peer"),
            r.Int(n, "routingWeight", 0), r.OptStr(n, "sharedKey"), r.Bool(n, "enableBgp", false),
            r.Bool(n, "usePolicyBasedTrafficSelectors", false),
            [.. r.Maps(n, "trafficSelectorPolicies").Select(t => new TrafficSelectorPolicy(r.Cidrs(t, "localAddressRanges"), r.Cidrs(t, "remoteAddressRanges")))],
            r.Enum(n, "connectionMode", ConnectionMode.Default),
            [.. r.Maps(n, "ipsecPolicies").Select(p => new IpsecPolicy(r.Int(p, "saLifeTimeSeconds", 27000), r.Long(p, "saDataSizeKilobytes", 102400000),
                r.Str(p, "ipsecEncryption"), r.Str(p, "ipsecIntegrity"), r.Str(p, "ikeEncryption"), r.Str(p, "ikeIntegrity"),
                r.Str(p, "dhGroup"), r.Str(p, "pfsGroup"), p.Source))],
            r.Bool(n, "useLocalAzureIpAddress", false), r.Strings(n, "ingressNatRules"), r.Strings(n, "egressNatRules"),
            n.Source))).ToImmutableArray();
        var circuits = Resources(Kinds.ExpressRouteCircuits).Select(x => Named(x, n => new ExpressRouteCircuit(
            r.Str(n, "name"), r.Str(n, "location"), n["sku"] is YMap sku ? r.Str(sku, "tier", "Standard") : "Standard",
            [.. r.Maps(n, "peerings").Select(p =>
            {
                var asn = r.Long(p, "peerASN", 0);
                return new ExpressRouteCircuitPeering(r.Str(p, "peeringType"), asn, r.OptCidr(p, "primaryPeerAddressPrefix"),
                    r.OptCidr(p, "secondaryPeerAddressPrefix"), r.Int(p, "vlanId", 0),
                    [.. r.Maps(p, "peerAdvertisedRoutes").Select(a => new AdvertisedRoute(r.Cidr(a["prefix"], "prefix"),
                        a["asPath"] is YSeq ? [.. r.Items(a, "asPath").OfType<YScalar>().Select(s => long.TryParse(s.Value, out var v) ? v : 0)] : [asn]))],
                    p.Source);
            })], n.Source))).ToImmutableArray();
        var devices = Resources(Kinds.OnPremisesDevices).Select(x => Named(x, n => AttachConfig(r, new OnPremisesDevice(
            r.Str(n, "name"), ResolveConfig(r, n, root), n["asn"] is YScalar ? r.Long(n, "asn", 0) : null,
            [.. r.Maps(n, "interfaces").Select(i => Interface(r, i))],
            r.Cidrs(n, "addressPrefixes"), r.Str(n, "narrowing", "exact") == "rfc7296" ? IpsecNarrowing.Rfc7296 : IpsecNarrowing.Exact,
            n.Source)))).ToImmutableArray();

        var topology = new Topology
        {
            Root = root,
            VirtualNetworks = vnets,
            VirtualNetworkPeerings = peerings,
            RouteTables = routeTables,
            NetworkSecurityGroups = nsgs,
            NetworkInterfaces = nicArray,
            VirtualMachines = vms,
            AzureFirewalls = firewalls,
            VirtualNetworkGateways = gateways,
            LocalNetworkGateways = lngs,
            Connections = connections,
            ExpressRouteCircuits = circuits,
            OnPremisesDevices = devices,
            Failures = failures,
        };
        References.Check(topology, errors);
        return topology;
    }

    private static VirtualNetwork VirtualNetwork(NodeReader r, YMap n)
    {
        var name = r.Str(n, "name");
        var space = n["addressSpace"] switch
        {
            YSeq q => q.Items.Select(i => r.Cidr(i, "address prefix")).ToImmutableArray(),
            YMap m => r.Cidrs(m, "addressPrefixes"),
            _ => [],
        };
        var subnets = r.Maps(n, "subnets").Select(s => new Subnet(name, r.Str(s, "name"), r.Cidr(s["addressPrefix"], "addressPrefix"),
            r.OptStr(s, "routeTable"), r.OptStr(s, "networkSecurityGroup"), r.Strings(s, "serviceEndpoints"), s.Source)).ToImmutableArray();
        return new VirtualNetwork(name, r.OptStr(n, "location") ?? r.OptStr(n, "region") ?? "", space, subnets, n.Source);
    }

    private static NetworkInterface Nic(NodeReader r, YMap n, string name, string? vm) =>
        new(name, r.Str(n, "subnet"), r.Ip(n["privateIPAddress"], "privateIPAddress"), r.Bool(n, "enableIPForwarding", false),
            r.OptStr(n, "networkSecurityGroup"), vm, n.Source);

    private static Appliance Appliance(NodeReader r, YMap a) => new(
        r.Bool(a, "ipForwarding", true), r.Bool(a, "stateful", false),
        [.. r.Maps(a, "routes").Select(o => new OsRoute(r.Cidr(o["addressPrefix"], "addressPrefix"), r.Ip(o["nextHopIpAddress"], "nextHopIpAddress")))],
        [.. r.Maps(a, "snat").Select(s => new ApplianceSnat(r.Str(s, "outboundInterface"), r.Cidrs(s, "destinations"), r.Bool(s, "exceptPrivateRanges", false)))]);

    private static DeviceInterface Interface(NodeReader r, YMap i)
    {
        var text = i["address"] as YScalar;
        Prefix net = default;
        Ipv4 ip = default;
        if (text is not null)
        {
            var slash = text.Value.IndexOf('/');
            if (slash > 0 && Ipv4.TryParse(text.Value[..slash], out ip, out _) && int.TryParse(text.Value[(slash + 1)..], out var len) && len is >= 0 and <= 32)
                net = new Prefix(ip, len);
            else r.Error(text, $"invalid interface address '{text.Value}' (expected a.b.c.d/n, the interface's address and its prefix length)");
        }
        return new DeviceInterface(r.Str(i, "name"), net, ip);
    }

    /// <summary>Parses the device's Cisco IOS file. Syntax errors make the input unusable (exit 2); lines not
    /// understood travel with the device so validation reports each with its file and line.</summary>
    private static OnPremisesDevice AttachConfig(NodeReader r, OnPremisesDevice device)
    {
        if (device.Config is null) return device;
        var parsed = Ios.IosParser.ParseFile(device.Config);
        foreach (var e in parsed.Errors)
            r.Errors.Add(new LoadError(e.Source, $"{e.Message}: '{e.Text.Trim()}'", $"onPremisesDevices/{device.Name}"));
        var notes = parsed.Diagnostics.Where(d => d.Kind is Ios.IosDiagnosticKind.NotUnderstood or Ios.IosDiagnosticKind.Warning)
            .Select(d => new ConfigNote(d.Source, d.Text.Trim(), d.Message, false)).ToImmutableArray();
        return device with { Configuration = parsed.Config, ConfigNotes = notes };
    }

    private static string? ResolveConfig(NodeReader r, YMap n, string root)
    {
        if (r.OptStr(n, "config") is not { } cfg) return null;
        var declaredIn = Path.GetDirectoryName(n.Source.File) ?? root;
        foreach (var candidate in new[] { Path.Combine(declaredIn, cfg), Path.Combine(root, cfg) })
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        r.Error(n["config"]!, $"configuration file '{cfg}' not found (looked in {declaredIn} and {root})");
        return null;
    }

    private static readonly ImmutableArray<Prefix> IanaPrivateRanges =
        [Prefix.Parse("10.0.0.0/8"), Prefix.Parse("172.16.0.0/12"), Prefix.Parse("192.168.0.0/16"), Prefix.Parse("100.64.0.0/10")];

    private static ImmutableArray<Prefix> SnatRanges(NodeReader r, YMap n)
    {
        if (n["snat"] is not YMap s || s["privateRanges"] is not YSeq q) return IanaPrivateRanges;
        var list = new List<Prefix>();
        foreach (var item in q.Items)
        {
            if (item is YScalar { Value: "IANAPrivateRanges" }) list.AddRange(IanaPrivateRanges);
            else list.Add(r.Cidr(item, "SNAT private range"));
        }
        return [.. list];
    }

    private static SecurityRule SecurityRule(NodeReader r, YMap s)
    {
        ImmutableArray<AddressMatch> Addresses(string single, string plural) =>
            s[plural] is YSeq ? [.. r.Items(s, plural).Select(a => Address(r, a))]
            : s[single] is YScalar one ? [Address(r, one)] : [new AddressMatch("*", null, null)];
        ImmutableArray<PortRange> Ports(string single, string plural) =>
            s[plural] is YSeq ? [.. r.Items(s, plural).Select(p => Port(r, p))]
            : s[single] is YScalar one ? [Port(r, one)] : [PortRange.All];
        var proto = r.Str(s, "protocol", "*") switch
        {
            "Tcp" => TransportProtocol.Tcp, "Udp" => TransportProtocol.Udp, "Icmp" => TransportProtocol.Icmp, _ => TransportProtocol.Any,
        };
        var priority = r.Int(s, "priority", 0);
        if (priority is < 100 or > 4096 && s["priority"] is { } pn)
            r.Error(pn, $"priority {priority} is out of range: security rule priorities are 100 to 4096 (rule G1)");
        return new SecurityRule(r.Str(s, "name"), priority, r.Enum(s, "direction", SecurityRuleDirection.Inbound),
            r.Enum(s, "access", SecurityRuleAccess.Allow), proto,
            Addresses("sourceAddressPrefix", "sourceAddressPrefixes"), Ports("sourcePortRange", "sourcePortRanges"),
            Addresses("destinationAddressPrefix", "destinationAddressPrefixes"), Ports("destinationPortRange", "destinationPortRanges"),
            s.Source);
    }

    // A route's addressPrefix is a CIDR or a service tag ([UDR] service tags for user-defined routes): a name
    // starting with a letter (Storage, Storage.WestEurope, AzureCloud). The tag's prefixes are resolved in routing.
    private static Route UserRoute(NodeReader r, YMap rt)
    {
        var hop = r.Enum(rt, "nextHopType", NextHopType.None);
        if (rt["addressPrefix"] is YScalar { IsNull: false } s && s.Value.Length > 0 && char.IsAsciiLetter(s.Value[0]))
        {
            if (!s.Value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
                r.Error(s, $"invalid addressPrefix: '{s.Value}' is neither a CIDR nor a service tag name");
            return new Route(r.Str(rt, "name"), Prefix.Default, hop, r.OptIp(rt, "nextHopIpAddress"), rt.Source) { ServiceTag = s.Value };
        }
        return new Route(r.Str(rt, "name"), r.Cidr(rt["addressPrefix"], "addressPrefix"), hop, r.OptIp(rt, "nextHopIpAddress"), rt.Source);
    }

    internal static AddressMatch Address(NodeReader r, YNode n)
    {
        var text = (n as YScalar)?.Value ?? "";
        if (text is "*" or "Any" or "any") return new AddressMatch("*", null, null);
        if (text.Length > 0 && (char.IsAsciiDigit(text[0]) || text.Contains(':')))
        {
            if (Prefix.TryParse(text, out var p, out var err, allowBareAddress: true)) return new AddressMatch(text, p, null);
            r.Error(n, $"invalid address prefix: {err}");
            return new AddressMatch(text, Prefix.Default, null);
        }
        return new AddressMatch(text, null, text);
    }

    internal static PortRange Port(NodeReader r, YNode n)
    {
        var text = (n as YScalar)?.Value ?? "*";
        if (text is "*" or "Any") return PortRange.All;
        var dash = text.IndexOf('-');
        if (dash < 0 && int.TryParse(text, out var p) && p is >= 0 and <= 65535) return new PortRange(p, p);
        if (dash > 0 && int.TryParse(text[..dash], out var a) && int.TryParse(text[(dash + 1)..], out var b) && a <= b && a >= 0 && b <= 65535)
            return new PortRange(a, b);
        r.Error(n, $"invalid port or port range '{text}' (expected '*', a port 0-65535, or 'a-b')");
        return PortRange.All;
    }

    private static VirtualNetworkGateway Gateway(NodeReader r, YMap n, Dictionary<string, Subnet> subnets)
    {
        var name = r.Str(n, "name");
        var subnetId = r.Str(n, "subnet");
        var type = r.Enum(n, "gatewayType", GatewayType.Vpn);
        var activeActive = r.Bool(n, "activeActive", false);
        var bgpNode = n["bgpSettings"] as YMap;
        var bgp = new BgpSettings(bgpNode is null ? 65515 : r.Long(bgpNode, "asn", 65515),
            bgpNode is null ? null : r.OptIp(bgpNode, "bgpPeeringAddress"), bgpNode is null ? 0 : r.Int(bgpNode, "peerWeight", 0));
        var perConfig = bgpNode is null ? [] : r.Maps(bgpNode, "bgpPeeringAddresses").ToList();
        var declared = r.Maps(n, "ipConfigurations").ToList();
        var count = Math.Max(activeActive ? 2 : 1, declared.Count);
        subnets.TryGetValue(subnetId, out var subnet);
        var configs = ImmutableArray.CreateBuilder<GatewayIpConfiguration>();
        for (var i = 0; i < count; i++)
        {
            var decl = i < declared.Count ? declared[i] : null;
            var cfgName = decl is null ? (i == 0 ? "default" : "activeActive") : r.Str(decl, "name");
            var fallbackPrivate = subnet is null ? default : subnet.AddressPrefix.Network.Add(4 + i);
            var fallbackBgp = subnet is null ? default : subnet.AddressPrefix.Last.Add(-1 - i);
            var bgpDecl = perConfig.FirstOrDefault(p => r.Str(p, "ipconfigurationId") == cfgName);
            var defaultBgp = bgpDecl is not null && r.Ips(bgpDecl, "defaultBgpIpAddresses") is { Length: > 0 } d ? d[0]
                : i == 0 && bgp.BgpPeeringAddress is { } explicitBgp ? explicitBgp : fallbackBgp;
            configs.Add(new GatewayIpConfiguration(cfgName,
                decl is not null && r.OptIp(decl, "privateIPAddress") is { } pip ? pip : fallbackPrivate,
                decl is null ? null : r.OptIp(decl, "publicIPAddress"),
                defaultBgp,
                bgpDecl is null ? [] : r.Ips(bgpDecl, "customBgpIpAddresses")));
        }
        var nat = r.Maps(n, "natRules").Select(x => new VirtualNetworkGatewayNatRule(r.Str(x, "name"), r.Enum(x, "type", NatRuleType.Static),
            r.Enum(x, "mode", NatRuleMode.IngressSnat), r.Cidrs(x, "internalMappings"), r.Cidrs(x, "externalMappings"),
            r.OptStr(x, "ipConfigurationId"), x.Source)).ToImmutableArray();
        return new VirtualNetworkGateway(name, subnetId, type, r.Enum(n, "vpnType", VpnType.RouteBased), r.Str(n, "sku"),
            activeActive, r.Bool(n, "enableBgp", false), bgp with { BgpPeeringAddress = bgp.BgpPeeringAddress ?? (configs.Count > 0 ? configs[0].DefaultBgpIpAddress : null) },
            configs.ToImmutable(), nat, n.Source);
    }
}
