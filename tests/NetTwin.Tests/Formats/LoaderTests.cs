using NetTwin.Formats.Yaml;
using NetTwin.Model;

namespace NetTwin.Tests.Formats;

public class LoaderTests
{
    private const string Hub = """
        virtualNetworks:
          - name: hub
            location: westeurope
            addressSpace:
              addressPrefixes: [10.0.0.0/16]
            subnets:
              - name: GatewaySubnet
                addressPrefix: 10.0.0.0/24
              - name: app
                addressPrefix: 10.0.1.0/24
          - name: spoke
            region: northeurope
            addressSpace: [10.1.0.0/16]
            subnets:
              - { name: web, addressPrefix: 10.1.1.0/24 }
        virtualNetworkGateways:
          - name: vpn
            subnet: hub/GatewaySubnet
            gatewayType: Vpn
            sku: VpnGw1
            activeActive: true
            enableBgp: true
            bgpSettings:
              asn: 65010
              bgpPeeringAddresses:
                - ipconfigurationId: default
                  customBgpIpAddresses: [169.254.21.2]
        virtualMachines:
          - name: vm1
            networkInterfaces:
              - subnet: hub/app
                privateIPAddress: 10.0.1.4
        """;

    [Fact]
    public void BothAddressSpaceShapesAndLocationAliasLoad()
    {
        var t = TopologyLoader.LoadText(Hub);
        Assert.Equal(new[] { Prefix.Parse("10.0.0.0/16") }, t.VirtualNetwork("hub")!.AddressPrefixes.ToArray());
        Assert.Equal(new[] { Prefix.Parse("10.1.0.0/16") }, t.VirtualNetwork("spoke")!.AddressPrefixes.ToArray());
        Assert.Equal("northeurope", t.VirtualNetwork("spoke")!.Location);
        Assert.Equal("hub/app", t.Subnet("hub/app")!.Id);
    }

    [Fact]
    public void GatewayInstancesGetAzuresDefaultAddresses()
    {
        var g = TopologyLoader.LoadText(Hub).VirtualNetworkGateway("vpn")!;
        Assert.Equal(2, g.IpConfigurations.Length);
        Assert.Equal(("default", "10.0.0.4", "10.0.0.254"), (g.IpConfigurations[0].Name, g.IpConfigurations[0].PrivateIPAddress.ToString(), g.IpConfigurations[0].DefaultBgpIpAddress.ToString()));
        Assert.Equal(("activeActive", "10.0.0.5", "10.0.0.253"), (g.IpConfigurations[1].Name, g.IpConfigurations[1].PrivateIPAddress.ToString(), g.IpConfigurations[1].DefaultBgpIpAddress.ToString()));
        Assert.Equal(new[] { Ipv4.Parse("169.254.21.2") }, g.IpConfigurations[0].CustomBgpIpAddresses.ToArray());
        Assert.Empty(g.IpConfigurations[1].CustomBgpIpAddresses);
        Assert.Equal(65010, g.BgpSettings.Asn);
        Assert.Equal("hub", g.VirtualNetwork);
    }

    [Fact]
    public void InlineNicsBelongToTheirVm()
    {
        var t = TopologyLoader.LoadText(Hub);
        var nic = t.NetworkInterface("vm1-nic0")!;
        Assert.Equal(("hub/app", "10.0.1.4", "vm1"), (nic.Subnet, nic.PrivateIPAddress.ToString(), nic.VirtualMachine));
        Assert.Equal(new[] { "vm1-nic0" }, t.VirtualMachine("vm1")!.NetworkInterfaces.ToArray());
    }

    [Fact]
    public void PeeringDefaultsFollowAzure()
    {
        var t = TopologyLoader.LoadText("""
            virtualNetworkPeerings:
              - { name: a-to-b, virtualNetwork: a, remoteVirtualNetwork: b }
            virtualNetworks:
              - { name: a, location: x, addressSpace: [10.0.0.0/16] }
              - { name: b, location: x, addressSpace: [10.1.0.0/16] }
            """);
        var p = t.VirtualNetworkPeerings.Single();
        Assert.True(p.AllowVirtualNetworkAccess);
        Assert.False(p.AllowForwardedTraffic);
        Assert.False(p.AllowGatewayTransit);
        Assert.False(p.UseRemoteGateways);
    }
}

public class ChangeSetTests
{
    private const string Base = """
        virtualNetworks:
          - name: hub
            location: westeurope
            addressSpace: [10.0.0.0/16]
            subnets:
              - { name: app, addressPrefix: 10.0.1.0/24 }
        routeTables:
          - name: rt
        connections:
          - { name: c1, connectionType: ExpressRoute, virtualNetworkGateway1: er, peer: circuit }
        virtualNetworkGateways:
          - { name: er, subnet: hub/GatewaySubnet, gatewayType: ExpressRoute, sku: Standard }
        expressRouteCircuits:
          - name: circuit
        """;

    private const string BaseWithGatewaySubnet = Base + "\n";

    private static Topology Load(params string[] changes) =>
        TopologyLoader.LoadText(Base.Replace("subnets:\n      - { name: app", "subnets:\n      - { name: GatewaySubnet, addressPrefix: 10.0.0.0/27 }\n      - { name: app"), changeSetTexts: changes);

    [Fact]
    public void SetAndUnsetReachSubnets()
    {
        var t = Load("changes:\n  - set: { resource: virtualNetworks/hub/subnets/app, properties: { routeTable: rt } }\n");
        Assert.Equal("rt", t.Subnet("hub/app")!.RouteTable);
        t = Load("changes:\n  - set: { resource: virtualNetworks/hub/subnets/app, properties: { routeTable: rt } }\n",
                 "changes:\n  - unset: { resource: virtualNetworks/hub/subnets/app, properties: [routeTable] }\n");
        Assert.Null(t.Subnet("hub/app")!.RouteTable);
    }

    [Fact]
    public void DottedSetCreatesNestedMaps()
    {
        var t = Load("changes:\n  - set: { resource: virtualNetworkGateways/er, properties: { bgpSettings.asn: 65100 } }\n");
        Assert.Equal(65100, t.VirtualNetworkGateway("er")!.BgpSettings.Asn);
    }

    [Fact]
    public void AddThenRemove()
    {
        var t = Load("changes:\n  - add:\n      routeTables: [ { name: rt2, disableBgpRoutePropagation: true } ]\n");
        Assert.True(t.RouteTable("rt2")!.DisableBgpRoutePropagation);
        t = Load("changes:\n  - remove: [routeTables/rt, connections/c1]\n");
        Assert.Null(t.RouteTable("rt"));
        Assert.Null(t.Connection("c1"));
    }

    [Fact]
    public void FailAndRestoreInOrder()
    {
        var t = Load("changes:\n  - fail: [connections/c1, expressRouteCircuits/circuit, virtualNetworkGateways/er/bgpPeers/10.0.0.9]\n");
        Assert.Equal(3, t.Failures.Count);
        Assert.True(t.IsFailed(new Failure(FailureKind.Connection, "c1")));
        Assert.True(t.IsFailed(new Failure(FailureKind.BgpPeer, "er", Peer: Ipv4.Parse("10.0.0.9"))));
        t = Load("changes:\n  - fail: connections/c1\n", "changes:\n  - restore: connections/c1\n");
        Assert.Empty(t.Failures);
    }

    [Fact]
    public void FailingAnInstanceThatDoesNotExistIsBadInput()
    {
        var e = Assert.Throws<LoadException>(() => Load("changes:\n  - fail: virtualNetworkGateways/er/instances/1\n"));
        Assert.Contains("a change set fails 'virtualNetworkGateways/er/instances/1', which does not exist", e.Errors[0].Message);
    }

    [Fact]
    public void AddedResourcesAreSchemaChecked()
    {
        var e = Assert.Throws<LoadException>(() => Load("changes:\n  - add:\n      routeTables: [ { name: rt2, disableBgpPropagation: true } ]\n"));
        Assert.Equal("unknown key 'disableBgpPropagation' (did you mean 'disableBgpRoutePropagation'?)", e.Errors[0].Message);
        Assert.Equal(("change1.yaml", 3), (e.Errors[0].Source.File, e.Errors[0].Source.Line));
    }

    [Fact]
    public void ChangeSetsApplyInOrder()
    {
        var t = Load("changes:\n  - set: { resource: routeTables/rt, properties: { disableBgpRoutePropagation: true } }\n",
                     "changes:\n  - set: { resource: routeTables/rt, properties: { disableBgpRoutePropagation: false } }\n");
        Assert.False(t.RouteTable("rt")!.DisableBgpRoutePropagation);
    }

    [Fact]
    public void ASourceReadOnceBuildsEachChangeOnItsOwnCopy()
    {
        var folder = Support.Nt.Example("s0-proxy-tunnel");
        // It adds a route table and sets the app subnet's (an edit in place of the parsed tree).
        var change = Support.Nt.Change("s0-proxy-tunnel", "app-no-propagation.yaml");
        var source = TopologyLoader.Read(folder);
        string Names(Topology t) => string.Join(",", t.RouteTables.Select(r => r.Name).Order(StringComparer.Ordinal))
            + " | " + string.Join(",", t.Subnets.Select(x => $"{x.Id}:{x.RouteTable}").Order(StringComparer.Ordinal));
        var plain = Names(TopologyLoader.Load(folder));
        var changed = Names(TopologyLoader.Load(folder, [change]));
        Assert.NotEqual(plain, changed);
        Assert.Contains("app-vnet/app:app-rt", changed);
        Assert.Equal(changed, Names(source.Build([change])));
        // The change was applied to a copy: the source still builds the folder as written, and the change again.
        Assert.Equal(plain, Names(source.Build()));
        Assert.Equal(changed, Names(source.Build([change])));
        Assert.Equal(plain, Names(source.Build([])));
    }
}
