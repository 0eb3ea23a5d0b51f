using NetTwin.Ipsec;

namespace NetTwin.WhatIf;

/// <summary>One intent's verdict over one estate.</summary>
/// <param name="Kind">reach, isolated or symmetric.</param>
/// <param name="Verdict">What the flow did, in words (disposition, path).</param>
public sealed record IntentOutcome(string Name, string Kind, bool Holds, string Verdict);

/// <summary>What the what-if stage asks the forwarding stage about each estate it compares: the verdicts of the
/// intents (from an intents file), computed over an estate's planes.</summary>
public sealed class Probes
{
    public static readonly Probes None = new(null, [], _ => []);

    public string? IntentsFile { get; }
    public IReadOnlyList<string> IntentNames { get; }
    public Func<Planes, IReadOnlyList<IntentOutcome>> Intents { get; }

    public Probes(string? intentsFile, IReadOnlyList<string> intentNames, Func<Planes, IReadOnlyList<IntentOutcome>> intents)
    {
        IntentsFile = intentsFile;
        IntentNames = intentNames;
        Intents = intents;
    }
}
