using System.CommandLine;
using NetTwin.Formats.Yaml;
using NetTwin.Questions;

namespace NetTwin.Cli;

/// <summary>The command line: parses arguments, asks the Questions stage, renders the answer.
/// It does no analysis of its own. Exit codes: 0 fine, 1 the estate breaks a rule or an intent,
/// 2 unusable input (bad YAML, unknown reference, bad arguments), 3 an internal error.</summary>
public static class NetTwinCli
{
    public const int Ok = 0, Findings = 1, BadInput = 2, Internal = 3;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("NetTwin: an offline digital twin of Azure hybrid networks.");
        foreach (var command in Commands.All(stdout)) root.Subcommands.Add(command);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) stderr.WriteLine($"nettwin: {e.Message}");
            stderr.WriteLine("Run 'nettwin --help' for usage.");
            return BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (LoadException e)
        {
            foreach (var error in e.Errors.Take(50)) stderr.WriteLine(error.ToString());
            if (e.Errors.Count > 50) stderr.WriteLine($"... and {e.Errors.Count - 50} more errors");
            return BadInput;
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"nettwin: {e.Message}");
            return BadInput;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("NETTWIN_DEBUG") is null)
        {
            stderr.WriteLine($"nettwin: internal error: {e.GetType().Name}: {e.Message} (set NETTWIN_DEBUG=1 for details; please report it)");
            return Internal;
        }
    }
}

/// <summary>A command line that names something that does not exist (a subnet, a device): exit 2.</summary>
public sealed class UsageException(string message) : Exception(message);
