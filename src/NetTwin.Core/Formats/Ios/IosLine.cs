using System.Globalization;
using NetTwin.Model;
using Superpower;
using Superpower.Model;
using Superpower.Parsers;
using Superpower.Tokenizers;

namespace NetTwin.Formats.Ios;

/// <summary>The kinds of token in an IOS command line. Tokens are separated by white space; an address, a
/// prefix or a number is typed as such only when it is a whole token (so "GigabitEthernet0/0" is a word).</summary>
internal enum IosToken { Prefix, Address, Number, Word }

internal static class IosTokenizer
{
    public static readonly Tokenizer<IosToken> Instance = new TokenizerBuilder<IosToken>()
        .Ignore(Span.WhiteSpace)
        .Match(Span.Regex(@"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/[0-9]+"), IosToken.Prefix, requireDelimiters: true)
        .Match(Span.Regex(@"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+"), IosToken.Address, requireDelimiters: true)
        .Match(Span.Regex("[0-9]+"), IosToken.Number, requireDelimiters: true)
        .Match(Span.Regex(@"\S+"), IosToken.Word, requireDelimiters: true)
        .Build();
}

/// <summary>An error found in one line: reported with the line and column, and the line is not applied.</summary>
internal sealed class IosLineException(int column, string message, IosDiagnosticKind kind = IosDiagnosticKind.Error)
    : Exception(message)
{
    public int Column { get; } = column;
    public IosDiagnosticKind Kind { get; } = kind;
}

/// <summary>One non-blank, non-comment line of an IOS configuration, tokenised.</summary>
internal sealed class IosLine
{
    public IosLine(string file, int number, string text)
    {
        File = file;
        Number = number;
        Text = text.TrimEnd();
        Indent = Text.Length - Text.TrimStart().Length;
        Content = Text.TrimStart();
        // The Word pattern accepts any run of non-blank characters, so tokenising should not fail; if it ever
        // does, the line is kept with no tokens and reported by the parser.
        var tokens = IosTokenizer.Instance.TryTokenize(Content);
        Tokens = tokens.HasValue ? [.. tokens.Value] : [];
        TokenizeError = tokens.HasValue ? null : tokens.ToString();
    }

    /// <summary>Why the line could not be split into tokens, or null.</summary>
    public string? TokenizeError { get; }

    public string File { get; }
    public int Number { get; }
    /// <summary>The line without trailing white space.</summary>
    public string Text { get; }
    public int Indent { get; }
    /// <summary>The line without leading and trailing white space.</summary>
    public string Content { get; }
    public Token<IosToken>[] Tokens { get; }
    public int Count => Tokens.Length;

    public string this[int index] => Tokens[index].ToStringValue();

    /// <summary>True when the line starts with these keywords (IOS keywords are case-insensitive).</summary>
    public bool Is(params string[] keywords)
    {
        if (keywords.Length > Tokens.Length) return false;
        for (var i = 0; i < keywords.Length; i++)
            if (!string.Equals(this[i], keywords[i], StringComparison.OrdinalIgnoreCase)) return false;
        return true;
    }

    public bool WordIs(int index, string keyword) =>
        index < Tokens.Length && string.Equals(this[index], keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>1-based column in the file line of token <paramref name="index"/> (the end of the line when
    /// the index is past the last token).</summary>
    public int Column(int index) =>
        index < Tokens.Length ? Indent + Tokens[index].Position.Column : Text.Length + 1;

    /// <summary>The raw text from token <paramref name="index"/> to the end of the line.</summary>
    public string Rest(int index) =>
        index < Tokens.Length ? Content[Tokens[index].Position.Absolute..].Trim() : "";

    public SourceRef Source => new(File, Number, Indent + 1);

    public Cursor At(int index) => new(this, index);
}

/// <summary>Reads a command's arguments left to right; every read that fails throws an
/// <see cref="IosLineException"/> pointing at the offending token.</summary>
internal sealed class Cursor(IosLine line, int index)
{
    public IosLine Line { get; } = line;
    public int Index { get; private set; } = index;

    public bool AtEnd => Index >= Line.Count;
    public string? Peek => AtEnd ? null : Line[Index];
    public IosToken? PeekKind => AtEnd ? null : Line.Tokens[Index].Kind;
    public int Column => Line.Column(Index);

    public bool PeekIs(string keyword) => Line.WordIs(Index, keyword);

    public bool TryKeyword(string keyword)
    {
        if (!PeekIs(keyword)) return false;
        Index++;
        return true;
    }

    public void Keyword(string keyword)
    {
        if (!TryKeyword(keyword)) throw Error(AtEnd ? $"'{keyword}' expected" : $"'{keyword}' expected, found '{Peek}'");
    }

    /// <summary>One of the keywords, as lower case.</summary>
    public string OneOf(string what, params string[] keywords)
    {
        foreach (var k in keywords)
            if (TryKeyword(k)) return k;
        throw Error(AtEnd ? $"{what} expected ({string.Join(", ", keywords)})"
            : $"{what} expected ({string.Join(", ", keywords)}), found '{Peek}'");
    }

    public string Word(string what)
    {
        if (AtEnd) throw Error($"{what} expected");
        return Line[Index++];
    }

    public string Rest(string what)
    {
        if (AtEnd) throw Error($"{what} expected");
        var rest = Line.Rest(Index);
        Index = Line.Count;
        return rest;
    }

    public Ipv4 Address(string what)
    {
        if (AtEnd) throw Error($"{what} expected");
        var text = Line[Index];
        if (!Ipv4.TryParse(text, out var ip, out _))
            throw Error($"'{text}' is not a valid IPv4 address ({what})");
        Index++;
        return ip;
    }

    public bool PeekAddress => !AtEnd && Line.Tokens[Index].Kind == IosToken.Address;
    public bool PeekNumber => !AtEnd && Line.Tokens[Index].Kind == IosToken.Number;

    /// <summary>A dotted subnet mask; returns the prefix length. A mask that is not contiguous is an error.</summary>
    public int Mask(string what)
    {
        var column = Column;
        var mask = Address(what);
        return IosValues.MaskLength(mask) ?? throw new IosLineException(column,
            $"'{mask}' is not a valid subnet mask: its one bits are not contiguous ({what})");
    }

    public long Number(string what, long min, long max)
    {
        if (AtEnd) throw Error($"{what} expected");
        var text = Line[Index];
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            throw Error($"'{text}' is not a number ({what})");
        if (n < min || n > max) throw Error($"{what} {n} is out of range ({min}-{max})");
        Index++;
        return n;
    }

    public int Int(string what, int min, int max) => (int)Number(what, min, max);

    /// <summary>An AS number, asplain (65001, 4200000000) or asdot (1.10).</summary>
    public long Asn(string what)
    {
        if (AtEnd) throw Error($"{what} expected");
        var text = Line[Index];
        if (!IosValues.TryParseAsn(text, out var asn)) throw Error($"'{text}' is not a valid AS number ({what})");
        Index++;
        return asn;
    }

    public void End()
    {
        if (!AtEnd) throw Error($"unexpected '{Line.Rest(Index)}'");
    }

    public IosLineException Error(string message) => new(Column, message);

    public IosLineException Unsupported(string message) => new(Column, message, IosDiagnosticKind.NotUnderstood);
}

internal static class IosValues
{
    /// <summary>The prefix length of a contiguous subnet mask, or null.</summary>
    public static int? MaskLength(Ipv4 mask)
    {
        var inverted = ~mask.Value;
        // contiguous ones then zeros  ⇔  the inverse is 2^k - 1
        if ((inverted & (inverted + 1)) != 0) return null;
        return 32 - System.Numerics.BitOperations.PopCount(inverted);
    }

    /// <summary>The prefix length of a contiguous wildcard (inverse) mask, or null.</summary>
    public static int? WildcardLength(Ipv4 wildcard)
    {
        var w = wildcard.Value;
        if ((w & (w + 1)) != 0) return null;
        return 32 - System.Numerics.BitOperations.PopCount(w);
    }

    public static bool TryParseAsn(string text, out long asn)
    {
        asn = 0;
        var dot = text.IndexOf('.');
        if (dot < 0)
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out asn) && asn is >= 1 and <= uint.MaxValue;
        if (!int.TryParse(text[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var high) ||
            !int.TryParse(text[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var low) ||
            high > 65535 || low > 65535) return false;
        asn = ((long)high << 16) + low;
        return asn >= 1;
    }

    /// <summary>The classful mask of an address (network statements without "mask").</summary>
    public static int ClassfulLength(Ipv4 address) => (address.Value >> 24) switch
    {
        < 128 => 8,
        < 192 => 16,
        _ => 24,
    };

    /// <summary>"group14" → 14.</summary>
    public static bool TryParseGroup(string text, out int group)
    {
        group = 0;
        return text.StartsWith("group", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out group);
    }
}
