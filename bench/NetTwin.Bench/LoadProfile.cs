using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using NetTwin.Formats.Yaml;
using NetTwin.Model;
using NetTwin.Validation;
using YamlDotNet.RepresentationModel;

namespace NetTwin.Bench;

/// <summary>A Stopwatch breakdown of load + validate, stage by stage, calling the loader's own pieces in the order
/// TopologyLoader runs them: read files, YAML parse (YamlDotNet's parser events into the located YNode tree), schema
/// check (SchemaConformance's one pass; NJsonSchema's error path is timed beside it for comparison), model build,
/// reference check, validation. ModelBuilder and References are internal to NetTwin.Core, so they are called by reflection
/// (the bench does not change the loader). Each stage also reports what it allocated and the live heap after it.</summary>
public static class LoadProfile
{
    public sealed record Stage(string Name, string Note, List<TimeSpan> Times, List<long> Allocated, List<long> LiveAfter, List<int> Gen2)
    {
        public TimeSpan Median => Times.OrderBy(t => t).ElementAt(Times.Count / 2);
    }

    private static readonly Assembly Core = typeof(TopologyLoader).Assembly;

    private static readonly MethodInfo BuildModel =
        Core.GetType("NetTwin.Formats.Yaml.ModelBuilder")?.GetMethod("Build", BindingFlags.Public | BindingFlags.Static)
        ?? throw new MissingMethodException("NetTwin.Formats.Yaml.ModelBuilder.Build not found: update LoadProfile to the loader's new shape");

    private static readonly MethodInfo CheckReferences =
        Core.GetType("NetTwin.Formats.Yaml.References")?.GetMethod("Check", BindingFlags.Public | BindingFlags.Static)
        ?? throw new MissingMethodException("NetTwin.Formats.Yaml.References.Check not found: update LoadProfile to the loader's new shape");

    public static IReadOnlyList<Stage> Run(string folder, int repeat, TextWriter log)
    {
        var stages = new Dictionary<string, Stage>();
        var order = new List<string>();
        T Time<T>(string name, string note, Func<T> f)
        {
            if (!stages.TryGetValue(name, out var s))
            {
                stages[name] = s = new Stage(name, note, [], [], [], []);
                order.Add(name);
            }
            var g2 = GC.CollectionCount(2);
            var a = GC.GetTotalAllocatedBytes(true);
            var sw = Stopwatch.StartNew();
            var r = f();
            sw.Stop();
            s.Times.Add(sw.Elapsed);
            s.Allocated.Add(GC.GetTotalAllocatedBytes(true) - a);
            s.Gen2.Add(GC.CollectionCount(2) - g2);
            s.LiveAfter.Add(GC.GetTotalMemory(forceFullCollection: false));
            return r;
        }

        for (var i = 0; i < repeat + 1; i++)   // the first pass warms up and is dropped
        {
            Harness.FullGc();
            var files = Directory.EnumerateFiles(folder, "*.yaml").Where(f => !TopologyLoader.ReservedFiles.Contains(Path.GetFileName(f)))
                .Order(StringComparer.Ordinal).ToList();
            var texts = Time("read files", "File.ReadAllText", () => files.Select(File.ReadAllText).ToList());
            Time("YAML parse: YamlDotNet representation model", "YamlStream.Load, which the loader no longer runs: for comparison", () =>
            {
                var n = 0;
                foreach (var t in texts) { var y = new YamlStream(); y.Load(new StringReader(t)); n += y.Documents.Count; }
                return n;
            });
            var docs = Time("YAML parse: events → YNode tree", "YamlReader.Parse (what the loader runs: YamlDotNet's parser events straight into the located tree)",
                () => texts.Select((t, k) => (YMap)YamlReader.Parse(t, files[k])).ToList());
            texts = null;
            var schemaErrors = Time("schema: SchemaCheck.Check", "what the loader runs: the one-pass SchemaConformance check, NJsonSchema only on a document that may break the schema",
                () => docs.Sum(d => SchemaCheck.Check(d).Count));
            var jsons = Time("error path: tree → JSON + path map", "YamlReader.ToJson with the node-per-path dictionary (run only for a document that may break the schema): for comparison", () =>
                docs.Select(d => { var paths = new Dictionary<string, YNode>(StringComparer.Ordinal); return (Json: YamlReader.ToJson(d, paths), Paths: paths); }).ToList());
            var schema = SchemaCheck.TopologySchema;
            Time("error path: NJsonSchema validate", "JsonSchema.Validate(json): Newtonsoft parse + validation (the error path): for comparison", () =>
                jsons.Sum(j => schema.Validate(j.Json).Count));
            jsons = null;
            if (schemaErrors > 0) throw new InvalidOperationException($"{schemaErrors} schema errors in the generated estate");
            var errors = new List<LoadError>();
            var topology = Time("model build + reference check", "ModelBuilder.Build (ends with References.Check)",
                () => (Topology)BuildModel.Invoke(null, [docs, folder, ImmutableHashSet<Failure>.Empty, errors])!);
            if (errors.Count > 0) throw new InvalidOperationException($"{errors.Count} load errors, first: {errors[0]}");
            docs = null;
            // References.Check builds the topology's lazy name index; time it on a copy whose index is not built yet.
            var fresh = Fresh(topology);
            Time("reference check (incl. name index)", "References.Check on an unindexed copy; part of the row above", () =>
            {
                var e = new List<LoadError>();
                CheckReferences.Invoke(null, [fresh, e]);
                return e.Count;
            });
            var findings = Time("validation", "Validator.Validate", () => Validator.Validate(topology));
            GC.KeepAlive(findings);
            topology = null; fresh = null;
            Harness.FullGc();
            Time("end to end: Load + Validate", "TopologyLoader.Load + Validator.Validate, for comparison", () => Operations.LoadAndValidate(folder));
            log.WriteLine($"  profile pass {i + 1}/{repeat + 1} done");
            if (i == 0)
                foreach (var s in stages.Values) { s.Times.Clear(); s.Allocated.Clear(); s.LiveAfter.Clear(); s.Gen2.Clear(); }
        }
        return order.Select(n => stages[n]).ToList();
    }

    private static Topology Fresh(Topology t) => new()
    {
        Root = t.Root,
        VirtualNetworks = t.VirtualNetworks,
        VirtualNetworkPeerings = t.VirtualNetworkPeerings,
        RouteTables = t.RouteTables,
        NetworkSecurityGroups = t.NetworkSecurityGroups,
        NetworkInterfaces = t.NetworkInterfaces,
        VirtualMachines = t.VirtualMachines,
        AzureFirewalls = t.AzureFirewalls,
        VirtualNetworkGateways = t.VirtualNetworkGateways,
        LocalNetworkGateways = t.LocalNetworkGateways,
        Connections = t.Connections,
        ExpressRouteCircuits = t.ExpressRouteCircuits,
        OnPremisesDevices = t.OnPremisesDevices,
        Failures = t.Failures,
    };

    public static string Table(IReadOnlyList<Stage> stages)
    {
        // Rows that are sub-parts or re-runs of others are not added to the total.
        string[] notInTotal = ["YAML parse: YamlDotNet representation model", "error path: tree → JSON + path map", "error path: NJsonSchema validate",
            "reference check (incl. name index)", "end to end: Load + Validate"];
        var total = stages.Where(s => !notInTotal.Contains(s.Name)).Sum(s => s.Median.TotalMilliseconds);
        var sb = new StringBuilder();
        sb.Append("| stage | median | share of stages | allocated | live heap after | gen2 GCs | what runs |\n");
        sb.Append("|---|---:|---:|---:|---:|---:|---|\n");
        foreach (var s in stages)
        {
            var share = notInTotal.Contains(s.Name) ? "" : $"{s.Median.TotalMilliseconds / total:P0}";
            sb.Append($"| {s.Name} | {Harness.FormatTime(s.Median)} | {share} | {Harness.FormatBytes(Med(s.Allocated))} | " +
                      $"{Harness.FormatBytes(Med(s.LiveAfter))} | {Med(s.Gen2.Select(x => (long)x).ToList())} | {s.Note} |\n");
        }
        sb.Append($"| **sum of stages** | **{Harness.FormatTime(TimeSpan.FromMilliseconds(total))}** | 100% | | | | read + parse + schema check + model + validation |\n");
        return sb.ToString();
    }

    private static long Med(IEnumerable<long> v) { var l = v.Order().ToList(); return l.Count == 0 ? 0 : l[l.Count / 2]; }
}
