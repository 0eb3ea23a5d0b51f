using System.Collections.Immutable;
using NetTwin.Formats.Json;
using NetTwin.Model;

namespace NetTwin.Formats.Yaml;

/// <summary>Loads a topology folder (or one file), applies change sets in order, enforces the schema,
/// builds the model and resolves references. Any problem is a <see cref="LoadException"/> listing every
/// error with file, line, column and object; nothing is half-loaded.</summary>
public static class TopologyLoader
{
    /// <summary>Files in a topology folder that are not part of the topology itself.</summary>
    public static readonly ImmutableHashSet<string> ReservedFiles = ["intents.yaml", "timeline.yaml", "intents.yml", "timeline.yml"];

    public static Topology Load(string path, IEnumerable<string>? changeSets = null) => Read(path).Build(changeSets);

    /// <summary>Reads and parses a topology folder (or file) once; <see cref="TopologySource.Build"/> then makes a
    /// topology of it with change sets on top, as often as asked (what-if, timeline), without reading it again.</summary>
    public static TopologySource Read(string path)
    {
        var (documents, root) = ReadDocuments(path);
        // The folder's service tags file (ServiceTags_*.json or serviceTags.json), read before the YAML is built
        // so that a bad file is reported like any other bad input.
        var tags = ServiceTagsLoader.LoadFolder(root);
        return new TopologySource(documents, root, tags);
    }

    /// <summary>A topology folder's parsed files. They are never edited: a build with change sets applies them to a
    /// copy.</summary>
    public sealed class TopologySource
    {
        private readonly List<YMap> _documents;
        private readonly string _root;
        private readonly ServiceTagSet _tags;

        internal TopologySource(List<YMap> documents, string root, ServiceTagSet tags) =>
            (_documents, _root, _tags) = (documents, root, tags);

        public Topology Build(IEnumerable<string>? changeSets = null)
        {
            var sets = (changeSets ?? []).Select(ChangeSet.ReadFile).ToList();
            var documents = sets.Count == 0 ? [.. _documents] : _documents.Select(d => (YMap)d.Clone()).ToList();
            return TopologyLoader.Build(documents, _root, sets) with { ServiceTags = _tags };
        }
    }

    /// <summary>Loads YAML text held in memory (tests, generated estates).</summary>
    public static Topology LoadText(string yaml, string fileName = "topology.yaml", IEnumerable<string>? changeSetTexts = null)
    {
        var doc = ParseDocument(yaml, fileName);
        var sets = (changeSetTexts ?? []).Select((t, i) => ChangeSet.Parse(t, $"change{i + 1}.yaml")).ToList();
        return Build([doc], Path.GetDirectoryName(Path.GetFullPath(fileName)) ?? ".", sets);
    }

    private static Topology Build(List<YMap> documents, string root, List<ChangeSet> changeSets)
    {
        var failures = ImmutableHashSet<Failure>.Empty;
        foreach (var set in changeSets)
            failures = set.ApplyTo(documents, failures);

        var errors = new List<LoadError>();
        foreach (var d in documents) errors.AddRange(SchemaCheck.Check(d));
        if (errors.Count > 0) throw new LoadException(errors);

        var topology = ModelBuilder.Build(documents, root, failures, errors);
        if (errors.Count > 0) throw new LoadException(errors);
        return topology;
    }

    private static (List<YMap>, string) ReadDocuments(string path)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Where(f => !ReservedFiles.Contains(Path.GetFileName(f)))
                .OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                throw new LoadException(new LoadError(new SourceRef(path, 0, 0), "the folder holds no topology files (*.yaml)"));
            var errors = new List<LoadError>();
            var docs = new List<YMap>();
            foreach (var f in files)
            {
                try { docs.Add(ParseDocument(File.ReadAllText(f), f)); }
                catch (LoadException e) { errors.AddRange(e.Errors); }
            }
            if (errors.Count > 0) throw new LoadException(errors);
            return (docs, Path.GetFullPath(path));
        }
        if (File.Exists(path))
            return ([ParseDocument(File.ReadAllText(path), path)], Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
        throw new LoadException(new LoadError(new SourceRef(path, 0, 0), "no such file or folder"));
    }

    internal static YMap ParseDocument(string text, string file)
    {
        var node = YamlReader.Parse(text, file);
        if (node is YScalar { IsNull: true }) return new YMap([], node.Source);
        if (node is not YMap map)
            throw new LoadException(new LoadError(node.Source, $"a topology file is a map of resource lists (virtualNetworks:, routeTables:, ...), not {node.Describe()}"));
        return map;
    }
}
