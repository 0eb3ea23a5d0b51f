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

    public static Planes Compute(Topology t) => Compute(t, skipKnownToRouting: true, incremental: true);

    /// <summary>The planes of <paramref name="t"/>, which differs from <paramref name="baseline"/>'s topology only in
    /// failures (a failure case, a timeline step that fails or restores elements): the control plane is recomputed
    /// from the baseline's (<see cref="ControlPlane.Recompute"/>: BGP only where the failures reach), the tunnels are
    /// evaluated afresh. Equal to <see cref="Compute(Topology)"/>.</summary>
    public static Planes Recompute(Planes baseline, Topology t) => Compute(t, skipKnownToRouting: true, incremental: true, baseline.Routing);

    /// <summary><paramref name="skipKnownToRouting"/> false and <paramref name="incremental"/> false: every down
    /// tunnel goes into a second pass computed from scratch (the plain definition, kept for the equivalence tests).</summary>
    internal static Planes Compute(Topology t, bool skipKnownToRouting, bool incremental = false, ControlPlane? reuse = null)
    {
        var first = reuse is null ? ControlPlane.Compute(t) : ControlPlane.Recompute(reuse, t);
        if (!t.Connections.Any(c => c.ConnectionType is ConnectionType.IPsec or ConnectionType.Vnet2Vnet))
            return new(first, new TunnelsAnswer([], [], []));
        var tunnels = Ipsec.Tunnels.Evaluate(t, RoutedUnderlay.Of(first), d => d.Configuration);
        var down = new Dictionary<(string, int), string>();
        foreach (var r in tunnels.Connections)
            foreach (var i in r.Instances.Where(i => i.State != TunnelState.Up && !(skipKnownToRouting && KnownToRouting(t, r, i))))
                down[(r.Connection, i.Instance)] = i.State == TunnelState.Recursive ? $"recursive: {i.Reason}" : i.Reason;
        if (down.Count == 0) return new(first, tunnels);
        var options = new RoutingOptions { TunnelDown = (c, i) => down.GetValueOrDefault((c.Name, i)) };
        // The second pass differs from the first only in the tunnels now known down: BGP runs again only where they are.
        var routing = incremental ? ControlPlane.Recompute(first, t, options) : ControlPlane.Compute(t, options);
        return new(routing, tunnels);
    }

    /// <summary>A tunnel down because its own connection or gateway instance is failed by a change set: the routing
    /// engine already takes those down (their sessions and routes are gone in the first pass, with the failure as the
    /// reason), so they alone need no second pass.</summary>
    private static bool KnownToRouting(Topology t, TunnelReport r, InstanceTunnel i) =>
        t.IsFailed(new Failure(FailureKind.Connection, r.Connection))
        || t.IsFailed(new Failure(FailureKind.GatewayInstance, r.Gateway, i.Instance));
}
