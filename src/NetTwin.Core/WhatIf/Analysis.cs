using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Routing;
using NetTwin.Validation;

namespace NetTwin.WhatIf;

/// <summary>Everything the what-if stage compares about one topology: validation findings, the control plane and
/// the tunnels (<see cref="Ipsec.Planes"/>), and the flows and intents the forwarding stage answers over them. Each part
/// is computed on first use and kept (thread-safe), so a baseline analysed once serves every what-if, timeline step
/// and failure case built on it.</summary>
public sealed class EstateAnalysis
{
    private readonly Lazy<ValidationResult> _findings;
    private readonly Lazy<Planes> _planes;
    private readonly Lazy<IReadOnlyList<IntentOutcome>> _intents;
    private readonly Lazy<Dictionary<string, IntentOutcome>> _intentsByName;

    public Topology Topology { get; }

    /// <summary>How this analysis relates to <see cref="DerivedFrom"/> (null for a fresh analysis).</summary>
    public ChangeScope? Scope { get; }
    public EstateAnalysis? DerivedFrom { get; }

    /// <summary>What is asked of the forwarding stage over this estate (the intents, the flow matrix).</summary>
    public Probes Probes { get; }

    private EstateAnalysis(Topology topology, Func<Planes> planes, ChangeScope? scope, EstateAnalysis? from, Probes probes)
    {
        Topology = topology;
        Scope = scope;
        DerivedFrom = from;
        Probes = probes;
        // Derived: only the rule parts reading a collection the change touched run again (Validator.Revalidate).
        _findings = new(() => scope is not null && from is not null
            ? Validator.Revalidate(from._findings.Value, topology, scope.Changed,
                // ChangedRouteTables is worked out only for the narrow scopes (a Full scope stops before it).
                scope.Routing == RoutingScope.Full ? null : scope.ChangedRouteTables)
            : Validator.ValidateByPart(topology));
        _planes = new(planes);
        _intents = new(() => probes.Check(Planes));
        _intentsByName = new(() => IntentResults.GroupBy(i => i.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));
    }

    /// <summary>A fresh analysis: everything computed from the topology.</summary>
    public static EstateAnalysis Of(Topology topology, Probes? probes = null) =>
        new(topology, () => Planes.Compute(topology), null, null, probes ?? Probes.None);

    /// <summary>The analysis of this estate with <paramref name="failures"/> added (a failure case), with the same
    /// probes: the planes are recomputed from this analysis' (<see cref="Planes.Recompute"/>: BGP only where the
    /// failures reach, the other hubs' gateway routes and route tables kept).</summary>
    public EstateAnalysis Failing(IEnumerable<Failure> failures)
    {
        var after = Topology with { Failures = Topology.Failures.Union(failures) };
        return new(after, () => Planes.Recompute(Planes, after), null, null, Probes);
    }

    /// <summary>The analysis of <paramref name="after"/>, a variant of this analysis' topology, recomputing only what
    /// the change can affect (rule of thumb of <see cref="ChangeScope"/>): nothing routing reads changed → this
    /// control plane and these tunnels, over the new topology; only route tables changed (not a GatewaySubnet's) →
    /// BGP, gateway routes and tunnels kept, only the tables of subnets using a changed table rebuilt; anything else
    /// → computed afresh. A change of peerings' allowForwardedTraffic alone is read by forwarding only (rule C2), so
    /// it keeps the routing scope of the rest. Validation reruns only the rule parts reading a changed collection
    /// (<see cref="Validator.Revalidate"/>); forwarding is computed afresh over the new topology.</summary>
    public EstateAnalysis Derive(Topology after)
    {
        var scope = ChangeScope.Of(Topology, after);
        return scope.Routing switch
        {
            RoutingScope.Full => new(after, () => Planes.Compute(after), scope, this, Probes),
            _ => new(after, () => new Planes(Planes.Routing.WithRouteTables(after, scope.ChangedRouteTables), Planes.Tunnels), scope, this, Probes),
        };
    }

    public IReadOnlyList<Finding> Findings => _findings.Value.Findings;
    public bool HasErrors => Findings.Any(f => f.Severity == Severity.Error);
    public Planes Planes => _planes.Value;
    public ControlPlane Routing => Planes.Routing;
    public TunnelsAnswer Tunnels => Planes.Tunnels;

    /// <summary>Every intent's verdict over this estate, in the intents file's order.</summary>
    public IReadOnlyList<IntentOutcome> IntentResults => _intents.Value;
    public IntentOutcome? Intent(string name) => _intentsByName.Value.GetValueOrDefault(name);
    public IEnumerable<string> IntentNames => Probes.IntentNames;
    public string? IntentsFile => Probes.IntentsFile;
}
