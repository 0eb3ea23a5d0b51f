using System.Collections.Immutable;
using System.Text.Json;
using NetTwin.Formats.Yaml;
using NetTwin.Model;

namespace NetTwin.Formats.Json;

/// <summary>Reads Azure's "Azure IP Ranges and Service Tags" file (Public cloud: <c>ServiceTags_Public_YYYYMMDD.json</c>,
/// as downloaded; or any <c>ServiceTags_*.json</c>, or <c>serviceTags.json</c>) from a topology folder:
/// <c>{"changeNumber":..,"cloud":"Public","values":[{"name":"Storage.WestEurope","id":..,"properties":{"region":"westeurope",
/// "systemService":"AzureStorage","addressPrefixes":[..]}}]}</c>. IPv6 prefixes are ignored (with a note). A bad file is a
/// <see cref="LoadException"/> naming the file, and the line and column where System.Text.Json gives them.</summary>
public static class ServiceTagsLoader
{
    /// <summary>True for the file names NetTwin reads as service tags files.</summary>
    public static bool IsServiceTagsFile(string path)
    {
        var name = Path.GetFileName(path);
        return name.Equals("serviceTags.json", StringComparison.OrdinalIgnoreCase)
            || (name.StartsWith("ServiceTags_", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Every service tags file of a folder, merged (a tag in two files: the first file, by name, wins).</summary>
    public static ServiceTagSet LoadFolder(string folder)
    {
        if (!Directory.Exists(folder)) return ServiceTagSet.Empty;
        var files = Directory.EnumerateFiles(folder).Where(IsServiceTagsFile).OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0) return ServiceTagSet.Empty;
        var errors = new List<LoadError>();
        var tags = new List<ServiceTag>();
        var notes = new List<string>();
        foreach (var f in files)
        {
            try
            {
                var (t, n) = Parse(File.ReadAllText(f), f);
                tags.AddRange(t);
                notes.AddRange(n);
            }
            catch (LoadException e) { errors.AddRange(e.Errors); }
        }
        if (errors.Count > 0) throw new LoadException(errors);
        return new ServiceTagSet([.. files.Select(Path.GetFullPath)], [.. tags], [.. notes]);
    }

    private sealed class FileDto
    {
        public long? ChangeNumber { get; set; }
        public string? Cloud { get; set; }
        public List<TagDto?>? Values { get; set; }
    }

    private sealed class TagDto
    {
        public string? Name { get; set; }
        public string? Id { get; set; }
        public PropertiesDto? Properties { get; set; }
    }

    private sealed class PropertiesDto
    {
        public long? ChangeNumber { get; set; }
        public string? Region { get; set; }
        public string? SystemService { get; set; }
        public List<string?>? AddressPrefixes { get; set; }
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = false,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>Parses one file's text; <paramref name="file"/> names it in errors.</summary>
    public static (IReadOnlyList<ServiceTag> Tags, IReadOnlyList<string> Notes) Parse(string text, string file)
    {
        FileDto? dto;
        try { dto = JsonSerializer.Deserialize<FileDto>(text, Options); }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? (int)l + 1 : 0;
            var col = e.BytePositionInLine is { } b ? (int)b + 1 : 0;
            throw new LoadException(new LoadError(new SourceRef(file, line, col),
                $"not a valid service tags file (Azure IP Ranges and Service Tags JSON): {Clean(e.Message)}"));
        }
        var errors = new List<LoadError>();
        if (dto?.Values is null)
            throw new LoadException(new LoadError(new SourceRef(file, 0, 0),
                "not a service tags file: expected an object with a \"values\" list, as in Azure's ServiceTags_Public_YYYYMMDD.json"));
        var tags = new List<ServiceTag>();
        var ipv6 = 0;
        var searchFrom = 0;
        for (var i = 0; i < dto.Values.Count; i++)
        {
            var v = dto.Values[i];
            if (v?.Name is not { Length: > 0 } name)
            {
                errors.Add(new LoadError(new SourceRef(file, 0, 0), $"values[{i}] has no \"name\""));
                continue;
            }
            var where = Locate(text, $"\"{name}\"", ref searchFrom, file);
            if (v.Properties?.AddressPrefixes is not { } prefixes)
            {
                errors.Add(new LoadError(where, $"service tag {name} (values[{i}]) has no \"properties.addressPrefixes\" list", name));
                continue;
            }
            var list = ImmutableArray.CreateBuilder<Prefix>();
            for (var j = 0; j < prefixes.Count; j++)
            {
                var p = prefixes[j] ?? "";
                if (p.Contains(':')) { ipv6++; continue; }
                if (Prefix.TryParse(p, out var prefix, out var err)) list.Add(prefix);
                else
                {
                    var at = searchFrom;
                    errors.Add(new LoadError(Locate(text, $"\"{p}\"", ref at, file),
                        $"service tag {name}: values[{i}].properties.addressPrefixes[{j}] '{p}' is not an IPv4 or IPv6 prefix: {err}", name));
                }
            }
            tags.Add(new ServiceTag(name, v.Properties.Region ?? "", v.Properties.SystemService ?? "", list.ToImmutable(), where));
        }
        if (errors.Count > 0) throw new LoadException(errors);
        var notes = ipv6 == 0 ? [] : new List<string>
        {
            $"{Path.GetFileName(file)} holds {ipv6} IPv6 prefixes",
        };
        return (tags, notes);
    }

    // System.Text.Json appends "Path: $... | LineNumber: n | BytePositionInLine: m." — the position is given separately.
    private static string Clean(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var m = cut > 0 ? message[..cut].TrimEnd(' ', '|') : message;
        m = m.Replace(typeof(FileDto).FullName!, "an object {\"changeNumber\", \"cloud\", \"values\"}", StringComparison.Ordinal)
            .Replace(typeof(TagDto).FullName!, "a service tag {\"name\", \"id\", \"properties\"}", StringComparison.Ordinal)
            .Replace(typeof(PropertiesDto).FullName!, "properties {\"region\", \"systemService\", \"addressPrefixes\"}", StringComparison.Ordinal);
        return m.TrimEnd('.');
    }

    // The line and column of the next occurrence of a token, for errors System.Text.Json does not position.
    private static SourceRef Locate(string text, string token, ref int from, string file)
    {
        var at = text.IndexOf(token, from, StringComparison.Ordinal);
        if (at < 0) return new SourceRef(file, 0, 0);
        from = at + token.Length;
        int line = 1, lineStart = 0;
        for (var k = 0; k < at; k++)
            if (text[k] == '\n') { line++; lineStart = k + 1; }
        return new SourceRef(file, line, at - lineStart + 1);
    }
}
