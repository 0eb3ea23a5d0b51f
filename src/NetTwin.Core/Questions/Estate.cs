using NetTwin.Formats.Yaml;
using NetTwin.Model;

namespace NetTwin.Questions;

/// <summary>What every question starts from: a topology folder and the change sets applied on top of it.</summary>
public sealed record EstateInput(string Path, IReadOnlyList<string> ChangeSets)
{
    public Topology Load() => TopologyLoader.Load(Path, ChangeSets);
}
