using System.Text.Json;
using NetTwin.Formats.Yaml;
using NetTwin.Tests.Support;
using NetTwin.Validation;
using static NetTwin.Tests.Validation.Topo;

namespace NetTwin.Tests.ServiceTags;

/// <summary>Service tags from the user's "Azure IP Ranges and Service Tags" file (the fabricated fixture in
/// Fixtures/ServiceTags): NSG and firewall rules, user routes with a tag (B10), service endpoint routes (A4, B3, B6).</summary>
public class ServiceTagTests
{
    private static readonly string FixtureFile = Path.Combine(Nt.Root, "tests", "NetTwin.Tests", "Fixtures", "ServiceTags", "ServiceTags_Public_20990101.json");

    // hub (westeurope): app has the Storage service endpoint and a route table with a service tag route; other has
    // an NSG denying Storage. The ExpressRoute circuit advertises 0.0.0.0/0 (B6) and 192.0.2.0/27, more specific than
    // the Storage.WestEurope prefix 192.0.2.0/26 (B3).
    private static string Estate(string routes = "[ { name: sql, addressPrefix: Sql.WestEurope, nextHopType: Internet } ]",
        string nsgRules = "{ name: deny-storage, priority: 100, direction: Outbound, access: Deny, protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: Storage, destinationPortRange: '*' }") => $$"""
        virtualNetworks:
          - name: hub
            location: westeurope
            addressSpace: [10.0.0.0/16]
            subnets:
              - { name: GatewaySubnet, addressPrefix: 10.0.0.0/27 }
              - { name: app, addressPrefix: 10.0.1.0/24, serviceEndpoints: [Microsoft.Storage], routeTable: app-rt }
              - { name: other, addressPrefix: 10.0.2.0/24, networkSecurityGroup: other-nsg }
        virtualNetworkGateways:
          - { name: ergw, subnet: hub/GatewaySubnet, gatewayType: ExpressRoute, sku: Standard }
        expressRouteCircuits:
          - name: er
            location: westeurope
            sku: { tier: Standard }
            peerings:
              - peeringType: AzurePrivatePeering
                peerASN: 65001
                primaryPeerAddressPrefix: 192.168.100.0/30
                secondaryPeerAddressPrefix: 192.168.200.0/30
                vlanId: 100
                peerAdvertisedRoutes: [ { prefix: 0.0.0.0/0 }, { prefix: 192.0.2.0/27 }, { prefix: 10.200.0.0/16 } ]
        connections:
          - { name: er-conn, connectionType: ExpressRoute, virtualNetworkGateway1: ergw, peer: er }
        routeTables:
          - name: app-rt
            routes: {{routes}}
        networkSecurityGroups:
          - name: other-nsg
            securityRules: [ {{nsgRules}} ]
        networkInterfaces:
          - { name: vm1-nic, subnet: hub/app, privateIPAddress: 10.0.1.4 }
          - { name: vm2-nic, subnet: hub/other, privateIPAddress: 10.0.2.4 }
        virtualMachines:
          - { name: vm1, networkInterfaces: [vm1-nic] }
          - { name: vm2, networkInterfaces: [vm2-nic] }
        """;

    private static string Folder(string yaml, bool withTags = true)
    {
        var dir = Nt.TempTopology(("topology.yaml", yaml));
        if (withTags) File.Copy(FixtureFile, Path.Combine(dir, Path.GetFileName(FixtureFile)));
        return dir;
    }

    private static List<(string Source, string State, string Prefix, string Type, string Ips)> Routes(string dir, string subnet)
    {
        var r = Nt.Run("routes", dir, "--subnet", subnet, "-o", "json");
        Assert.True(r.ExitCode == 0, r.Err);
        return JsonDocument.Parse(r.Out).RootElement.GetProperty("value").EnumerateArray().Select(v => (
            v.GetProperty("source").GetString()!, v.GetProperty("state").GetString()!,
            string.Join(" ", v.GetProperty("addressPrefix").EnumerateArray().Select(p => p.GetString())),
            v.GetProperty("nextHopType").GetString()!,
            string.Join(" ", v.GetProperty("nextHopIpAddress").EnumerateArray().Select(p => p.GetString())))).ToList();
    }

    private static string Disposition(string dir, string from, string to)
    {
        var r = Nt.Run("trace", dir, "--from", from, "--to", to, "--port", "443", "-o", "json");
        Assert.True(r.ExitCode is 0 or 1, r.Err);
        return JsonDocument.Parse(r.Out).RootElement.GetProperty("request").GetProperty("disposition").GetString()!;
    }

    private static IReadOnlyList<Finding> Findings(string dir) => Validator.Validate(TopologyLoader.Load(dir));

    [Fact]
    public void Service_endpoint_routes_are_only_in_the_enabled_subnet_and_beat_a_more_specific_BGP_route_and_the_BGP_default()
    {
        var dir = Folder(Estate());
        Assert.Equal(
        [
            ("Default", "Invalid", "0.0.0.0/0", "Internet", ""),
            ("Default", "Active", "10.0.0.0/8", "None", ""),
            ("Default", "Active", "10.0.0.0/16", "VnetLocal", ""),
            ("Default", "Active", "100.64.0.0/10", "None", ""),
            ("Default", "Active", "172.16.0.0/12", "None", ""),
            ("Default", "Active", "192.0.2.0/26 192.0.2.64/26", "VirtualNetworkServiceEndpoint", ""),
            ("Default", "Active", "192.168.0.0/16", "None", ""),
            ("VirtualNetworkGateway", "Active", "0.0.0.0/0", "VirtualNetworkGateway", "10.0.0.4"),
            ("VirtualNetworkGateway", "Active", "10.200.0.0/16", "VirtualNetworkGateway", "10.0.0.4"),
            ("User", "Active", "203.0.113.0/26", "Internet", ""),
        ], Routes(dir, "hub/app"));
        // rule B3: the BGP 192.0.2.0/27 is inside the service endpoint route: removed from hub/app, kept in hub/other.
        var other = Routes(dir, "hub/other");
        Assert.DoesNotContain(other, r => r.Type == "VirtualNetworkServiceEndpoint");
        Assert.Contains(("VirtualNetworkGateway", "Active", "192.0.2.0/27", "VirtualNetworkGateway", "10.0.0.4"), other);

        // B3 and B6: from app, 192.0.2.10 (in the BGP /27 and under the BGP default) goes to the service endpoint.
        var t = Nt.Run("trace", dir, "--from", "vm1", "--to", "192.0.2.10", "--port", "443");
        Assert.Equal(0, t.ExitCode);
        Assert.Contains("Request DELIVERED: to the Azure service over its service endpoint (route 192.0.2.0/26, service tag Storage.WestEurope)", t.Out);
        Assert.Contains("REACHES: request DELIVERED, reply DELIVERED", t.Out);
        // Storage.NorthEurope (198.51.100.0/25) is another region's: from app it follows the BGP default to on-premises.
        Assert.NotEqual("DELIVERED", Disposition(dir, "vm1", "198.51.100.10"));
        Assert.Contains("VirtualNetworkGateway 0.0.0.0/0", Nt.Run("trace", dir, "--from", "vm1", "--to", "198.51.100.10").Out);
    }

    [Fact]
    public void NSG_deny_to_tag_Storage_denies_a_Storage_prefix_and_not_another_internet_address()
    {
        var dir = Folder(Estate());
        Assert.Equal("DENIED_BY_NSG", Disposition(dir, "vm2", "198.51.100.10"));   // Storage (global) 198.51.100.0/25
        var denied = Nt.Run("trace", dir, "--from", "vm2", "--to", "198.51.100.10");
        Assert.Contains("NSG other-nsg on subnet hub/other: Outbound rule deny-storage (priority 100) denies it (rule G1)", denied.Out);
        Assert.Equal("EXITS_TO_INTERNET", Disposition(dir, "vm2", "198.51.100.200"));  // outside the tag
        Assert.Equal("EXITS_TO_INTERNET", Disposition(dir, "vm2", "8.8.8.8"));
    }

    [Fact]
    public void Without_the_service_tags_file_the_tag_matches_nothing_and_validation_says_so_once()
    {
        var dir = Folder(Estate(), withTags: false);
        Assert.Equal("EXITS_TO_INTERNET", Disposition(dir, "vm2", "198.51.100.10"));
        var f = Findings(dir);
        Has(f, ServiceTagRules.UnknownServiceTag, "networkSecurityGroups/other-nsg",
            "Security rule other-nsg/deny-storage uses service tag Storage: NetTwin has no prefixes for service tag Storage: add the service tags file "
            + "(Azure's ServiceTags_Public_YYYYMMDD.json, or serviceTags.json, in the topology folder); until then it matches nothing.");
        Has(f, ServiceTagRules.UnknownServiceTag, "routeTables/app-rt",
            "Route app-rt/sql uses service tag Sql.WestEurope: NetTwin has no prefixes for service tag Sql.WestEurope: add the service tags file "
            + "(Azure's ServiceTags_Public_YYYYMMDD.json, or serviceTags.json, in the topology folder); until then it matches nothing.");
        Has(f, ServiceTagRules.UnknownServiceTag, "virtualNetworks/hub/subnets/app",
            "Service endpoint Microsoft.Storage of subnet hub/app uses service tag Storage.westeurope: NetTwin has no prefixes for service tag Storage.westeurope: "
            + "add the service tags file (Azure's ServiceTags_Public_YYYYMMDD.json, or serviceTags.json, in the topology folder); until then it matches nothing.");
        Assert.Equal(3, f.Count(x => x.Id == ServiceTagRules.UnknownServiceTag.Id));
        Assert.DoesNotContain(Routes(dir, "hub/app"), r => r.Type == "VirtualNetworkServiceEndpoint");
    }

    [Fact]
    public void A_tag_the_file_lacks_is_warned_about_once_per_rule_and_known_tags_are_not()
    {
        var dir = Folder(Estate(nsgRules:
            "{ name: kv, priority: 100, direction: Outbound, access: Allow, protocol: '*', sourceAddressPrefix: AzureKeyVault, sourcePortRange: '*', destinationAddressPrefixes: [AzureKeyVault, Storage, Internet], destinationPortRange: '*' }"));
        var f = Findings(dir);
        Expect(f, ServiceTagRules.UnknownServiceTag, "networkSecurityGroups/other-nsg",
            "Security rule other-nsg/kv uses service tag AzureKeyVault: NetTwin has no prefixes for service tag AzureKeyVault: add the service tags file "
            + "(Azure's ServiceTags_Public_YYYYMMDD.json, or serviceTags.json, in the topology folder); until then it matches nothing.");

        var known = Findings(Folder(Estate()));
        None(known, ServiceTagRules.UnknownServiceTag);
    }

    [Fact]
    public void IPv6_prefixes_of_the_file_are_ignored_with_a_note()
    {
        var f = Findings(Folder(Estate()));
        Expect(f, ServiceTagRules.Ipv6PrefixesIgnored, "serviceTags",
            "ServiceTags_Public_20990101.json holds 2 IPv6 prefixes: NetTwin models IPv4 only, so they are ignored.");

        var dir = Nt.TempTopology(("topology.yaml", Estate()),
            ("serviceTags.json", """{"changeNumber":1,"cloud":"Public","values":[{"name":"Sql.WestEurope","id":"Sql.WestEurope","properties":{"region":"westeurope","addressPrefixes":["203.0.113.0/26"]}},{"name":"Storage","id":"Storage","properties":{"addressPrefixes":["192.0.2.0/25"]}},{"name":"Storage.WestEurope","id":"Storage.WestEurope","properties":{"region":"westeurope","addressPrefixes":["192.0.2.0/26"]}}]}"""));
        var v4 = Findings(dir);
        None(v4, ServiceTagRules.Ipv6PrefixesIgnored);
        None(v4, ServiceTagRules.UnknownServiceTag);
    }

    [Fact]
    public void A_user_route_with_a_service_tag_covers_the_tag_s_prefixes_in_one_row()
    {
        var dir = Folder(Estate(routes: "[ { name: to-fw, addressPrefix: Storage, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.2.10 }, { name: explicit, addressPrefix: 198.51.100.0/25, nextHopType: None } ]"));
        var rows = Routes(dir, "hub/app");
        Assert.Contains(("User", "Active", "192.0.2.0/25", "VirtualAppliance", "10.0.2.10"), rows);
        // an explicit prefix beats a service tag route with the same prefix
        Assert.Contains(("User", "Invalid", "198.51.100.0/25", "VirtualAppliance", "10.0.2.10"), rows);
        Assert.Contains(("User", "Active", "198.51.100.0/25", "None", ""), rows);
        var table = Nt.Run("routes", dir, "--subnet", "hub/app");
        Assert.Contains("user route to-fw of route table app-rt, service tag Storage", table.Out);

        // one row, addressPrefix a list, when every prefix of the tag is in the same state
        var one = Folder(Estate(routes: "[ { name: to-fw, addressPrefix: Storage, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.2.10 } ]"));
        Assert.Contains(("User", "Active", "192.0.2.0/25 198.51.100.0/25", "VirtualAppliance", "10.0.2.10"), Routes(one, "hub/app"));
    }

    private static string TagRoutes(int n) =>
        "[ " + string.Join(", ", Enumerable.Range(1, n).Select(i => $"{{ name: tag{i}, addressPrefix: Storage, nextHopType: Internet }}")) + " ]";

    [Fact]
    public void Twenty_six_service_tag_routes_in_one_table_are_refused()
    {
        var f = Validate(Rt("rt", string.Join(", ", Enumerable.Range(1, 26).Select(i => Route($"tag{i}", "Storage", "Internet")))));
        Expect(f, RouteTableRules.TooManyServiceTagRoutes, "routeTables/rt",
            "Route table rt has 26 routes with a service tag as address prefix (the 26th is tag26): Azure allows at most 25 service tag routes per route table.");

        var r = Nt.Run("validate", Folder(Estate(routes: TagRoutes(26))));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error NT-RT-012 [routeTables/app-rt]: Route table app-rt has 26 routes with a service tag as address prefix", r.Out);
    }

    [Fact]
    public void Twenty_five_service_tag_routes_and_many_explicit_routes_pass()
    {
        var f = Validate(Rt("rt", string.Join(", ", Enumerable.Range(1, 25).Select(i => Route($"tag{i}", "Storage", "Internet"))
            .Concat(Enumerable.Range(1, 10).Select(i => Route($"p{i}", $"192.0.{i}.0/24", "Internet"))))));
        None(f, RouteTableRules.TooManyServiceTagRoutes);
        Assert.Equal(0, Nt.Run("validate", Folder(Estate(routes: TagRoutes(25)))).ExitCode);
    }

    [Fact]
    public void Bad_service_tags_JSON_is_exit_2_with_file_line_and_column()
    {
        var dir = Nt.TempTopology(("topology.yaml", Estate()),
            ("ServiceTags_Public_20990101.json", "{\n  \"changeNumber\": 1,\n  \"values\": [\n    { \"name\": \"Storage\" \"id\": \"Storage\" }\n  ]\n}\n"));
        var r = Nt.Run("validate", dir);
        Assert.Equal(2, r.ExitCode);
        var file = Path.Combine(dir, "ServiceTags_Public_20990101.json");
        Assert.Contains($"{file}:4:25: error: not a valid service tags file (Azure IP Ranges and Service Tags JSON): ", r.Err);

        var badPrefix = Nt.TempTopology(("topology.yaml", Estate()),
            ("serviceTags.json", "{\"values\":[\n{\"name\":\"Storage\",\"properties\":{\"addressPrefixes\":[\"192.0.2.0/33\"]}}]}"));
        var b = Nt.Run("validate", badPrefix);
        Assert.Equal(2, b.ExitCode);
        Assert.Contains($"{Path.Combine(badPrefix, "serviceTags.json")}:2:52: error [Storage]: service tag Storage: values[0].properties.addressPrefixes[0] '192.0.2.0/33' is not an IPv4 or IPv6 prefix", b.Err);

        var notTags = Nt.TempTopology(("topology.yaml", Estate()), ("serviceTags.json", "[1, 2]"));
        var n = Nt.Run("validate", notTags);
        Assert.Equal(2, n.ExitCode);
        Assert.Contains($"{Path.Combine(notTags, "serviceTags.json")}:1:2: error: not a valid service tags file (Azure IP Ranges and Service Tags JSON): "
            + "The JSON value could not be converted to an object {\"changeNumber\", \"cloud\", \"values\"}. Path: $", n.Err);
    }

    [Fact]
    public void Azure_Firewall_network_rules_match_service_tags()
    {
        var yaml = Estate(routes: "[ { name: storage-via-fw, addressPrefix: 198.51.100.0/24, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4 } ]")
            .Replace("      - { name: other,", "      - { name: AzureFirewallSubnet, addressPrefix: 10.0.3.0/26 }\n      - { name: other,", StringComparison.Ordinal)
            + """

            azureFirewalls:
              - name: fw
                subnet: hub/AzureFirewallSubnet
                privateIPAddress: 10.0.3.4
                publicIPAddress: 20.50.0.10
                networkRuleCollections:
                  - name: storage
                    priority: 100
                    action: Deny
                    rules:
                      - { name: no-storage, protocols: [Any], sourceAddresses: ['*'], destinationAddresses: [Storage], destinationPorts: ['*'] }
                  - name: rest
                    priority: 200
                    action: Allow
                    rules:
                      - { name: any, protocols: [Any], sourceAddresses: ['*'], destinationAddresses: ['*'], destinationPorts: ['*'] }
            """;
        var dir = Folder(yaml);
        Assert.Equal("DENIED_BY_FIREWALL", Disposition(dir, "vm1", "198.51.100.10"));
        Assert.NotEqual("DENIED_BY_FIREWALL", Disposition(dir, "vm1", "198.51.100.200"));
    }
}
