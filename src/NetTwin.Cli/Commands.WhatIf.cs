using System.CommandLine;
using NetTwin.Questions;

namespace NetTwin.Cli;

internal static partial class Commands
{
    private static Option<string?> IntentsOption() => new("--intents")
    {
        Description = "The intents file (default: intents.yaml in the topology folder, when there is one).",
    };

    private static Command WhatIfCommand(TextWriter stdout)
    {
        var path = PathArgument(); var apply = ApplyOption(); var output = OutputOption(); var intents = IntentsOption();
        var change = new Option<string[]>("--change")
        {
            Description = "A change set to try on top of the baseline (topology + --apply); repeatable, applied in order.",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            Required = true,
        };
        var cmd = new Command("whatif", "What changes when change sets are applied: findings, effective routes, BGP, tunnels, flows and intents, differences only.")
            { path, apply, change, output, intents };
        cmd.SetAction(r =>
        {
            var input = new EstateInput(r.GetValue(path)!, r.GetValue(apply) ?? []);
            var answer = WhatIfQuestion.Ask(input, r.GetValue(change) ?? [], r.GetValue(intents));
            if (r.GetValue(output) == "json") Render.Json(stdout, answer);
            else Render.WhatIf(stdout, answer);
            return NetTwinCli.Ok;
        });
        return cmd;
    }
}
