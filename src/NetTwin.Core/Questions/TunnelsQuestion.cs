using NetTwin.Ipsec;
using NetTwin.Model;

namespace NetTwin.Questions;

/// <summary>`nettwin tunnels`: every IPsec and VNet-to-VNet connection, its state and why, who initiates, the
/// negotiated selectors, and the findings (third-party transit among them).</summary>
public sealed record TunnelsView(string Underlay, IReadOnlyList<TunnelView> Connections, IReadOnlyList<TransitView> Transits, FindingsAnswer Findings);

public sealed record TunnelView(string Connection, string ConnectionType, string Gateway, string Peer, string PeerKind,
    string State, string? Failure, string Reason, string Initiator, IReadOnlyList<SelectorView> Selectors,
    IReadOnlyList<string> Explanation, IReadOnlyList<InstanceView> Instances);

public sealed record SelectorView(string Local, string Remote, string InitiatedBy, int Instance, string Origin);
public sealed record InstanceView(int Instance, string? AzureAddress, string? PeerAddress, string State, string? Failure, string Reason, string? Underlay);
public sealed record TransitView(string Gateway, string From, string To, IReadOnlyList<string> Sources, IReadOnlyList<string> Destinations, string Stop);

public static class TunnelsQuestion
{
    /// <summary>How the underlay is answered: public endpoints over the internet, private ones (VPN over
    /// ExpressRoute) through the routing engine's tables (<see cref="RoutedUnderlay"/>).</summary>
    public static readonly string UnderlayNote =
        "underlay: public endpoints over the internet; private endpoints by the effective routes of the GatewaySubnet and the on-premises routers' tables";

    public static TunnelsView Ask(Topology t, string? connection = null) => Ask(Planes.Compute(t).Tunnels, connection);

    public static TunnelsView Ask(TunnelsAnswer answer, string? connection = null)
    {
        var reports = answer.Connections.Where(c => connection is null || c.Connection == connection).ToList();
        var findings = answer.Findings.Where(f => connection is null || f.Resource == $"{Kinds.Connections}/{connection}"
                                                   || reports.Any(r => f.Message.Contains(r.Connection, StringComparison.Ordinal))).ToList();
        return new TunnelsView(
            UnderlayNote,
            reports.Select(r => new TunnelView(r.Connection, r.ConnectionType.ToString(), r.Gateway, r.Peer, r.PeerKind.ToString(),
                r.State.ToString(), r.Failure is { } f ? FailureName(f) : null, r.Reason, r.Initiator.ToString(),
                r.Selectors.Select(s => new SelectorView(string.Join(",", s.Selector.Local), string.Join(",", s.Selector.Remote),
                    s.Initiator.ToString(), s.Instance, s.Origin)).ToList(),
                r.Explanation.Select(e => e.ToString()).ToList(),
                r.Instances.Select(i => new InstanceView(i.Instance, i.AzureAddress?.ToString(), i.PeerAddress?.ToString(), i.State.ToString(),
                    i.Failure is { } inf ? FailureName(inf) : null, i.Reason, i.Underlay?.Explanation)).ToList())).ToList(),
            answer.Transits.Where(x => connection is null || x.From == connection || x.To == connection)
                .Select(x => new TransitView(x.Gateway, x.From, x.To, x.Sources.Select(p => p.ToString()).ToList(),
                    x.Destinations.Select(p => p.ToString()).ToList(), x.Stop)).ToList(),
            FindingsJson.Of(findings));
    }

    /// <summary>IKEv2 notify names as RFC 7296 spells them (TS_UNACCEPTABLE ...).</summary>
    public static string FailureName(TunnelFailure f) =>
        string.Concat(f.ToString().Select((ch, i) => i > 0 && char.IsUpper(ch) ? "_" + ch : ch.ToString())).ToUpperInvariant();
}
