using NetTwin.Model;

namespace NetTwin.Validation;

public enum Severity { Info, Warning, Error }

/// <summary>A validation rule, described once (Roslyn's DiagnosticDescriptor is the model):
/// id, title, severity, the spec rule it implements, the Microsoft Learn link, and the message
/// format; where Azure has an error text, the message is Azure's own.</summary>
public sealed record RuleDescriptor(
    string Id,
    string Title,
    Severity Severity,
    string SpecRule,
    string HelpLink,
    string MessageFormat,
    /// <summary>Azure's error code when Azure refuses this (e.g. RemoteVnetHasNoGateways), else null.</summary>
    string? AzureErrorCode = null)
{
    public Finding Create(IResource resource, params object[] args) =>
        new(this, $"{resource.Kind}/{resource.Name}", string.Format(System.Globalization.CultureInfo.InvariantCulture, MessageFormat, args), resource.Source);

    public Finding Create(string resource, SourceRef source, params object[] args) =>
        new(this, resource, string.Format(System.Globalization.CultureInfo.InvariantCulture, MessageFormat, args), source);
}

/// <summary>One finding of validation: which rule, on which resource, what it says, where it was declared.</summary>
public sealed record Finding(RuleDescriptor Rule, string Resource, string Message, SourceRef Source)
{
    public string Id => Rule.Id;
    public Severity Severity => Rule.Severity;
}
