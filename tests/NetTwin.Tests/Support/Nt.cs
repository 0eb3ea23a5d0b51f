using NetTwin.Bench;
using NetTwin.Cli;

namespace NetTwin.Tests.Support;

/// <summary>Runs the CLI in-process, through exactly the code path ./nettwin uses.</summary>
public static class Nt
{
    public sealed record Result(int ExitCode, string Out, string Err);

    public static Result Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = NetTwinCli.Run(args, o, e);
        return new Result(code, o.ToString(), e.ToString());
    }

    /// <summary>The repository root (the folder holding NetTwin.slnx).</summary>
    public static string Root { get; } = FindRoot();

    public static string Example(string name) => Path.Combine(Root, "examples", name);

    /// <summary>The seed scenarios' example folders (scenarios.md names them).</summary>
    public static readonly string[] ExampleNames = ["s0-proxy-tunnel", "s1-vpn-over-er", "s2-ipsec-backup", "s3-third-parties", "s4-vnet-to-vnet"];

    /// <summary><see cref="ExampleNames"/> as theory data.</summary>
    public static TheoryData<string> Examples() => new(ExampleNames);
    public static string Change(string example, string file) => Path.Combine(Root, "examples", example, "changes", file);

    private static string FindRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "")
    {
        // The binaries' folder first (a normal build), then this source file's (builds with --artifacts-path elsewhere).
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(thisFile) ?? "" })
        {
            var dir = new DirectoryInfo(start);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetTwin.slnx"))) dir = dir.Parent;
            if (dir is not null) return dir.FullName;
        }
        throw new InvalidOperationException("NetTwin.slnx not found above the test folder");
    }

    /// <summary>Runs <paramref name="test"/> over the folder of a generated estate (the small one unless told), written
    /// to a temporary folder that is deleted afterwards.</summary>
    public static void WithEstate(Action<string> test) => WithEstate(EstateSpec.Small, test);

    public static void WithEstate(EstateSpec spec, Action<string> test)
    {
        var folder = EstateGenerator.Generate(spec).WriteToTemp();
        try { test(folder); }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>Inserts <paramref name="lines"/> into the topology file <paramref name="file"/> of <paramref name="folder"/>,
    /// before the first occurrence of <paramref name="anchor"/> (which must be in it).</summary>
    public static void InsertBefore(string folder, string file, string anchor, string lines)
    {
        var path = Path.Combine(folder, file);
        var text = File.ReadAllText(path);
        var at = text.IndexOf(anchor, StringComparison.Ordinal);
        Assert.True(at > 0, $"'{anchor}' not found in {file}");
        File.WriteAllText(path, text.Insert(at, lines));
    }

    /// <summary>A temporary topology folder holding the given files.</summary>
    public static string TempTopology(params (string Name, string Text)[] files)
    {
        var dir = Directory.CreateTempSubdirectory("nettwin-test-").FullName;
        foreach (var (name, text) in files) File.WriteAllText(Path.Combine(dir, name), text);
        return dir;
    }
}
