using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.Forwarding;

/// <summary>A translation made on the way (appliance masquerade F5, firewall SNAT F4, VPN NAT F1), kept so the reply
/// is translated back where it was made.</summary>
internal sealed record NatRecord(string Device, bool Source, Ipv4 Original, Ipv4 Translated);

/// <summary>Who hands a packet to a subnet's route table: the node, where the reply of a flow it sends to the internet
/// comes back, and the gateway when it is one (for rules C2 and D8).</summary>
internal sealed record Sender(string Node, Action<Walk>? InternetReply, string? Gateway = null, Ipv4? PublicIp = null);

/// <summary>One direction of a flow, hop by hop. Each step records a hop and calls the next; a step that ends the walk
/// sets the disposition and, for a request that got through, where its reply starts.</summary>
internal sealed class Walk
{
    private const int MaxHops = 96;

    private readonly Forwarder _f;
    private readonly Walk? _request;
    private readonly Flow _start;
    private readonly List<Hop> _hops = [];
    private int _hopCount;
    private readonly List<string> _devices = [];
    private readonly List<string> _stateful = [];
    private readonly List<(string Kind, string Node, Flow Flow)> _seen = [];
    private Flow _flow;
    private Disposition? _end;
    private string _reason = "";

    // Notes and translations are rare: their lists are made on first use.
    private List<string>? _notes;
    private List<NatRecord>? _nats;
    private Dictionary<string, NatPacket>? _vpnNats;

    internal List<string> Notes => _notes ??= [];
    internal bool HasNotes => _notes is { Count: > 0 };
    internal List<NatRecord> Nats => _nats ??= [];
    /// <summary>The NSGs the walk passed, each with where it applies (a subnet's or a NIC's), for the reply (G1).</summary>
    internal readonly HashSet<(string Nsg, string Kind, string Name)> NsgsPassed = [];
    internal Action<Walk>? ReplyStart { get; private set; }

    public Walk(Forwarder f, Flow flow, Walk? request)
    {
        _f = f;
        _request = request;
        _start = _flow = flow;
    }

    private Topology T => _f.Topology;
    private bool IsReply => _request is not null;
    private Ipv4 Dst => _flow.Destination;
    private Ipv4 Src => _flow.Source;

    public Trace Result() =>
        new(_start, _hops.Count == 0 ? [] : [.. _hops], _end ?? Disposition.NoRoute, _reason, _flow, Distinct(_stateful), Distinct(_devices));

    /// <summary>The names in order, each once (the lists are short: a scan, not a set).</summary>
    private static ImmutableArray<string> Distinct(List<string> names)
    {
        var b = ImmutableArray.CreateBuilder<string>(names.Count);
        foreach (var n in names)
            if (!b.Contains(n)) b.Add(n);
        return b.Count == b.Capacity ? b.MoveToImmutable() : b.ToImmutable();
    }

    // ---------------------------------------------------------------- bookkeeping

    private void Hop(string node, HopStep step, string decision, string detail = "", string? rule = null)
    {
        _hopCount++;
        if (_f.Hops) _hops.Add(new Hop(node, step, decision, detail, _flow, rule));
    }

    // The same with texts written only when the forwarder keeps hop texts (Forwarder.HopTexts): a question that reads
    // only dispositions and devices (the matrix, the flow diff) does not format them.
    private void Hop(string node, HopStep step, [InterpolatedStringHandlerArgument("")] ref HopText decision, string detail = "", string? rule = null) =>
        Hop(node, step, decision.Text(), detail, rule);

    private void Hop(string node, HopStep step, [InterpolatedStringHandlerArgument("")] ref HopText decision,
        [InterpolatedStringHandlerArgument("")] ref HopText detail, string? rule = null) =>
        Hop(node, step, decision.Text(), detail.Text(), rule);

    private void Hop(string node, HopStep step, string decision, [InterpolatedStringHandlerArgument("")] ref HopText detail, string? rule = null) =>
        Hop(node, step, decision, detail.Text(), rule);

    internal bool HopTexts => _f.HopTexts && _f.Hops;

    private void Pass(params ReadOnlySpan<string?> nodes)
    {
        foreach (var n in nodes)
            if (!string.IsNullOrEmpty(n)) _devices.Add(n);
    }

    private void End(Disposition d, string node, string reason, Action<Walk>? reply = null)
    {
        Hop(node, HopStep.Deliver, d.Code(), reason);
        _end = d;
        _reason = reason;
        ReplyStart = reply;
    }

    /// <summary>Loop detection: false (and the walk ends LOOP) when the packet comes back to a place with the same
    /// header, or has taken too many hops. The place is a kind and a node, joined only for the message.</summary>
    private bool Visit(string kind, string node)
    {
        if (_end is not null) return false;
        // A handful of places per walk: a scan, not a set.
        if (_hopCount > MaxHops || _seen.Contains((kind, node, _flow)))
        {
            var key = $"{kind} {node}";
            End(Disposition.Loop, key, $"the packet came back to {key} with the same header: a forwarding loop");
            return false;
        }
        _seen.Add((kind, node, _flow));
        return true;
    }

    private bool StatefulPassedByRequest(string device) => _request?._stateful.Contains(device) == true;

    /// <summary>True when the request's <paramref name="device"/> translated an address to <paramref name="address"/>.</summary>
    private bool RequestTranslatedTo(string device, Ipv4 address)
    {
        if (_request?._nats is not { } nats) return false;
        foreach (var n in nats)
            if (n.Device == device && n.Translated == address) return true;
        return false;
    }

    // ---------------------------------------------------------------- starts

    public void Start(Endpoint e)
    {
        switch (e.Kind)
        {
            case EndpointKind.Nic: StartNic(T.NetworkInterface(e.Node)!); break;
            case EndpointKind.SubnetHost: StartSubnetHost(T.Subnet(e.Node)!); break;
            case EndpointKind.Device: StartDevice(e.Node); break;
            case EndpointKind.Site:
                {
                    var lng = T.LocalNetworkGateway(e.Node)!;
                    var conn = T.Connections.FirstOrDefault(c => c.LocalNetworkGateway2 == lng.Name && c.ConnectionType == ConnectionType.IPsec);
                    Hop(lng.Name, HopStep.Start, $"host {Src} behind {lng.Name} (a site NetTwin does not model)");
                    if (conn is null) End(Disposition.NoRoute, lng.Name, $"no connection uses local network gateway {lng.Name}");
                    else SiteSend(lng, conn);
                    break;
                }
            case EndpointKind.CircuitNetwork:
                Hop(e.Node, HopStep.Start, $"host {Src} on-premises behind {e.Node} (peerAdvertisedRoutes; no router modelled)");
                CircuitIn(e.Node);
                break;
            default:
                Hop("internet", HopStep.Start, $"{Src} on the internet");
                Pass("internet");
                End(Disposition.NoRoute, "internet", NsgEvaluation.IsInternet(Dst)
                    ? $"{Dst} is an internet address: the flow never enters the estate"
                    : $"the internet does not route {Dst}: Azure workloads are reached from the internet through public IPs or load balancers, which NetTwin does not model");
                break;
        }
    }

    public void StartNic(NetworkInterface nic)
    {
        Hop(nic.VirtualMachine ?? nic.Name, HopStep.Start, $"{nic.VirtualMachine ?? nic.Name} sends from NIC {nic.Name} ({nic.PrivateIPAddress}) in {nic.Subnet}");
        Pass(nic.VirtualMachine, nic.Name);
        LeaveNic(nic);
    }

    public void StartSubnetHost(Subnet s)
    {
        Hop(s.Id, HopStep.Start, $"host {Src} in {s.Id} (no NIC modelled at this address)");
        Pass(s.Id);
        if (!Nsg(s.NetworkSecurityGroup, SecurityRuleDirection.Outbound, s.Id, "subnet", s.Id)) return;
        RouteFrom(s, new Sender(s.Id, w => w.InternetBackToSubnetHost(s)));
    }

    public void StartDevice(string device)
    {
        Hop(device, HopStep.Start, $"{Src} on {device}");
        DeviceForward(device);
    }

    // ---------------------------------------------------------------- Azure: NICs, NSGs, subnets

    private void LeaveNic(NetworkInterface nic)
    {
        var subnet = T.Subnet(nic.Subnet)!;
        if (Endpoints.PlatformAddresses.Contains(Dst)) { ToPlatform(nic, subnet); return; }
        // Rule G2: outbound, the NIC's NSG then the subnet's.
        if (!Nsg(nic.NetworkSecurityGroup, SecurityRuleDirection.Outbound, subnet.Id, "NIC", nic.Name)) return;
        if (!Nsg(subnet.NetworkSecurityGroup, SecurityRuleDirection.Outbound, subnet.Id, "subnet", subnet.Id)) return;
        RouteFrom(subnet, new Sender(nic.Name, w => w.InternetBackToNic(nic)));
    }

    /// <summary>Rules B4 and G5: the host answers its platform addresses itself; no route steers them (B4, a
    /// third-party source: unverified) and NSGs do not filter them unless a rule names their service tag (G5).</summary>
    private void ToPlatform(NetworkInterface nic, Subnet subnet)
    {
        foreach (var (name, whereKind, whereName) in new[] { (nic.NetworkSecurityGroup, "NIC", nic.Name), (subnet.NetworkSecurityGroup, "subnet", subnet.Id) })
        {
            if (name is null || T.NetworkSecurityGroup(name) is not { } nsg) continue;
            if (nsg.SecurityRules.Any(r => r.DestinationAddressPrefixes.Any(a => a.ServiceTag == "AzureLoadBalancer")))
            {
                if (!Nsg(name, SecurityRuleDirection.Outbound, subnet.Id, whereKind, whereName)) return;
            }
            else Hop(name, HopStep.Nsg, "not evaluated", $"NSG {name} on {whereKind} {whereName} does not filter {Dst}: platform addresses bypass NSGs unless their service tag is used (rule G5)", "G5");
        }
        Hop(subnet.Id, HopStep.Route, $"{Dst}: Azure platform address", "served by the host: user and gateway routes do not steer it (rule B4, unverified)", "B4");
        End(Disposition.Delivered, "azure-platform", $"delivered to the Azure platform at {Dst} (the host answers it)", w => w.FromPlatform(nic));
    }

    private void FromPlatform(NetworkInterface nic)
    {
        Hop("azure-platform", HopStep.Start, $"the host answers from {Src}", "platform traffic bypasses routes and NSGs (rules B4, G5)", "G5");
        Pass(nic.Name, nic.VirtualMachine);
        End(Disposition.Delivered, nic.VirtualMachine ?? nic.Name, $"delivered to {nic.VirtualMachine ?? nic.Name} (NIC {nic.Name}, {Dst})");
    }

    /// <summary>One NSG in one direction (G1-G4); true when the packet passes. A reply passes an NSG its request
    /// passed: NSGs are stateful (G1).</summary>
    /// <remarks>Where it applies is a kind ("subnet", "NIC") and a name, joined only in texts.</remarks>
    private bool Nsg(string? name, SecurityRuleDirection direction, string subnetId, string whereKind, string whereName)
    {
        if (name is null || T.NetworkSecurityGroup(name) is not { } nsg) return true;
        var key = (name, whereKind, whereName);
        if (IsReply && _request!.NsgsPassed.Contains(key))
        {
            Hop(name, HopStep.Nsg, $"{direction}: allowed as the reply of a flow it allowed", $"NSG {name} on {whereKind} {whereName} is stateful (rule G1)", "G1");
            return true;
        }
        var v = NsgEvaluation.Evaluate(nsg, direction, _flow, _f.VirtualNetworkTag(subnetId), T.ServiceTags);
        Hop(name, HopStep.Nsg, $"{direction} {(v.Allowed ? "Allow" : "Deny")}: {v.Rule} (priority {v.Priority})", $"NSG {name} on {whereKind} {whereName}: {v.Text}", v.Rule);
        NsgsPassed.Add(key);
        if (!v.Allowed) End(Disposition.DeniedByNsg, name, $"NSG {name} on {whereKind} {whereName}: {v.Text}");
        return v.Allowed;
    }

    private static string RouteText(EffectiveRoute r) =>
        $"{r.Source} {r.AddressPrefix} {r.NextHopType}" + (r.NextHopIpAddress.IsEmpty ? "" : " " + string.Join(" ", r.NextHopIpAddress))
        + (r.Name is { } n ? $" (route {n}" + (r.RouteTable is { } t ? $" of {t})" : ")") : "")
        + (r.Gateway is { } g && r.Source == RouteSource.VirtualNetworkGateway ? $" via {g}" : "");

    /// <summary>A packet leaves a NIC, gateway or firewall into Azure's routing: the effective routes of its subnet
    /// decide (B1 longest prefix over the Active routes, B3).</summary>
    private void RouteFrom(Subnet subnet, Sender sender)
    {
        if (!Visit("route", subnet.Id)) return;
        var table = _f.Routing.EffectiveRoutes(subnet.Id);
        // Without hop texts nothing reads a route's listing (B9's shadow, A8's note): the table is not annotated for it.
        var r = HopTexts ? table.Lookup(Dst) : table.Forward(Dst);
        Pass(subnet.Id);
        if (r is null)
        {
            Hop(subnet.Id, HopStep.Route, $"no route for {Dst}", "rule B1: nothing matches, the packet is dropped", "B1");
            End(Disposition.NoRoute, subnet.Id, $"no effective route of {subnet.Id} matches {Dst}");
            return;
        }
        Hop(subnet.Id, HopStep.Route, HopTexts ? RouteText(r) : "", HopTexts ? r.Explanation : "", "B1");
        switch (r.NextHopType)
        {
            case NextHopType.VnetLocal:
                DeliverIn(T.VirtualNetwork(subnet.VirtualNetwork)!);
                break;
            case NextHopType.VNetPeering or NextHopType.VNetGlobalPeering:
                CrossPeering(subnet.VirtualNetwork, sender);
                break;
            case NextHopType.Internet:
                ToInternet(subnet, sender);
                break;
            case NextHopType.None:
                if (r.Source == RouteSource.User)
                    End(Disposition.NullRouted, subnet.Id, $"user route {r.Name} sends {r.AddressPrefix} to None: dropped");
                else
                    End(Disposition.NoRoute, subnet.Id, $"Azure has no route to {Dst}: the system route {r.AddressPrefix} -> None drops private ranges outside the VNet and its peerings (rule A1)");
                break;
            case NextHopType.VirtualAppliance:
                if (r.NextHopIpAddress.IsEmpty) End(Disposition.NoRoute, subnet.Id, $"route {r.Name} has no next hop IP");
                else ToAppliance(r.NextHopIpAddress[0], subnet.VirtualNetwork);
                break;
            case NextHopType.VirtualNetworkGateway:
                {
                    // The first gateway the route names ("a, b" when both coexisting gateways carry it).
                    var gw = r.Gateway is { } named ? (named.IndexOf(',') is var comma and >= 0 ? named[..comma] : named).Trim()
                        : _f.Routing.GatewayRoutes(subnet.VirtualNetwork)?.VpnGateway?.Name;
                    if (gw is null) End(Disposition.NoRoute, subnet.Id, $"route {r.AddressPrefix} points at a virtual network gateway, but {subnet.VirtualNetwork} is served by none");
                    else GatewayOut(gw, sender);
                    break;
                }
            default:
                // Rule A4: the service endpoint route takes the packet to the Azure service (service tag r.ServiceTag).
                {
                    var service = r.ServiceTag ?? subnet.Id;
                    End(Disposition.Delivered, service, $"to the Azure service over its service endpoint (route {r.AddressPrefix}"
                        + (r.ServiceTag is { } tag ? $", service tag {tag})" : ")"),
                        T.NetworkInterface(sender.Node) is { } from ? w => w.FromServiceEndpoint(service, from) : sender.InternetReply);
                    break;
                }
        }
    }

    private void ToInternet(Subnet subnet, Sender sender)
    {
        if (!NsgEvaluation.IsInternet(Dst))
        {
            End(Disposition.NoRoute, subnet.Id, $"next hop Internet for {Dst}, a private address: the internet does not route it");
            return;
        }
        if (sender.PublicIp is { } pip)
        {
            Nats.Add(new NatRecord(sender.Node, true, Src, pip));
            Hop(sender.Node, HopStep.Nat, $"source {Src} -> {pip}", $"{sender.Node} leaves to the internet from its public IP (rule F4)", "F4");
            _flow = _flow with { Source = pip };
        }
        else if (!NsgEvaluation.IsInternet(Src))
            Notes.Add($"{sender.Node} reaches the internet through Azure's outbound SNAT (a public IP, NAT gateway or default outbound access): the reply is traced to {Src}");
        Pass("internet");
        End(Disposition.ExitsToInternet, "internet", $"leaves Azure to the internet from {subnet.Id}", sender.InternetReply);
    }

    private void DeliverIn(VirtualNetwork vnet)
    {
        // The longest subnet prefix holding the destination; at equal length the first (as a stable sort keeps it).
        if (vnet.SubnetHolding(Dst) is not { } s)
        {
            End(Disposition.NoRoute, vnet.Name, $"{Dst} is in {vnet.Name}'s address space but in none of its subnets");
            return;
        }
        EnterSubnet(s);
    }

    /// <summary>A packet arrives in the subnet holding its destination.</summary>
    private void EnterSubnet(Subnet s)
    {
        Pass(s.Id);
        // A reply coming back to the address a firewall or appliance translated to: that device takes it (conntrack).
        if (T.FirewallWithAddress(Dst, s.Id) is { } fw)
        {
            if (IsReply && RequestTranslatedTo(fw.Name, Dst)) { Firewall(fw); return; }
            End(Disposition.Delivered, fw.Name, $"delivered to Azure Firewall {fw.Name} itself ({Dst})");
            return;
        }
        var nic = T.InterfaceAt(s.Id, Dst);
        if (nic is not null && IsReply && nic.VirtualMachine is { } vmName && RequestTranslatedTo(vmName, Dst))
        {
            Appliance(nic, nsgsDone: false);
            return;
        }
        // Rule G2: inbound, the subnet's NSG then the NIC's.
        if (!Nsg(s.NetworkSecurityGroup, SecurityRuleDirection.Inbound, s.Id, "subnet", s.Id)) return;
        if (nic is null)
        {
            End(Disposition.Delivered, s.Id, $"delivered to {Dst} in {s.Id} (no NIC is modelled at this address)", w => w.StartSubnetHost(s));
            return;
        }
        if (!Nsg(nic.NetworkSecurityGroup, SecurityRuleDirection.Inbound, s.Id, "NIC", nic.Name)) return;
        Pass(nic.Name, nic.VirtualMachine);
        End(Disposition.Delivered, nic.VirtualMachine ?? nic.Name, $"delivered to {nic.VirtualMachine ?? nic.Name} (NIC {nic.Name}, {Dst})", w => w.StartNic(nic));
    }

    /// <summary>Rules C1-C3: a peering carries traffic when both directions exist and allow access; the receiving side
    /// drops forwarded packets (source outside the sending VNet) unless it allows forwarded traffic (C2).</summary>
    private void CrossPeering(string localVnet, Sender sender)
    {
        var local = T.VirtualNetwork(localVnet)!;
        var peering = _f.PeeringTo(localVnet, Dst);
        if (peering is null || T.VirtualNetwork(peering.RemoteVirtualNetwork) is not { } remote)
        {
            End(Disposition.NoRoute, localVnet, $"no peering of {localVnet} leads to {Dst}");
            return;
        }
        var reverse = T.ReversePeering(peering);
        if (reverse is null)
        {
            End(Disposition.NoRoute, peering.Name, $"peering {peering.Name} has no reverse peering from {remote.Name}: its state is Initiated and it carries no traffic (rule C1)");
            return;
        }
        if (!peering.AllowVirtualNetworkAccess || !reverse.AllowVirtualNetworkAccess)
        {
            var off = !peering.AllowVirtualNetworkAccess ? peering : reverse;
            End(Disposition.NoRoute, off.Name, $"peering {off.Name} has allowVirtualNetworkAccess false: no traffic between {local.Name} and {remote.Name} (rule C1)");
            return;
        }
        // Gateway transit (C10): packets a hub's gateway sends into the spokes that use it are not forwarded traffic.
        var fromServingGateway = sender.Gateway is { } g && T.VirtualNetworkGateway(g)?.VirtualNetwork == localVnet
                                 && _f.Routing.Transit.HubOf(remote.Name) == localVnet;
        if (!reverse.AllowForwardedTraffic && !local.Contains(Src) && !fromServingGateway)
        {
            Hop(reverse.Name, HopStep.Peering, "forwarded traffic blocked", $"{remote.Name} drops packets from {local.Name} whose source {Src} is outside {local.Name}'s address space: {reverse.Name} has allowForwardedTraffic false (rule C2)", "C2");
            End(Disposition.ForwardedTrafficBlocked, reverse.Name, $"peering {reverse.Name} does not allow forwarded traffic (source {Src} is outside {local.Name}, rule C2)");
            return;
        }
        Hop(peering.Name, HopStep.Peering, $"{local.Name} -> {remote.Name}",
            local.Location == remote.Location ? "VNet peering (C1)" : "global VNet peering (C1)", "C1");
        Pass(peering.Name);
        DeliverIn(remote);
    }

    // ---------------------------------------------------------------- appliances and firewalls

    private void ToAppliance(Ipv4 ip, string fromVnet)
    {
        if (T.FirewallWithAddress(ip) is { } fw)
        {
            if (!Reachable(fromVnet, T.Subnet(fw.Subnet)?.VirtualNetwork, fw.Name)) return;
            Firewall(fw);
            return;
        }
        var nic = T.NetworkInterfaces.FirstOrDefault(n => n.PrivateIPAddress == ip);
        if (nic is null)
        {
            End(Disposition.NoRoute, ip.ToString(), $"the next hop {ip} is not the address of any NIC or firewall: Azure drops the packet (the route shows next hop IP None, rule A7)");
            return;
        }
        if (!Reachable(fromVnet, T.Subnet(nic.Subnet)?.VirtualNetwork, nic.Name)) return;
        Appliance(nic, nsgsDone: false);
    }

    private bool Reachable(string fromVnet, string? applianceVnet, string node)
    {
        if (applianceVnet is null || applianceVnet == fromVnet) return true;
        if (T.PeeredBothWays(fromVnet, applianceVnet)) return true;
        End(Disposition.NoRoute, node, $"the next hop {node} is in {applianceVnet}, which {fromVnet} is not peered with: Azure cannot hand it the packet");
        return false;
    }

    /// <summary>A network virtual appliance: IP forwarding on the NIC and in the OS (H1), its OS routes, its SNAT
    /// (F5), and out of the egress NIC into that subnet's routes.</summary>
    private void Appliance(NetworkInterface nic, bool nsgsDone)
    {
        var subnet = T.Subnet(nic.Subnet)!;
        var vm = nic.VirtualMachine is { } v ? T.VirtualMachine(v) : null;
        var name = vm?.Name ?? nic.Name;
        if (!Visit("appliance", name)) return;
        Pass(subnet.Id, nic.Name, vm?.Name);
        if (!nsgsDone)
        {
            if (!Nsg(subnet.NetworkSecurityGroup, SecurityRuleDirection.Inbound, subnet.Id, "subnet", subnet.Id)) return;
            if (!Nsg(nic.NetworkSecurityGroup, SecurityRuleDirection.Inbound, subnet.Id, "NIC", nic.Name)) return;
        }
        var untranslated = IsReply ? _request!._nats?.LastOrDefault(n => n.Device == name && n.Translated == Dst) : null;
        if (untranslated is null && !nic.EnableIPForwarding)
        {
            Hop(name, HopStep.Appliance, $"NIC {nic.Name} has enableIPForwarding false", $"Azure drops packets not addressed to the NIC's own IP (rule H1)", "H1");
            End(Disposition.IpForwardingDisabled, nic.Name, $"NIC {nic.Name} does not have IP forwarding enabled: the packet for {Dst} is dropped (rule H1)");
            return;
        }
        if (vm?.Appliance is not { IpForwarding: true } app)
        {
            Hop(name, HopStep.Appliance, $"{name}'s operating system does not forward", "the VM is not declared as an appliance with ipForwarding (rule H1)", "H1");
            End(Disposition.IpForwardingDisabled, name, $"{name} does not forward packets (no appliance with ipForwarding): the packet for {Dst} is dropped (rule H1)");
            return;
        }
        if (app.Stateful || untranslated is not null) _stateful.Add(name);
        if (untranslated is not null)
        {
            Hop(name, HopStep.Nat, $"destination {Dst} -> {untranslated.Original}", $"{name} reverses its source NAT for the reply (connection tracking, rule F5)", "F5");
            _flow = _flow with { Destination = untranslated.Original };
        }
        var nics = vm.NetworkInterfaces.Select(T.NetworkInterface).OfType<NetworkInterface>().ToList();
        var route = app.Routes.Where(r => r.AddressPrefix.Contains(Dst)).OrderByDescending(r => r.AddressPrefix.Length).FirstOrDefault();
        NetworkInterface egress;
        string how;
        if (route is not null)
        {
            egress = nics.FirstOrDefault(n => T.Subnet(n.Subnet)?.AddressPrefix.Contains(route.NextHopIpAddress) == true) ?? nics[0];
            how = $"OS route {route.AddressPrefix} via {route.NextHopIpAddress} out of {egress.Name}";
        }
        else if (nics.FirstOrDefault(n => T.Subnet(n.Subnet)?.AddressPrefix.Contains(Dst) == true) is { } connected)
        {
            egress = connected;
            how = $"connected network {T.Subnet(connected.Subnet)!.AddressPrefix} out of {connected.Name}";
        }
        else
        {
            egress = nics[0];
            how = $"OS default route via the subnet gateway of its primary NIC {egress.Name}";
        }
        Hop(name, HopStep.Appliance, $"forwards {Dst}: {how}", "IP forwarding on the NIC and in the OS (rule H1)", "H1");
        if (!IsReply)
            foreach (var snat in app.Snat.Where(x => x.OutboundInterface == egress.Name))
            {
                if (snat.Destinations.Length > 0 && !snat.Destinations.Any(p => p.Contains(Dst))) continue;
                if (snat.ExceptPrivateRanges && !NsgEvaluation.IsInternet(Dst)) continue;
                Nats.Add(new NatRecord(name, true, Src, egress.PrivateIPAddress));
                _stateful.Add(name);
                Hop(name, HopStep.Nat, $"source {Src} -> {egress.PrivateIPAddress}", $"{name} masquerades to {egress.Name}'s address (rule F5)", "F5");
                _flow = _flow with { Source = egress.PrivateIPAddress };
                break;
            }
        var egressSubnet = T.Subnet(egress.Subnet)!;
        if (!Nsg(egress.NetworkSecurityGroup, SecurityRuleDirection.Outbound, egressSubnet.Id, "NIC", egress.Name)) return;
        if (!Nsg(egressSubnet.NetworkSecurityGroup, SecurityRuleDirection.Outbound, egressSubnet.Id, "subnet", egressSubnet.Id)) return;
        RouteFrom(egressSubnet, new Sender(egress.Name, w => w.InternetBackToNic(egress)));
    }

    /// <summary>Azure Firewall (rule H3): network rules, default deny, SNAT (F4); stateful.</summary>
    private void Firewall(AzureFirewall fw)
    {
        if (!Visit("firewall", fw.Name)) return;
        Pass(fw.Subnet, fw.Name);
        _stateful.Add(fw.Name);
        if (IsReply && StatefulPassedByRequest(fw.Name))
        {
            Hop(fw.Name, HopStep.Firewall, "allowed: the reply of a flow it tracks", "Azure Firewall is stateful (rule H3)", "H3");
            foreach (var n in (_request!._nats ?? []).Where(n => n.Device == fw.Name).Reverse())
                if (n.Translated == Dst)
                {
                    Hop(fw.Name, HopStep.Nat, $"destination {Dst} -> {n.Original}", "the firewall reverses its SNAT for the reply (rule F4)", "F4");
                    _flow = _flow with { Destination = n.Original };
                }
        }
        else
        {
            var v = FirewallEvaluation.Evaluate(fw, _flow, T.ServiceTags);
            Hop(fw.Name, HopStep.Firewall, $"{(v.Allowed ? "Allow" : "Deny")}: {v.Rule}", v.Text, "H3");
            if (!v.Allowed)
            {
                End(Disposition.DeniedByFirewall, fw.Name, $"Azure Firewall {fw.Name}: {v.Text}");
                return;
            }
            if (!IsReply && FirewallEvaluation.Snats(fw, Dst))
            {
                Nats.Add(new NatRecord(fw.Name, true, Src, fw.PrivateIPAddress));
                Hop(fw.Name, HopStep.Nat, $"source {Src} -> {fw.PrivateIPAddress}", $"network rules SNAT to the firewall's private IP for destinations outside its private ranges (rule F4)", "F4");
                _flow = _flow with { Source = fw.PrivateIPAddress };
            }
        }
        RouteFrom(T.Subnet(fw.Subnet)!, new Sender(fw.Name, w => w.InternetBackToFirewall(fw), PublicIp: fw.PublicIPAddress));
    }

    // ---------------------------------------------------------------- the internet, replies

    /// <summary>Rule A4: the Azure service answers over the service endpoint, to the subnet's private address (no SNAT).</summary>
    private void FromServiceEndpoint(string service, NetworkInterface nic)
    {
        Hop(service, HopStep.Start, $"the Azure service answers from {Src} to {Dst}", "over the service endpoint: the VM's private address is the source the service saw (rule A4)", "A4");
        Pass(service);
        var s = T.Subnet(nic.Subnet)!;
        Pass(s.Id);
        if (!Nsg(s.NetworkSecurityGroup, SecurityRuleDirection.Inbound, s.Id, "subnet", s.Id)) return;
        if (!Nsg(nic.NetworkSecurityGroup, SecurityRuleDirection.Inbound, s.Id, "NIC", nic.Name)) return;
        Pass(nic.Name, nic.VirtualMachine);
        End(Disposition.Delivered, nic.VirtualMachine ?? nic.Name, $"delivered to {nic.VirtualMachine ?? nic.Name} (NIC {nic.Name}, {Dst})");
    }

    private void InternetBackToNic(NetworkInterface nic)
    {
        Hop("internet", HopStep.Start, $"reply from {Src} on the internet to {Dst}", "Azure's outbound SNAT is reversed to the NIC's private address");
        Pass("internet");
        var s = T.Subnet(nic.Subnet)!;
        Pass(s.Id);
        if (nic.VirtualMachine is { } vm && RequestTranslatedTo(vm, Dst))
        {
            Appliance(nic, nsgsDone: false);
            return;
        }
        if (!Nsg(s.NetworkSecurityGroup, SecurityRuleDirection.Inbound, s.Id, "subnet", s.Id)) return;
        if (!Nsg(nic.NetworkSecurityGroup, SecurityRuleDirection.Inbound, s.Id, "NIC", nic.Name)) return;
        Pass(nic.Name, nic.VirtualMachine);
        End(Disposition.Delivered, nic.VirtualMachine ?? nic.Name, $"delivered to {nic.VirtualMachine ?? nic.Name} (NIC {nic.Name}, {Dst})");
    }

    private void InternetBackToSubnetHost(Subnet s)
    {
        Hop("internet", HopStep.Start, $"reply from {Src} on the internet to {Dst}");
        Pass("internet");
        EnterSubnet(s);
    }

    private void InternetBackToFirewall(AzureFirewall fw)
    {
        Hop("internet", HopStep.Start, $"reply from {Src} on the internet to {fw.Name}'s public IP {Dst}");
        Pass("internet");
        Firewall(fw);
    }

    // ---------------------------------------------------------------- gateways and tunnels

    /// <summary>A packet handed to a virtual network gateway from inside Azure: the gateway's own route for the
    /// destination picks the connection (site prefix, BGP path) and the instance.</summary>
    private void GatewayOut(string name, Sender sender)
    {
        if (T.VirtualNetworkGateway(name) is not { } g)
        {
            End(Disposition.NoRoute, name, $"no virtual network gateway named {name}");
            return;
        }
        if (!Visit("gateway", g.Name)) return;
        Pass(g.Name);
        var set = _f.Routing.GatewayRoutes(g.VirtualNetwork);
        var route = set is null ? null : set.RouteOf(g.Name, Dst);
        if (route is null)
        {
            End(Disposition.NoRoute, g.Name, $"{g.Name} holds no route for {Dst}");
            return;
        }
        // Rule D8: no transit between ExpressRoute and VPN sites through coexisting gateways without Route Server.
        if (sender.Gateway is { } inbound && T.VirtualNetworkGateway(inbound) is { } from && from.GatewayType != g.GatewayType)
        {
            Hop(g.Name, HopStep.Gateway, $"route {route.Prefix} ({route.Kind})", "", "D8");
            End(Disposition.NoRoute, g.Name, $"{from.Name} ({from.GatewayType}) does not hand traffic to {g.Name} ({g.GatewayType}): no transit between ExpressRoute and VPN without Azure Route Server branch-to-branch (rule D8)");
            return;
        }
        if (route.Via.IsEmpty)
        {
            End(Disposition.NoRoute, g.Name, $"{g.Name}'s route {route.Prefix} has no connection to carry it");
            return;
        }
        var via = _f.ChosenPath(route);
        var ecmp = false;
        foreach (var v in route.Via) ecmp |= v.Instance != route.Via[0].Instance;
        Hop(g.Name, HopStep.Gateway, $"{route.Kind} route {route.Prefix}: {route.Detail}",
            $"instance {via.Instance} over connection {via.Connection}{(ecmp ? $"; {route.Via.Length} paths over the instances, NetTwin follows instance {via.Instance} (Azure spreads flows over them)" : "")}",
            g.GatewayType == GatewayType.Vpn ? "D6" : "D7");
        if (T.Connection(via.Connection) is not { } conn)
        {
            End(Disposition.NoRoute, g.Name, $"connection {via.Connection} does not exist");
            return;
        }
        if (conn.ConnectionType == ConnectionType.ExpressRoute)
        {
            Pass(conn.Name);
            if (conn.Peer is { } circuit) CircuitOut(circuit);
            else End(Disposition.NoRoute, conn.Name, $"ExpressRoute connection {conn.Name} names no circuit");
            return;
        }
        TunnelOut(conn, via.Instance);
    }

    private InstanceTunnel? InstanceOf(Connection conn, int instance, out TunnelReport? report)
    {
        report = _f.Tunnels.Connection(conn.Name);
        if (report is null) return null;
        foreach (var i in report.Instances)
            if (i.Instance == instance) return i;
        return null;
    }

    private bool TunnelUsable(Connection conn, int instance, InstanceTunnel? it)
    {
        if (it is { State: Ipsec.TunnelState.Up }) return true;
        var why = it is null ? $"connection {conn.Name} has no tunnel on instance {instance}"
            : it.State == Ipsec.TunnelState.Recursive ? $"the tunnel of {conn.Name} (instance {instance}) is recursive and unstable: {it.Reason}"
            : $"the tunnel of {conn.Name} (instance {instance}) is down: {it.Reason}";
        Hop(conn.Name, HopStep.Tunnel, it?.State.ToString() ?? "no tunnel", why, "E");
        End(Disposition.TunnelDown, conn.Name, why);
        return false;
    }

    /// <summary>Azure to the site: the tunnel must be up (IPsec stage), the egress NAT rules apply (F1), and a
    /// negotiated child SA must cover the packet (E1-E6).</summary>
    private void TunnelOut(Connection conn, int instance)
    {
        Pass(conn.Name, conn.LocalNetworkGateway2);
        var it = InstanceOf(conn, instance, out var report);
        if (!TunnelUsable(conn, instance, it)) return;
        var before = _flow;
        if (!VpnTranslate(conn, instance, NatDirection.Outbound)) return;
        // The Azure side is the packet's source: before NAT (as Azure reasons) or after it (on the wire).
        if (!InSelector(conn, instance, it!, s => s.Covers(before.Source, before.Destination) || s.Covers(Src, Dst), before)) return;
        switch (report!.PeerKind)
        {
            case PeerKind.AzureGateway when T.VirtualNetworkGateway(report.Peer) is { } g2:
                GatewayIn(g2);
                break;
            case PeerKind.Device or PeerKind.Unmodelled when T.OnPremisesDevice(report.Peer) is not null:
                DeviceForward(report.Peer);
                break;
            default:
                if (conn.LocalNetworkGateway2 is { } l && T.LocalNetworkGateway(l) is { } lng) SiteDeliver(lng, conn, instance);
                else End(Disposition.NoRoute, report.Peer, $"the far end of {conn.Name} is not modelled");
                break;
        }
    }

    private bool VpnTranslate(Connection conn, int instance, NatDirection direction)
    {
        if (conn.IngressNatRules.IsEmpty && conn.EgressNatRules.IsEmpty) return true;
        // A reply gets the inverse of the request's translation on this connection (how dynamic NAT lets it back, F1).
        var requestNat = _request?._vpnNats?.GetValueOrDefault(conn.Name);
        var nat = VpnNat.TranslatePacket(T, conn, instance, direction, Src, Dst, requestNat);
        if (!IsReply) (_vpnNats ??= new(StringComparer.Ordinal))[conn.Name] = nat;
        if (nat.Dropped)
        {
            End(Disposition.NoRoute, conn.Name, nat.DropReason ?? "dropped by the NAT rules");
            return false;
        }
        foreach (var step in nat.Steps)
        {
            // Dynamic NAT keeps per-flow state on the gateway (F1): a stateful device on the path.
            if (step.Type == NatRuleType.Dynamic) _stateful.Add($"{conn.VirtualNetworkGateway1} NAT");
            Nats.Add(new NatRecord(conn.Name, step.Field == "source", step.From, step.To));
            Hop(conn.Name, HopStep.Nat, step.ToString(), nat.Explanation, "F1");
        }
        _flow = _flow with { Source = nat.Source, Destination = nat.Destination };
        return true;
    }

    /// <summary>Rules E1-E6: a packet crosses a tunnel only inside a negotiated child SA; true when one covers it.</summary>
    private bool InSelector(Connection conn, int instance, InstanceTunnel it, Func<TrafficSelector, bool> covers, Flow before)
    {
        if (it.ChildSas.FirstOrDefault(s => covers(s.Selector)) is { } sa)
        {
            Hop(conn.Name, HopStep.Tunnel, $"child SA {sa.Selector} (instance {instance})", $"tunnel up: {it.Reason}", "E6");
            return true;
        }
        var negotiated = string.Join("; ", it.ChildSas.Select(s => s.Selector.ToString()));
        Hop(conn.Name, HopStep.Tunnel, "no child SA covers the packet", $"negotiated: {negotiated}", "E6");
        End(Disposition.NotInTrafficSelector, conn.Name, $"no traffic selector of {conn.Name} covers {before.Source} -> {before.Destination} (negotiated {negotiated})");
        return false;
    }

    /// <summary>A site NetTwin does not model: it owns the prefixes of its local network gateway.</summary>
    private void SiteDeliver(LocalNetworkGateway lng, Connection conn, int instance)
    {
        Pass(lng.Name);
        var p = LongestHolding(lng.AddressPrefixes);
        if (p is null)
        {
            End(Disposition.NoRoute, lng.Name, $"{lng.Name} does not announce {Dst} (its prefixes: {string.Join(", ", lng.AddressPrefixes)})");
            return;
        }
        if (NsgEvaluation.IsInternet(Dst))
            End(Disposition.ExitsToInternet, lng.Name, $"leaves to the internet through site {lng.Name} ({p}; the site is not modelled)", w => w.SiteSend(lng, conn, instance));
        else
            End(Disposition.Delivered, lng.Name, $"delivered to {Dst} on site {lng.Name}'s network {p} (the site is not modelled)", w => w.SiteSend(lng, conn, instance));
    }

    private void SiteSend(LocalNetworkGateway lng, Connection conn, int? instance = null)
    {
        Pass(lng.Name);
        var report = _f.Tunnels.Connection(conn.Name);
        var i = instance ?? report?.Instances.FirstOrDefault(x => x.State == Ipsec.TunnelState.Up)?.Instance ?? 0;
        Hop(lng.Name, HopStep.DeviceRoute, $"site {lng.Name} sends {Dst} into its tunnel ({conn.Name})", "the site is not modelled: it is assumed to route Azure's prefixes into the tunnel");
        TunnelIn(conn, i);
    }

    /// <summary>The site to Azure: tunnel up, a child SA covers the packet, ingress NAT (F1), then the gateway.</summary>
    private void TunnelIn(Connection conn, int instance)
    {
        Pass(conn.LocalNetworkGateway2, conn.Name);
        var it = InstanceOf(conn, instance, out _);
        if (!TunnelUsable(conn, instance, it)) return;
        var before = _flow;
        if (!VpnTranslate(conn, instance, NatDirection.Inbound)) return;
        // The Azure side is the packet's destination: on the wire (before ingress NAT) or as Azure sees it after.
        if (!InSelector(conn, instance, it!, s => s.Covers(before.Destination, before.Source) || s.Covers(Dst, Src), before)) return;
        GatewayIn(T.VirtualNetworkGateway(conn.VirtualNetworkGateway1)!);
    }

    /// <summary>A packet arriving at a gateway from outside Azure: the effective routes of its GatewaySubnet decide.</summary>
    private void GatewayIn(VirtualNetworkGateway g)
    {
        Pass(g.Name);
        Hop(g.Name, HopStep.Gateway, $"{g.Name} receives it", $"forwarded by the effective routes of {g.Subnet}");
        RouteFrom(T.Subnet(g.Subnet)!, new Sender(g.Name, null, Gateway: g.Name));
    }

    // ---------------------------------------------------------------- ExpressRoute

    private (BgpRibEntry Entry, BgpSpeaker Edge, BgpSpeaker? Owner)? EdgeRoute(string circuit) => _f.EdgeRoute(circuit, Dst);

    /// <summary>Azure to on-premises over a circuit: the Microsoft edge forwards by its BGP table.</summary>
    private void CircuitOut(string name)
    {
        Pass(name);
        if (T.IsFailed(new Failure(FailureKind.Circuit, name)))
        {
            End(Disposition.NoRoute, name, $"circuit {name} is failed (change set)");
            return;
        }
        var r = EdgeRoute(name);
        if (r is not { } found)
        {
            End(Disposition.NoRoute, name, $"the Microsoft edge of {name} holds no route for {Dst}");
            return;
        }
        var best = found.Entry.Best!;
        Hop(name, HopStep.Circuit, $"{found.Edge.Id}: {found.Entry.Prefix} via {best.PeerAddress} (AS path {best.AsPathText})", "ExpressRoute private peering (rule D7)", "D7");
        switch (found.Owner?.Kind)
        {
            case BgpSpeakerKind.Router:
                DeviceForward(found.Owner.Name);
                break;
            case BgpSpeakerKind.CustomerEdge when NsgEvaluation.IsInternet(Dst):
                // Forced tunnelling (B6): on-premises advertises the route and breaks out to the internet itself.
                End(Disposition.ExitsToInternet, name, $"leaves to the internet through on-premises behind {name}: it advertises {found.Entry.Prefix} (forced tunnelling, rule B6; no router modelled)", w => w.CircuitIn(name));
                break;
            case BgpSpeakerKind.CustomerEdge:
                End(Disposition.Delivered, name, $"delivered to {Dst} on-premises: {found.Entry.Prefix} behind {name} (peerAdvertisedRoutes; no router modelled)", w => w.CircuitIn(name));
                break;
            default:
                End(Disposition.NoRoute, name, $"the best path of {name}'s edge for {Dst} comes from {best.PeerAddress}, which is not on-premises");
                break;
        }
    }

    /// <summary>On-premises to Azure over a circuit: the Microsoft edge hands the packet to the ExpressRoute gateway
    /// whose VNet prefixes it learned.</summary>
    private void CircuitIn(string name)
    {
        if (!Visit("circuit", name)) return;
        Pass(name);
        if (T.IsFailed(new Failure(FailureKind.Circuit, name)))
        {
            End(Disposition.NoRoute, name, $"circuit {name} is failed (change set)");
            return;
        }
        var r = EdgeRoute(name);
        if (r is not { Owner: { Kind: BgpSpeakerKind.ExpressRouteGateway } owner } found)
        {
            End(Disposition.NoRoute, name, $"the Microsoft edge of {name} holds no route from Azure for {Dst}");
            return;
        }
        Hop(name, HopStep.Circuit, $"{found.Edge.Id}: {found.Entry.Prefix} from {owner.Name}", "ExpressRoute private peering (rule D7)", "D7");
        var gw = T.VirtualNetworkGateway(owner.Name)!;
        if (_f.ExpressRouteConnection(gw.Name, name) is { } conn)
            Pass(conn.Name);
        GatewayIn(gw);
    }

    // ---------------------------------------------------------------- on-premises routers

    /// <summary>An on-premises router forwards by its own table (connected, static, BGP); a next hop inside a tunnel
    /// interface or a crypto-map ACL match sends the packet into the IPsec tunnel to Azure.</summary>
    private void DeviceForward(string name)
    {
        if (!Visit("device", name)) return;
        Pass(name);
        var d = T.OnPremisesDevice(name)!;
        if (Endpoints.DeviceAddresses(d).Contains(Dst))
        {
            End(Disposition.Delivered, name, $"delivered to {name} itself ({Dst})", w => w.StartDevice(name));
            return;
        }
        var table = _f.DeviceTable(name);
        var r = table?.Lookup(Dst);
        if (r is null)
        {
            if (Lan(d) is { } lan)
            {
                End(Disposition.Delivered, name, $"delivered to {Dst} on {name}'s network {lan}", w => w.StartDevice(name));
                return;
            }
            Hop(name, HopStep.DeviceRoute, $"no route for {Dst}");
            End(Disposition.NoRoute, name, $"{name} has no route for {Dst}");
            return;
        }
        Hop(name, HopStep.DeviceRoute, r.ToString(), r.Detail);
        if (r.IsDiscard)
        {
            End(Disposition.NullRouted, name, $"{name} drops it: {r} (Null0)");
            return;
        }
        var cfg = d.Configuration;
        if (r.NextHop is not { } nh)
        {
            var ifc = r.Interface is { } i ? cfg?.Interface(i) : null;
            if (ifc is { IsTunnel: true }) { DeviceTunnel(d, ifc); return; }
            if (ifc?.CryptoMap is { } cm && CryptoMap(d, cm)) return;
            End(Disposition.Delivered, name, $"delivered to {Dst} on {name}'s connected network {r.Prefix} ({r.Interface})", w => w.StartDevice(name));
            return;
        }
        var exit = cfg?.ConnectedAddresses.FirstOrDefault(x => x.Address.Prefix.Contains(nh)).Interface
                   ?? (r.Interface is { } rif ? cfg?.Interface(rif) : null);
        if (exit is { IsTunnel: true }) { DeviceTunnel(d, exit); return; }
        if (CircuitOwning(nh) is { } circuit)
        {
            Hop(name, HopStep.DeviceRoute, $"next hop {nh} is the Microsoft edge of {circuit}", "ExpressRoute private peering");
            CircuitIn(circuit);
            return;
        }
        if (T.OnPremisesDevices.FirstOrDefault(o => o.Name != name && Endpoints.DeviceAddresses(o).Contains(nh)) is { } other)
        {
            DeviceForward(other.Name);
            return;
        }
        if (exit?.CryptoMap is { } map && CryptoMap(d, map)) return;
        if (NsgEvaluation.IsInternet(Dst))
        {
            Pass("internet");
            End(Disposition.ExitsToInternet, name, $"{name} sends it to {nh} (not modelled): out to the internet", w => w.StartDevice(name));
        }
        else if (Lan(d) is { } lan)
            End(Disposition.Delivered, name, $"delivered to {Dst} on {name}'s network {lan} via {nh}", w => w.StartDevice(name));
        else if (exit?.CryptoMap is not null)
            End(Disposition.NoRoute, name, $"{Dst} matches no entry of {name}'s crypto map ACLs: it leaves {exit.Name} unencrypted towards {nh}, and the internet does not route private addresses");
        else
            End(Disposition.NoRoute, name, $"{name} sends it to {nh}, which is not modelled, and {Dst} is not one of {name}'s networks");
    }

    /// <summary>The declared network of a device (addressPrefixes) that holds the destination, longest first.</summary>
    private Prefix? Lan(OnPremisesDevice d) => LongestHolding(d.AddressPrefixes);

    /// <summary>The longest of <paramref name="prefixes"/> holding the destination; at equal length the first.</summary>
    private Prefix? LongestHolding(ImmutableArray<Prefix> prefixes)
    {
        Prefix? best = null;
        foreach (var x in prefixes)
            if (x.Contains(Dst) && (best is null || x.Length > best.Value.Length)) best = x;
        return best;
    }

    private string? CircuitOwning(Ipv4 ip) =>
        T.ExpressRouteCircuits.FirstOrDefault(c => c.Peerings.Any(p =>
            (p.PrimaryPeerAddressPrefix is { } a && a.Contains(ip)) || (p.SecondaryPeerAddressPrefix is { } b && b.Contains(ip))))?.Name;

    /// <summary>A route-based tunnel interface (IPsec VTI): the Azure connection terminating its destination.</summary>
    private void DeviceTunnel(OnPremisesDevice d, InterfaceConfig ifc)
    {
        var dest = ifc.Tunnel?.Destination;
        var found = FindTunnel(d.Name, dest);
        Hop(d.Name, HopStep.DeviceRoute, $"out of {ifc.Name} (tunnel to {dest})", ifc.Description ?? "");
        if (found is not { } f)
        {
            End(Disposition.TunnelDown, ifc.Name, $"no Azure connection terminates {d.Name}'s {ifc.Name} (tunnel destination {dest})");
            return;
        }
        TunnelIn(f.Connection, f.Instance);
    }

    private (Connection Connection, int Instance)? FindTunnel(string device, Ipv4? azureAddress)
    {
        foreach (var r in _f.Tunnels.Connections.Where(r => r.Peer == device).OrderBy(r => r.Connection, StringComparer.Ordinal))
            foreach (var i in r.Instances)
                if (i.AzureAddress == azureAddress && T.Connection(r.Connection) is { } c)
                    return (c, i.Instance);
        return null;
    }

    /// <summary>A crypto map on the exit interface: the first entry whose ACL permits the packet sends it to that
    /// entry's peer (the Azure gateway); true when one did.</summary>
    private bool CryptoMap(OnPremisesDevice d, string mapName)
    {
        var cfg = d.Configuration;
        if (cfg is null || !cfg.Crypto.CryptoMaps.TryGetValue(mapName, out var map)) return false;
        var proto = _flow.Protocol switch { TransportProtocol.Tcp => 6, TransportProtocol.Udp => 17, TransportProtocol.Icmp => 1, _ => 0 };
        var acl = new AclFlow(Src, Dst, proto, _flow.Protocol == TransportProtocol.Icmp ? null : _flow.SourcePort, _flow.Protocol == TransportProtocol.Icmp ? null : _flow.DestinationPort);
        foreach (var e in map.Entries)
        {
            if (e.MatchAddress is not { } aclName || cfg.AccessList(aclName) is not { } list) continue;
            if (list.FirstMatch(acl) is not { Action: LineAction.Permit } hit) continue;
            foreach (var peer in e.Peers)
                if (FindTunnel(d.Name, peer) is { } f)
                {
                    Hop(d.Name, HopStep.Tunnel, $"crypto map {mapName} {e.Sequence}: ACL {aclName} entry '{hit}' -> peer {peer}", "the packet is in the device's encryption domain");
                    TunnelIn(f.Connection, f.Instance);
                    return true;
                }
        }
        return false;
    }
}

/// <summary>A hop's decision or detail text, formatted only when the walk keeps hop texts (the holes of the
/// interpolated string are not evaluated otherwise).</summary>
[InterpolatedStringHandler]
internal ref struct HopText
{
    private DefaultInterpolatedStringHandler _inner;
    private readonly bool _on;

    public HopText(int literalLength, int formattedCount, Walk walk, out bool shouldAppend)
    {
        _on = shouldAppend = walk.HopTexts;
        _inner = _on ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string s) => _inner.AppendLiteral(s);
    public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);
    public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);
    public void AppendFormatted(string? value) => _inner.AppendFormatted(value);

    public string Text() => _on ? _inner.ToStringAndClear() : "";
}
