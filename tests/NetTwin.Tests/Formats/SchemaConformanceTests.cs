using CsCheck;
using NetTwin.Bench;
using NetTwin.Formats.Yaml;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.Formats;

/// <summary>The one-pass schema check (<see cref="SchemaConformance"/>) against NJsonSchema, which it stands in for on
/// valid input: it must never say a document conforms when NJsonSchema reports an error.</summary>
public class SchemaConformanceTests
{
    private static int NJsonSchemaErrors(YNode doc) =>
        SchemaCheck.TopologySchema.Validate(YamlReader.ToJson(doc, new Dictionary<string, YNode>(StringComparer.Ordinal))).Count;

    /// <summary>Every topology file of the examples and of the small generated estate.</summary>
    private static List<YMap> Documents()
    {
        var docs = new List<YMap>();
        void Folder(string dir)
        {
            foreach (var f in Directory.EnumerateFiles(dir, "*.yaml").Where(f => !TopologyLoader.ReservedFiles.Contains(Path.GetFileName(f))).Order(StringComparer.Ordinal))
                docs.Add(TopologyLoader.ParseDocument(File.ReadAllText(f), f));
        }
        foreach (var ex in Directory.EnumerateDirectories(Path.Combine(Nt.Root, "examples")).Order(StringComparer.Ordinal)) Folder(ex);
        Nt.WithEstate(Folder);
        return docs;
    }

    [Fact]
    public void TheTopologySchemaUsesOnlyKeywordsTheCheckUnderstands() =>
        Assert.True(SchemaConformance.Understands(SchemaCheck.TopologySchema));

    [Fact]
    public void EveryExampleAndGeneratedFileConformsAsNJsonSchemaSays()
    {
        var docs = Documents();
        Assert.True(docs.Count >= 15, $"only {docs.Count} documents");
        foreach (var d in docs)
        {
            Assert.Equal(0, NJsonSchemaErrors(d));
            Assert.Equal(Conformance.Conforms, SchemaConformance.Of(d));
        }
    }

    // ------------------------------------------------------------------ mutations

    /// <summary>Every place in a tree where a value can be swapped, removed or renamed: (parent, index).</summary>
    private static List<(YNode Parent, int Index)> Places(YNode n, List<(YNode, int)>? into = null)
    {
        into ??= [];
        switch (n)
        {
            case YMap m:
                for (var i = 0; i < m.Entries.Count; i++) { into.Add((m, i)); Places(m.Entries[i].Value, into); }
                break;
            case YSeq q:
                for (var i = 0; i < q.Items.Count; i++) { into.Add((q, i)); Places(q.Items[i], into); }
                break;
        }
        return into;
    }

    private static readonly Model.SourceRef At = new("mutated.yaml", 1, 1);

    /// <summary>The replacement values a mutation puts in place: each kind of JSON value, and texts that are and are
    /// not in the schema's enumerations.</summary>
    private static YNode Replacement(int kind, YNode old) => kind switch
    {
        0 => new YScalar("x", true, At),
        1 => new YScalar("42", true, At),
        2 => new YScalar("true", true, At),
        3 => new YScalar("", true, At),                 // null
        4 => new YScalar("", false, At),                // empty text
        5 => new YScalar("042", true, At),              // text: a leading zero is not a number
        6 => new YScalar("42", false, At),              // quoted: text
        7 => new YSeq([], At),
        8 => new YSeq([old.Clone()], At),
        9 => new YMap([], At),
        10 => new YScalar("Tcp", true, At),
        11 => new YScalar("Allow", true, At),
        _ => new YMap([new(new YScalar("name", true, At), new YScalar("n", true, At))], At),
    };

    private const int Kinds = 16;   // 0-12 replace the value, 13 removes the entry, 14 renames its key, 15 adds a key

    private static void Mutate(YNode parent, int index, int kind)
    {
        switch (parent)
        {
            case YMap m when kind == 13: m.Entries.RemoveAt(index); break;
            case YMap m when kind == 14:
                m.Entries[index] = new(new YScalar(m.Entries[index].Key.Value + "x", true, At), m.Entries[index].Value); break;
            case YMap m when kind == 15: m.Entries.Add(new(new YScalar("extra", true, At), new YScalar("1", true, At))); break;
            case YMap m: m.Entries[index] = new(m.Entries[index].Key, Replacement(kind, m.Entries[index].Value)); break;
            case YSeq q when kind is 13 or 14: q.Items.RemoveAt(index); break;
            case YSeq q when kind == 15: q.Items.Add(q.Items[index].Clone()); break;
            case YSeq q: q.Items[index] = Replacement(kind, q.Items[index]); break;
        }
    }

    [Fact]
    public void MutatedDocumentsConformExactlyWhenNJsonSchemaFindsNoError()
    {
        var docs = Documents().Where(d => Places(d).Count > 0).ToList();
        var conforming = 0;
        var violating = 0;
        Gen.Select(Gen.Int[0, docs.Count - 1], Gen.Int[0, int.MaxValue], Gen.Int[0, Kinds - 1], Gen.Int[1, 3]).Sample((di, pi, kind, times) =>
        {
            var doc = docs[di].Clone();
            var seed = pi;
            for (var t = 0; t < times; t++)
            {
                var places = Places(doc);
                if (places.Count == 0) break;
                var (parent, index) = places[seed % places.Count];
                Mutate(parent, index, (kind + t * 5) % Kinds);
                seed = seed / 7 + 13 * t;
            }
            var fast = SchemaConformance.Of(doc);
            var errors = NJsonSchemaErrors(doc);
            Assert.NotEqual(Conformance.Unknown, fast);
            if (fast == Conformance.Conforms) { Assert.Equal(0, errors); Interlocked.Increment(ref conforming); }
            else { Assert.True(errors > 0, "the one-pass check rejected a document NJsonSchema accepts"); Interlocked.Increment(ref violating); }
        }, iter: 3000);
        // Both verdicts were exercised.
        Assert.True(conforming > 50 && violating > 50, $"{conforming} conforming, {violating} violating");
    }

    [Fact]
    public void SchemaErrorsAreStillWordedAndPlacedByNJsonSchema()
    {
        var doc = TopologyLoader.ParseDocument("""
            virtualNetworks:
              - name: hub
                adressSpace: [10.0.0.0/16]
            """, "bad.yaml");
        Assert.Equal(Conformance.Violates, SchemaConformance.Of(doc));
        Assert.Equal(
            [
                "bad.yaml:2:5: error [virtualNetworks/hub]: 'addressSpace' is required",
                "bad.yaml:3:5: error [virtualNetworks/hub]: unknown key 'adressSpace' (did you mean 'addressSpace'?)",
            ],
            SchemaCheck.Check(doc).Select(e => e.ToString()));
    }
}
