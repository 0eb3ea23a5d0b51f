using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Formats.Yaml;

/// <summary>Reads a timeline file (docs/timeline.md). Every problem — an unknown key (with a did-you-mean), a
/// missing change set, a bad prefix, an unknown state — is a <see cref="LoadError"/> naming file, line and column;
/// all of them are reported together.</summary>
public static class TimelineLoader
{
    private static readonly string[] TopKeys = ["description", "topology", "apply", "intents", "steps"];
    private static readonly string[] StepKeys = ["name", "changes", "expect"];
    private static readonly string[] ExpectKeys = ["valid", "findings", "absentFindings", "holds", "violated", "bgpSessions", "learnedRoutes", "tunnels", "routes"];
    private static readonly string[] SessionKeys = ["speaker", "neighbor", "state"];
    private static readonly string[] LearnedKeys = ["gateway", "networks", "sourcePeer", "origin", "absent"];
    private static readonly string[] TunnelKeys = ["connection", "state"];
    private static readonly string[] RouteKeys = ["subnet", "prefix", "source", "state", "nextHopType", "absent"];
    public static readonly ImmutableArray<string> SessionStates = ["Connected", "Connecting", "Idle", "notConnected"];
    public static readonly ImmutableArray<string> TunnelStates = ["Up", "Down", "Recursive", "notUp"];

    public static Timeline Load(string file)
    {
        if (Directory.Exists(file)) file = Path.Combine(file, "timeline.yaml");
        if (!File.Exists(file))
            throw new LoadException(new LoadError(new SourceRef(file, 0, 0), "timeline not found: no such file"));
        return Parse(File.ReadAllText(file), file);
    }

    public static Timeline Parse(string text, string file)
    {
        var root = YamlReader.Parse(text, file);
        var errors = new List<LoadError>();
        void Error(YNode at, string message) => errors.Add(new LoadError(at.Source, message));
        if (root is not YMap map)
            throw new LoadException(new LoadError(root.Source, "a timeline is a map with 'steps:' (a list of steps)"));
        var dir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        Keys(map, TopKeys, "a timeline", errors);

        string? Scalar(YMap m, string key)
        {
            if (m[key] is null || m[key] is YScalar { IsNull: true }) return null;
            if (m[key] is YScalar s) return s.Value;
            Error(m[key]!, $"'{key}' must be a single value, not {m[key]!.Describe()}");
            return null;
        }

        string Existing(YScalar s, string what, bool folderOk)
        {
            var path = Path.GetFullPath(Path.Combine(dir, s.Value));
            if (!File.Exists(path) && !(folderOk && Directory.Exists(path))) Error(s, $"{what} '{s.Value}' not found (looked for {path})");
            return path;
        }

        ImmutableArray<string> ChangeSets(YMap m, string key)
        {
            if (m[key] is null || m[key] is YScalar { IsNull: true }) return [];
            if (m[key] is YScalar one) return [Existing(one, "change set", false)];
            if (m[key] is not YSeq seq) { Error(m[key]!, $"'{key}' is a list of change set files"); return []; }
            var list = new List<string>();
            foreach (var i in seq.Items)
                if (i is YScalar s && !s.IsNull) list.Add(Existing(s, "change set", false));
                else Error(i, $"each entry of '{key}' is a change set file name, not {i.Describe()}");
            return [.. list];
        }

        var topoNode = map["topology"] as YScalar;
        var topology = topoNode is { IsNull: false } ? Existing(topoNode, "topology", true) : dir;
        var apply = ChangeSets(map, "apply");
        string? intents = null;
        if (map["intents"] is YScalar { IsNull: false } inode) intents = Existing(inode, "intents file", false);
        else if (File.Exists(Path.Combine(Directory.Exists(topology) ? topology : Path.GetDirectoryName(topology) ?? dir, "intents.yaml")))
            intents = Path.Combine(Directory.Exists(topology) ? topology : Path.GetDirectoryName(topology) ?? dir, "intents.yaml");

        var steps = new List<TimelineStep>();
        if (map["steps"] is not YSeq stepSeq || stepSeq.Items.Count == 0)
            Error(map["steps"] ?? map, "a timeline needs 'steps:', a non-empty list of steps");
        else
            foreach (var (item, index) in stepSeq.Items.Select((x, i) => (x, i)))
            {
                if (item is not YMap step) { Error(item, $"a step is a map with name, changes and expect, not {item.Describe()}"); continue; }
                Keys(step, StepKeys, "a step", errors);
                var name = Scalar(step, "name") ?? $"step {index + 1}";
                var changes = ChangeSets(step, "changes");
                var expect = new List<Expectation>();
                if (step["expect"] is YMap e) ReadExpectations(e, expect, errors);
                else if (step["expect"] is { } bad && bad is not YScalar { IsNull: true }) Error(bad, "'expect' is a map of expectations");
                steps.Add(new TimelineStep(name, changes, [.. expect], step.Source));
            }
        if (errors.Count > 0) throw new LoadException(errors);
        return new Timeline(Path.GetFullPath(file), Scalar(map, "description"), topology, apply, intents, [.. steps]);
    }

    private static void ReadExpectations(YMap e, List<Expectation> expect, List<LoadError> errors)
    {
        var r = new NodeReader(errors);
        Keys(e, ExpectKeys, "'expect'", errors);
        if (e["valid"] is YScalar v) expect.Add(new ValidExpectation(r.Bool(e, "valid", true), v.Source));
        foreach (var (key, present) in new[] { ("findings", true), ("absentFindings", false) })
            foreach (var s in Names(e, key, errors)) expect.Add(new FindingExpectation(s.Value, present, s.Source));
        foreach (var (key, holds) in new[] { ("holds", true), ("violated", false) })
            foreach (var s in Names(e, key, errors)) expect.Add(new IntentExpectation(s.Value, holds, s.Source));

        foreach (var m in Maps(e, "bgpSessions", errors))
        {
            Keys(m, SessionKeys, "a bgpSessions entry", errors);
            var state = Choice(m, "state", SessionStates, errors);
            if (Required(m, "speaker", errors) is { } speaker && Required(m, "neighbor", errors) is { } n && state is not null)
                expect.Add(new BgpSessionExpectation(speaker.Value, r.Ip(n, "neighbor"), state, m.Source));
        }
        foreach (var m in Maps(e, "learnedRoutes", errors))
        {
            Keys(m, LearnedKeys, "a learnedRoutes entry", errors);
            var gateway = Required(m, "gateway", errors);
            var peer = r.OptIp(m, "sourcePeer");
            var origin = Choice(m, "origin", ["Network", "EBgp", "IBgp"], errors, required: false);
            var absent = r.Bool(m, "absent", false);
            IReadOnlyList<YNode> networks = m["networks"] is YScalar one ? [one] : m["networks"] is YSeq q ? q.Items : [];
            if (networks.Count == 0) errors.Add(new LoadError(m.Source, "a learnedRoutes entry needs 'networks:' (one prefix or a list)"));
            foreach (var n in networks)
                if (gateway is not null) expect.Add(new LearnedRouteExpectation(gateway.Value, r.Cidr(n, "network"), peer, origin, !absent, n.Source));
        }
        foreach (var m in Maps(e, "tunnels", errors))
        {
            Keys(m, TunnelKeys, "a tunnels entry", errors);
            var state = Choice(m, "state", TunnelStates, errors);
            if (Required(m, "connection", errors) is { } c && state is not null) expect.Add(new TunnelExpectation(c.Value, state, m.Source));
        }
        foreach (var m in Maps(e, "routes", errors))
        {
            Keys(m, RouteKeys, "a routes entry", errors);
            var source = Choice(m, "source", ["Default", "User", "VirtualNetworkGateway"], errors, required: false);
            var state = Choice(m, "state", ["Active", "Invalid"], errors, required: false);
            var nh = Choice(m, "nextHopType", Enum.GetNames<NextHopType>(), errors, required: false);
            if (Required(m, "subnet", errors) is { } s && Required(m, "prefix", errors) is { } p)
                expect.Add(new RouteExpectation(s.Value, r.Cidr(p, "prefix"), source, state, nh, !r.Bool(m, "absent", false), m.Source));
        }
    }

    private static void Keys(YMap m, string[] known, string what, List<LoadError> errors)
    {
        foreach (var (k, _) in m.Entries)
            if (!known.Contains(k.Value))
                errors.Add(new LoadError(k.Source, $"unknown key '{k.Value}' in {what}"
                    + (SchemaCheck.DidYouMean(k.Value, known) is { } g ? $" (did you mean '{g}'?)" : $" (known: {string.Join(", ", known)})")));
    }

    private static IEnumerable<YScalar> Names(YMap m, string key, List<LoadError> errors)
    {
        var node = m[key];
        if (node is null || node is YScalar { IsNull: true }) return [];
        if (node is YScalar s) return [s];
        if (node is not YSeq q) { errors.Add(new LoadError(node.Source, $"'{key}' is a list of names")); return []; }
        var list = new List<YScalar>();
        foreach (var i in q.Items)
            if (i is YScalar x && !x.IsNull) list.Add(x);
            else errors.Add(new LoadError(i.Source, $"each entry of '{key}' is a name, not {i.Describe()}"));
        return list;
    }

    private static IEnumerable<YMap> Maps(YMap m, string key, List<LoadError> errors)
    {
        var node = m[key];
        if (node is null || node is YScalar { IsNull: true }) return [];
        if (node is not YSeq q) { errors.Add(new LoadError(node.Source, $"'{key}' is a list of maps")); return []; }
        var list = new List<YMap>();
        foreach (var i in q.Items)
            if (i is YMap x) list.Add(x);
            else errors.Add(new LoadError(i.Source, $"each entry of '{key}' is a map, not {i.Describe()}"));
        return list;
    }

    private static YScalar? Required(YMap m, string key, List<LoadError> errors)
    {
        if (m[key] is YScalar { IsNull: false } s) return s;
        errors.Add(new LoadError(m[key]?.Source ?? m.Source, $"'{key}' is required here"));
        return null;
    }

    private static string? Choice(YMap m, string key, IReadOnlyList<string> allowed, List<LoadError> errors, bool required = true)
    {
        if (m[key] is not YScalar { IsNull: false } s)
        {
            if (required) errors.Add(new LoadError(m[key]?.Source ?? m.Source, $"'{key}' is required here (one of {string.Join(", ", allowed)})"));
            return null;
        }
        var match = allowed.FirstOrDefault(a => string.Equals(a, s.Value, StringComparison.OrdinalIgnoreCase));
        if (match is null) errors.Add(new LoadError(s.Source, $"'{key}' must be one of {string.Join(", ", allowed)}, not '{s.Value}'"));
        return match;
    }
}
