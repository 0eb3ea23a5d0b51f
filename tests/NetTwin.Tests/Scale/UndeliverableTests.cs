using NetTwin.Formats.Yaml;
using NetTwin.Forwarding;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Routing;
using NetTwin.Tests.Support;
using NetTwin.WhatIf;

namespace NetTwin.Tests.Scale;

/// <summary>The destinations a VNet's requests are never delivered to (<see cref="Undeliverable"/>), which a flag
/// change's wide rows leave out, on the two-region estate of <see cref="TransitReachTests"/>: hub-westeurope
/// (10.0.0.0/22, firewall 10.0.1.4 in 10.0.1.0/26) with spoke-0001..0003 (10.16.0.0/23, 10.16.2.0/23, 10.16.4.0/23),
/// hub-northeurope (10.0.4.0/22, firewall 10.0.5.4 in 10.0.5.0/26) with spoke-0004..0006 (10.16.8.0/23, 10.16.10.0/23,
/// 10.16.12.0/23). spoke-0002's tables send 0.0.0.0/0 to westeurope's firewall, whose subnet's table drops
/// 10.0.0.0/8 (the system route to None) outside the hub, its spokes and its global peer.</summary>
public class UndeliverableTests
{
    /// <summary>spoke-0002's undeliverable intervals over the flow diff's intervals (those of the baseline's own cuts),
    /// as address ranges, adjacent ones merged.</summary>
    private static string[] UndeliverableFromTheSpoke(Topology t)
    {
        var planes = Planes.Compute(t);
        var intervals = FlowDiff.Cuts(new Forwarder(planes), null, null, null).Distinct().Order().ToList();
        var list = Enumerable.Range(0, intervals.Count - 1).Select(i => (Lo: intervals[i], Hi: intervals[i + 1] - 1)).ToList();
        var dead = Undeliverable.From(planes, "spoke-0002", list);
        var runs = new List<(ulong Lo, ulong Hi)>();
        for (var i = 0; i < list.Count; i++)
            if (dead[i])
            {
                if (runs.Count > 0 && runs[^1].Hi + 1 == list[i].Lo) runs[^1] = (runs[^1].Lo, list[i].Hi);
                else runs.Add(list[i]);
            }
        return [.. runs.Select(r => $"{new Ipv4((uint)r.Lo)}-{new Ipv4((uint)r.Hi)}")];
    }

    /// <summary>The lookup the proof rests on: where <see cref="EffectiveRouteTable.ForwardOver"/> says no route parts a
    /// prefix, every address of the prefix takes the route it gives (<see cref="EffectiveRouteTable.Forward(Ipv4)"/>, the
    /// same object), in every table of the estate (user, peering, gateway routes, and those rule B3 hides), over the
    /// prefixes of its VNets, subnets and routes and random ones.</summary>
    [Fact]
    public void AnUnpartedPrefixTakesOneRouteAtEveryAddress() => Nt.WithEstate(TransitReachTests.TwoHubs, folder =>
    {
        var t = TopologyLoader.Load(folder);
        var planes = Planes.Compute(t);
        var rng = new Random(7);
        var tables = planes.Routing.AllSubnetTables().Select(x => x.Table).Distinct().ToList();
        var prefixes = t.VirtualNetworks.SelectMany(v => v.AddressPrefixes.Concat(v.Subnets.Select(sn => sn.AddressPrefix)))
            .Concat(tables.SelectMany(x => x.Routes.Select(r => r.AddressPrefix)))
            .Concat(Enumerable.Range(0, 200).Select(_ => new Prefix(new Ipv4((10u << 24) | (uint)rng.Next(1 << 24)), rng.Next(8, 33))))
            .Distinct().ToList();
        var (whole, parted) = (0, 0);
        foreach (var table in tables)
            foreach (var p in prefixes)
            {
                var route = table.ForwardOver(p, out var isParted);
                if (isParted) { parted++; continue; }
                whole++;
                var size = (long)p.Last.Value - p.First.Value;
                foreach (var a in new[] { p.First, p.Last, p.First.Add(size / 2), p.First.Add((long)(rng.NextDouble() * size)) })
                    Assert.Same(table.Forward(a), route);
            }
        // Both answers occur (a spoke's /23 is whole in most tables; 10.0.0.0/8 is parted in all).
        Assert.True(whole > 1000 && parted > 100, $"whole {whole}, parted {parted}");
    });

    [Fact]
    public void ASpokesRequestsIntoTheOtherRegionsSpokesEndAtItsHubsFirewall() => Nt.WithEstate(TransitReachTests.TwoHubs, folder =>
    {
        // northeurope's spokes, and nothing else: hub-northeurope is reached over the hubs' global peering, the region's
        // spokes over hub-westeurope's peerings, on-premises over the gateways, the internet from the firewall.
        Assert.Equal(["10.16.8.0-10.16.13.255"], UndeliverableFromTheSpoke(TopologyLoader.Load(folder)));
    });

    /// <summary>westeurope's firewall subnet sends spoke-0005 on to northeurope's firewall, which delivers it over its
    /// peering: spoke-0002's requests to spoke-0005 now pass two firewalls and are delivered. Sent only half of it
    /// (10.16.10.0/24), the firewall's table parts spoke-0005's prefix, and each interval is answered on its own.
    /// Either way the flag change's diff equals the full comparison.</summary>
    [Theory]
    [InlineData("10.16.10.0/23", new[] { "10.16.8.0-10.16.9.255", "10.16.12.0-10.16.13.255" })]
    [InlineData("10.16.10.0/24", new[] { "10.16.8.0-10.16.9.255", "10.16.11.0-10.16.13.255" })]
    public void AFirewallSendingASpokeOnToTheOtherHubsFirewallDeliversIt(string sent, string[] undeliverable) => Nt.WithEstate(TransitReachTests.TwoHubs, folder =>
    {
        TransitReachTests.GiveARoute(folder, "10.0.1.0/26", "rt-firewall-hub-westeurope", "westeurope", "spoke-0005-through-northeurope", sent, "10.0.5.4");
        var before = TopologyLoader.Load(folder);
        Assert.Equal(undeliverable, UndeliverableFromTheSpoke(before));
        WhatIfEquivalence.AssertSameDifferences(before, TransitReachTests.Changed(folder), $"spoke-0002's flag, {sent} through northeurope");
    });
}
