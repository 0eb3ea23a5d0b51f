using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>Which VNet's gateways serve which VNet (rule C10): a VNet with its own gateways uses them (C5);
/// otherwise a peering with useRemoteGateways whose reverse peering allows gateway transit, towards a VNet
/// that has gateways, makes it a spoke of that hub. Only one such peering counts (C4: the first declared).</summary>
public sealed class GatewayTransit
{
    private readonly Dictionary<string, (string Hub, VirtualNetworkPeering? Via)> _served = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _spokes = new(StringComparer.Ordinal);

    /// <summary>Notes on peerings that ask for remote gateways but do not get them.</summary>
    public ImmutableArray<RoutingNote> Notes { get; }

    public GatewayTransit(Topology topology)
    {
        var notes = new List<RoutingNote>();
        foreach (var vnet in topology.VirtualNetworks)
        {
            var ownGateways = topology.GatewaysIn(vnet.Name).Count > 0;
            if (ownGateways)
            {
                // Rule C5: a VNet with its own gateway cannot use a remote one.
                _served[vnet.Name] = (vnet.Name, null);
                foreach (var p in topology.PeeringsFrom(vnet.Name).Where(p => p.UseRemoteGateways))
                    notes.Add(new RoutingNote("C5", $"virtualNetworkPeerings/{p.Name}",
                        $"{vnet.Name} has its own gateway, so useRemoteGateways cannot take effect: it keeps its own gateways' routes", p.Source));
                continue;
            }
            foreach (var p in topology.PeeringsFrom(vnet.Name).Where(p => p.UseRemoteGateways))
            {
                var reverse = topology.ReversePeering(p);
                string? problem =
                    reverse is null ? $"the peering from {p.RemoteVirtualNetwork} back to {vnet.Name} does not exist"
                    : topology.GatewaysIn(p.RemoteVirtualNetwork).Count == 0 ? $"{p.RemoteVirtualNetwork} has no gateway (RemoteVnetHasNoGateways, rule C6)"
                    : !reverse.AllowGatewayTransit ? $"{reverse.Name} does not allow gateway transit (rule C6: no transit)"
                    : _served.ContainsKey(vnet.Name) ? $"another peering of {vnet.Name} already uses remote gateways (rule C4)"
                    : null;
                if (problem is not null)
                {
                    notes.Add(new RoutingNote("C10", $"virtualNetworkPeerings/{p.Name}", $"useRemoteGateways has no effect: {problem}", p.Source));
                    continue;
                }
                _served[vnet.Name] = (p.RemoteVirtualNetwork, p);
                if (!_spokes.TryGetValue(p.RemoteVirtualNetwork, out var list)) _spokes[p.RemoteVirtualNetwork] = list = [];
                list.Add(vnet.Name);
            }
        }
        Notes = [.. notes];
    }

    /// <summary>The VNet whose gateways serve this VNet (itself when it has gateways), or null.</summary>
    public string? HubOf(string vnet) => _served.TryGetValue(vnet, out var s) ? s.Hub : null;

    /// <summary>The peering through which a spoke uses its hub's gateways (null for the hub itself).</summary>
    public VirtualNetworkPeering? TransitPeering(string vnet) => _served.TryGetValue(vnet, out var s) ? s.Via : null;

    /// <summary>The spokes using a hub's gateways, in declaration order.</summary>
    public IReadOnlyList<string> SpokesOf(string hub) => _spokes.GetValueOrDefault(hub) ?? [];

    /// <summary>The address space a hub's gateways treat as "the VNet" (own prefixes and spokes', C10):
    /// what they advertise as local, and what they refuse to learn (B3, D5).</summary>
    public ImmutableArray<Prefix> VnetPrefixesOf(Topology topology, string hub) =>
        [.. (topology.VirtualNetwork(hub)?.AddressPrefixes ?? []).Concat(SpokesOf(hub).SelectMany(s => topology.VirtualNetwork(s)?.AddressPrefixes ?? []))];
}
