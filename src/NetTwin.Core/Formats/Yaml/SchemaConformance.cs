using NJsonSchema;

namespace NetTwin.Formats.Yaml;

/// <summary>What <see cref="SchemaConformance"/> can say of a document.</summary>
public enum Conformance
{
    /// <summary>NJsonSchema would report nothing.</summary>
    Conforms,
    /// <summary>It breaks the schema (NJsonSchema says where and why).</summary>
    Violates,
    /// <summary>The schema uses a keyword this check does not know; only NJsonSchema can tell.</summary>
    Unknown,
}

/// <summary>A one-pass check of a located YAML tree against the topology schema, made for the common case of valid
/// input: it reads the tree directly (no JSON text, no Newtonsoft tree, no path map) and answers
/// <see cref="Conformance.Conforms"/> only where NJsonSchema would report no error. Anything else goes to
/// <see cref="SchemaCheck"/>'s NJsonSchema path, which words and places the errors. It understands the draft-07
/// keywords the schema uses (type, properties, additionalProperties false, required, string enum, items, $ref,
/// oneOf, minLength) and answers <see cref="Conformance.Unknown"/> for a schema node with any other.</summary>
public static class SchemaConformance
{
    private sealed class Node
    {
        public JsonObjectType Type;
        public Dictionary<string, Node>? Properties;
        public bool AllowAdditional = true;
        public string[] Required = [];
        public HashSet<string>? StringEnum;
        public Node? Item;
        public Node[] OneOf = [];
        public int MinLength;
        public bool Unsupported;
    }

    /// <summary>Keywords NJsonSchema keeps as extension data that do not constrain values.</summary>
    private static readonly HashSet<string> Annotations = ["$id", "$comment", "examples", "readOnly", "writeOnly"];

    private static readonly Dictionary<JsonSchema, Node> Compiled = new(ReferenceEqualityComparer.Instance);
    private static readonly Lock Gate = new();

    /// <summary>The document against <paramref name="schema"/> (the topology schema when null).</summary>
    public static Conformance Of(YNode document, JsonSchema? schema = null) => Check(document, Root(schema ?? SchemaCheck.TopologySchema));

    /// <summary>The schema compiled once.</summary>
    private static Node Root(JsonSchema schema)
    {
        lock (Gate)
        {
            if (!Compiled.TryGetValue(schema, out var root))
                Compiled[schema] = root = Compile(schema, new Dictionary<JsonSchema, Node>(ReferenceEqualityComparer.Instance));
            return root;
        }
    }

    /// <summary>True when every node of the schema uses only keywords this check understands.</summary>
    public static bool Understands(JsonSchema schema)
    {
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        bool Walk(Node n)
        {
            if (!seen.Add(n)) return true;
            if (n.Unsupported) return false;
            return (n.Properties?.Values.All(Walk) ?? true) && (n.Item is null || Walk(n.Item)) && n.OneOf.All(Walk);
        }
        return Walk(Root(schema));
    }

    private static Node Compile(JsonSchema s, Dictionary<JsonSchema, Node> done)
    {
        s = s.ActualSchema;
        if (done.TryGetValue(s, out var existing)) return existing;
        var n = new Node();
        done[s] = n;
        n.Type = s.Type;
        n.MinLength = s.MinLength ?? 0;
        n.Unsupported =
            s.AllOf.Count > 0 || s.AnyOf.Count > 0 || s.Not is not null || s.Items.Count > 0
            || s.Pattern is not null || s.MaxLength is not null || s.Minimum is not null || s.Maximum is not null
            || s.ExclusiveMinimum is not null || s.ExclusiveMaximum is not null || s.IsExclusiveMinimum || s.IsExclusiveMaximum || s.MultipleOf is not null
            || s.MinItems != 0 || s.MaxItems != 0 || s.UniqueItems || s.MinProperties != 0 || s.MaxProperties != 0
            || s.PatternProperties.Count > 0 || s.AdditionalPropertiesSchema is not null || s.AdditionalItemsSchema is not null
            || s.Format is not null || (s.ExtensionData?.Keys.Any(k => !Annotations.Contains(k)) ?? false)
            || s.Type.HasFlag(JsonObjectType.File) || s.Type.HasFlag(JsonObjectType.Null) || s.IsNullableRaw == true
            // Only enumerations of text are understood.
            || (s.Enumeration.Count > 0 && s.Enumeration.Any(e => e is not string));
        // A node without a type constrains only the values its other keywords apply to: understood only as a bare
        // oneOf wrapper.
        if (s.Type == JsonObjectType.None && (s.ActualProperties.Count > 0 || s.Item is not null || s.RequiredProperties.Count > 0
                                              || s.Enumeration.Count > 0 || s.MinLength is not null || !s.AllowAdditionalProperties))
            n.Unsupported = true;
        if (s.Enumeration.Count > 0) n.StringEnum = new HashSet<string>(s.Enumeration.OfType<string>(), StringComparer.Ordinal);
        n.AllowAdditional = s.AllowAdditionalProperties;
        n.Required = [.. s.RequiredProperties];
        if (s.ActualProperties.Count > 0)
            n.Properties = s.ActualProperties.ToDictionary(p => p.Key, p => Compile(p.Value, done), StringComparer.Ordinal);
        if (s.Item is not null) n.Item = Compile(s.Item, done);
        n.OneOf = [.. s.OneOf.Select(o => Compile(o, done))];
        return n;
    }

    private static Conformance Check(YNode value, Node n)
    {
        if (n.Unsupported) return Conformance.Unknown;
        var result = Conformance.Conforms;
        if (n.Type != JsonObjectType.None)
        {
            var own = value switch
            {
                YMap m => n.Type.HasFlag(JsonObjectType.Object) ? Object(m, n) : Conformance.Violates,
                YSeq q => n.Type.HasFlag(JsonObjectType.Array) ? Array(q, n) : Conformance.Violates,
                YScalar s => Scalar(s, n),
                _ => Conformance.Unknown,
            };
            if (own != Conformance.Conforms) return own;
        }
        if (n.OneOf.Length > 0)
        {
            var matches = 0;
            foreach (var branch in n.OneOf)
                switch (Check(value, branch))
                {
                    case Conformance.Unknown: return Conformance.Unknown;
                    case Conformance.Conforms: matches++; break;
                }
            if (matches != 1) result = Conformance.Violates;
        }
        return result;
    }

    private static Conformance Object(YMap m, Node n)
    {
        foreach (var name in n.Required)
            if (m.KeyOf(name) is null) return Conformance.Violates;
        var result = Conformance.Conforms;
        foreach (var (k, v) in m.Entries)
        {
            if (n.Properties is not null && n.Properties.TryGetValue(k.Value, out var p))
            {
                var c = Check(v, p);
                if (c == Conformance.Violates) return c;
                if (c == Conformance.Unknown) result = c;
            }
            else if (!n.AllowAdditional) return Conformance.Violates;
        }
        return result;
    }

    private static Conformance Array(YSeq q, Node n)
    {
        if (n.Item is null) return Conformance.Conforms;
        var result = Conformance.Conforms;
        foreach (var item in q.Items)
        {
            var c = Check(item, n.Item);
            if (c == Conformance.Violates) return c;
            if (c == Conformance.Unknown) result = c;
        }
        return result;
    }

    private static Conformance Scalar(YScalar s, Node n)
    {
        // The JSON value the schema check sees (YamlReader.JsonKindOf, as YamlReader.ToJson writes it).
        var kind = YamlReader.JsonKindOf(s);
        if (kind == JsonObjectType.Null) return Conformance.Violates;   // no node of the schema admits null
        var typeOk = (n.Type & kind) != 0 || (kind == JsonObjectType.Integer && n.Type.HasFlag(JsonObjectType.Number));
        if (!typeOk) return Conformance.Violates;
        if (n.StringEnum is not null)
            return kind == JsonObjectType.String ? (n.StringEnum.Contains(s.Value) ? Conformance.Conforms : Conformance.Violates) : Conformance.Unknown;
        if (kind == JsonObjectType.String && s.Value.Length < n.MinLength) return Conformance.Violates;
        return Conformance.Conforms;
    }
}
