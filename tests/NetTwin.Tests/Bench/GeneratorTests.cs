using NetTwin.Bench;
using NetTwin.Formats.Yaml;
using NetTwin.Model;
using NetTwin.Validation;

namespace NetTwin.Tests.Bench;

/// <summary>The bench's estate generator (issue 7): deterministic for a seed, and what it writes is a valid estate.
/// Not timed: timings belong to the bench's smoke run, never to unit tests.</summary>
public class GeneratorTests
{
    [Fact]
    public void SmallEstateIsByteIdenticalForTheSameSeed()
    {
        var a = EstateGenerator.Generate(EstateSpec.Small);
        var b = EstateGenerator.Generate(EstateSpec.Small);
        Assert.Equal(a.Files.Select(f => f.Key), b.Files.Select(f => f.Key));
        foreach (var (x, y) in a.Files.Zip(b.Files))
            Assert.True(x.Value == y.Value, $"{x.Key} differs between two runs with seed {EstateSpec.Small.Seed}");
        Assert.Equal(a.Counts, b.Counts);
    }

    [Fact]
    public void AnotherSeedGivesAnotherEstateOfTheSameShape()
    {
        var a = EstateGenerator.Generate(EstateSpec.Small);
        var c = EstateGenerator.Generate(EstateSpec.Small with { Seed = EstateSpec.Small.Seed + 1 });
        Assert.NotEqual(string.Concat(a.Files.Select(f => f.Value)), string.Concat(c.Files.Select(f => f.Value)));
        Assert.Equal(a.Counts.Elements, c.Counts.Elements);
    }

    [Fact]
    public void SmallEstateLoadsAndValidatesWithNoErrors()
    {
        var estate = EstateGenerator.Generate(EstateSpec.Small);
        var folder = estate.WriteToTemp();
        try
        {
            var topology = TopologyLoader.Load(folder);
            var errors = Validator.Validate(topology).Where(f => f.Severity == Severity.Error).ToList();
            Assert.True(errors.Count == 0,
                "the generated small estate has validation errors:\n" + string.Join("\n", errors.Select(e => $"{e.Id} {e.Resource}: {e.Message}")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void SmallEstateHoldsWhatItsCountsSay()
    {
        var estate = EstateGenerator.Generate(EstateSpec.Small);
        var folder = estate.WriteToTemp();
        try
        {
            var t = TopologyLoader.Load(folder);
            var c = estate.Counts;
            var spec = estate.Spec;
            Assert.Equal(spec.Regions + spec.Spokes, t.VirtualNetworks.Length);
            Assert.Equal(c.VirtualNetworks, t.VirtualNetworks.Length);
            Assert.Equal(c.Subnets, t.Subnets.Count());
            Assert.Equal(c.Peerings, t.VirtualNetworkPeerings.Length);
            Assert.Equal(spec.RouteTables, t.RouteTables.Length);
            Assert.Equal(c.Routes, t.RouteTables.Sum(r => r.Routes.Length));
            Assert.Equal(c.NetworkSecurityGroups, t.NetworkSecurityGroups.Length);
            Assert.Equal(c.SecurityRules, t.NetworkSecurityGroups.Sum(n => n.SecurityRules.Length));
            Assert.Equal(c.VirtualMachines, t.VirtualMachines.Length);
            Assert.Equal(c.NetworkInterfaces, t.NetworkInterfaces.Length);
            Assert.Equal(c.AzureFirewalls, t.AzureFirewalls.Length);
            Assert.Equal(c.VirtualNetworkGateways, t.VirtualNetworkGateways.Length);
            Assert.Equal(spec.VpnSites, t.LocalNetworkGateways.Length);
            Assert.Equal(c.Connections, t.Connections.Length);
            Assert.Equal(c.ExpressRouteCircuits, t.ExpressRouteCircuits.Length);
            Assert.All(t.ExpressRouteCircuits, er => Assert.Equal(spec.ErPrefixes, er.Peerings.Single().PeerAdvertisedRoutes.Length));

            // The shape issue 7 asks for: ER + active-active VPN gateways coexisting in a /27-or-shorter GatewaySubnet,
            // spokes using the hub's gateways, a firewall per hub that every spoke table sends 0.0.0.0/0 to, BGP sites.
            foreach (var hub in t.VirtualNetworks.Where(v => v.Name.StartsWith("hub-", StringComparison.Ordinal)))
            {
                var gws = t.GatewaysIn(hub.Name);
                Assert.Contains(gws, g => g.GatewayType == GatewayType.ExpressRoute);
                Assert.Contains(gws, g => g.GatewayType == GatewayType.Vpn && g.ActiveActive && g.EnableBgp);
                Assert.True(t.Subnet($"{hub.Name}/GatewaySubnet")!.AddressPrefix.Length <= 27);
                var fw = Assert.Single(t.AzureFirewalls, f => f.Subnet == $"{hub.Name}/AzureFirewallSubnet");
                Assert.Equal(hub.Name, t.Subnet(fw.Subnet)!.VirtualNetwork);
            }
            foreach (var spoke in t.VirtualNetworks.Where(v => v.Name.StartsWith("spoke-", StringComparison.Ordinal)))
            {
                Assert.Contains(t.PeeringsFrom(spoke.Name), p => p.UseRemoteGateways);
                Assert.All(spoke.Subnets, s =>
                {
                    Assert.NotNull(s.NetworkSecurityGroup);
                    var rt = t.RouteTable(s.RouteTable!)!;
                    var fws = t.AzureFirewalls.Select(f => f.PrivateIPAddress).ToHashSet();
                    Assert.Contains(rt.Routes, r => r.AddressPrefix == Prefix.Default && r.NextHopType == NextHopType.VirtualAppliance
                                                    && r.NextHopIpAddress is { } ip && fws.Contains(ip));
                });
            }
            Assert.All(t.Connections.Where(x => x.ConnectionType == ConnectionType.IPsec), x =>
            {
                Assert.True(x.EnableBgp);
                Assert.NotNull(t.LocalNetworkGateway(x.LocalNetworkGateway2!)!.BgpSettings);
            });
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void NoTwoVnetsOverlapInAnyGeneratedSize()
    {
        // Checked on the generator's plan through the text it writes (no load): cheap even for the largest size.
        foreach (var spec in EstateSpec.Sizes)
        {
            var text = EstateGenerator.Generate(spec).Files.Single(f => f.Key == "network.yaml").Value;
            var spaces = text.Split('\n').Where(l => l.StartsWith("    addressSpace: [", StringComparison.Ordinal))
                .Select(l => Prefix.Parse(l["    addressSpace: [".Length..^1])).Order().ToList();
            Assert.Equal(spec.Regions + spec.Spokes, spaces.Count);
            for (var i = 1; i < spaces.Count; i++)
                Assert.False(spaces[i - 1].Overlaps(spaces[i]), $"{spec.Name}: {spaces[i - 1]} overlaps {spaces[i]}");
        }
    }

    [Fact]
    public void TheReportOfAnEstateWithManySubnetsListsOneLinePerSubnet() => NetTwin.Tests.Support.Nt.WithEstate(folder =>
    {
        // The small estate has 21 workload subnets: more than the report prints tables for.
        var r = NetTwin.Tests.Support.Nt.Run("report", folder);
        Assert.True(r.ExitCode is 0 or 1, r.Err);
        Assert.Contains("Effective routes of 21 workload subnets (nettwin routes PATH --subnet VNET/SUBNET lists one)", r.Out);
        Assert.DoesNotContain("Effective routes of spoke-", r.Out);
    });
}
