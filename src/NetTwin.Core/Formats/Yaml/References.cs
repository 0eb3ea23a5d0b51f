using NetTwin.Model;

namespace NetTwin.Formats.Yaml;

/// <summary>Every name one resource uses for another must resolve. A dangling reference is unusable input
/// (exit 2), reported at the resource that holds it, with a did-you-mean.</summary>
internal static class References
{
    public static void Check(Topology t, List<LoadError> errors)
    {
        void Need(IResource owner, string? reference, string property, string targetKind, IEnumerable<string> known, Func<string, bool> exists)
        {
            if (reference is null || exists(reference)) return;
            var guess = SchemaCheck.DidYouMean(reference, known);
            errors.Add(new LoadError(owner.Source,
                $"'{property}' refers to {targetKind} '{reference}', which does not exist" + (guess is null ? "" : $" (did you mean '{guess}'?)"),
                $"{owner.Kind}/{owner.Name}"));
        }
        var vnetNames = t.VirtualNetworks.Select(v => v.Name).ToList();
        var subnetIds = t.Subnets.Select(s => s.Id).ToList();
        var rtNames = t.RouteTables.Select(x => x.Name).ToList();
        var nsgNames = t.NetworkSecurityGroups.Select(x => x.Name).ToList();
        var nicNames = t.NetworkInterfaces.Select(x => x.Name).ToList();
        var gwNames = t.VirtualNetworkGateways.Select(x => x.Name).ToList();
        var lngNames = t.LocalNetworkGateways.Select(x => x.Name).ToList();
        var circuitNames = t.ExpressRouteCircuits.Select(x => x.Name).ToList();

        foreach (var s in t.Subnets)
        {
            var subnetRes = new SubnetResource(s);
            Need(subnetRes, s.RouteTable, "routeTable", "route table", rtNames, n => t.RouteTable(n) is not null);
            Need(subnetRes, s.NetworkSecurityGroup, "networkSecurityGroup", "network security group", nsgNames, n => t.NetworkSecurityGroup(n) is not null);
        }
        foreach (var p in t.VirtualNetworkPeerings)
        {
            Need(p, p.VirtualNetwork, "virtualNetwork", "virtual network", vnetNames, n => t.VirtualNetwork(n) is not null);
            Need(p, p.RemoteVirtualNetwork, "remoteVirtualNetwork", "virtual network", vnetNames, n => t.VirtualNetwork(n) is not null);
        }
        foreach (var n in t.NetworkInterfaces)
        {
            Need(n, n.Subnet, "subnet", "subnet", subnetIds, x => t.Subnet(x) is not null);
            Need(n, n.NetworkSecurityGroup, "networkSecurityGroup", "network security group", nsgNames, x => t.NetworkSecurityGroup(x) is not null);
        }
        foreach (var vm in t.VirtualMachines)
        {
            foreach (var nic in vm.NetworkInterfaces)
                Need(vm, nic, "networkInterfaces", "network interface", nicNames, x => t.NetworkInterface(x) is not null);
            foreach (var s in vm.Appliance?.Snat ?? [])
                Need(vm, s.OutboundInterface, "appliance.snat.outboundInterface", "network interface of this VM", vm.NetworkInterfaces, x => vm.NetworkInterfaces.Contains(x));
        }
        foreach (var f in t.AzureFirewalls)
            Need(f, f.Subnet, "subnet", "subnet", subnetIds, x => t.Subnet(x) is not null);
        foreach (var g in t.VirtualNetworkGateways)
            Need(g, g.Subnet, "subnet", "subnet", subnetIds, x => t.Subnet(x) is not null);
        foreach (var c in t.Connections)
        {
            Need(c, c.VirtualNetworkGateway1, "virtualNetworkGateway1", "virtual network gateway", gwNames, x => t.VirtualNetworkGateway(x) is not null);
            Need(c, c.LocalNetworkGateway2, "localNetworkGateway2", "local network gateway", lngNames, x => t.LocalNetworkGateway(x) is not null);
            Need(c, c.VirtualNetworkGateway2, "virtualNetworkGateway2", "virtual network gateway", gwNames, x => t.VirtualNetworkGateway(x) is not null);
            Need(c, c.Peer, "peer", "ExpressRoute circuit", circuitNames, x => t.ExpressRouteCircuit(x) is not null);
            var gw = t.VirtualNetworkGateway(c.VirtualNetworkGateway1);
            var natNames = gw?.NatRules.Select(r => r.Name).ToList() ?? [];
            foreach (var rule in c.IngressNatRules.Concat(c.EgressNatRules))
                Need(c, rule, "ingressNatRules/egressNatRules", $"NAT rule of gateway '{c.VirtualNetworkGateway1}'", natNames, x => natNames.Contains(x));
            string? missing = c.ConnectionType switch
            {
                ConnectionType.IPsec when c.LocalNetworkGateway2 is null => "localNetworkGateway2",
                ConnectionType.Vnet2Vnet when c.VirtualNetworkGateway2 is null => "virtualNetworkGateway2",
                ConnectionType.ExpressRoute when c.Peer is null => "peer",
                _ => null,
            };
            if (missing is not null)
                errors.Add(new LoadError(c.Source, $"a {c.ConnectionType} connection needs '{missing}'", $"connections/{c.Name}"));
        }
        foreach (var f in t.Failures)
        {
            var ok = f.Kind switch
            {
                FailureKind.Connection => t.Connection(f.Name) is not null,
                FailureKind.Circuit => t.ExpressRouteCircuit(f.Name) is not null,
                FailureKind.GatewayInstance => t.VirtualNetworkGateway(f.Name) is { } g && f.Instance < g.IpConfigurations.Length,
                _ => t.VirtualNetworkGateway(f.Name) is not null || t.OnPremisesDevice(f.Name) is not null,
            };
            if (!ok) errors.Add(new LoadError(new SourceRef(t.Root, 0, 0), $"a change set fails '{f}', which does not exist", f.ToString()));
        }
    }

    private sealed record SubnetResource(Subnet S) : IResource
    {
        public string Kind => "virtualNetworks";
        public string Name => $"{S.VirtualNetwork}/subnets/{S.Name}";
        public SourceRef Source => S.Source;
    }
}
