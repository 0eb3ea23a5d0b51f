using CsCheck;
using NetTwin.Formats.Yaml;
using NetTwin.Model;
using NetTwin.Tests.Support;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetTwin.Tests.Formats;

/// <summary><see cref="YamlReader.Parse"/> builds its tree from the parser's events. These tests hold it to what the
/// loader did before, through YamlDotNet's representation model (<see cref="Reference"/>): the same tree with the same
/// places, or the same error, for the examples, a generated estate, YAML's corner cases and mutilated files.</summary>
public class YamlParseEquivalenceTests
{
    /// <summary>The earlier parse: <see cref="YamlStream"/>, then a conversion of its nodes.</summary>
    private static class Reference
    {
        public static YNode Parse(string text, string file)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException e)
            {
                var inner = e.InnerException is YamlException ie ? ie : e;
                var msg = inner.Message;
                var cut = msg.LastIndexOf("): ", StringComparison.Ordinal);
                if (cut >= 0) msg = msg[(cut + 3)..];
                throw new LoadException(new LoadError(new SourceRef(file, (int)inner.Start.Line, (int)inner.Start.Column), $"malformed YAML: {msg}"));
            }
            if (stream.Documents.Count == 0) return new YMap([], new SourceRef(file, 1, 1));
            if (stream.Documents.Count > 1)
            {
                var second = stream.Documents[1].RootNode.Start;
                throw new LoadException(new LoadError(new SourceRef(file, (int)second.Line, (int)second.Column),
                    "a topology file holds one YAML document; found a second one ('---')"));
            }
            return Convert(stream.Documents[0].RootNode, file);
        }

        private static YNode Convert(YamlNode node, string file)
        {
            var src = new SourceRef(file, (int)node.Start.Line, (int)node.Start.Column);
            switch (node)
            {
                case YamlScalarNode s:
                    return new YScalar(s.Value ?? "", s.Style is ScalarStyle.Plain or ScalarStyle.Any, src);
                case YamlSequenceNode q:
                    return new YSeq(q.Children.Select(c => Convert(c, file)).ToList(), src);
                case YamlMappingNode m:
                    var entries = new List<KeyValuePair<YScalar, YNode>>();
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var (k, v) in m.Children)
                    {
                        if (k is not YamlScalarNode ks)
                            throw new LoadException(new LoadError(new SourceRef(file, (int)k.Start.Line, (int)k.Start.Column), "a map key must be a plain name"));
                        var key = (YScalar)Convert(ks, file);
                        if (!seen.Add(key.Value))
                            throw new LoadException(new LoadError(key.Source, $"duplicate key '{key.Value}'"));
                        entries.Add(new(key, Convert(v, file)));
                    }
                    return new YMap(entries, src);
                default:
                    throw new LoadException(new LoadError(src, "YAML aliases and tags are not supported"));
            }
        }
    }

    /// <summary>A tree, or the error, as text: every node with its place and style.</summary>
    private static string Outcome(Func<YNode> parse)
    {
        try { return Show(parse()); }
        catch (LoadException e) { return "error: " + string.Join(" | ", e.Errors.Select(x => $"{x.Source.Line}:{x.Source.Column} {x.Message}")); }
        catch (Exception e) { return "crash: " + e.GetType().Name; }
    }

    private static string Show(YNode n) => n switch
    {
        YScalar s => $"{s.Source.Line}:{s.Source.Column}{(s.Plain ? "" : "q")}'{s.Value}'",
        YSeq q => $"{q.Source.Line}:{q.Source.Column}[{string.Join(",", q.Items.Select(Show))}]",
        YMap m => $"{m.Source.Line}:{m.Source.Column}{{{string.Join(",", m.Entries.Select(e => Show(e.Key) + "=" + Show(e.Value)))}}}",
        _ => "?",
    };

    /// <summary>The new parse, with the " (line N: '...')" hint the reference leaves out.</summary>
    private static string New(string text) => System.Text.RegularExpressions.Regex.Replace(
        Outcome(() => YamlReader.Parse(text, "f.yaml")), @" \(line \d+: '[^\n]*?'\)(?= \||$)", "");

    /// <summary>The reference's outcome, with the two errors the new parse words better: a duplicate key is named
    /// in quotes (YamlDotNet said "Duplicate key a"), and an alias to no anchor is reported where the alias is, not at
    /// 1:1 (<see cref="UnknownAliasIsReportedWhereItIs"/>).</summary>
    private static string Old(string text) => System.Text.RegularExpressions.Regex.Replace(
        Outcome(() => Reference.Parse(text, "f.yaml")), @"malformed YAML: Duplicate key (.*)$", "duplicate key '$1'");

    private static bool UnknownAlias(string outcome) => outcome.Contains("malformed YAML: The anchor '", StringComparison.Ordinal);

    /// <summary>Inputs on which YamlDotNet threw an exception of its own (a stack trace for the user): a map whose value
    /// the parser loses, and a scanner failure. Each is now a malformed-YAML error with its place.</summary>
    public static TheoryData<string, string, string> Crashes() => new()
    {
        { "subnets:\n  - : hub-sub1\n    addressPrefix: 172.16.1.0/25\n  - name: GatewaySubnet\n", "crash: ArgumentException",
          "error: 4:3 malformed YAML: expected a value, found the end of a map (line 4: '  - name: GatewaySubnet')" },
        { "          location: westeurope\n          disableBgpRoutePropagation: true\n          routes: [ set:\n      resource: virtualNetworks/app-vnet/subnets/app",
          "crash: InvalidOperationException",
          "error: 3:24 malformed YAML: the YAML parser cannot read on from here (line 4: '      resource: virtualNetworks/app-vnet/subnets/app')" },
    };

    [Theory]
    [MemberData(nameof(Crashes))]
    public void WhatCrashedTheRepresentationModelIsMalformedYaml(string text, string reference, string expected)
    {
        Assert.Equal(reference, Outcome(() => Reference.Parse(text, "f.yaml")));
        Assert.Equal(expected, Outcome(() => YamlReader.Parse(text, "f.yaml")));
    }

    [Fact]
    public void UnknownAliasIsReportedWhereItIs()
    {
        Assert.True(UnknownAlias(Old("a: 1\nb: [x, *m]\n")));
        Assert.Equal("error: 2:8 malformed YAML: Anchor 'm' not found", New("a: 1\nb: [x, *m]\n"));
    }

    public static TheoryData<string> Corners() =>
    [
        "",
        "# only a comment\n",
        "---\n",
        "~\n",
        "a: 1\n---\nb: 2\n",
        "a: 1\n---\nb: [\n",
        "a: &x {b: 1, c: [1, 2]}\nd: *x\n",
        "a: &x 1\nb: &x 2\nc: *x\n",
        "? [a, b]\n: 1\n",
        "a: 1\na: 2\n",
        "a:\n  b: 1\n  b: 2\n",
        "!tag a: !!str 1\nb: !custom [1]\n",
        "'quoted key': \"v\"\nplain: v\n",
        "a: |\n  line1\n  line2\nb: >\n  folded\n",
        "- a\n- - b\n  - c\n- {x: y}\n",
        "a: [1, 2\n",
        "a: 'unterminated\n",
        "a:\n - x\n  - y\n",
        "\t a: 1\n",
        "a: {b: 1, b: 2}\n",
        "a: 1\n...\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: &k key\n*k : 2\n",
        "- a: &x 1\n- *x\n",
    ];

    [Theory]
    [MemberData(nameof(Corners))]
    public void CornerCasesParseAsTheRepresentationModelDid(string text) => Assert.Equal(Old(text), New(text));

    /// <summary>The examples' files and the small generated estate's, whole and mutilated (characters cut, doubled or
    /// put in), parse to the same tree or fail with the same error.</summary>
    [Fact]
    public void FilesAndMutilatedFilesParseAsTheRepresentationModelDid()
    {
        var texts = new List<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(Nt.Root, "examples"), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            texts.Add(File.ReadAllText(f));
        Nt.WithEstate(dir =>
        {
            foreach (var f in Directory.EnumerateFiles(dir, "*.yaml").Order(StringComparer.Ordinal)) texts.Add(File.ReadAllText(f));
        });
        foreach (var t in texts) Assert.Equal(Old(t), New(t));

        const string inserts = ":-[]{},&*!|>'\"#\n \t?";
        Gen.Select(Gen.Int[0, texts.Count - 1], Gen.Int[0, int.MaxValue], Gen.Int[0, 2], Gen.Int[0, inserts.Length - 1]).Sample((ti, at, how, ch) =>
        {
            var t = texts[ti];
            if (t.Length == 0) return;
            var i = at % t.Length;
            var mutated = how switch
            {
                0 => t.Remove(i, Math.Min(1 + at % 5, t.Length - i)),
                1 => t.Insert(i, t.Substring(i, Math.Min(1 + at % 9, t.Length - i))),
                _ => t.Insert(i, inserts[ch].ToString()),
            };
            // Keep each sample small: cut the file down to the lines around the change.
            var lines = mutated.Split('\n');
            var line = mutated[..i].Count(c => c == '\n');
            var piece = string.Join('\n', lines.Skip(Math.Max(0, line - 30)).Take(60));
            var old = Old(piece);
            if (UnknownAlias(old)) Assert.Contains("malformed YAML: Anchor '", New(piece));
            // YamlStream threw an exception of its own on some broken input (a stack trace for the user); the new
            // parse reports malformed YAML.
            else if (old.StartsWith("crash: ", StringComparison.Ordinal)) Assert.Matches(@"^error: \d+:\d+ malformed YAML: ", New(piece));
            else Assert.Equal(old, New(piece));
        }, iter: 2000);
    }
}
