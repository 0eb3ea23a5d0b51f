using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Formats.Ios;

/// <summary>"ip access-list standard|extended NAME" and its entries.</summary>
internal sealed class AccessListMode(IosLine header, AccessListBuilder acl) : Mode(header)
{
    public override Outcome Handle(IosLine line, IosParseContext ctx)
    {
        if (line.Is("remark")) { ctx.Comment(); return Outcome.Done; }
        if (line.Is("statistics"))
        {
            ctx.Ignore(line, "access-list statistics do not affect what NetTwin models");
            return Outcome.Done;
        }
        if (line.Is("no")) throw line.At(0).Unsupported("removing access-list entries ('no ...') is not modelled");
        var first = line.Tokens[0];
        var startsEntry = line.Is("permit") || line.Is("deny")
            || (first.Kind == IosToken.Number && (line.WordIs(1, "permit") || line.WordIs(1, "deny") || line.WordIs(1, "remark")));
        if (!startsEntry) return Outcome.NotMine;
        if (line.WordIs(1, "remark")) { ctx.Comment(); return Outcome.Done; }
        var syntax = IosGrammar.AclEntry(line, 0, acl.Kind);
        var entry = IosGrammar.ToAclEntry(line, syntax, acl.NextSequence, acl.Kind, ctx.WarnFor(line));
        if (acl.Entries.TryGetValue(entry.Sequence, out var existing))
            throw new IosLineException(line.Column(0), $"% Duplicate sequence number {entry.Sequence} (already used at line {existing.Source.Line})");
        acl.Entries[entry.Sequence] = entry;
        return Outcome.Done;
    }
}

/// <summary>"route-map NAME permit|deny SEQ" and its match and set clauses.</summary>
internal sealed class RouteMapMode(IosLine header, RouteMapEntryBuilder entry) : Mode(header)
{
    public override Outcome Handle(IosLine line, IosParseContext ctx)
    {
        if (line.Is("description")) { entry.Description = line.Rest(1); return Outcome.Done; }
        if (line.Is("match")) { Match(line, ctx); return Outcome.Done; }
        if (line.Is("set")) { Set(line); return Outcome.Done; }
        if (line.Is("continue")) throw line.At(0).Unsupported("'continue' in route maps is not modelled");
        if (line.Is("no")) throw line.At(0).Unsupported("removing route-map clauses ('no ...') is not modelled");
        return Outcome.NotMine;
    }

    private void Match(IosLine line, IosParseContext ctx)
    {
        if (line.Is("match", "ip", "address", "prefix-list"))
        {
            if (line.Count < 5) throw line.At(4).Error("prefix-list name expected");
            for (var i = 4; i < line.Count; i++)
            {
                ctx.Use(ReferenceKind.PrefixList, line[i], line, i, "route-map match");
                if (!entry.MatchPrefixLists.Contains(line[i])) entry.MatchPrefixLists.Add(line[i]);
            }
            return;
        }
        if (line.Is("match", "ip", "address") && !line.WordIs(3, "prefix-list"))
        {
            if (line.Count < 4) throw line.At(3).Error("access-list name or number expected");
            for (var i = 3; i < line.Count; i++)
            {
                ctx.Use(ReferenceKind.AccessList, line[i], line, i, "route-map match");
                if (!entry.MatchAccessLists.Contains(line[i])) entry.MatchAccessLists.Add(line[i]);
            }
            return;
        }
        // Recorded so the entry is not mistaken for one without match clauses (which would match everything).
        entry.Unsupported.Add(line.Content);
        ctx.NotUnderstood(line, line.Column(1),
            $"'{line.Content}' is not modelled; NetTwin treats route-map {Header!.Content.Split(' ')[1]} seq {entry.Sequence} as never matching");
    }

    private void Set(IosLine line)
    {
        var c = line.At(1);
        var what = c.Word("set clause").ToLowerInvariant();
        switch (what)
        {
            case "local-preference":
            {
                var value = c.Number("local preference", 0, uint.MaxValue);
                c.End();
                entry.LocalPreference = value;
                return;
            }
            case "weight":
            {
                var value = c.Int("weight", 0, 65535);
                c.End();
                entry.Weight = value;
                return;
            }
            case "metric":
            {
                if (!c.AtEnd && (c.Peek!.StartsWith('+') || c.Peek.StartsWith('-')))
                    throw c.Unsupported("relative metrics are not modelled");
                var value = c.Number("metric", 0, uint.MaxValue);
                c.End();
                entry.Metric = value;
                return;
            }
            case "as-path":
            {
                c.Keyword("prepend");
                if (c.PeekIs("last-as")) throw c.Unsupported("'set as-path prepend last-as' is not modelled");
                var list = ImmutableArray.CreateBuilder<long>();
                do list.Add(c.Asn("AS number to prepend")); while (!c.AtEnd);
                entry.Prepend = list.ToImmutable();
                return;
            }
            case "ip":
            {
                c.Keyword("next-hop");
                if (!c.PeekAddress) throw c.Unsupported($"'set ip next-hop {c.Peek}' is not modelled (only an address is)");
                var nextHop = c.Address("next hop");
                if (!c.AtEnd) throw c.Unsupported("several next hops are not modelled");
                entry.NextHop = nextHop;
                return;
            }
            default:
                throw new IosLineException(line.Column(1), $"'set {what}' is not modelled", IosDiagnosticKind.NotUnderstood);
        }
    }
}
