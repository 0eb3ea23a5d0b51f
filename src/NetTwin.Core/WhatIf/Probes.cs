using System.Collections.Immutable;
using NetTwin.Forwarding;
using NetTwin.Formats.Yaml;
using NetTwin.Ipsec;
using NetTwin.Model;

namespace NetTwin.WhatIf;

/// <summary>One intent's verdict over one estate.</summary>
/// <param name="Kind">reach, isolated or symmetric.</param>
/// <param name="Verdict">What the flow did, in words (disposition, path).</param>
public sealed record IntentOutcome(string Name, string Kind, bool Holds, string Verdict);

/// <summary>What the what-if stage asks the forwarding stage about each estate it compares: the intents of an
/// intents file (docs/intents.md), checked over an estate's planes.</summary>
public sealed class Probes
{
    public static readonly Probes None = new(null, []);

    public string? IntentsFile { get; }
    public ImmutableArray<Intent> Intents { get; }
    public IReadOnlyList<string> IntentNames => [.. Intents.Select(i => i.Name)];

    public Probes(string? intentsFile, ImmutableArray<Intent> intents)
    {
        IntentsFile = intentsFile;
        Intents = intents;
    }

    /// <summary>The intents of <paramref name="intentsFile"/>, or of the topology folder's intents.yaml when no file
    /// is given (none when there is none).</summary>
    public static Probes For(string topologyPath, string? intentsFile)
    {
        if (intentsFile is not null) return new(intentsFile, IntentsLoader.Load(intentsFile));
        var folder = Directory.Exists(topologyPath) ? topologyPath : Path.GetDirectoryName(Path.GetFullPath(topologyPath)) ?? ".";
        var file = Path.Combine(folder, IntentsLoader.FileName);
        return File.Exists(file) ? new(file, IntentsLoader.Load(file)) : None;
    }

    public IReadOnlyList<IntentOutcome> Check(Planes planes)
    {
        if (Intents.IsEmpty) return [];
        return [.. IntentCheck.Check(new Forwarder(planes), Intents)
            .Select(r => new IntentOutcome(r.Intent.Name, r.Intent.Kind.ToString().ToLowerInvariant(), r.Holds, r.Verdict))];
    }
}
