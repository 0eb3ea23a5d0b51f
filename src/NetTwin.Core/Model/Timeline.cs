using System.Collections.Immutable;

namespace NetTwin.Model;

/// <summary>A what-if sequence (docs/timeline.md): a topology, the change sets that make its starting point, and
/// steps, each adding change sets on top of the previous step and stating what must hold after it.</summary>
/// <param name="File">The timeline file.</param>
/// <param name="Topology">The topology folder (or file), resolved against the timeline's folder.</param>
/// <param name="Apply">Change sets applied before the first step (the baseline), resolved paths.</param>
/// <param name="Intents">The intents file the step expectations name, resolved; null when none is given or found.</param>
public sealed record Timeline(
    string File,
    string? Description,
    string Topology,
    ImmutableArray<string> Apply,
    string? Intents,
    ImmutableArray<TimelineStep> Steps);

/// <summary>One step: change sets (resolved paths) applied on top of the previous step, and the expectations.</summary>
public sealed record TimelineStep(string Name, ImmutableArray<string> Changes, ImmutableArray<Expectation> Expect, SourceRef Source);

/// <summary>What must hold after a step. Every expectation keeps where it was written, so a failed one (or one
/// naming an unknown intent) points at its line.</summary>
public abstract record Expectation(SourceRef Source);

/// <summary><c>valid: true</c>: validation reports no error; <c>valid: false</c>: it reports at least one.</summary>
public sealed record ValidExpectation(bool Valid, SourceRef Source) : Expectation(Source);

/// <summary><c>findings: [RULE-ID]</c>: validation reports this rule (any severity); <c>absentFindings</c>: it does not.</summary>
public sealed record FindingExpectation(string RuleId, bool Present, SourceRef Source) : Expectation(Source);

/// <summary><c>holds: [NAME]</c> / <c>violated: [NAME]</c>: the intent of that name holds, or does not.</summary>
public sealed record IntentExpectation(string Intent, bool Holds, SourceRef Source) : Expectation(Source);

/// <summary>A BGP session of a speaker (gateway or on-premises device) towards a neighbor address is in a state:
/// Connected, Connecting, Idle, or notConnected (anything but Connected, or no such session at all).</summary>
public sealed record BgpSessionExpectation(string Speaker, Ipv4 Neighbor, string State, SourceRef Source) : Expectation(Source);

/// <summary>A gateway's learned routes (list-learned-routes) hold a network (optionally from a given source peer and
/// with a given origin: Network, EBgp, IBgp), or with <c>absent: true</c> do not.</summary>
public sealed record LearnedRouteExpectation(string Gateway, Prefix Network, Ipv4? SourcePeer, string? Origin, bool Present, SourceRef Source) : Expectation(Source);

/// <summary>A connection's tunnel is Up, Down or Recursive (or notUp: anything but Up).</summary>
public sealed record TunnelExpectation(string Connection, string State, SourceRef Source) : Expectation(Source);

/// <summary>A subnet's effective routes hold a route for a prefix (optionally of a source, state, next hop type),
/// or with <c>absent: true</c> hold none matching.</summary>
public sealed record RouteExpectation(string Subnet, Prefix Prefix, string? RouteSource, string? State, string? NextHopType, bool Present, SourceRef Source) : Expectation(Source);
