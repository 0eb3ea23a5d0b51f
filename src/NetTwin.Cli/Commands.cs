using System.CommandLine;
using NetTwin.Questions;
using NetTwin.Validation;

namespace NetTwin.Cli;

internal static partial class Commands
{
    public static IEnumerable<Command> All(TextWriter stdout)
    {
        yield return Validate(stdout);
        yield return Report(stdout);
        yield return Rules(stdout);
        yield return TunnelsCommand(stdout);
        yield return RoutesCommand(stdout);
        yield return BgpCommand(stdout);
        yield return NextHopCommand(stdout);
        yield return TraceCommand(stdout);
        yield return ReachCommand(stdout);
        yield return CheckCommand(stdout);
        yield return WhatIfCommand(stdout);
        yield return TimelineCommand(stdout);
        yield return FailuresCommand(stdout);
    }

    private static Command RoutesCommand(TextWriter stdout)
    {
        var path = PathArgument(); var apply = ApplyOption(); var output = OutputOption();
        var subnet = new Option<string?>("--subnet") { Description = "VNET/SUBNET whose effective routes to show." };
        var nic = new Option<string?>("--nic") { Description = "A network interface (its subnet's effective routes)." };
        var cmd = new Command("routes", "Effective routes of a subnet or NIC, like az network nic show-effective-route-table, with why each route is Invalid or shadowed.")
            { path, apply, output, subnet, nic };
        cmd.SetAction(r =>
        {
            var (s, n) = (r.GetValue(subnet), r.GetValue(nic));
            if ((s is null) == (n is null)) throw new UsageException("give exactly one of --subnet VNET/SUBNET or --nic NAME");
            var topology = new EstateInput(r.GetValue(path)!, r.GetValue(apply) ?? []).Load();
            var view = RoutesQuestion.Ask(topology, s, n)
                ?? throw new UsageException(s is not null ? $"no subnet named '{s}' (use VNET/SUBNET)" : $"no network interface named '{n}'");
            if (r.GetValue(output) == "json") Render.Json(stdout, new { value = view.Value });
            else Render.Table(stdout, ["Source", "State", "Address Prefix", "Next Hop Type", "Next Hop IP", "Why"],
                view.Value.Select(v => new[] { v.Source, v.State + (v.Shadowed ? " (shadowed)" : ""), string.Join(" ", v.AddressPrefix), v.NextHopType,
                    string.Join(" ", v.NextHopIpAddress), v.Explanation }), $"Effective routes of {view.Subnet}");
            return NetTwinCli.Ok;
        });
        return cmd;
    }

    private static Command TunnelsCommand(TextWriter stdout)
    {
        var path = PathArgument(); var apply = ApplyOption(); var output = OutputOption();
        var connection = new Option<string?>("--connection") { Description = "Only this connection." };
        var cmd = new Command("tunnels", "IPsec and VNet-to-VNet tunnels: state and reason, initiator, negotiated traffic selectors, findings (third-party transit).")
            { path, apply, output, connection };
        cmd.SetAction(r =>
        {
            var topology = new EstateInput(r.GetValue(path)!, r.GetValue(apply) ?? []).Load();
            var name = r.GetValue(connection);
            if (name is not null && topology.Connection(name) is null)
                throw new UsageException($"no connection named '{name}'");
            var view = TunnelsQuestion.Ask(topology, name);
            if (r.GetValue(output) == "json") Render.Json(stdout, view);
            else Render.Tunnels(stdout, view);
            return NetTwinCli.Ok;
        });
        return cmd;
    }

    internal static Argument<string> PathArgument() => new("path") { Description = "A topology folder (or one YAML file)." };

    internal static Option<string[]> ApplyOption() => new("--apply")
    {
        Description = "A change set applied on top of the topology; repeatable, applied in order.",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    internal static Option<string> OutputOption()
    {
        var o = new Option<string>("--output", "-o") { Description = "Output format.", DefaultValueFactory = _ => "table" };
        o.AcceptOnlyFromAmong("table", "json");
        return o;
    }

    private static Command Validate(TextWriter stdout)
    {
        var path = PathArgument(); var apply = ApplyOption(); var output = OutputOption();
        var cmd = new Command("validate", "Check a topology against Azure's platform rules. Exit 0 clean or warnings only, 1 errors, 2 unusable input.")
            { path, apply, output };
        cmd.SetAction(r =>
        {
            var estate = new EstateInput(r.GetValue(path)!, r.GetValue(apply) ?? []).Load();
            var findings = Validator.Validate(estate);
            if (r.GetValue(output) == "json") Render.Json(stdout, FindingsJson.Of(findings));
            else Render.Findings(stdout, findings);
            return findings.Any(f => f.Severity == Severity.Error) ? NetTwinCli.Findings : NetTwinCli.Ok;
        });
        return cmd;
    }

    private static Command Report(TextWriter stdout)
    {
        var path = PathArgument(); var apply = ApplyOption(); var output = OutputOption();
        var cmd = new Command("report", "Everything NetTwin can say about a topology, in one readable report.") { path, apply, output };
        cmd.SetAction(r =>
        {
            var input = new EstateInput(r.GetValue(path)!, r.GetValue(apply) ?? []);
            var report = ReportQuestion.Ask(input);
            if (r.GetValue(output) == "json") Render.Json(stdout, report);
            else Render.Report(stdout, report);
            return NetTwinCli.Ok;
        });
        return cmd;
    }

    private static Command Rules(TextWriter stdout)
    {
        var output = OutputOption();
        var cmd = new Command("rules", "List the validation catalogue: every rule with its id, severity, spec rule and link.") { output };
        cmd.SetAction(r =>
        {
            var rules = RulesQuestion.All();
            if (r.GetValue(output) == "json")
                Render.Json(stdout, new { rules = rules.Select(d => new { id = d.Id, title = d.Title, severity = d.Severity.ToString(), specRule = d.SpecRule, helpLink = d.HelpLink, azureErrorCode = d.AzureErrorCode }) });
            else
                Render.Table(stdout, ["Rule", "Severity", "Spec", "Title", "Link"],
                    rules.Select(d => new[] { d.Id, d.Severity.ToString(), d.SpecRule, d.Title, d.HelpLink }));
            return NetTwinCli.Ok;
        });
        return cmd;
    }
}
