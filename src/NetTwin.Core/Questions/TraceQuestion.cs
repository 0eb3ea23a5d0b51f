using NetTwin.Forwarding;
using NetTwin.Ipsec;
using NetTwin.Model;

namespace NetTwin.Questions;

/// <summary>`nettwin trace`: a 5-tuple hop by hop, its reply after NAT, and whether both directions pass the same
/// stateful devices.</summary>
public sealed record TraceView(string From, string To, string Flow, string Disposition, bool Reaches, bool Asymmetric, string Symmetry,
    DirectionView Request, DirectionView? Reply, IReadOnlyList<string> Notes);

public sealed record DirectionView(string Flow, string Disposition, string Reason, string FinalFlow,
    IReadOnlyList<string> StatefulDevices, IReadOnlyList<string> Devices, IReadOnlyList<HopView> Hops);

public sealed record HopView(int Hop, string Node, string Step, string Decision, string Detail, string? Rule, string Flow);

public static class TraceQuestion
{
    /// <summary>Parses the protocol option (tcp | udp | icmp).</summary>
    public static TransportProtocol Protocol(string? text) => text?.ToLowerInvariant() switch
    {
        null or "tcp" => TransportProtocol.Tcp,
        "udp" => TransportProtocol.Udp,
        "icmp" => TransportProtocol.Icmp,
        _ => throw new EndpointException($"protocol '{text}' is not tcp, udp or icmp"),
    };

    public static TraceView Ask(Topology t, string from, string to, TransportProtocol protocol, int port) =>
        Ask(new Forwarder(Planes.Compute(t)), from, to, protocol, port);

    public static TraceView Ask(Forwarder f, string from, string to, TransportProtocol protocol, int port)
    {
        var src = Endpoints.Resolve(f.Topology, from);
        var dst = Endpoints.Resolve(f.Topology, to);
        return View(src, dst, f.Trace(src, dst, protocol, port));
    }

    public static TraceView View(Endpoint src, Endpoint dst, FlowResult r) =>
        new(src.Label, dst.Label, r.Request.Flow.ToString(), r.Request.Disposition.Code(), r.Reaches, r.Asymmetric, r.Symmetry,
            Direction(r.Request), r.Reply is null ? null : Direction(r.Reply), r.Notes);

    public static DirectionView Direction(Trace t) =>
        new(t.Flow.ToString(), t.Disposition.Code(), t.Reason, t.FinalFlow.ToString(), t.StatefulDevices, t.Devices,
            t.Hops.Select((h, i) => new HopView(i + 1, h.Node, h.Step.ToString(), h.Decision, h.Detail, h.Rule, h.Flow.ToString())).ToList());
}
