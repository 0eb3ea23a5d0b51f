using NetTwin.Formats.Yaml;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Tests.Support;
using NetTwin.WhatIf;

namespace NetTwin.Tests.Scale;

/// <summary>The what-if's destination classes (<see cref="DestinationClasses"/>) on the small generated estate (seed 1):
/// which addresses a VNet's flows treat alike. spoke-0002's subnets use route tables rt-hub-westeurope-001 (which names
/// 10.128.12.0/22 to the firewall and 10.128.144.0/25 to None) and -003; spoke-0003's use -002 (which names 10.128.4.0/24)
/// and -003. The circuits advertise 10.128.2.0/24, 10.128.4.0/24, 10.128.9.0/24 with the peer's AS path alone, and
/// 10.128.3.96/28 with the path 65010 64912.</summary>
public class DestinationClassesTests
{
    private static long Class(DestinationClasses.Source s, string ip) => s.Of(Ipv4.Parse(ip));

    private static void WithSmallEstate(Action<Topology> test) => Nt.WithEstate(folder => test(TopologyLoader.Load(folder)));

    [Fact]
    public void ACircuitsPrefixesThatEveryLookupTreatsAlikeAreOneClass() => WithSmallEstate(t =>
    {
        var spoke2 = DestinationClasses.Of(Planes.Compute(t)).From("spoke-0002");
        Assert.Equal(Class(spoke2, "10.128.2.1"), Class(spoke2, "10.128.4.1"));
        Assert.Equal(Class(spoke2, "10.128.2.1"), Class(spoke2, "10.128.9.200"));
        // Another AS path: the gateways hold the route with another detail, the edges another best path.
        Assert.NotEqual(Class(spoke2, "10.128.2.1"), Class(spoke2, "10.128.3.97"));
        // Named by the VNet's route tables: to the firewall, or dropped.
        Assert.NotEqual(Class(spoke2, "10.128.2.1"), Class(spoke2, "10.128.12.1"));
        Assert.NotEqual(Class(spoke2, "10.128.12.1"), Class(spoke2, "10.128.144.1"));
        // Inside a subnet: its own prefix.
        Assert.NotEqual(Class(spoke2, "10.16.4.4"), Class(spoke2, "10.16.6.4"));
    });

    [Fact]
    public void ARouteOfOneVnetsTablesSeparatesItsPrefixForThatVnetOnly() => WithSmallEstate(t =>
    {
        var classes = DestinationClasses.Of(Planes.Compute(t));
        var (spoke2, spoke3) = (classes.From("spoke-0002"), classes.From("spoke-0003"));
        // rt-hub-westeurope-002 (spoke-0003) names 10.128.4.0/24; rt-hub-westeurope-001 (spoke-0002) names 10.128.12.0/22.
        Assert.NotEqual(Class(spoke3, "10.128.2.1"), Class(spoke3, "10.128.4.1"));
        Assert.Equal(Class(spoke3, "10.128.2.1"), Class(spoke3, "10.128.12.1"));
        Assert.Equal(Class(spoke2, "10.128.2.1"), Class(spoke2, "10.128.4.1"));
        Assert.NotEqual(Class(spoke2, "10.128.2.1"), Class(spoke2, "10.128.12.1"));
    });

    [Fact]
    public void APrefixAnNsgRuleNamesIsItsOwnClass() => Nt.WithEstate(folder =>
    {
        Nt.InsertBefore(folder, "security.yaml", "      - { name: deny-smtp-out, priority: 100, direction: Outbound",
            "      - { name: deny-one-site, priority: 105, direction: Outbound, access: Deny, protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '10.128.9.0/24', destinationPortRange: '*' }\n");
        var t = TopologyLoader.Load(folder);
        var spoke2 = DestinationClasses.Of(Planes.Compute(t)).From("spoke-0002");
        Assert.NotEqual(Class(spoke2, "10.128.2.1"), Class(spoke2, "10.128.9.1"));
        Assert.Equal(Class(spoke2, "10.128.2.1"), Class(spoke2, "10.128.4.1"));
    });

    /// <summary>Into spoke-0002's rt-hub-westeurope-001: a route equal to 10.128.2.0/24 and one holding 10.128.9.0/24,
    /// both to None.</summary>
    internal static void AddNestingRoutes(string folder) =>
        Nt.InsertBefore(folder, "routing.yaml", "      - { name: onprem-00090-drop,",
            "      - { name: equal-to-one, addressPrefix: 10.128.2.0/24, nextHopType: None }\n" +
            "      - { name: around-another, addressPrefix: 10.128.8.0/22, nextHopType: None }\n");

    /// <summary>A route equal to one prefix and a route holding another, with the same next hop, in the source's table:
    /// the first wins over the circuit's route (same prefix, rule B2), the circuit's route is longer than the second. The
    /// two chains hold alike signatures in another order, and are told apart.</summary>
    [Fact]
    public void RoutesThatNestDifferentlyWithACircuitsPrefixAreToldApart() => Nt.WithEstate(folder =>
    {
        AddNestingRoutes(folder);
        var t = TopologyLoader.Load(folder);
        var spoke2 = DestinationClasses.Of(Planes.Compute(t)).From("spoke-0002");
        Assert.NotEqual(Class(spoke2, "10.128.2.1"), Class(spoke2, "10.128.9.1"));
        Assert.NotEqual(Class(spoke2, "10.128.2.1"), Class(spoke2, "10.128.4.1"));
    });

    /// <summary>Ascending addresses classified in one pass get the classes of one by one: every NIC's address, every
    /// advertised prefix's first, last and next address, and a spread of others, from a spoke with its own route tables
    /// and from a hub (whose tables are the estate's).</summary>
    [Fact]
    public void AscendingAddressesInOnePassGetTheClassesOfOneByOne() => WithSmallEstate(t =>
    {
        var classes = DestinationClasses.Of(Planes.Compute(t));
        var addresses = new SortedSet<uint>();
        foreach (var n in t.NetworkInterfaces) addresses.Add(n.PrivateIPAddress.Value);
        foreach (var c in t.ExpressRouteCircuits)
            foreach (var pe in c.Peerings)
                foreach (var r in pe.PeerAdvertisedRoutes)
                {
                    addresses.Add(r.Prefix.First.Value);
                    addresses.Add(r.Prefix.Last.Value);
                    if (r.Prefix.Last.Value < uint.MaxValue) addresses.Add(r.Prefix.Last.Value + 1);
                }
        for (ulong a = 0; a <= uint.MaxValue; a += 0x00FF_F00D) addresses.Add((uint)a);
        uint[] ascending = [.. addresses];
        Assert.True(ascending.Length > 400);
        foreach (var vnet in new[] { "spoke-0002", "spoke-0003", "hub-westeurope" })
        {
            var source = classes.From(vnet);
            var batch = source.Of(ascending);
            for (var i = 0; i < ascending.Length; i++)
                Assert.True(batch[i] == source.Of(new Ipv4(ascending[i])), $"{vnet}: {new Ipv4(ascending[i])}");
        }
    });
}
