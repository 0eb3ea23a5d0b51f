using NetTwin.Validation;

namespace NetTwin.Questions;

/// <summary>`nettwin report`: everything NetTwin can say about an estate. Sections grow as stages land.</summary>
public sealed record ReportAnswer(string Path, IReadOnlyList<string> ChangeSets, InventoryAnswer Inventory, FindingsAnswer Validation);

public static class ReportQuestion
{
    public static ReportAnswer Ask(EstateInput input)
    {
        var topology = input.Load();
        return new ReportAnswer(input.Path, input.ChangeSets, Inventory.Of(topology), FindingsJson.Of(Validator.Validate(topology)));
    }
}
