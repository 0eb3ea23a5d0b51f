using System.CommandLine;
using NetTwin.Forwarding;
using NetTwin.Questions;

namespace NetTwin.Cli;

internal static partial class Commands
{
    private static Option<string> ProtocolOption()
    {
        var o = new Option<string>("--protocol") { Description = "tcp, udp or icmp.", DefaultValueFactory = _ => "tcp" };
        o.AcceptOnlyFromAmong("tcp", "udp", "icmp");
        return o;
    }

    private static Option<int> PortOption() => new("--port") { Description = "Destination port (tcp and udp).", DefaultValueFactory = _ => 443 };

    private static Command TraceCommand(TextWriter stdout)
    {
        var path = PathArgument(); var apply = ApplyOption(); var output = OutputOption();
        var from = new Option<string>("--from") { Description = "Source: a VM or NIC name, vnet/subnet, an IP (Azure, on-premises) or an on-premises device.", Required = true };
        var to = new Option<string>("--to") { Description = "Destination: a VM or NIC name, an IP (Azure, on-premises or internet).", Required = true };
        var protocol = ProtocolOption(); var port = PortOption();
        var cmd = new Command("trace", "A flow hop by hop, both ways: routes, NSGs, appliances, firewalls, tunnels and selectors, NAT, on-premises routers; the disposition and whether the flow is symmetric through stateful devices.")
            { path, apply, output, from, to, protocol, port };
        cmd.SetAction(r =>
        {
            var p = r.GetValue(port);
            if (p is < 0 or > 65535) throw new UsageException($"--port {p} is not a port (0-65535)");
            var topology = new EstateInput(r.GetValue(path)!, r.GetValue(apply) ?? []).Load();
            TraceView view;
            try { view = TraceQuestion.Ask(topology, r.GetValue(from)!, r.GetValue(to)!, TraceQuestion.Protocol(r.GetValue(protocol)), p); }
            catch (EndpointException e) { throw new UsageException(e.Message); }
            if (r.GetValue(output) == "json") Render.Json(stdout, view);
            else Render.Trace(stdout, view);
            return NetTwinCli.Ok;
        });
        return cmd;
    }
}
