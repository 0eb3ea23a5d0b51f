using System.Globalization;
using System.Text.Json;
using NetTwin.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetTwin.Formats.Yaml;

/// <summary>A YAML node with the place it came from. The loader keeps this tree (not the parser's own)
/// so that change sets can edit it and every later error can still name file, line and column.</summary>
public abstract class YNode(SourceRef source)
{
    public SourceRef Source { get; } = source;
    public abstract YNode Clone();
    public abstract string Describe();
}

public sealed class YScalar(string value, bool plain, SourceRef source) : YNode(source)
{
    public string Value { get; } = value;
    /// <summary>Unquoted: may be read as a number, boolean or null.</summary>
    public bool Plain { get; } = plain;
    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";
    public override YNode Clone() => this;
    public override string Describe() => $"'{Value}'";
}

public sealed class YSeq(List<YNode> items, SourceRef source) : YNode(source)
{
    public List<YNode> Items { get; } = items;
    public override YNode Clone() => new YSeq(Items.Select(i => i.Clone()).ToList(), Source);
    public override string Describe() => "a list";
}

public sealed class YMap(List<KeyValuePair<YScalar, YNode>> entries, SourceRef source) : YNode(source)
{
    public List<KeyValuePair<YScalar, YNode>> Entries { get; } = entries;

    public YNode? this[string key] => Entries.FirstOrDefault(e => e.Key.Value == key).Value;
    public YScalar? KeyOf(string key) => Entries.FirstOrDefault(e => e.Key.Value == key).Key;

    public void Set(string key, YNode value)
    {
        var i = Entries.FindIndex(e => e.Key.Value == key);
        var k = new YScalar(key, true, value.Source);
        if (i >= 0) Entries[i] = new(Entries[i].Key, value);
        else Entries.Add(new(k, value));
    }

    public bool Remove(string key) => Entries.RemoveAll(e => e.Key.Value == key) > 0;

    public override YNode Clone() =>
        new YMap(Entries.Select(e => new KeyValuePair<YScalar, YNode>(e.Key, e.Value.Clone())).ToList(), Source);
    public override string Describe() => "a map";
}

/// <summary>A problem with the input: it names the file, line and column, the object, and the value.</summary>
public sealed record LoadError(SourceRef Source, string Message, string? Object = null)
{
    public override string ToString()
    {
        var where = Source.Line > 0 ? $"{Source.File}:{Source.Line}:{Source.Column}" : Source.File;
        var obj = Object is null ? "" : $" [{Object}]";
        return $"{where}: error{obj}: {Message}";
    }
}

public sealed class LoadException(IReadOnlyList<LoadError> errors) : Exception(errors.Count > 0 ? errors[0].ToString() : "load failed")
{
    public IReadOnlyList<LoadError> Errors { get; } = errors;
    public LoadException(LoadError error) : this([error]) { }
}

public static class YamlReader
{
    /// <summary>The offending text for a syntax error: the error's line, or, when the parser only noticed the problem
    /// at a blank line or the end of the file (an unclosed bracket or quote), the last non-blank line before it.</summary>
    private static string Near(string text, int line)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = Math.Min(line, lines.Length) - 1; i >= 0; i--)
            if (lines[i].Trim().Length > 0)
                return $" (line {i + 1}: '{lines[i].TrimEnd()}')";
        return "";
    }

    /// <summary>Parses one YAML document into a located tree. An empty file is an empty map.</summary>
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
            // YamlDotNet prefixes "(Line: a, Col: b, Idx: c) - (Line: ..): "; keep the sentence.
            var cut = msg.LastIndexOf("): ", StringComparison.Ordinal);
            if (cut >= 0) msg = msg[(cut + 3)..];
            throw new LoadException(new LoadError(new SourceRef(file, (int)inner.Start.Line, (int)inner.Start.Column),
                $"malformed YAML: {msg}{Near(text, (int)inner.Start.Line)}"));
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

    /// <summary>Writes the tree as JSON (plain scalars that look like numbers, booleans or null become those),
    /// recording for each JSON path (as NJsonSchema spells it) the node it came from.</summary>
    public static string ToJson(YNode root, Dictionary<string, YNode> paths)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
            Write(w, root, "#", paths);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void Write(Utf8JsonWriter w, YNode node, string path, Dictionary<string, YNode> paths)
    {
        paths[path] = node;
        switch (node)
        {
            case YScalar s when s.IsNull: w.WriteNullValue(); break;
            case YScalar s when s.Plain && (s.Value is "true" or "True" or "TRUE"): w.WriteBooleanValue(true); break;
            case YScalar s when s.Plain && (s.Value is "false" or "False" or "FALSE"): w.WriteBooleanValue(false); break;
            case YScalar s when s.Plain && long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                                  && !(s.Value.Length > 1 && s.Value.StartsWith('0')):
                w.WriteNumberValue(n); break;
            case YScalar s: w.WriteStringValue(s.Value); break;
            case YSeq q:
                w.WriteStartArray();
                for (var i = 0; i < q.Items.Count; i++) Write(w, q.Items[i], $"{path}[{i}]", paths);
                w.WriteEndArray();
                break;
            case YMap m:
                w.WriteStartObject();
                foreach (var (k, v) in m.Entries)
                {
                    w.WritePropertyName(k.Value);
                    var child = path == "#" ? $"#/{k.Value}" : $"{path}.{k.Value}";
                    paths[child + "#key"] = k;
                    Write(w, v, child, paths);
                }
                w.WriteEndObject();
                break;
        }
    }
}
