using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Ipsec;

/// <summary>Why a tunnel is down. <see cref="TunnelFailures.Code"/> gives the IKEv2 notify names
/// (RFC 7296 §3.10.1) where there is one.</summary>
public enum TunnelFailure
{
    /// <summary>TS_UNACCEPTABLE (38): the responder accepts none of the proposed traffic selectors.</summary>
    TsUnacceptable,
    /// <summary>NO_PROPOSAL_CHOSEN (14): no IKE or IPsec proposal in common.</summary>
    NoProposalChosen,
    /// <summary>AUTHENTICATION_FAILED (24): the pre-shared keys (or the peer's identity match) differ.</summary>
    AuthenticationFailed,
    /// <summary>The peer's address is not reachable from the gateway (or back) over the underlay.</summary>
    PeerUnreachable,
    /// <summary>Nobody may initiate: Azure is ResponderOnly and the peer never initiates (rule E5).</summary>
    NoInitiator,
    /// <summary>The peer holds no configuration for this tunnel (no crypto map entry, tunnel interface or
    /// connection for the Azure address).</summary>
    PeerNotConfigured,
    /// <summary>The connection is failed (change set "fail: connections/NAME").</summary>
    ConnectionFailed,
    /// <summary>The gateway instance is failed (change set "fail: virtualNetworkGateways/NAME/instances/N").</summary>
    GatewayFailed,
}

public static class TunnelFailures
{
    /// <summary>TS_UNACCEPTABLE, NO_PROPOSAL_CHOSEN, AUTHENTICATION_FAILED, PEER_UNREACHABLE, NO_INITIATOR,
    /// PEER_NOT_CONFIGURED, CONNECTION_FAILED, GATEWAY_FAILED.</summary>
    public static string Code(this TunnelFailure f) => f switch
    {
        TunnelFailure.TsUnacceptable => "TS_UNACCEPTABLE",
        TunnelFailure.NoProposalChosen => "NO_PROPOSAL_CHOSEN",
        TunnelFailure.AuthenticationFailed => "AUTHENTICATION_FAILED",
        TunnelFailure.PeerUnreachable => "PEER_UNREACHABLE",
        TunnelFailure.NoInitiator => "NO_INITIATOR",
        TunnelFailure.PeerNotConfigured => "PEER_NOT_CONFIGURED",
        TunnelFailure.ConnectionFailed => "CONNECTION_FAILED",
        _ => "GATEWAY_FAILED",
    };
}

/// <summary>Who started the child SAs of a tunnel.</summary>
public enum TunnelInitiator { None, Azure, Peer, Both }

/// <summary>One step of a tunnel's explanation: who did what, under which spec rule (E1 ...), with "observed"
/// marking behaviour seen in a field report but not documented.</summary>
public sealed record ExplanationStep(int? Instance, string Actor, string Message, string? Rule = null)
{
    public override string ToString() =>
        (Instance is { } i ? $"[instance {i}] " : "") + $"{Actor}: {Message}" + (Rule is null ? "" : $" (rule {Rule})");
}

/// <summary>The proposal and authentication outcome when one side initiates: the IKE combination chosen (or
/// NO_PROPOSAL_CHOSEN naming what differs), the key check, and the IPsec combination of the first child SA.</summary>
public sealed record ProposalCheck(
    Side Initiator,
    IkeAlgorithms? Ike,
    bool? KeysMatch,
    EspAlgorithms? Esp,
    TunnelFailure? Failure,
    string Detail);

/// <summary>A traffic selector proposal, with where it comes from (Azure's rule, or an ACL entry).</summary>
internal sealed record TsProposal(TrafficSelector Selector, string Origin, SourceRef Source, string? Rule);

/// <summary>What one side starts: stages of traffic selector proposals tried in order (Azure's fallback on
/// TS_UNACCEPTABLE, rule E2), each stage being one or more child SAs proposed together, and the IPsec offers.</summary>
internal sealed record Initiation(
    string Label,
    ImmutableArray<ImmutableArray<TsProposal>> Stages,
    ImmutableArray<EspAlgorithms> EspOffers,
    string EspSource);

/// <summary>A responder's answer to a traffic selector proposal: the selector it accepts (equal or narrowed), or null
/// for TS_UNACCEPTABLE; the IPsec combinations it accepts for that policy; why.</summary>
internal sealed record TsResponse(
    TrafficSelector? Accepted,
    ImmutableArray<EspAlgorithms> EspAccepts,
    string EspSource,
    string Detail,
    string? Rule,
    SourceRef Source);

/// <summary>One end of a tunnel as the IKE exchange sees it.</summary>
internal sealed class Party
{
    public required Side Side { get; init; }
    public required string Name { get; init; }
    public required bool MayInitiate { get; init; }
    public string WhyNoInitiation { get; init; } = "";
    public required bool AcceptsInitiation { get; init; }
    public string WhyRejects { get; init; } = "";
    public required ImmutableArray<IkeAlgorithms> IkeOffers { get; init; }
    public required ImmutableArray<IkeAlgorithms> IkeAccepts { get; init; }
    public required string IkeSource { get; init; }
    /// <summary>The key this side authenticates with; null = not known (an encrypted key, an unmodelled peer).</summary>
    public required string? KeySent { get; init; }
    /// <summary>The key it expects from the other side; null = not known.</summary>
    public required string? KeyExpected { get; init; }
    public required string KeySource { get; init; }
    /// <summary>Set when this side cannot authenticate at all (no IKEv2 profile for the other's address...).</summary>
    public string? AuthenticationProblem { get; init; }
    public required ImmutableArray<Initiation> Initiations { get; init; }
    public required Func<TrafficSelector, TsResponse> Respond { get; init; }
    /// <summary>True for a peer NetTwin does not model: everything about it is assumed.</summary>
    public bool Assumed { get; init; }
    /// <summary>Notes to add to the explanation (rules E3, E4 ...).</summary>
    public ImmutableArray<ExplanationStep> Notes { get; init; } = [];
}

internal sealed record NegotiationResult(
    ImmutableArray<ChildSa> ChildSas,
    ImmutableArray<ProposalCheck> Proposals,
    TunnelFailure? Failure,
    string Reason,
    TunnelInitiator Initiator,
    ImmutableArray<(Side Side, TunnelFailure Failure, string Reason)> SideFailures);

/// <summary>IKEv2 between two parties: each side that may initiate does (both when both may, rule E5); IKE_SA_INIT
/// chooses the IKE proposal, IKE_AUTH checks the keys and carries the first child SA; traffic selectors follow
/// RFC 7296 §2.9 with the responder's narrowing, and the initiator's fallback stages on TS_UNACCEPTABLE.</summary>
internal static class Negotiator
{
    private static int Rank(TunnelFailure f) => f switch
    {
        TunnelFailure.TsUnacceptable => 4,
        TunnelFailure.NoProposalChosen => 3,
        TunnelFailure.AuthenticationFailed => 2,
        _ => 1,
    };

    public static NegotiationResult Negotiate(Party azure, Party peer, int instance, List<ExplanationStep> trail)
    {
        var sas = new List<ChildSa>();
        var checks = new List<ProposalCheck>();
        var failures = new List<(Side, TunnelFailure, string)>();
        var anyInitiator = false;
        var whyNot = new List<string>();

        foreach (var (initiator, responder) in new[] { (azure, peer), (peer, azure) })
        {
            if (!initiator.MayInitiate)
            {
                trail.Add(new(instance, initiator.Name, $"does not initiate: {initiator.WhyNoInitiation}", initiator.Side == Side.Azure ? "E5" : null));
                whyNot.Add($"{initiator.Name} does not initiate ({initiator.WhyNoInitiation})");
                continue;
            }
            if (!responder.AcceptsInitiation)
            {
                trail.Add(new(instance, responder.Name, $"rejects {initiator.Name}'s IKE_SA_INIT: {responder.WhyRejects}", "E5"));
                whyNot.Add($"{responder.Name} rejects {initiator.Name}'s attempts ({responder.WhyRejects})");
                continue;
            }
            anyInitiator = true;
            var before = sas.Count;
            var failure = Exchange(initiator, responder, instance, trail, sas, checks);
            if (failure is { } f) failures.Add((initiator.Side, f.Failure, f.Reason));
            else if (sas.Count == before) failures.Add((initiator.Side, TunnelFailure.TsUnacceptable, "no child SA was created"));
        }

        // One SA per selector: when both sides create the same one, keep the first (Azure's).
        var unique = new List<ChildSa>();
        foreach (var sa in sas)
            if (!unique.Any(u => u.Selector.SetEquals(sa.Selector))) unique.Add(sa);

        var by = sas.Select(s => s.Initiator).Distinct().ToList();
        var who = by.Count == 2 ? TunnelInitiator.Both : by.Count == 0 ? TunnelInitiator.None
            : by[0] == Side.Azure ? TunnelInitiator.Azure : TunnelInitiator.Peer;

        if (!anyInitiator)
        {
            var reason = "nobody may initiate: " + string.Join("; ", whyNot);
            return new([], [.. checks], TunnelFailure.NoInitiator, reason, TunnelInitiator.None, []);
        }
        if (unique.Count > 0)
            return new([.. unique], [.. checks], null, "", who, [.. failures]);

        var worst = failures.OrderByDescending(f => Rank(f.Item2)).First();
        var text = string.Join("; ", failures.Select(f => failures.Count == 1
                ? $"when {(f.Item1 == Side.Azure ? azure.Name : peer.Name)} initiates, {f.Item3}"
                : $"when {(f.Item1 == Side.Azure ? azure.Name : peer.Name)} initiates: {f.Item2.Code()}, {f.Item3}")
            .Concat(whyNot));
        return new([], [.. checks], worst.Item2, text, TunnelInitiator.None, [.. failures]);
    }

    private static (TunnelFailure Failure, string Reason)? Exchange(
        Party i, Party r, int instance, List<ExplanationStep> trail, List<ChildSa> sas, List<ProposalCheck> checks)
    {
        // IKE_SA_INIT: the responder picks the first of the initiator's offers it accepts.
        var (ike, diff) = Algorithms.Choose(i.IkeOffers, r.IkeAccepts);
        trail.Add(new(instance, i.Name, $"initiates IKE_SA_INIT offering {Summary(i.IkeOffers)} ({i.IkeSource})"));
        if (ike is null)
        {
            var reason = $"IKE proposals do not match: {diff} ({i.Name}: {i.IkeSource}; {r.Name}: {r.IkeSource})";
            trail.Add(new(instance, r.Name, $"answers NO_PROPOSAL_CHOSEN: {diff}"));
            checks.Add(new(i.Side, null, null, null, TunnelFailure.NoProposalChosen, reason));
            return (TunnelFailure.NoProposalChosen, reason);
        }
        trail.Add(new(instance, r.Name, $"chooses {ike} ({r.IkeSource})"));

        // IKE_AUTH: pre-shared keys both ways.
        string? authProblem = i.AuthenticationProblem ?? r.AuthenticationProblem;
        bool? keysMatch = null;
        if (authProblem is null)
        {
            var (ok1, known1) = Same(i.KeySent, r.KeyExpected);
            var (ok2, known2) = Same(r.KeySent, i.KeyExpected);
            keysMatch = ok1 && ok2;
            if (!keysMatch.Value)
                authProblem = !ok1
                    ? $"{i.Name}'s pre-shared key ({i.KeySource}) differs from the key {r.Name} expects ({r.KeySource})"
                    : $"{r.Name}'s pre-shared key ({r.KeySource}) differs from the key {i.Name} expects ({i.KeySource})";
            else
                trail.Add(new(instance, r.Name, known1 && known2
                    ? $"IKE_AUTH: the pre-shared keys match ({i.KeySource}; {r.KeySource})"
                    : $"IKE_AUTH: the pre-shared keys are assumed to match (not comparable: {i.KeySource}; {r.KeySource})"));
        }
        if (authProblem is not null)
        {
            trail.Add(new(instance, r.Name, $"answers AUTHENTICATION_FAILED: {authProblem}"));
            checks.Add(new(i.Side, ike, false, null, TunnelFailure.AuthenticationFailed, authProblem));
            return (TunnelFailure.AuthenticationFailed, authProblem);
        }

        // Child SAs: the first rides in IKE_AUTH, the others in CREATE_CHILD_SA; each initiation walks its stages.
        (TunnelFailure, string)? last = null;
        EspAlgorithms? firstEsp = null;
        string? espProblem = null;
        foreach (var init in i.Initiations)
        {
            var created = false;
            foreach (var (stage, stageIndex) in init.Stages.Select((s, n) => (s, n)))
            {
                var stageFailures = new List<TunnelFailure>();
                foreach (var p in stage)
                {
                    var response = r.Respond(p.Selector);
                    trail.Add(new(instance, i.Name, $"proposes child SA {p.Selector} ({p.Origin})", p.Rule));
                    if (response.Accepted is null)
                    {
                        trail.Add(new(instance, r.Name, $"answers TS_UNACCEPTABLE: {response.Detail}", response.Rule));
                        stageFailures.Add(TunnelFailure.TsUnacceptable);
                        last = (TunnelFailure.TsUnacceptable, $"{r.Name} accepts none of the traffic selectors {i.Name} proposes (last: {p.Selector}: {response.Detail})");
                        continue;
                    }
                    var (esp, espDiff) = Algorithms.Choose(init.EspOffers, response.EspAccepts);
                    if (esp is null)
                    {
                        var reason = $"IPsec proposals do not match: {espDiff} ({i.Name}: {init.EspSource}; {r.Name}: {response.EspSource})";
                        trail.Add(new(instance, r.Name, $"answers NO_PROPOSAL_CHOSEN for the child SA: {espDiff}"));
                        stageFailures.Add(TunnelFailure.NoProposalChosen);
                        espProblem ??= reason;
                        last = (TunnelFailure.NoProposalChosen, reason);
                        continue;
                    }
                    firstEsp ??= esp;
                    var narrowed = !response.Accepted.SetEquals(p.Selector);
                    trail.Add(new(instance, r.Name, narrowed
                        ? $"narrows it to {response.Accepted} with {esp}: {response.Detail}"
                        : $"accepts {response.Accepted} with {esp}: {response.Detail}", response.Rule));
                    var origin = i.Side == Side.Azure
                        ? $"{p.Origin}; accepted by {r.Name}: {response.Detail}"
                        : p.Origin;
                    var source = p.Source.Line > 0 ? p.Source : response.Source;
                    sas.Add(new ChildSa(response.Accepted, i.Side, instance, origin, source));
                    created = true;
                }
                if (created) break;
                // Fall back to the next stage only when every proposal of this one was TS_UNACCEPTABLE (rule E2).
                if (stageFailures.Count == 0 || stageFailures.Any(f => f != TunnelFailure.TsUnacceptable)) break;
                if (stageIndex + 1 < init.Stages.Length)
                    trail.Add(new(instance, i.Name, "falls back to its next proposal after TS_UNACCEPTABLE", "E2 observed (seed 003), not documented"));
            }
        }
        checks.Add(new(i.Side, ike, true, firstEsp, firstEsp is null ? last?.Item1 ?? TunnelFailure.TsUnacceptable : null,
            firstEsp is null ? last?.Item2 ?? $"{i.Name} has no traffic selector to propose" : espProblem ?? "proposals and keys match"));
        if (i.Initiations.IsEmpty)
        {
            var reason = $"{i.Name} has no traffic selector to propose";
            trail.Add(new(instance, i.Name, reason));
            return (TunnelFailure.TsUnacceptable, reason);
        }
        return sas.Any(s => s.Initiator == i.Side) ? null : last ?? (TunnelFailure.TsUnacceptable, "no child SA was created");
    }

    private static (bool Ok, bool Known) Same(string? a, string? b) =>
        a is null || b is null ? (true, false) : (string.Equals(a, b, StringComparison.Ordinal), true);

    private static string Summary(ImmutableArray<IkeAlgorithms> offers) =>
        offers.Length <= 3 ? string.Join(", ", offers) : $"{string.Join(", ", offers.Take(2))} and {offers.Length - 2} more";
}
