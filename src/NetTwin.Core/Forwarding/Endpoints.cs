using NetTwin.Model;

namespace NetTwin.Forwarding;

/// <summary>Where a packet starts or ends.</summary>
public enum EndpointKind
{
    /// <summary>A network interface of a VM (given as the VM, the NIC, or its IP).</summary>
    Nic,
    /// <summary>An address inside an Azure subnet that no NIC holds (or a subnet given as vnet/subnet without NICs).</summary>
    SubnetHost,
    /// <summary>An on-premises router itself or a host on one of its networks (LANs, connected interfaces).</summary>
    Device,
    /// <summary>A host behind a local network gateway whose device is not modelled.</summary>
    Site,
    /// <summary>A host on-premises behind an ExpressRoute circuit described only by peerAdvertisedRoutes.</summary>
    CircuitNetwork,
    /// <summary>An internet address.</summary>
    Internet,
}

/// <summary>A resolved endpoint: what it is, its address, and the node that holds it.</summary>
/// <param name="Text">What the user wrote.</param>
/// <param name="Node">The holding node: NIC, subnet (vnet/subnet), device, local network gateway, circuit, or "internet".</param>
/// <param name="Label">How to show it: "vdi-vm1 (10.120.1.4)".</param>
public sealed record Endpoint(string Text, EndpointKind Kind, Ipv4 Address, string Node, string Label)
{
    public override string ToString() => Label;
}

/// <summary>A name or address that does not resolve to an endpoint.</summary>
public sealed class EndpointException(string message) : Exception(message);

/// <summary>Resolves what the command line and intents name: a VM or NIC name, vnet/subnet, an IP inside a subnet,
/// an on-premises network or the internet.</summary>
public static class Endpoints
{
    public static Endpoint Resolve(Topology t, string text)
    {
        ArgumentNullException.ThrowIfNull(t);
        text = text.Trim();
        if (t.VirtualMachine(text) is { } vm)
        {
            var nic = vm.NetworkInterfaces.Select(t.NetworkInterface).FirstOrDefault(n => n is not null)
                ?? throw new EndpointException($"virtual machine '{text}' has no network interface");
            return new Endpoint(text, EndpointKind.Nic, nic.PrivateIPAddress, nic.Name, $"{vm.Name} ({nic.PrivateIPAddress})");
        }
        if (t.NetworkInterface(text) is { } n)
            return new Endpoint(text, EndpointKind.Nic, n.PrivateIPAddress, n.Name, $"{n.VirtualMachine ?? n.Name} ({n.PrivateIPAddress})");
        if (t.Subnet(text) is { } subnet)
        {
            if (t.InterfacesIn(subnet.Id).OrderBy(i => i.PrivateIPAddress).FirstOrDefault() is { } first)
                return new Endpoint(text, EndpointKind.Nic, first.PrivateIPAddress, first.Name, $"{first.VirtualMachine ?? first.Name} ({first.PrivateIPAddress}) in {subnet.Id}");
            var host = subnet.AddressPrefix.Network.Add(4); // Azure's first usable address in a subnet
            return new Endpoint(text, EndpointKind.SubnetHost, host, subnet.Id, $"{host} in {subnet.Id}");
        }
        if (t.OnPremisesDevice(text) is { } device)
        {
            if (!DeviceAddresses(device).Any()) throw new EndpointException($"on-premises device '{text}' has no address");
            var ip = DeviceAddresses(device).First();
            return new Endpoint(text, EndpointKind.Device, ip, device.Name, $"{device.Name} ({ip})");
        }
        if (!Ipv4.TryParse(text, out var address, out _))
            throw new EndpointException($"'{text}' is not a VM, NIC, vnet/subnet, on-premises device or IPv4 address of this topology");
        return Of(t, address, text);
    }

    /// <summary>The endpoint holding an address.</summary>
    public static Endpoint Of(Topology t, Ipv4 ip, string? text = null)
    {
        text ??= ip.ToString();
        if (t.NetworkInterfaces.FirstOrDefault(n => n.PrivateIPAddress == ip) is { } nic)
            return new Endpoint(text, EndpointKind.Nic, ip, nic.Name, $"{nic.VirtualMachine ?? nic.Name} ({ip})");
        if (t.SubnetContaining(ip) is { } s)
            return new Endpoint(text, EndpointKind.SubnetHost, ip, s.Id, $"{ip} in {s.Id}");
        // On-premises: the device owning the longest matching network (its interfaces and declared LANs).
        var device = t.OnPremisesDevices
            .SelectMany(d => DeviceNetworks(d).Where(p => p.Contains(ip)).Select(p => (d, p)))
            .OrderByDescending(x => x.p.Length).ThenBy(x => x.d.Name, StringComparer.Ordinal).FirstOrDefault();
        if (device.d is not null)
            return new Endpoint(text, EndpointKind.Device, ip, device.d.Name, $"{ip} on {device.d.Name} ({device.p})");
        // The internet before sites: a site announcing 0.0.0.0/1 (a proxy) does not own the internet's hosts.
        if (NsgEvaluation.IsInternet(ip)) return new Endpoint(text, EndpointKind.Internet, ip, "internet", $"{ip} (internet)");
        var site = t.LocalNetworkGateways.SelectMany(l => l.AddressPrefixes.Where(p => p.Contains(ip)).Select(p => (l, p)))
            .OrderByDescending(x => x.p.Length).ThenBy(x => x.l.Name, StringComparer.Ordinal).FirstOrDefault();
        if (site.l is not null)
            return new Endpoint(text, EndpointKind.Site, ip, site.l.Name, $"{ip} behind {site.l.Name} ({site.p})");
        var circuit = t.ExpressRouteCircuits.SelectMany(c => c.Peerings.SelectMany(p => p.PeerAdvertisedRoutes).Where(r => r.Prefix.Contains(ip)).Select(r => (c, r.Prefix)))
            .OrderByDescending(x => x.Prefix.Length).FirstOrDefault();
        if (circuit.c is not null)
            return new Endpoint(text, EndpointKind.CircuitNetwork, ip, circuit.c.Name, $"{ip} on-premises behind {circuit.c.Name} ({circuit.Prefix})");
        throw new EndpointException($"{ip} is not inside any subnet, on-premises network or site of this topology, nor an internet address");
    }

    /// <summary>The networks an on-premises device holds: declared LANs, connected interface prefixes (not tunnels).</summary>
    public static IEnumerable<Prefix> DeviceNetworks(OnPremisesDevice d) =>
        d.AddressPrefixes
            .Concat(d.Interfaces.Select(i => i.Address))
            .Concat(d.Configuration?.ConnectedAddresses.Where(x => !x.Interface.IsTunnel).Select(x => x.Address.Prefix) ?? []);

    public static IEnumerable<Ipv4> DeviceAddresses(OnPremisesDevice d) =>
        (d.Configuration?.ConnectedAddresses.Where(x => !x.Interface.IsTunnel).Select(x => x.Address.Ip) ?? [])
            .Concat(d.Interfaces.Select(i => i.IpAddress));
}
