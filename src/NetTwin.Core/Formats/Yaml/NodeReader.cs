using System.Collections.Immutable;
using System.Globalization;
using NetTwin.Model;

namespace NetTwin.Formats.Yaml;

/// <summary>Typed reads from a located YAML map, collecting every problem (with its place) instead of stopping
/// at the first. The schema has already checked shapes; this checks values (CIDRs, IPs, ranges).</summary>
internal sealed class NodeReader(List<LoadError> errors)
{
    public List<LoadError> Errors { get; } = errors;
    public string? Object { get; set; }

    public void Error(YNode at, string message) => Errors.Add(new LoadError(at.Source, message, Object));

    public string Str(YMap m, string key, string fallback = "") =>
        m[key] is YScalar s && !s.IsNull ? s.Value : fallback;

    public string? OptStr(YMap m, string key) =>
        m[key] is YScalar s && !s.IsNull && s.Value.Length > 0 ? s.Value : null;

    public bool Bool(YMap m, string key, bool fallback)
    {
        if (m[key] is not YScalar s || s.IsNull) return fallback;
        return s.Value.ToLowerInvariant() switch { "true" => true, "false" => false, _ => Fail(s, fallback) };
        bool Fail(YScalar at, bool f) { Error(at, $"'{key}' must be true or false, not '{at.Value}'"); return f; }
    }

    public long Long(YMap m, string key, long fallback)
    {
        if (m[key] is not YScalar s || s.IsNull) return fallback;
        if (long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        Error(s, $"'{key}' must be a whole number, not '{s.Value}'");
        return fallback;
    }

    public int Int(YMap m, string key, int fallback) => (int)Long(m, key, fallback);

    public Prefix Cidr(YNode? n, string what, Prefix fallback = default)
    {
        if (n is not YScalar s || s.IsNull) return fallback;
        if (Prefix.TryParse(s.Value, out var p, out var err)) return p;
        Error(s, $"invalid {what}: {err}");
        return fallback;
    }

    public Prefix? OptCidr(YMap m, string key) => m[key] is YScalar { IsNull: false } ? Cidr(m[key], key) : null;

    public Ipv4 Ip(YNode? n, string what)
    {
        if (n is not YScalar s || s.IsNull) return default;
        if (Ipv4.TryParse(s.Value, out var ip, out var err)) return ip;
        Error(s, $"invalid {what}: {err}");
        return default;
    }

    public Ipv4? OptIp(YMap m, string key) => m[key] is YScalar { IsNull: false } ? Ip(m[key], key) : null;

    public IEnumerable<YNode> Items(YMap m, string key) => m[key] is YSeq q ? q.Items : [];

    public IEnumerable<YMap> Maps(YMap m, string key) => Items(m, key).OfType<YMap>();

    public ImmutableArray<string> Strings(YMap m, string key) =>
        [.. Items(m, key).OfType<YScalar>().Select(s => s.Value)];

    public ImmutableArray<Prefix> Cidrs(YMap m, string key) =>
        [.. Items(m, key).Select(n => Cidr(n, key))];

    public ImmutableArray<Ipv4> Ips(YMap m, string key) =>
        [.. Items(m, key).Select(n => Ip(n, key))];

    public T Enum<T>(YMap m, string key, T fallback) where T : struct, System.Enum
    {
        if (m[key] is not YScalar s || s.IsNull) return fallback;
        if (System.Enum.TryParse<T>(s.Value, ignoreCase: true, out var v)) return v;
        Error(s, $"'{s.Value}' is not allowed for '{key}'; expected one of: {string.Join(", ", System.Enum.GetNames<T>())}");
        return fallback;
    }

    public SourceRef Src(YNode n) => n.Source;
}
