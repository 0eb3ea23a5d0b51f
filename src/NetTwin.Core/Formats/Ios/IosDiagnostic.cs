using System.Collections.Immutable;
using NetTwin.Model;
using NetTwin.Validation;

namespace NetTwin.Formats.Ios;

public enum IosDiagnosticKind
{
    /// <summary>A known statement that does not affect what NetTwin models (Info).</summary>
    Ignored,
    /// <summary>A line the parser does not understand, or a form of a known command NetTwin does not model
    /// (Warning). The line is not applied.</summary>
    NotUnderstood,
    /// <summary>An error in a known command: bad address, bad or non-contiguous mask, out-of-range value
    /// (Error). The line is not applied, as IOS would refuse it.</summary>
    Error,
    /// <summary>Understood and applied, but suspicious: host bits corrected, a name used but not defined,
    /// a command IOS would refuse in this order (Warning).</summary>
    Warning,
}

/// <summary>One finding about one line of a configuration file: where, the line's text, and why.</summary>
public sealed record IosDiagnostic(string File, int Line, int Column, string Text, IosDiagnosticKind Kind, string Message)
{
    public Severity Severity => Kind switch
    {
        IosDiagnosticKind.Ignored => Severity.Info,
        IosDiagnosticKind.Error => Severity.Error,
        _ => Severity.Warning,
    };

    public SourceRef Source => new(File, Line, Column);

    public override string ToString()
    {
        var what = Kind switch
        {
            IosDiagnosticKind.Ignored => "ignored",
            IosDiagnosticKind.NotUnderstood => "not understood",
            IosDiagnosticKind.Error => "error",
            _ => "warning",
        };
        return $"{File}:{Line}:{Column}: {what}: {Message}: {Text.Trim()}";
    }
}

/// <summary>The device model parsed from one file, and every diagnostic about it.</summary>
public sealed record IosParseResult(DeviceConfig Config, ImmutableArray<IosDiagnostic> Diagnostics)
{
    public IEnumerable<IosDiagnostic> Errors => Diagnostics.Where(d => d.Kind == IosDiagnosticKind.Error);
    public IEnumerable<IosDiagnostic> Warnings => Diagnostics.Where(d => d.Kind == IosDiagnosticKind.Warning);
    public IEnumerable<IosDiagnostic> NotUnderstood => Diagnostics.Where(d => d.Kind == IosDiagnosticKind.NotUnderstood);
    public IEnumerable<IosDiagnostic> Ignored => Diagnostics.Where(d => d.Kind == IosDiagnosticKind.Ignored);
    public bool HasErrors => Diagnostics.Any(d => d.Kind == IosDiagnosticKind.Error);
}
