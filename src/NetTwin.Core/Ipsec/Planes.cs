using NetTwin.Model;
using NetTwin.Routing;

namespace NetTwin.Ipsec;

/// <summary>The control plane and the tunnels of one topology, computed together because they feed each other:
/// the tunnels' underlay is answered by the routing engine (<see cref="RoutedUnderlay"/>: VPN over ExpressRoute rides
/// on the ER routes), and a tunnel that is down takes its BGP sessions and routes down with it.</summary>
/// <remarks>NetTwin computes the control plane with every tunnel up unless failed, evaluates the tunnels over it,
/// and when some tunnel is down recomputes the control plane once with those tunnels down
/// (<see cref="RoutingOptions.TunnelDown"/>). One round: a tunnel whose underlay moves into itself once up is
/// reported Recursive by the tunnel evaluation rather than iterated.</remarks>
public sealed record Planes(ControlPlane Routing, TunnelsAnswer Tunnels)
{
    public Topology Topology => Routing.Topology;

    public static Planes Compute(Topology t)
    {
        var first = ControlPlane.Compute(t);
        if (!t.Connections.Any(c => c.ConnectionType is ConnectionType.IPsec or ConnectionType.Vnet2Vnet))
            return new(first, new TunnelsAnswer([], [], []));
        var tunnels = Ipsec.Tunnels.Evaluate(t, RoutedUnderlay.Of(first), d => d.Configuration);
        var down = new Dictionary<(string, int), string>();
        foreach (var r in tunnels.Connections)
            foreach (var i in r.Instances.Where(i => i.State != TunnelState.Up))
                down[(r.Connection, i.Instance)] = i.State == TunnelState.Recursive ? $"recursive: {i.Reason}" : i.Reason;
        if (down.Count == 0) return new(first, tunnels);
        var routing = ControlPlane.Compute(t, new RoutingOptions { TunnelDown = (c, i) => down.GetValueOrDefault((c.Name, i)) });
        return new(routing, tunnels);
    }
}
