using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Forwarding;

/// <summary>How a trace ends: a closed vocabulary modelled on Batfish's flow dispositions.
/// <see cref="DispositionCodes.Code"/> gives the upper-case name used in output (DELIVERED ...).</summary>
public enum Disposition
{
    /// <summary>The packet reached the destination address (a NIC, a device, a host on an on-premises LAN or site).</summary>
    Delivered,
    /// <summary>The packet left to the internet (Azure's Internet next hop, a proxy site, an on-premises router's internet link).</summary>
    ExitsToInternet,
    /// <summary>A network security group rule (custom or default) denied it (rules G1-G4).</summary>
    DeniedByNsg,
    /// <summary>Azure Firewall denied it: a Deny rule collection, or no rule matched (default deny, H3).</summary>
    DeniedByFirewall,
    /// <summary>No route matched (or the next hop is not a device that exists).</summary>
    NoRoute,
    /// <summary>A route with next hop None (Azure) or Null0 (IOS) dropped it.</summary>
    NullRouted,
    /// <summary>A transit packet reached a NIC without enableIPForwarding, or an appliance whose OS does not forward (H1).</summary>
    IpForwardingDisabled,
    /// <summary>A peering with allowForwardedTraffic false dropped a packet whose source is outside the sending VNet (C2).</summary>
    ForwardedTrafficBlocked,
    /// <summary>The tunnel is up but no negotiated child SA covers the packet (E1-E6).</summary>
    NotInTrafficSelector,
    /// <summary>The tunnel the route points at is down (IPsec stage verdict, or a failed connection).</summary>
    TunnelDown,
    /// <summary>The packet came back to a place it had already been with the same header.</summary>
    Loop,
}

public static class DispositionCodes
{
    /// <summary>The upper-case code: DELIVERED, EXITS_TO_INTERNET, DENIED_BY_NSG ...</summary>
    public static string Code(this Disposition d) => d switch
    {
        Disposition.Delivered => "DELIVERED",
        Disposition.ExitsToInternet => "EXITS_TO_INTERNET",
        Disposition.DeniedByNsg => "DENIED_BY_NSG",
        Disposition.DeniedByFirewall => "DENIED_BY_FIREWALL",
        Disposition.NoRoute => "NO_ROUTE",
        Disposition.NullRouted => "NULL_ROUTED",
        Disposition.IpForwardingDisabled => "IP_FORWARDING_DISABLED",
        Disposition.ForwardedTrafficBlocked => "FORWARDED_TRAFFIC_BLOCKED",
        Disposition.NotInTrafficSelector => "NOT_IN_TRAFFIC_SELECTOR",
        Disposition.TunnelDown => "TUNNEL_DOWN",
        _ => "LOOP",
    };

    /// <summary>The packet got where it was going (delivered, or out to the internet when that is the destination).</summary>
    public static bool IsSuccess(this Disposition d) => d is Disposition.Delivered or Disposition.ExitsToInternet;
}

/// <summary>A packet header: addresses, protocol and ports (ICMP has no ports: 0).</summary>
public readonly record struct Flow(Ipv4 Source, Ipv4 Destination, TransportProtocol Protocol, int SourcePort, int DestinationPort)
{
    /// <summary>The reply header: addresses and ports swapped.</summary>
    public Flow Reverse() => new(Destination, Source, Protocol, DestinationPort, SourcePort);

    public string ProtocolName => Protocol switch { TransportProtocol.Udp => "udp", TransportProtocol.Icmp => "icmp", _ => "tcp" };

    public override string ToString() => Protocol == TransportProtocol.Icmp
        ? $"{Source} -> {Destination} icmp"
        : $"{Source}:{SourcePort} -> {Destination}:{DestinationPort} {ProtocolName}";
}

/// <summary>What kind of decision a hop records.</summary>
public enum HopStep
{
    /// <summary>Where the packet starts (a NIC, an on-premises device, a site, the internet).</summary>
    Start,
    /// <summary>A network security group, outbound or inbound, with the rule and priority that decided.</summary>
    Nsg,
    /// <summary>An Azure effective route row (subnet or GatewaySubnet), with why it is there.</summary>
    Route,
    /// <summary>Crossing a VNet peering (access and allowForwardedTraffic, C1/C2).</summary>
    Peering,
    /// <summary>A network virtual appliance: IP forwarding (H1) and its OS route.</summary>
    Appliance,
    /// <summary>Azure Firewall: the network rule collection and rule, or default deny (H3).</summary>
    Firewall,
    /// <summary>A source or destination translation (appliance masquerade F5, firewall SNAT F4, VPN NAT F1).</summary>
    Nat,
    /// <summary>A virtual network gateway choosing the connection (BGP or static route).</summary>
    Gateway,
    /// <summary>An IPsec tunnel: state and the negotiated traffic selector that carries the packet.</summary>
    Tunnel,
    /// <summary>An ExpressRoute circuit.</summary>
    Circuit,
    /// <summary>An on-premises router forwarding by its own table (connected, static, BGP).</summary>
    DeviceRoute,
    /// <summary>The packet reaches its destination or leaves the modelled network.</summary>
    Deliver,
}

/// <summary>One hop: the device (or subnet, connection, site), what decided and the header at that point.</summary>
/// <param name="Node">The device: a NIC, subnet (vnet/subnet), gateway, connection, circuit, firewall, VM, router, site, "internet".</param>
/// <param name="Step">What kind of decision.</param>
/// <param name="Decision">The deciding row or rule, in words (e.g. "User 0.0.0.0/0 VirtualAppliance 10.64.1.4 (route default-to-firewall of spoke-rt)").</param>
/// <param name="Detail">Why (the rule of azure-semantics.md and a sentence).</param>
/// <param name="Flow">The header as it leaves this hop.</param>
/// <param name="Rule">The spec rule or configuration reference that applies (e.g. "G3", "NSG app-nsg/deny-ssh priority 100").</param>
public sealed record Hop(string Node, HopStep Step, string Decision, string Detail, Flow Flow, string? Rule = null)
{
    public override string ToString() => $"{Node} [{Step}] {Decision}" + (Detail.Length > 0 ? $": {Detail}" : "");
}

/// <summary>One direction of a flow: the hops, the disposition and the header at the end.</summary>
/// <param name="Flow">The header as it started.</param>
/// <param name="Hops">Every hop in order.</param>
/// <param name="Disposition">How it ended.</param>
/// <param name="Reason">A sentence: why it ended so.</param>
/// <param name="FinalFlow">The header at the end (after every NAT).</param>
/// <param name="StatefulDevices">The stateful devices it passed (Azure Firewall, stateful NVAs, NAT), in order.</param>
/// <param name="Devices">Every node it passed, in order (for --via and intents).</param>
public sealed record Trace(
    Flow Flow,
    ImmutableArray<Hop> Hops,
    Disposition Disposition,
    string Reason,
    Flow FinalFlow,
    ImmutableArray<string> StatefulDevices,
    ImmutableArray<string> Devices)
{
    /// <summary>True when the path passes a node with this name (device, gateway, connection, site, firewall, VM, NIC, subnet).</summary>
    public bool Passes(string node) => Devices.Any(d => string.Equals(d, node, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A request and its automatic reply (traced back after NAT), with the symmetry verdict.</summary>
/// <param name="Request">The request direction.</param>
/// <param name="Reply">The reply direction (null when the request was not delivered).</param>
/// <param name="Asymmetric">True when the two directions pass different stateful devices.</param>
/// <param name="Symmetry">A sentence naming what each direction passed.</param>
/// <param name="Notes">Assumptions made on the way (tunnel assumed up, unverified rules...).</param>
public sealed record FlowResult(Trace Request, Trace? Reply, bool Asymmetric, string Symmetry, ImmutableArray<string> Notes)
{
    /// <summary>Delivered (or out to the internet) and the reply came back to the source.</summary>
    public bool Reaches => Request.Disposition.IsSuccess() && Reply is { Disposition: Disposition.Delivered };
}
