using NetTwin.Model;
using NJsonSchema;
using NJsonSchema.Validation;

namespace NetTwin.Formats.Yaml;

/// <summary>Enforces schema/nettwin.schema.json on a topology document, reporting each problem at the
/// YAML node it concerns, with a did-you-mean for unknown keys.</summary>
public static class SchemaCheck
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        using var s = typeof(SchemaCheck).Assembly.GetManifestResourceStream("nettwin.schema.json")
                      ?? throw new InvalidOperationException("schema resource missing from the build");
        using var r = new StreamReader(s);
        return JsonSchema.FromJsonAsync(r.ReadToEnd()).GetAwaiter().GetResult();
    });

    public static JsonSchema TopologySchema => Schema.Value;

    public static IReadOnlyList<LoadError> Check(YNode document) => Check(document, Schema.Value);

    public static IReadOnlyList<LoadError> Check(YNode document, JsonSchema schema)
    {
        // Valid input (the common case) is told in one pass over the tree; only a document that may break the schema
        // is written as JSON for NJsonSchema, with the path map that places its errors.
        if (SchemaConformance.Of(document, schema) == Conformance.Conforms) return [];
        var paths = new Dictionary<string, YNode>(StringComparer.Ordinal);
        var json = YamlReader.ToJson(document, paths);
        var errors = schema.Validate(json);
        var result = new List<LoadError>();
        foreach (var e in Flatten(errors))
            result.Add(ToLoadError(e, paths, document.Source.File));
        return result
            .GroupBy(e => (e.Source.Line, e.Source.Column, e.Message)).Select(g => g.First())
            .OrderBy(e => e.Source.Line).ThenBy(e => e.Source.Column).ToList();
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var e in errors)
        {
            if (e is ChildSchemaValidationError child && e.Kind is ValidationErrorKind.NotOneOf or ValidationErrorKind.NotAnyOf)
            {
                // oneOf: report the branch that got furthest (fewest errors), else the error itself.
                var best = child.Errors.Values.OrderBy(v => v.Count).FirstOrDefault();
                if (best is { Count: > 0 } && best.Count <= 2) { foreach (var x in Flatten(best)) yield return x; continue; }
                yield return e;
                continue;
            }
            if (e is ChildSchemaValidationError nested && nested.Errors.Values.Any(v => v.Count > 0))
            {
                // An array item or a $ref'd object: its own errors say what is wrong.
                foreach (var x in Flatten(nested.Errors.Values.SelectMany(v => v))) yield return x;
                continue;
            }
            yield return e;
        }
    }

    private static LoadError ToLoadError(ValidationError e, Dictionary<string, YNode> paths, string file)
    {
        var path = e.Path ?? "#";
        YNode? node = null;
        if (e.Kind == ValidationErrorKind.NoAdditionalPropertiesAllowed)
        {
            paths.TryGetValue(path + "#key", out node);
            if (node is null) paths.TryGetValue(path, out node);
        }
        else
        {
            // For a missing property the path names the property; report at its parent object.
            var p = path;
            while (node is null && p.Length > 0)
            {
                if (paths.TryGetValue(p, out node)) break;
                var cut = Math.Max(p.LastIndexOf('.'), p.LastIndexOf('['));
                if (cut <= 1) { paths.TryGetValue("#", out node); break; }
                p = p[..cut];
            }
        }
        var src = node?.Source ?? new SourceRef(file, 1, 1);
        var obj = ObjectName(path, paths);
        var value = node is YScalar s ? s.Value : null;
        string message = e.Kind switch
        {
            ValidationErrorKind.NoAdditionalPropertiesAllowed => UnknownKey(e),
            ValidationErrorKind.PropertyRequired => $"'{e.Property}' is required",
            ValidationErrorKind.NotInEnumeration => $"'{value}' is not allowed for '{LastName(path)}'; expected one of: {string.Join(", ", e.Schema.Enumeration.Select(x => x?.ToString()))}",
            ValidationErrorKind.ArrayExpected => $"'{LastName(path)}' must be a list",
            ValidationErrorKind.ObjectExpected => $"'{LastName(path)}' must be a map of properties",
            ValidationErrorKind.StringExpected => $"'{LastName(path)}' must be text, not {node?.Describe()}",
            ValidationErrorKind.IntegerExpected or ValidationErrorKind.NumberExpected => $"'{LastName(path)}' must be a whole number, not {node?.Describe()}",
            ValidationErrorKind.BooleanExpected => $"'{LastName(path)}' must be true or false, not {node?.Describe()}",
            ValidationErrorKind.StringTooShort => $"'{LastName(path)}' must not be empty",
            ValidationErrorKind.NotOneOf => $"'{LastName(path)}' has the wrong shape ({node?.Describe()})",
            _ => $"'{LastName(path)}': {e.Kind}",
        };
        return new LoadError(src, message, obj);
    }

    private static string UnknownKey(ValidationError e)
    {
        var known = e.Schema?.ActualProperties.Keys.ToList() ?? [];
        var guess = DidYouMean(e.Property ?? "", known);
        return guess is null
            ? $"unknown key '{e.Property}'; known keys: {string.Join(", ", known)}"
            : $"unknown key '{e.Property}' (did you mean '{guess}'?)";
    }

    public static string? DidYouMean(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Levenshtein(word.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance) { bestDistance = d; best = c; }
        }
        return best is not null && bestDistance <= Math.Max(2, word.Length / 3) ? best : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    private static string LastName(string path)
    {
        var p = path;
        while (p.EndsWith(']')) p = p[..p.LastIndexOf('[')];
        var cut = Math.Max(p.LastIndexOf('.'), p.LastIndexOf('/'));
        return cut >= 0 ? p[(cut + 1)..] : p;
    }

    /// <summary>"kind/name" of the resource a path lies in, when it has a name.</summary>
    private static string? ObjectName(string path, Dictionary<string, YNode> paths)
    {
        // #/virtualNetworks[3].subnets[0].addressPrefix -> virtualNetworks[3]
        if (!path.StartsWith("#/", StringComparison.Ordinal)) return null;
        var close = path.IndexOf(']');
        if (close < 0) return null;
        var resPath = path[..(close + 1)];
        var kind = path[2..path.IndexOf('[')];
        if (paths.TryGetValue(resPath, out var res) && res is YMap m && m["name"] is YScalar n)
            return $"{kind}/{n.Value}";
        return null;
    }
}
