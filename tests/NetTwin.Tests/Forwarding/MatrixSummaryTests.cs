using NetTwin.Forwarding;
using NetTwin.Questions;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.Forwarding;

/// <summary>`reach --matrix` on an estate: the table counts cells by source subnet and verdict (ReachQuestion.Summarise);
/// the JSON keeps every cell.</summary>
public class MatrixSummaryTests
{
    private static MatrixCell Cell(string from, string to, string range, string disposition, bool reaches, bool asym = false) =>
        new(from, to, range, disposition, reaches, asym, [from]);

    [Fact]
    public void CellsAreCountedBySourceAndVerdictMostDestinationsFirst()
    {
        var rows = ReachQuestion.Summarise(
        [
            Cell("a/x", "b/x", "10.1.0.0/24", "DELIVERED", true),
            Cell("a/x", "onprem", "172.16.0.0/24", "NULL_ROUTED", false),
            Cell("a/x", "c/x", "10.2.0.0/24", "DELIVERED", true),
            Cell("a/x", "onprem", "172.16.1.0/24", "DELIVERED", true, asym: true),
            Cell("a/x", "d/x", "10.3.0.0/25", "DELIVERED", true),
            Cell("a/x", "d/x", "10.3.0.128/25", "DELIVERED", true),
            Cell("b/x", "a/x", "10.0.0.0/24", "DELIVERED", true),
        ]);
        Assert.Equal(
        [
            "a/x DELIVERED True False 3 4 b/x,c/x,d/x",
            "a/x DELIVERED True True 1 1 onprem",
            "a/x NULL_ROUTED False False 1 1 onprem",
            "b/x DELIVERED True False 1 1 a/x",
        ], rows.Select(r => $"{r.From} {r.Disposition} {r.Reaches} {r.Asymmetric} {r.Destinations} {r.Ranges} {string.Join(",", r.Examples)}"));
    }

    [Fact]
    public void TheMatrixOfTheSmallGeneratedEstateIsCountedInTheTableAndListedInJson() => Nt.WithEstate(folder =>
    {
        var table = Nt.Run("reach", folder, "--matrix");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("Reachability tcp/443: 21 subnets to 125 destinations (125 address classes), 2604 cells counted by source and verdict", table.Out, StringComparison.Ordinal);
        Assert.Contains("(more than 200 cells: counted by source subnet and verdict; every cell with its path: -o json)", table.Out, StringComparison.Ordinal);
        var hub = Assert.Single(table.Out.Split('\n'), l => l.Contains("hub-westeurope/shared   DELIVERED", StringComparison.Ordinal));
        Assert.Contains("124            124      spoke-0001/app, spoke-0001/web, spoke-0002/app, …", hub, StringComparison.Ordinal);

        var json = Nt.Run("reach", folder, "--matrix", "-o", "json");
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(2604, System.Text.Json.JsonDocument.Parse(json.Out).RootElement.GetProperty("cells").GetArrayLength());
    });

    public static TheoryData<string> Estates() => new([.. Nt.ExampleNames, "generated-small"]);

    /// <summary>`reach --matrix` writes the matrix as it is traced (one source's cells at a time): the table and the
    /// JSON are the same text as those of the whole matrix held at once.</summary>
    [Theory]
    [MemberData(nameof(Estates))]
    public void TheStreamedMatrixIsWrittenAsTheWholeOne(string estate)
    {
        void Check(string folder)
        {
            var f = new Forwarder(NetTwin.Ipsec.Planes.Compute(NetTwin.Formats.Yaml.TopologyLoader.Load(folder)));
            var whole = ReachQuestion.Matrix(f, NetTwin.Model.TransportProtocol.Tcp, 443);
            Assert.NotEmpty(whole.Cells);
            string Text(Action<TextWriter> write) { var w = new StringWriter(); write(w); return w.ToString(); }
            Assert.Equal(Text(w => NetTwin.Cli.Render.Json(w, whole)), Text(w => NetTwin.Cli.Render.MatrixJson(w, ReachQuestion.MatrixRows(f, NetTwin.Model.TransportProtocol.Tcp, 443))));
            Assert.Equal(Text(w => NetTwin.Cli.Render.Matrix(w, whole)), Text(w => NetTwin.Cli.Render.Matrix(w, ReachQuestion.MatrixRows(f, NetTwin.Model.TransportProtocol.Tcp, 443))));
        }
        if (estate == "generated-small") Nt.WithEstate(Check);
        else Check(Nt.Example(estate));
    }
}
