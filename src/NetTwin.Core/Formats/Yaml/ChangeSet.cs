using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Formats.Yaml;

/// <summary>A change set: operations (add, remove, set, unset, fail, restore) applied in order on top of a
/// topology's documents before the model is built. See docs/format.md.</summary>
public sealed class ChangeSet
{
    public string File { get; }
    public string? Description { get; }
    private readonly List<YMap> _operations;

    private static readonly string[] Verbs = ["add", "remove", "set", "unset", "fail", "restore"];

    private ChangeSet(string file, string? description, List<YMap> operations)
    {
        File = file;
        Description = description;
        _operations = operations;
    }

    public static ChangeSet ReadFile(string path)
    {
        if (!System.IO.File.Exists(path))
            throw new LoadException(new LoadError(new SourceRef(path, 0, 0), "change set not found: no such file"));
        return Parse(System.IO.File.ReadAllText(path), path);
    }

    public static ChangeSet Parse(string text, string file)
    {
        var root = YamlReader.Parse(text, file);
        if (root is not YMap map)
            throw new LoadException(new LoadError(root.Source, "a change set is a map with 'changes:' (a list of operations)"));
        foreach (var (k, _) in map.Entries)
            if (k.Value is not ("description" or "changes"))
                throw new LoadException(new LoadError(k.Source, $"unknown key '{k.Value}' in a change set" + Guess(k.Value, ["description", "changes"])));
        if (map["changes"] is not YSeq ops)
            throw new LoadException(new LoadError(map.Source, "a change set needs 'changes:', a list of operations"));
        var list = new List<YMap>();
        foreach (var op in ops.Items)
        {
            if (op is not YMap m || m.Entries.Count != 1 || !Verbs.Contains(m.Entries[0].Key.Value))
            {
                var key = (op as YMap)?.Entries.FirstOrDefault().Key?.Value ?? "";
                throw new LoadException(new LoadError(op.Source,
                    $"each change is one of {string.Join(", ", Verbs)} (one per list item)" + Guess(key, Verbs)));
            }
            list.Add(m);
        }
        return new ChangeSet(file, (map["description"] as YScalar)?.Value, list);
    }

    private static string Guess(string word, IEnumerable<string> known) =>
        SchemaCheck.DidYouMean(word, known) is { } g ? $" (did you mean '{g}'?)" : "";

    /// <summary>Applies the operations to the documents (in place) and returns the failure set after them.</summary>
    public ImmutableHashSet<Failure> ApplyTo(List<YMap> documents, ImmutableHashSet<Failure> failures)
    {
        foreach (var op in _operations)
        {
            var (verb, arg) = (op.Entries[0].Key.Value, op.Entries[0].Value);
            switch (verb)
            {
                case "add":
                    if (arg is not YMap added)
                        throw Error(arg, "'add' takes resources in the topology format (virtualNetworks: [...], ...)");
                    documents.Add((YMap)added.Clone());
                    break;
                case "remove":
                    foreach (var target in Targets(arg))
                    {
                        var (list, node) = Find(documents, target);
                        list.Items.Remove(node);
                    }
                    break;
                case "set":
                case "unset":
                    {
                        if (arg is not YMap m || m["resource"] is not YScalar res || m["properties"] is not { } props)
                            throw Error(arg, $"'{verb}' takes 'resource: kind/name' and 'properties:'");
                        var (_, node) = Find(documents, res);
                        if (verb == "set")
                        {
                            if (props is not YMap pm) throw Error(props, "'properties' of 'set' is a map of property: value");
                            foreach (var (k, v) in pm.Entries) SetPath(node, k.Value.Split('.'), v.Clone(), k);
                        }
                        else
                        {
                            var names = props is YSeq ps ? ps.Items.OfType<YScalar>().Select(s => s.Value) : [((YScalar)props).Value];
                            foreach (var n in names) UnsetPath(node, n.Split('.'), props);
                        }
                        break;
                    }
                case "fail":
                    foreach (var target in Targets(arg)) failures = failures.Add(ParseFailure(target));
                    break;
                case "restore":
                    foreach (var target in Targets(arg)) failures = failures.Remove(ParseFailure(target));
                    break;
            }
        }
        return failures;
    }

    private LoadException Error(YNode at, string message) => new(new LoadError(at.Source, message, Path.GetFileName(File)));

    private IEnumerable<YScalar> Targets(YNode arg) => arg switch
    {
        YScalar s => [s],
        YSeq q => q.Items.Select(i => i as YScalar ?? throw Error(i, "expected a resource address such as connections/NAME")),
        _ => throw Error(arg, "expected a resource address such as connections/NAME, or a list of them"),
    };

    /// <summary>Finds a resource by its address: kind/name, or virtualNetworks/VNET/subnets/NAME.</summary>
    private (YSeq List, YMap Node) Find(List<YMap> documents, YScalar address)
    {
        var parts = address.Value.Split('/');
        if (parts.Length is not (2 or 4) || (parts.Length == 4 && (parts[0] != Kinds.VirtualNetworks || parts[2] != "subnets")))
            throw Error(address, $"'{address.Value}' is not a resource address (kind/name, or virtualNetworks/VNET/subnets/NAME)");
        if (!Kinds.TopLevel.Contains(parts[0]))
            throw Error(address, $"unknown resource kind '{parts[0]}'" + Guess(parts[0], Kinds.TopLevel));
        var found = FindIn(documents, parts[0], parts[1]);
        if (found is null)
            throw Error(address, $"'{address.Value}' does not exist" + Guess(parts[1], Names(documents, parts[0])));
        if (parts.Length == 2) return found.Value;
        if (found.Value.Node["subnets"] is not YSeq subnets)
            throw Error(address, $"virtual network '{parts[1]}' has no subnets");
        var subnet = subnets.Items.OfType<YMap>().FirstOrDefault(s => (s["name"] as YScalar)?.Value == parts[3])
            ?? throw Error(address, $"subnet '{parts[3]}' does not exist in '{parts[1]}'"
                + Guess(parts[3], subnets.Items.OfType<YMap>().Select(s => (s["name"] as YScalar)?.Value ?? "")));
        return (subnets, subnet);
    }

    private static (YSeq List, YMap Node)? FindIn(List<YMap> documents, string kind, string name)
    {
        foreach (var d in documents)
            if (d[kind] is YSeq q)
                foreach (var item in q.Items)
                    if (item is YMap m && (m["name"] as YScalar)?.Value == name) return (q, m);
        return null;
    }

    private static IEnumerable<string> Names(List<YMap> documents, string kind) =>
        documents.SelectMany(d => d[kind] is YSeq q ? q.Items.OfType<YMap>() : []).Select(m => (m["name"] as YScalar)?.Value ?? "");

    private void SetPath(YMap node, string[] path, YNode value, YNode at)
    {
        for (var i = 0; i < path.Length - 1; i++)
        {
            if (node[path[i]] is not YMap next)
            {
                if (node[path[i]] is not null) throw Error(at, $"'{path[i]}' is not a map, so '{string.Join('.', path)}' cannot be set");
                next = new YMap([], at.Source);
                node.Set(path[i], next);
            }
            node = next;
        }
        node.Set(path[^1], value);
    }

    private void UnsetPath(YMap node, string[] path, YNode at)
    {
        for (var i = 0; i < path.Length - 1; i++)
            node = node[path[i]] as YMap ?? throw Error(at, $"'{string.Join('.', path)}' is not set");
        if (!node.Remove(path[^1])) throw Error(at, $"'{string.Join('.', path)}' is not set, so it cannot be unset");
    }

    private Failure ParseFailure(YScalar target)
    {
        var p = target.Value.Split('/');
        Failure? f = p switch
        {
            [Kinds.Connections, var n] => new Failure(FailureKind.Connection, n),
            [Kinds.ExpressRouteCircuits, var n] => new Failure(FailureKind.Circuit, n),
            [Kinds.VirtualNetworkGateways, var n, "instances", var i] when int.TryParse(i, out var idx) => new Failure(FailureKind.GatewayInstance, n, idx),
            [Kinds.VirtualNetworkGateways or Kinds.OnPremisesDevices, var n, "bgpPeers", var ip] when Ipv4.TryParse(ip, out var a, out _) => new Failure(FailureKind.BgpPeer, n, Peer: a),
            _ => null,
        };
        return f ?? throw Error(target,
            $"'{target.Value}' cannot fail: use connections/NAME, expressRouteCircuits/NAME, virtualNetworkGateways/NAME/instances/N, or virtualNetworkGateways|onPremisesDevices/NAME/bgpPeers/IP");
    }
}
