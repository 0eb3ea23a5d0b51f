using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Formats.Yaml;

/// <summary>Reads intents.yaml (docs/intents.md): a list of named reach, isolated and symmetric intents.</summary>
public static class IntentsLoader
{
    public const string FileName = "intents.yaml";

    private static readonly string[] Kinds = ["reach", "isolated", "symmetric"];
    private static readonly string[] Keys = ["name", "description", .. Kinds];
    private static readonly string[] FlowKeys = ["from", "to", "protocol", "port", "via", "source"];

    /// <summary>The intents of a topology folder: its intents.yaml, or none when there is no such file.</summary>
    public static ImmutableArray<Intent> LoadFolder(string path)
    {
        var file = Directory.Exists(path) ? System.IO.Path.Combine(path, FileName) : null;
        return file is not null && File.Exists(file) ? Load(file) : [];
    }

    /// <summary>Reads an intents file; every problem is reported with file, line and column (LoadException).</summary>
    public static ImmutableArray<Intent> Load(string file)
    {
        if (!File.Exists(file)) throw new LoadException([new LoadError(new SourceRef(file, 0, 0), "intents file not found: no such file")]);
        var root = YamlReader.Parse(File.ReadAllText(file), file);
        return Parse(root);
    }

    internal static ImmutableArray<Intent> Parse(YNode root)
    {
        var errors = new List<LoadError>();
        if (root is not YMap map || map["intents"] is not YSeq list)
            throw new LoadException([new LoadError(root.Source, "an intents file is a map with 'intents:', a list of intents")]);
        foreach (var k in map.Entries.Select(e => e.Key).Where(k => k.Value != "intents"))
            errors.Add(new LoadError(k.Source, $"unknown key '{k.Value}' in an intents file (expected 'intents')"));
        var result = new List<Intent>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Items)
        {
            if (item is not YMap m) { errors.Add(new LoadError(item.Source, "an intent is a map with a name and one of reach, isolated, symmetric")); continue; }
            var name = (m["name"] as YScalar)?.Value;
            var obj = name is null ? null : $"intents/{name}";
            if (string.IsNullOrWhiteSpace(name)) { errors.Add(new LoadError(m.Source, "an intent needs a name")); continue; }
            if (!names.Add(name)) errors.Add(new LoadError(m.Source, $"intent name '{name}' is used twice", obj));
            foreach (var k in m.Entries.Select(e => e.Key).Where(k => !Keys.Contains(k.Value)))
                errors.Add(new LoadError(k.Source, $"unknown key '{k.Value}' in intent {name}" + DidYouMean(k.Value, Keys), obj));
            var kinds = Kinds.Where(k => m[k] is not null).ToList();
            if (kinds.Count != 1) { errors.Add(new LoadError(m.Source, $"intent {name} needs exactly one of reach, isolated, symmetric", obj)); continue; }
            if (m[kinds[0]] is not YMap f) { errors.Add(new LoadError(m[kinds[0]]!.Source, $"intent {name}: {kinds[0]} is a map with from, to, protocol, port", obj)); continue; }
            foreach (var k in f.Entries.Select(e => e.Key).Where(k => !FlowKeys.Contains(k.Value)))
                errors.Add(new LoadError(k.Source, $"unknown key '{k.Value}' in intent {name}" + DidYouMean(k.Value, FlowKeys), obj));
            string? Str(string key) => f[key] is YScalar { IsNull: false } s ? s.Value : null;
            var from = Str("from");
            var to = Str("to");
            if (from is null || to is null) { errors.Add(new LoadError(f.Source, $"intent {name} needs 'from' and 'to'", obj)); continue; }
            var protocol = Str("protocol")?.ToLowerInvariant() switch
            {
                null or "tcp" => TransportProtocol.Tcp,
                "udp" => TransportProtocol.Udp,
                "icmp" => TransportProtocol.Icmp,
                var other => Bad(f["protocol"]!, $"intent {name}: protocol '{other}' is not tcp, udp or icmp"),
            };
            var port = 443;
            if (Str("port") is { } ps && (!int.TryParse(ps, out port) || port is < 0 or > 65535))
                errors.Add(new LoadError(f["port"]!.Source, $"intent {name}: port '{ps}' is not a port (0-65535)", obj));
            var via = Str("via");
            if (via is not null && kinds[0] != "reach") errors.Add(new LoadError(f["via"]!.Source, $"intent {name}: 'via' applies to reach intents only", obj));
            var source = Str("source");
            if (source is not null && (kinds[0] != "reach" || !Ipv4.TryParse(source, out _, out _)))
                errors.Add(new LoadError(f["source"]!.Source, $"intent {name}: 'source' (the translated source address the destination sees) is an IPv4 address on reach intents", obj));
            var kind = kinds[0] switch { "reach" => IntentKind.Reach, "isolated" => IntentKind.Isolated, _ => IntentKind.Symmetric };
            result.Add(new Intent(name, kind, from, to, protocol, port, via, source, m.Source));

            TransportProtocol Bad(YNode at, string message)
            {
                errors.Add(new LoadError(at.Source, message, obj));
                return TransportProtocol.Tcp;
            }
        }
        if (errors.Count > 0) throw new LoadException(errors);
        return [.. result];
    }

    private static string DidYouMean(string key, string[] known) =>
        SchemaCheck.DidYouMean(key, known) is { } g ? $" (did you mean '{g}'?)" : "";
}
