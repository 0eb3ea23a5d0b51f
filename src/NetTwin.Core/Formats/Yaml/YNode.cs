using System.Globalization;
using System.Text.Json;
using NetTwin.Model;
using NJsonSchema;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

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

    /// <summary>Parses one YAML document into a located tree. An empty file is an empty map. The tree is built
    /// straight from the parser's events (no representation model in between); an alias stands for a copy of the
    /// node its anchor names.</summary>
    public static YNode Parse(string text, string file)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) return new YMap([], new SourceRef(file, 1, 1));
            parser.Consume<DocumentStart>();
            var reader = new EventReader(parser, file, text);
            var root = reader.Read();
            parser.Consume<DocumentEnd>();
            if (reader.UnknownAlias is { } alias) throw new LoadException(alias);
            if (parser.TryConsume<DocumentStart>(out _))
            {
                var second = parser.Current!.Start;
                // The whole stream is read first, as a YAML stream is: a syntax error further on is the one reported.
                while (parser.MoveNext()) { }
                throw new LoadException(new LoadError(new SourceRef(file, (int)second.Line, (int)second.Column),
                    "a topology file holds one YAML document; found a second one ('---')"));
            }
            parser.Consume<StreamEnd>();
            if (reader.Deferred is { } error) throw new LoadException(error);
            return root;
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
        catch (Exception e) when (e is InvalidOperationException or ArgumentException && e.Source == "YamlDotNet")
        {
            // YamlDotNet's scanner fails with an exception of its own on some broken input: reported where the last
            // good token ended.
            var end = parser.Current?.End ?? Mark.Empty;
            var line = Math.Max(1, (int)end.Line);
            throw new LoadException(new LoadError(new SourceRef(file, line, Math.Max(1, (int)end.Column)),
                $"malformed YAML: the YAML parser cannot read on from here{Near(text, line + 1)}"));
        }
    }

    /// <summary>Builds the tree of one document from the parser's events. A map key that is not a scalar is reported
    /// only once the whole stream has been read (a syntax error anywhere, or a second document, is reported first); a
    /// duplicate key at once, after its value.</summary>
    private sealed class EventReader(IParser parser, string file, string text)
    {
        private readonly Dictionary<string, YNode> _anchors = new(StringComparer.Ordinal);

        public LoadError? Deferred { get; private set; }

        public LoadError? UnknownAlias { get; private set; }

        private SourceRef At(ParsingEvent e) => new(file, (int)e.Start.Line, (int)e.Start.Column);

        public YNode Read()
        {
            var e = parser.Current ?? throw new InvalidOperationException("the YAML parser ended inside a document");
            var src = At(e);
            YNode node;
            AnchorName anchor;
            switch (e)
            {
                case Scalar s:
                    parser.MoveNext();
                    node = new YScalar(s.Value, s.Style is ScalarStyle.Plain or ScalarStyle.Any, src);
                    anchor = s.Anchor;
                    break;
                case SequenceStart q:
                    {
                        parser.MoveNext();
                        var items = new List<YNode>();
                        while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(Read());
                        node = new YSeq(items, src);
                        anchor = q.Anchor;
                        break;
                    }
                case MappingStart m:
                    {
                        parser.MoveNext();
                        var entries = new List<KeyValuePair<YScalar, YNode>>();
                        HashSet<string>? seen = null;
                        while (!parser.TryConsume<MappingEnd>(out _))
                        {
                            var keyEvent = parser.Current!;
                            var keyNode = Read();
                            var value = Read();
                            if (keyNode is not YScalar key)
                            {
                                Deferred ??= new LoadError(At(keyEvent), "a map key must be a plain name");
                                continue;
                            }
                            // Duplicate keys: a linear scan for small maps, a set beyond.
                            bool duplicate;
                            if (seen is null && entries.Count < 16) duplicate = entries.Exists(x => x.Key.Value == key.Value);
                            else
                            {
                                seen ??= new HashSet<string>(entries.Select(x => x.Key.Value), StringComparer.Ordinal);
                                duplicate = !seen.Add(key.Value);
                            }
                            if (duplicate) throw new LoadException(new LoadError(key.Source, $"duplicate key '{key.Value}'"));
                            entries.Add(new(key, value));
                        }
                        node = new YMap(entries, src);
                        anchor = m.Anchor;
                        break;
                    }
                case AnchorAlias a:
                    parser.MoveNext();
                    if (_anchors.TryGetValue(a.Value.Value, out var target)) return target.Clone();
                    // Reported at the end of the document, as YAML streams resolve aliases: a syntax error before it wins.
                    UnknownAlias ??= new LoadError(src, $"malformed YAML: Anchor '{a.Value}' not found");
                    return new YScalar("", true, src);
                default:
                    // The parser can lose a map's value on some broken input ("- : x" then more keys) and end the map
                    // where a value belongs.
                    var what = e switch { MappingEnd => "the end of a map", SequenceEnd => "the end of a list", _ => "the end of the document" };
                    throw new LoadException(new LoadError(src, $"malformed YAML: expected a value, found {what}{Near(text, src.Line)}"));
            }
            if (!anchor.IsEmpty) _anchors[anchor.Value] = node;
            return node;
        }
    }

    /// <summary>The JSON value a scalar is checked as: plain scalars that look like null, a boolean or a whole number are
    /// those, anything else is text.</summary>
    public static JsonObjectType JsonKindOf(YScalar s)
    {
        if (s.IsNull) return JsonObjectType.Null;
        if (!s.Plain) return JsonObjectType.String;
        if (s.Value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE") return JsonObjectType.Boolean;
        return long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) && !(s.Value.Length > 1 && s.Value.StartsWith('0'))
            ? JsonObjectType.Integer : JsonObjectType.String;
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
            case YScalar s:
                switch (JsonKindOf(s))
                {
                    case JsonObjectType.Null: w.WriteNullValue(); break;
                    case JsonObjectType.Boolean: w.WriteBooleanValue(s.Value[0] is 't' or 'T'); break;
                    case JsonObjectType.Integer: w.WriteNumberValue(long.Parse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)); break;
                    default: w.WriteStringValue(s.Value); break;
                }
                break;
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
