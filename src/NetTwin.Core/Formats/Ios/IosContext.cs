using NetTwin.Model;

namespace NetTwin.Formats.Ios;

internal enum ReferenceKind
{
    RouteMap, PrefixList, AccessList, Interface, CryptoMap, IpsecProfile, Ikev2Profile, Ikev2Keyring, Ikev2Proposal, TransformSet,
}

/// <summary>A name used by a statement, checked once the whole file has been read.</summary>
internal sealed record Reference(ReferenceKind Kind, string Name, IosLine Line, int Column, string Usage);

/// <summary>What a mode did with a line.</summary>
internal readonly record struct Outcome(bool Handled, Mode? Child, bool ExitMode)
{
    /// <summary>Not a command of this mode: IOS tries the enclosing mode.</summary>
    public static readonly Outcome NotMine = new(false, null, false);
    public static readonly Outcome Done = new(true, null, false);
    /// <summary>The command closes the mode that handled it (exit-address-family).</summary>
    public static readonly Outcome Exit = new(true, null, true);
    public static Outcome Enter(Mode child) => new(true, child, false);
}

/// <summary>A configuration mode: global, interface, router bgp, a crypto map entry... Each mode is opened by a
/// header line; the lines indented under it are its commands.</summary>
internal abstract class Mode(IosLine? header)
{
    public IosLine? Header { get; } = header;
    public int Indent => Header?.Indent ?? -1;
    public virtual string Title => Header is null ? "global configuration" : $"'{Header.Content}' (line {Header.Number})";
    /// <summary>A sticky mode also takes lines at its own indentation (address-family blocks, closed by
    /// exit-address-family).</summary>
    public virtual bool Sticky => false;
    /// <summary>Whether an unindented line that global configuration does not know may fall back to this mode
    /// (IOS's own rule: a command not valid in the current mode is tried in the enclosing ones).</summary>
    public virtual bool AcceptsFallback => true;

    public abstract Outcome Handle(IosLine line, IosParseContext ctx);
}

/// <summary>Where lines go, what becomes of each, and the diagnostics.</summary>
internal sealed class IosParseContext(string file)
{
    public string File { get; } = file;
    public DeviceBuilder Device { get; } = new();
    public List<IosDiagnostic> Diagnostics { get; } = [];
    public List<SourceLine> Lines { get; } = [];
    public List<Reference> References { get; } = [];
    /// <summary>Set while the lines of a multi-line banner are being skipped.</summary>
    public string? BannerDelimiter { get; set; }

    private readonly List<IosDiagnostic> _pending = [];
    private readonly List<Reference> _pendingReferences = [];
    private SourceLineKind _kind;

    public void AddLine(int number, string text, SourceLineKind kind) => Lines.Add(new SourceLine(number, text, kind));

    /// <summary>A point to return to when a mode tried a line and failed, so the next mode can try it afresh.</summary>
    public (int Diagnostics, int Pending, int References, SourceLineKind Kind) Mark() =>
        (Diagnostics.Count, _pending.Count, _pendingReferences.Count, _kind);

    public void Rollback((int Diagnostics, int Pending, int References, SourceLineKind Kind) mark)
    {
        Diagnostics.RemoveRange(mark.Diagnostics, Diagnostics.Count - mark.Diagnostics);
        _pending.RemoveRange(mark.Pending, _pending.Count - mark.Pending);
        _pendingReferences.RemoveRange(mark.References, _pendingReferences.Count - mark.References);
        _kind = mark.Kind;
    }

    public void Begin()
    {
        _kind = SourceLineKind.Parsed;
        _pending.Clear();
        _pendingReferences.Clear();
    }

    public void Finish(IosLine line)
    {
        Diagnostics.AddRange(_pending);
        References.AddRange(_pendingReferences);
        _pending.Clear();
        _pendingReferences.Clear();
        Lines.Add(new SourceLine(line.Number, line.Text, _kind));
    }

    /// <summary>The line failed: warnings and name uses it recorded before failing are dropped with it.</summary>
    public void Fail(IosLine line, int column, IosDiagnosticKind kind, string message)
    {
        _pending.Clear();
        _pendingReferences.Clear();
        _kind = kind == IosDiagnosticKind.Error ? SourceLineKind.Error : SourceLineKind.NotUnderstood;
        Report(line, column, kind, message);
    }

    public void NotUnderstood(IosLine line, int column, string message)
    {
        _kind = SourceLineKind.NotUnderstood;
        Report(line, column, IosDiagnosticKind.NotUnderstood, message);
    }

    public void Ignore(IosLine line, string why)
    {
        _kind = SourceLineKind.Ignored;
        Report(line, line.Indent + 1, IosDiagnosticKind.Ignored, why);
    }

    /// <summary>Ignored without a diagnostic of its own: a line inside an ignored block.</summary>
    public void IgnoreQuietly() => _kind = SourceLineKind.Ignored;

    public void Comment() => _kind = SourceLineKind.Comment;

    public void Warn(IosLine line, int column, string message) =>
        _pending.Add(new IosDiagnostic(File, line.Number, column, line.Text, IosDiagnosticKind.Warning, message));

    public IosGrammar.Warn WarnFor(IosLine line) => (column, message) => Warn(line, column, message);

    public void Use(ReferenceKind kind, string name, IosLine line, int tokenIndex, string usage) =>
        _pendingReferences.Add(new Reference(kind, name, line, line.Column(tokenIndex), usage));

    public void Report(IosLine line, int column, IosDiagnosticKind kind, string message) =>
        Diagnostics.Add(new IosDiagnostic(File, line.Number, column, line.Text, kind, message));
}
