using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Formats.Ios;

/// <summary>Parses a Cisco IOS / IOS-XE configuration (as "show running-config" prints it) into the
/// vendor-independent <see cref="DeviceConfig"/>.
/// <para>Structure: a line at column 0 is a global command and may open a mode (interface, router bgp,
/// route-map, crypto map...); the lines indented under it are that mode's commands; "address-family ipv4"
/// blocks run to "exit-address-family". Like IOS itself, a command that is not valid in the mode it sits in is
/// tried in the enclosing modes (with a warning when its indentation said otherwise), and an unindented line
/// that is not a global command is tried in the last open mode, so configurations pasted without indentation
/// read as IOS would read them.</para>
/// <para>Nothing is dropped silently: every line ends up in <see cref="DeviceConfig.SourceLines"/> as parsed,
/// ignored (known and irrelevant to NetTwin), not understood, or in error, and every line that is not
/// simply parsed has a diagnostic with file, line, column, its text and the reason.</para></summary>
public static class IosParser
{
    public static IosParseResult Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ctx = new IosParseContext(fileName);
        var global = new GlobalMode();
        var stack = new List<Mode>();

        var lines = text.Split('\n');
        var count = lines.Length;
        if (count > 0 && lines[^1].Length == 0) count--; // the newline that ends the file does not start a line
        for (var i = 0; i < count; i++)
        {
            var raw = lines[i].TrimEnd('\r');
            var number = i + 1;
            if (ctx.BannerDelimiter is { } delimiter)
            {
                if (raw.Contains(delimiter, StringComparison.Ordinal)) ctx.BannerDelimiter = null;
                ctx.AddLine(number, raw, SourceLineKind.Ignored);
                continue;
            }
            var trimmed = raw.Trim();
            if (trimmed.Length == 0) { ctx.AddLine(number, raw, SourceLineKind.Blank); continue; }
            if (trimmed[0] == '!') { ctx.AddLine(number, raw, SourceLineKind.Comment); continue; }

            var line = new IosLine(fileName, number, raw);
            ctx.Begin();
            if (line.TokenizeError is { } error) ctx.Fail(line, line.Indent + 1, IosDiagnosticKind.Error, error);
            else Process(line, ctx, global, stack);
            ctx.Finish(line);
        }
        if (ctx.BannerDelimiter is { } open)
        {
            var last = ctx.Lines.LastOrDefault(l => l.Kind == SourceLineKind.Ignored);
            ctx.Diagnostics.Add(new IosDiagnostic(fileName, last?.Number ?? 0, 1, last?.Text ?? "", IosDiagnosticKind.Error,
                $"the banner is not closed: delimiter '{open}' not found before the end of the file"));
        }

        CheckReferences(ctx);
        var config = ctx.Device.Build(fileName, [.. ctx.Lines]);
        var diagnostics = ctx.Diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column).ToImmutableArray();
        return new IosParseResult(config, diagnostics);
    }

    /// <summary>Reads a configuration file from disk; the diagnostics name the file as given.</summary>
    public static IosParseResult ParseFile(string path) => Parse(File.ReadAllText(path), path);

    private static void Process(IosLine line, IosParseContext ctx, GlobalMode global, List<Mode> stack)
    {
        var saved = stack.ToArray();
        if (line.Is("end") && line.Count == 1) { stack.Clear(); return; }

        // Close the modes this line is not indented under (a sticky mode also keeps lines at its own indentation).
        while (stack.Count > 0 && (stack[^1].Indent > line.Indent || (stack[^1].Indent == line.Indent && !stack[^1].Sticky)))
            stack.RemoveAt(stack.Count - 1);

        if (line.Is("exit") && line.Count == 1)
        {
            if (stack.Count > 0) stack.RemoveAt(stack.Count - 1);
            else if (line.Indent == 0 && saved.Length > 0)
            {
                stack.AddRange(saved.Where(m => m.AcceptsFallback));
                if (stack.Count > 0) stack.RemoveAt(stack.Count - 1);
            }
            return;
        }

        // Candidates, in the order IOS would try them: (mode, the stack to keep when it takes the line).
        var candidates = new List<(Mode Mode, Mode[] Keep)>();
        var naturalParent = stack.Count > 0 ? stack[^1] : (Mode)global;
        // The block the indentation puts the line in (a sticky mode at the same indentation does not count).
        var indentParent = stack.LastOrDefault(m => m.Indent < line.Indent) ?? global;
        var unindentedFallback = stack.Count == 0 && line.Indent == 0 && saved.Length > 0;
        if (unindentedFallback)
        {
            candidates.Add((global, []));
            for (var k = saved.Length - 1; k >= 0; k--)
                if (saved[k].AcceptsFallback) candidates.Add((saved[k], saved[..(k + 1)]));
        }
        else
        {
            for (var k = stack.Count - 1; k >= 0; k--) candidates.Add((stack[k], stack.Take(k + 1).ToArray()));
            candidates.Add((global, []));
        }

        // The first candidate that takes the line wins. A candidate that recognises the command but fails on it
        // (IosLineException) is rolled back so an enclosing mode may still take it, as IOS tries the enclosing
        // modes; when no candidate takes the line, the first failure is what gets reported.
        (IosLineException Error, Mode[] Keep)? firstFailure = null;
        foreach (var (mode, keep) in candidates)
        {
            var mark = ctx.Mark();
            Outcome outcome;
            try
            {
                outcome = mode.Handle(line, ctx);
            }
            catch (IosLineException ex)
            {
                ctx.Rollback(mark);
                firstFailure ??= (ex, keep);
                continue;
            }
            if (!outcome.Handled) continue;
            Reset(stack, keep);
            if (outcome.ExitMode && stack.Count > 0 && stack[^1] == mode) stack.RemoveAt(stack.Count - 1);
            if (outcome.Child is { } child) stack.Add(child);
            if (!unindentedFallback && mode.Indent < indentParent.Indent)
                ctx.Warn(line, line.Indent + 1,
                    $"indented under {indentParent.Title} but not a command of that mode; IOS applies it in {mode.Title}");
            return;
        }

        if (firstFailure is { } failure)
        {
            var error = failure.Error;
            ctx.Fail(line, error.Column, error.Kind, error.Message);
            Reset(stack, failure.Keep);
            // Lines indented under a line that failed are reported, not applied to the wrong block.
            stack.Add(new SkippedBlock(line, error.Kind, error.Kind == IosDiagnosticKind.Error ? "has an error" : "was not understood"));
            return;
        }
        ctx.NotUnderstood(line, line.Indent + 1, stack.Count == 0 ? "not understood" : $"not understood in {naturalParent.Title}");
        if (unindentedFallback) Reset(stack, [.. saved.Where(m => m.AcceptsFallback)]);
        stack.Add(new SkippedBlock(line, IosDiagnosticKind.NotUnderstood, "was not understood"));
    }

    private static void Reset(List<Mode> stack, Mode[] keep)
    {
        stack.Clear();
        stack.AddRange(keep);
    }

    private static void CheckReferences(IosParseContext ctx)
    {
        var d = ctx.Device;
        foreach (var r in ctx.References)
        {
            var defined = r.Kind switch
            {
                ReferenceKind.RouteMap => d.RouteMaps.ContainsKey(r.Name),
                ReferenceKind.PrefixList => d.PrefixLists.ContainsKey(r.Name),
                ReferenceKind.AccessList => d.AccessLists.ContainsKey(r.Name),
                ReferenceKind.Interface => d.FindInterface(r.Name) is not null,
                ReferenceKind.CryptoMap => d.CryptoMaps.ContainsKey(r.Name),
                ReferenceKind.IpsecProfile => d.IpsecProfiles.ContainsKey(r.Name),
                ReferenceKind.Ikev2Profile => d.Profiles.ContainsKey(r.Name),
                ReferenceKind.Ikev2Keyring => d.Keyrings.ContainsKey(r.Name),
                ReferenceKind.Ikev2Proposal => d.Proposals.ContainsKey(r.Name),
                _ => d.TransformSets.ContainsKey(r.Name),
            };
            if (defined) continue;
            var what = r.Kind switch
            {
                ReferenceKind.RouteMap => "route-map",
                ReferenceKind.PrefixList => "prefix-list",
                ReferenceKind.AccessList => "access-list",
                ReferenceKind.Interface => "interface",
                ReferenceKind.CryptoMap => "crypto map",
                ReferenceKind.IpsecProfile => "IPsec profile",
                ReferenceKind.Ikev2Profile => "IKEv2 profile",
                ReferenceKind.Ikev2Keyring => "IKEv2 keyring",
                ReferenceKind.Ikev2Proposal => "IKEv2 proposal",
                _ => "transform-set",
            };
            var consequence = r.Kind switch
            {
                ReferenceKind.RouteMap when r.Usage.StartsWith("neighbor", StringComparison.Ordinal) => "; IOS then filters every route on this session",
                ReferenceKind.PrefixList or ReferenceKind.AccessList when r.Usage == "route-map match" => "; IOS then treats the match as matching every route",
                ReferenceKind.PrefixList => "; IOS then permits every route",
                _ => "",
            };
            ctx.Diagnostics.Add(new IosDiagnostic(ctx.File, r.Line.Number, r.Column, r.Line.Text, IosDiagnosticKind.Warning,
                $"{what} '{r.Name}' ({r.Usage}) is not defined{consequence}"));
        }

        if (d.Bgp is { } bgp)
            foreach (var n in bgp.Neighbors.Where(n => n.RemoteAs is null))
                ctx.Diagnostics.Add(new IosDiagnostic(ctx.File, n.First.Number, n.First.Indent + 1, n.First.Text, IosDiagnosticKind.Warning,
                    $"neighbor {n.Address} has no 'neighbor {n.Address} remote-as': IOS refuses its other commands until the remote AS is given, and no session can come up"));

        foreach (var map in d.CryptoMaps.Values)
            foreach (var e in map.Entries.Values)
            {
                var missing = new List<string>();
                if (e.DynamicMap is null)
                {
                    if (e.Peers.Count == 0) missing.Add("set peer");
                    if (e.MatchAddress is null) missing.Add("match address");
                    if (e.TransformSets.Count == 0) missing.Add("set transform-set");
                }
                if (missing.Count > 0)
                    ctx.Diagnostics.Add(new IosDiagnostic(ctx.File, e.Header.Number, e.Header.Indent + 1, e.Header.Text, IosDiagnosticKind.Warning,
                        $"crypto map {map.Name} {e.Sequence} has no {string.Join(", no ", missing)}: IOS keeps the entry disabled"));
                else if (e.DynamicMap is null && e.Ikev2Profile is null)
                    ctx.Diagnostics.Add(new IosDiagnostic(ctx.File, e.Header.Number, e.Header.Indent + 1, e.Header.Text, IosDiagnosticKind.Warning,
                        $"crypto map {map.Name} {e.Sequence} has no 'set ikev2-profile': IOS negotiates it with IKEv1, which NetTwin does not model"));
            }

        foreach (var i in d.Interfaces.Where(i => i.HasTunnel && i.TunnelMode == TunnelMode.IpsecIpv4 && i.TunnelProtection is null))
            ctx.Diagnostics.Add(new IosDiagnostic(ctx.File, i.Source.Line, i.Source.Column, $"interface {i.Name}", IosDiagnosticKind.Warning,
                $"interface {i.Name} is in tunnel mode ipsec ipv4 without 'tunnel protection ipsec profile': the tunnel stays down"));
    }
}
