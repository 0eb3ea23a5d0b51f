using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Forwarding;

/// <summary>An intent's verdict: holds or not, a sentence why, and the traced flow (null when an endpoint does not
/// resolve in this topology, which is itself a violation).</summary>
public sealed record IntentResult(Intent Intent, bool Holds, string Verdict, FlowResult? Flow);

/// <summary>Checks intents (docs/intents.md) by tracing each one's flow.</summary>
public static class IntentCheck
{
    public static ImmutableArray<IntentResult> Check(Forwarder f, IEnumerable<Intent> intents)
    {
        var list = intents.ToList();
        var results = new IntentResult[list.Count];
        Parallel.For(0, list.Count, i => results[i] = Check(f, list[i]));
        return [.. results];
    }

    public static IntentResult Check(Forwarder f, Intent intent)
    {
        Endpoint from, to;
        try
        {
            from = Endpoints.Resolve(f.Topology, intent.From);
            to = Endpoints.Resolve(f.Topology, intent.To);
        }
        catch (EndpointException e)
        {
            return new IntentResult(intent, false, $"cannot be checked: {e.Message}", null);
        }
        var r = f.Trace(from, to, intent.Protocol, intent.Port);
        var outcome = $"request {r.Request.Disposition.Code()}" + (r.Reply is { } reply ? $", reply {reply.Disposition.Code()}" : "");
        switch (intent.Kind)
        {
            case IntentKind.Isolated:
                return r.Request.Disposition.IsSuccess()
                    ? new IntentResult(intent, false, $"{from} reaches {to} ({outcome}): not isolated", r)
                    : new IntentResult(intent, true, $"isolated: {r.Request.Reason}", r);
            case IntentKind.Symmetric:
                if (!r.Reaches) return new IntentResult(intent, false, $"does not reach ({outcome}): {(r.Reply ?? r.Request).Reason}", r);
                return new IntentResult(intent, !r.Asymmetric, r.Symmetry, r);
            default:
                if (!r.Reaches) return new IntentResult(intent, false, $"does not reach ({outcome}): {(r.Reply is { Disposition: not Disposition.Delivered } ? r.Reply : r.Request).Reason}", r);
                if (intent.Via is { } via && !r.Request.Passes(via))
                    return new IntentResult(intent, false, $"reaches, but not through {via}: the request passes {string.Join(" > ", r.Request.Devices)}", r);
                if (intent.TranslatedSource is { } src && r.Request.FinalFlow.Source.ToString() != src)
                    return new IntentResult(intent, false, $"reaches, but the destination sees source {r.Request.FinalFlow.Source}, not {src}", r);
                return new IntentResult(intent, true, $"reaches ({outcome})" + (intent.Via is { } v ? $" through {v}" : "")
                    + (intent.TranslatedSource is { } s ? $", seen from {s}" : ""), r);
        }
    }
}
