using NetTwin.Bench;
using NetTwin.Formats.Yaml;
using NetTwin.Forwarding;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Tests.Scale;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.Forwarding;

/// <summary>The matrix's sweep (ClassSweep: each source's destination classes taken through the estate together)
/// gives every cell the traces give (Reachability.MatrixByTrace: one Forwarder.Trace per cell): same ranges,
/// dispositions, reach, symmetry and paths, on every example, the generated estates and their variants (peering flags
/// flipped, routes to None or the gateway, route tables moved, NSG rules removed), for several protocols and ports.</summary>
public class ClassSweepTests
{
    public static TheoryData<string> Examples() => Nt.Examples();

    private static readonly (TransportProtocol Protocol, int Port)[] Services =
        [(TransportProtocol.Tcp, 443), (TransportProtocol.Tcp, 22), (TransportProtocol.Udp, 53), (TransportProtocol.Icmp, 0), (TransportProtocol.Any, 8080)];

    [Theory]
    [MemberData(nameof(Examples))]
    public void TheSweptMatrixIsTheTracedOneOnEveryExample(string example)
    {
        var t = TopologyLoader.Load(Nt.Example(example));
        foreach (var (protocol, port) in Services) AssertSame(t, protocol, port);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void TheSweptMatrixIsTheTracedOneOnEveryVariantOfEveryExample(string example)
    {
        foreach (var (name, after) in WhatIfEquivalence.Mutations(TopologyLoader.Load(Nt.Example(example))))
            AssertSame(after, TransportProtocol.Tcp, 443, name);
    }

    [Fact]
    public void TheSweptMatrixIsTheTracedOneOnTheSmallGeneratedEstate() => Nt.WithEstate(folder =>
    {
        var t = TopologyLoader.Load(folder);
        foreach (var (protocol, port) in Services) AssertSame(t, protocol, port);
        // Most cells are swept, not traced: the sweep follows the estate's spokes, firewall, peerings and circuit.
        var (swept, traced) = Coverage(t);
        Assert.True(swept > 20 * traced, $"{swept} cells swept, {traced} traced");
    });

    [Fact]
    public void TheSweptMatrixIsTheTracedOneOnEveryVariantOfTheSmallGeneratedEstate() => Nt.WithEstate(folder =>
    {
        foreach (var (name, after) in WhatIfEquivalence.Mutations(TopologyLoader.Load(folder))) AssertSame(after, TransportProtocol.Tcp, 443, name);
    });

    [Fact]
    public void TheSweptMatrixIsTheTracedOneOnATwoHubGeneratedEstate() =>
        Nt.WithEstate(EstateSpec.Small with { Name = "two-hubs", Regions = 2, Spokes = 6, VpnSites = 4, RouteTables = 6 },
            folder => AssertSame(TopologyLoader.Load(folder), TransportProtocol.Tcp, 443));

    [Fact]
    public void TheSweptMatrixIsTheTracedOneWhenTheCircuitIsFailed() => Nt.WithEstate(folder =>
    {
        var t = TopologyLoader.Load(folder);
        var failed = t with { Failures = [.. t.Failures, .. t.ExpressRouteCircuits.Select(c => new Failure(FailureKind.Circuit, c.Name))] };
        AssertSame(failed, TransportProtocol.Tcp, 443);
    });

    private static void AssertSame(Topology t, TransportProtocol protocol, int port, string? variant = null)
    {
        var f = new Forwarder(Planes.Compute(t));
        var destinations = Reachability.Destinations(f);
        var swept = Reachability.MatrixBySource(f, destinations, protocol, port).SelectMany(r => r).Select(Show).ToList();
        var traced = Reachability.MatrixByTrace(f, destinations, protocol, port).SelectMany(r => r).Select(Show).ToList();
        Assert.True(traced.Count > 0 || Reachability.WorkloadSubnets(t).Count == 0);
        for (var i = 0; i < Math.Min(swept.Count, traced.Count); i++)
            Assert.True(traced[i] == swept[i], $"{variant} {protocol}/{port}: cell {i}\ntraced {traced[i]}\nswept  {swept[i]}");
        Assert.Equal(traced.Count, swept.Count);
    }

    /// <summary>Every class the sweep follows, compared with its trace in full: the request's disposition and devices,
    /// whether a reply was traced, the reply's disposition and devices, reach and symmetry (what the flow diff reads).</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void EverySweptClassIsItsTraceInFull(string example)
    {
        var t = TopologyLoader.Load(Nt.Example(example));
        AssertSweptAsTraced(t);
        foreach (var (_, after) in WhatIfEquivalence.Mutations(t)) AssertSweptAsTraced(after);
    }

    [Fact]
    public void EverySweptClassIsItsTraceInFullOnTheSmallGeneratedEstate() => Nt.WithEstate(folder =>
    {
        var t = TopologyLoader.Load(folder);
        Assert.True(AssertSweptAsTraced(t) > 1000);
        foreach (var (_, after) in WhatIfEquivalence.Mutations(t).Where((_, i) => i % 4 == 0)) AssertSweptAsTraced(after);
    });

    private static int AssertSweptAsTraced(Topology t)
    {
        var f = new Forwarder(Planes.Compute(t)) { HopTexts = false, Hops = false };
        var targets = Reachability.Destinations(f).SelectMany(d => d.Classes.Select(c => Endpoints.Of(t, c.First))).ToArray();
        var sweep = new ClassSweep(f, [.. targets.Select(e => e.Address)], TransportProtocol.Tcp, 443);
        var compared = 0;
        foreach (var s in Reachability.WorkloadSubnets(t))
        {
            var from = Endpoints.Resolve(t, s.Id);
            var classes = Enumerable.Range(0, targets.Length).Where(j => !s.AddressPrefix.Contains(targets[j].Address)).ToList();
            var row = sweep.Row(from, classes);
            foreach (var j in classes)
            {
                if (row.Fallback[j]) continue;
                var r = f.Trace(from, targets[j]);
                var swept = $"{row.Disposition[j]} [{string.Join(",", row.RequestDevices(j))}] reply {(row.HasReply(j) ? $"{row.ReplyDisposition[j]} [{string.Join(",", row.ReplyDevices(j))}]" : "none")} reaches {row.Reaches[j]} asymmetric {row.Asymmetric[j]}";
                var traced = $"{r.Request.Disposition} [{string.Join(",", r.Request.Devices)}] reply {(r.Reply is { } back ? $"{back.Disposition} [{string.Join(",", back.Devices)}]" : "none")} reaches {r.Reaches} asymmetric {r.Asymmetric}";
                Assert.True(traced == swept, $"{s.Id} -> {targets[j]}\ntraced {traced}\nswept  {swept}");
                compared++;
            }
        }
        return compared;
    }

    /// <summary>The table's summary of a row read from its compact cells is the summary of the same cells as records.</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void ARowIsSummarisedAsItsCells(string example) => AssertSummaries(TopologyLoader.Load(Nt.Example(example)));

    [Fact]
    public void ARowIsSummarisedAsItsCellsOnTheSmallGeneratedEstate() => Nt.WithEstate(folder => AssertSummaries(TopologyLoader.Load(folder)));

    private static void AssertSummaries(Topology t)
    {
        var f = new Forwarder(Planes.Compute(t));
        var rows = 0;
        foreach (var row in Reachability.MatrixBySource(f, Reachability.Destinations(f), TransportProtocol.Tcp, 443))
        {
            static string S(IReadOnlyList<NetTwin.Questions.MatrixSummaryRow> l) =>
                string.Join("\n", l.Select(r => $"{r.From} {r.Disposition} {r.Reaches} {r.Asymmetric} {r.Destinations} {r.Ranges} {string.Join(",", r.Examples)}"));
            Assert.Equal(S(NetTwin.Questions.ReachQuestion.Summarise([.. row])), S(NetTwin.Questions.ReachQuestion.Summarise(row)));
            rows++;
        }
        Assert.True(rows > 0);
    }

    private static string Show(MatrixCell c) =>
        $"{c.From} -> {c.To} {c.Range} {c.Disposition} reaches {c.Reaches} asymmetric {c.Asymmetric} [{string.Join(" > ", c.Path)}]";

    private static (int Swept, int Traced) Coverage(Topology t)
    {
        var f = new Forwarder(Planes.Compute(t)) { HopTexts = false, Hops = false };
        var destinations = Reachability.Destinations(f);
        var nics = t.NetworkInterfaces.OrderBy(n => n.PrivateIPAddress).ToList();
        var addresses = destinations.SelectMany(d => d.Classes.Select(c => Endpoints.Of(t, c.First).Address)).ToArray();
        var sweep = new ClassSweep(f, addresses, TransportProtocol.Tcp, 443);
        int swept = 0, traced = 0;
        foreach (var s in Reachability.WorkloadSubnets(t))
        {
            var classes = Enumerable.Range(0, addresses.Length).ToList();
            var row = sweep.Row(Endpoints.Resolve(t, s.Id), classes);
            foreach (var j in classes) if (row.Fallback[j]) traced++; else swept++;
        }
        return (swept, traced);
    }
}
