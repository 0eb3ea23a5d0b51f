using NetTwin.Validation;

namespace NetTwin.Questions;

/// <summary>The JSON shape of validation findings (for scripts and the web page).</summary>
public sealed record FindingsAnswer(int Errors, int Warnings, IReadOnlyList<FindingJson> Findings);

public sealed record FindingJson(string Severity, string Id, string Title, string Resource, string Message,
    string File, int Line, int Column, string SpecRule, string HelpLink, string? AzureErrorCode);

public static class FindingsJson
{
    public static FindingsAnswer Of(IReadOnlyList<Finding> findings) => new(
        findings.Count(f => f.Severity == Severity.Error),
        findings.Count(f => f.Severity == Severity.Warning),
        findings.Select(f => new FindingJson(f.Severity.ToString(), f.Id, f.Rule.Title, f.Resource, f.Message,
            f.Source.File, f.Source.Line, f.Source.Column, f.Rule.SpecRule, f.Rule.HelpLink, f.Rule.AzureErrorCode)).ToList());
}
