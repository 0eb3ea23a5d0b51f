using System.CommandLine;
using NetTwin.Questions;
using Spectre.Console;

namespace NetTwin.Cli;

internal static partial class Commands
{
    private static Command FailuresCommand(TextWriter stdout)
    {
        var path = PathArgument(); var apply = ApplyOption(); var output = OutputOption(); var intents = IntentsOption();
        var k = new Option<int>("--k") { Description = "Fail elements alone (1) or in pairs (2).", DefaultValueFactory = _ => 1 };
        k.AcceptOnlyFromAmong("1", "2");
        var cmd = new Command("failures", "Fail every gateway instance, connection, circuit and BGP session alone or in pairs; list what breaks, worst first. Ctrl-C stops and prints what finished.")
            { path, apply, k, output, intents };
        cmd.SetAction(r =>
        {
            var input = new EstateInput(r.GetValue(path)!, r.GetValue(apply) ?? []);
            var (baseline, cases) = FailuresQuestion.Plan(input, r.GetValue(k), r.GetValue(intents));
            using var cts = new CancellationTokenSource();
            ConsoleCancelEventHandler stop = (_, e) => { e.Cancel = true; cts.Cancel(); };
            System.Console.CancelKeyPress += stop;
            try
            {
                FailuresAnswer answer;
                var terminal = ReferenceEquals(stdout, System.Console.Out) && !System.Console.IsOutputRedirected && !System.Console.IsErrorRedirected;
                if (terminal)
                {
                    FailuresAnswer? result = null;
                    AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) }).Progress()
                        .AutoClear(true)
                        .Start(ctx =>
                        {
                            var task = ctx.AddTask($"failing {cases} case(s)", maxValue: cases);
                            result = FailuresQuestion.Run(input, baseline, r.GetValue(k), cts.Token, () => task.Increment(1));
                        });
                    answer = result!;
                }
                else answer = FailuresQuestion.Run(input, baseline, r.GetValue(k), cts.Token, null);
                if (r.GetValue(output) == "json") Render.Json(stdout, answer);
                else Render.Failures(stdout, answer);
                return answer.Breaking.Any(o => o.BrokenIntents.Count > 0) ? NetTwinCli.Findings : NetTwinCli.Ok;
            }
            finally { System.Console.CancelKeyPress -= stop; }
        });
        return cmd;
    }
}
