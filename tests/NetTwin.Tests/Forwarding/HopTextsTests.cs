using NetTwin.Bench;
using NetTwin.Formats.Yaml;
using NetTwin.Forwarding;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.Forwarding;

/// <summary>A forwarder without hop texts (Forwarder.HopTexts false) traces every flow exactly as one with them: same
/// dispositions, reasons, devices, stateful devices, hops (node, step, rule, header), symmetry and notes; only the
/// formatted decision and detail texts are left out. One without hops (Forwarder.Hops false, for the matrix and the flow
/// diff) gives the same verdicts and records no hop.</summary>
public class HopTextsTests
{
    public static TheoryData<string> Examples() => Nt.Examples();

    [Theory]
    [MemberData(nameof(Examples))]
    public void TracesWithoutHopTextsAreTheSameTraces(string example) => AssertSame(Planes.Compute(TopologyLoader.Load(Nt.Example(example))));

    [Fact]
    public void TracesWithoutHopTextsAreTheSameTracesOnTheSmallGeneratedEstate() =>
        Nt.WithEstate(folder => AssertSame(Planes.Compute(TopologyLoader.Load(folder))));

    private static void AssertSame(Planes planes)
    {
        var full = new Forwarder(planes);
        var terse = new Forwarder(planes) { HopTexts = false };
        var bare = new Forwarder(planes) { HopTexts = false, Hops = false };
        var t = planes.Topology;
        var sources = Reachability.WorkloadSubnets(t).Select(s => Endpoints.Resolve(t, s.Id)).ToList();
        var targets = Reachability.Destinations(full).SelectMany(d => d.Classes.Select(c => c.First))
            .Concat([Ipv4.Parse("8.8.8.8")]).Distinct().Select(a => { try { return Endpoints.Of(t, a); } catch (EndpointException) { return null; } })
            .OfType<Endpoint>().ToList();
        var traced = 0;
        var textsLeftOut = 0;
        foreach (var from in sources)
            foreach (var to in targets)
            {
                var a = full.Trace(from, to);
                var b = terse.Trace(from, to);
                Assert.Equal(Show(a, withTexts: false), Show(b, withTexts: false));
                // Without hops: the same verdict, and no hop.
                var c = bare.Trace(from, to);
                Assert.Equal(Verdict(a), Verdict(c));
                Assert.Empty(c.Request.Hops);
                Assert.True(c.Reply is null || c.Reply.Hops.IsEmpty);
                textsLeftOut += a.Request.Hops.Zip(b.Request.Hops).Count(x => x.First.Decision != x.Second.Decision || x.First.Detail != x.Second.Detail);
                traced++;
            }
        Assert.True(traced > 0);
        Assert.True(textsLeftOut > 0, "no hop text was left out: the terse forwarder formatted them all");
    }

    private static string Show(FlowResult r, bool withTexts) =>
        string.Join("\n", new[] { Show(r.Request, withTexts), r.Reply is null ? "(no reply)" : Show(r.Reply, withTexts),
            $"asymmetric {r.Asymmetric}: {r.Symmetry}", string.Join("; ", r.Notes) });

    /// <summary>Everything of a flow but its hops.</summary>
    private static string Verdict(FlowResult r) =>
        string.Join("\n", new[] { Verdict(r.Request), r.Reply is null ? "(no reply)" : Verdict(r.Reply), $"asymmetric {r.Asymmetric}: {r.Symmetry}", string.Join("; ", r.Notes) });

    private static string Verdict(Trace t) =>
        $"{t.Disposition} {t.Reason} {t.FinalFlow} [{string.Join(",", t.Devices)}] [{string.Join(",", t.StatefulDevices)}]";

    private static string Show(Trace t, bool withTexts) =>
        $"{t.Disposition} {t.Reason} {t.FinalFlow} [{string.Join(",", t.Devices)}] [{string.Join(",", t.StatefulDevices)}]\n"
        + string.Join("\n", t.Hops.Select(h => $"{h.Node} {h.Step} {h.Rule} {h.Flow}" + (withTexts ? $" {h.Decision} {h.Detail}" : "")));
}
