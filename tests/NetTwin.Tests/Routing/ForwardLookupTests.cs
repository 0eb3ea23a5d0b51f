using NetTwin.Formats.Yaml;
using NetTwin.Model;
using NetTwin.Routing;
using NetTwin.Tests.Scale;
using NetTwin.Tests.Support;
using NetTwin.WhatIf;

namespace NetTwin.Tests.Routing;

/// <summary>A table's lookup to forward (<c>Forward</c>, the table's core: no B9 shadows or A8 notes) chooses the route
/// its listed lookup (<c>Lookup</c>) chooses, and a table listed after it was only forwarded through lists exactly what
/// a table listed at once does: the annotations are made on first listing, never differently.</summary>
public class ForwardLookupTests
{
    public static TheoryData<string> Examples() => Nt.Examples();

    [Theory]
    [MemberData(nameof(Examples))]
    public void Forwarding_chooses_the_listed_route_on_every_example_and_variant(string example)
    {
        var t = TopologyLoader.Load(Nt.Example(example));
        AssertAgree(t, example);
        foreach (var (name, after) in WhatIfEquivalence.Mutations(t)) AssertAgree(after, $"{example}: {name}");
    }

    [Fact]
    public void Forwarding_chooses_the_listed_route_on_the_small_generated_estate() =>
        Nt.WithEstate(folder => AssertAgree(TopologyLoader.Load(folder), "small"));

    [Fact]
    public void An_a8_note_and_a_b9_shadow_are_listed_after_the_table_was_only_forwarded_through()
    {
        // The A8 note and B9's shadow are made on first listing, after forwarding through the table.
        var cp = new Estate().Vnet("hub", "10.100.0.0/16", "GatewaySubnet=10.100.0.0/27", "s1=10.100.1.0/24@rt")
            .ErGateway("er", "hub", "10.100.0.4").ErConnection("c", "er", "circuit")
            .Circuit("circuit", 0, 65001, "Standard", "10.1.0.0/16")
            .RouteTable("rt", false, "onprem-nva 8.8.8.8/32 VirtualAppliance 10.1.0.10", "wide 8.0.0.0/7 VirtualAppliance 10.100.1.10",
                "low 8.0.0.0/8 VirtualAppliance 10.100.1.10", "high 9.0.0.0/8 VirtualAppliance 10.100.1.10")
            .Compute();
        var table = cp.EffectiveRoutes("hub/s1");
        var forwarded = table.Forward(Ipv4.Parse("8.8.8.8"))!;
        Assert.Empty(forwarded.Notes);
        var listed = table.Lookup(Ipv4.Parse("8.8.8.8"))!;
        Assert.Equal("8.8.8.8/32", listed.AddressPrefix.ToString());
        Assert.Contains(listed.Notes, n => n.StartsWith("rule A8", StringComparison.Ordinal));
        Assert.Same(listed, table.Routes.Single(r => r.Name == "onprem-nva"));
        // 8.0.0.0/7 is shadowed by the two /8s (B9): Active, never chosen.
        Assert.NotNull(table.Routes.Single(r => r.Name == "wide").ShadowedBy);
        Assert.Equal("low", table.Forward(Ipv4.Parse("8.1.2.3"))!.Name);
    }

    private static void AssertAgree(Topology t, string what)
    {
        var cp = ControlPlane.Compute(t);
        var fresh = ControlPlane.Compute(t);
        foreach (var (subnet, table) in cp.AllSubnetTables())
        {
            // The probes come from the other plane's listing: on this one, the table is forwarded through first and
            // listed only after (its annotations, and its layer's, made then).
            var listedFirst = fresh.EffectiveRoutes(subnet.Id).Routes;
            var probes = listedFirst.SelectMany(r => new[] { r.AddressPrefix.First, r.AddressPrefix.Last })
                .Append(subnet.AddressPrefix.First).Append(Ipv4.Parse("8.8.8.8")).Append(Ipv4.Parse("168.63.129.16")).Distinct().ToList();
            var forwarded = probes.Select(table.Forward).ToList();
            for (var i = 0; i < probes.Count; i++)
            {
                var (f, l) = (forwarded[i], table.Lookup(probes[i]));
                Assert.True((f is null) == (l is null), $"{what}: {subnet.Id} {probes[i]}: forward {f?.AddressPrefix} lookup {l?.AddressPrefix}");
                if (f is null || l is null) continue;
                Assert.True(f.AddressPrefix == l.AddressPrefix && f.Source == l.Source && f.NextHopType == l.NextHopType && f.State == l.State
                            && f.NextHopIpAddress.SequenceEqual(l.NextHopIpAddress) && f.Gateway == l.Gateway && f.Name == l.Name,
                    $"{what}: {subnet.Id} {probes[i]}: forward {f.AddressPrefix} {f.NextHopType} lookup {l.AddressPrefix} {l.NextHopType}");
            }
            Assert.Equal(listedFirst.Count, table.Routes.Count);
            for (var i = 0; i < listedFirst.Count; i++)
                Assert.True(Structural.Same(listedFirst[i], table.Routes[i]), $"{what}: {subnet.Id} route {i}: {listedFirst[i].AddressPrefix} listed differently after forwarding");
        }
    }
}
