using System.CommandLine;
using NetTwin.Forwarding;
using NetTwin.Ipsec;
using NetTwin.Questions;

namespace NetTwin.Cli;

internal static partial class Commands
{
    private static Command ReachCommand(TextWriter stdout)
    {
        var path = PathArgument(); var apply = ApplyOption(); var output = OutputOption();
        var to = new Option<string?>("--to") { Description = "Destination DST[:PORT]: a VM or NIC name, an IP (Azure, on-premises or internet)." };
        var via = new Option<string?>("--via") { Description = "Keep the subnets whose path passes this node (device, gateway, connection, local network gateway, firewall, VM)." };
        var matrix = new Option<bool>("--matrix") { Description = "Subnet-to-subnet and subnet-to-on-premises reachability over packet equivalence classes." };
        var protocol = ProtocolOption(); var port = PortOption();
        var cmd = new Command("reach", "Which workload subnets reach a destination (and through what), or the whole reachability matrix.")
            { path, apply, output, to, via, matrix, protocol, port };
        cmd.SetAction(r =>
        {
            if ((r.GetValue(to) is null) == !r.GetValue(matrix)) throw new UsageException("give one of --to DST[:PORT] or --matrix");
            if (r.GetValue(matrix) && r.GetValue(via) is not null) throw new UsageException("--via applies to --to, not to --matrix");
            var topology = new EstateInput(r.GetValue(path)!, r.GetValue(apply) ?? []).Load();
            var f = new Forwarder(Planes.Compute(topology));
            var proto = TraceQuestion.Protocol(r.GetValue(protocol));
            var json = r.GetValue(output) == "json";
            if (r.GetValue(matrix))
            {
                // Written as it is traced: an estate's matrix (2 x 10^8 cells for 10,000 subnets) is never held whole.
                var m = ReachQuestion.MatrixRows(f, proto, r.GetValue(port));
                if (json) Render.MatrixJson(stdout, m); else Render.Matrix(stdout, m);
                return NetTwinCli.Ok;
            }
            ReachView view;
            try { view = ReachQuestion.To(f, r.GetValue(to)!, proto, r.GetValue(port), r.GetValue(via)); }
            catch (EndpointException e) { throw new UsageException(e.Message); }
            if (json) Render.Json(stdout, view); else Render.Reach(stdout, view);
            return NetTwinCli.Ok;
        });
        return cmd;
    }

    private static Command CheckCommand(TextWriter stdout)
    {
        var path = PathArgument(); var apply = ApplyOption(); var output = OutputOption();
        var cmd = new Command("check", "Checks the intents of the topology folder's intents.yaml; exit 1 when one is violated (for pipelines).")
            { path, apply, output };
        cmd.SetAction(r =>
        {
            var input = new EstateInput(r.GetValue(path)!, r.GetValue(apply) ?? []);
            var view = ReachQuestion.Check(input);
            if (view.Intents.Count == 0) throw new UsageException($"{input.Path} has no intents.yaml (see docs/intents.md)");
            if (r.GetValue(output) == "json") Render.Json(stdout, view); else Render.Check(stdout, view);
            return view.Violated > 0 ? NetTwinCli.Findings : NetTwinCli.Ok;
        });
        return cmd;
    }
}
