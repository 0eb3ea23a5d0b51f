using System.CommandLine;
using NetTwin.Questions;

namespace NetTwin.Cli;

internal static partial class Commands
{
    private static Command TimelineCommand(TextWriter stdout)
    {
        var file = new Argument<string>("file") { Description = "A timeline file (or a folder holding timeline.yaml)." };
        var output = OutputOption();
        var cmd = new Command("timeline", "Run a timeline step by step: each step's differences and expectations. Exit 1 when an expectation is not met.")
            { file, output };
        cmd.SetAction(r =>
        {
            var answer = TimelineQuestion.Ask(r.GetValue(file)!);
            if (r.GetValue(output) == "json") Render.Json(stdout, answer);
            else Render.Timeline(stdout, answer);
            return answer.Passed ? NetTwinCli.Ok : NetTwinCli.Findings;
        });
        return cmd;
    }
}
