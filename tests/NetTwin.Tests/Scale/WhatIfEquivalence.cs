using System.Collections.Immutable;
using System.Text.Json;
using NetTwin.Bench;
using NetTwin.Formats.Yaml;
using NetTwin.Ipsec;
using NetTwin.Model;
using NetTwin.Tests.Support;
using NetTwin.Validation;
using NetTwin.WhatIf;

namespace NetTwin.Tests.Scale;

/// <summary>The what-if's shortcuts (issue 7) — incremental validation, the routing scopes, the flow selection and
/// the cut points taken without every subnet's table — give the answers of the plain definitions, for varied changes
/// (every peering's allowForwardedTraffic, route tables edited, associations moved, NSG rules removed, ...) on every
/// example and the small generated estate. Not timed.</summary>
public class WhatIfEquivalence
{

    public static TheoryData<string> Examples() => Nt.Examples();

    private static Topology Example(string name) => TopologyLoader.Load(Nt.Example(name));

    private static void WithSmallEstate(Action<Topology> test) => Nt.WithEstate(folder => test(TopologyLoader.Load(folder)));

    // ------------------------------------------------------------------ validation

    /// <summary>Each validation part reads only the collections it declares: its findings over a topology whose other
    /// collections are emptied (and whose peerings' allowForwardedTraffic is flipped, when it does not declare that
    /// flag) are its findings over the whole topology.</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void EachValidationPartReadsOnlyWhatItDeclares(string example) => AssertPartsReadWhatTheyDeclare(Example(example));

    [Fact]
    public void EachValidationPartReadsOnlyWhatItDeclaresOnTheSmallGeneratedEstate() => WithSmallEstate(t => AssertPartsReadWhatTheyDeclare(t));

    /// <summary>Also over the mutated variants, which hold findings the examples do not (propagation off on a
    /// GatewaySubnet, UDRs to gateways, ...).</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void EachValidationPartReadsOnlyWhatItDeclaresOnTheVariants(string example)
    {
        foreach (var (_, after) in Mutations(Example(example))) AssertPartsReadWhatTheyDeclare(after);
    }

    private static void AssertPartsReadWhatTheyDeclare(Topology t)
    {
        foreach (var part in Validator.Parts)
            Assert.True(Show(part.Check(t)).SequenceEqual(Show(part.Check(Strip(t, part.Reads)))),
                $"validation part '{part.Name}' reads a collection it does not declare ({part.Reads})");
    }

    /// <summary>The topology with only the declared collections left.</summary>
    private static Topology Strip(Topology t, TopologyParts keep)
    {
        bool K(TopologyParts p) => (keep & p) != 0;
        var peerings = K(TopologyParts.VirtualNetworkPeerings) ? t.VirtualNetworkPeerings : [];
        if (!K(TopologyParts.PeeringForwardedTraffic)) peerings = [.. peerings.Select(p => p with { AllowForwardedTraffic = !p.AllowForwardedTraffic })];
        return new Topology
        {
            Root = t.Root,
            VirtualNetworks = K(TopologyParts.VirtualNetworks) ? t.VirtualNetworks : [],
            VirtualNetworkPeerings = peerings,
            RouteTables = K(TopologyParts.RouteTables) ? t.RouteTables : [],
            NetworkSecurityGroups = K(TopologyParts.NetworkSecurityGroups) ? t.NetworkSecurityGroups : [],
            NetworkInterfaces = K(TopologyParts.NetworkInterfaces) ? t.NetworkInterfaces : [],
            VirtualMachines = K(TopologyParts.VirtualMachines) ? t.VirtualMachines : [],
            AzureFirewalls = K(TopologyParts.AzureFirewalls) ? t.AzureFirewalls : [],
            VirtualNetworkGateways = K(TopologyParts.VirtualNetworkGateways) ? t.VirtualNetworkGateways : [],
            LocalNetworkGateways = K(TopologyParts.LocalNetworkGateways) ? t.LocalNetworkGateways : [],
            Connections = K(TopologyParts.Connections) ? t.Connections : [],
            ExpressRouteCircuits = K(TopologyParts.ExpressRouteCircuits) ? t.ExpressRouteCircuits : [],
            OnPremisesDevices = K(TopologyParts.OnPremisesDevices) ? t.OnPremisesDevices : [],
            Failures = K(TopologyParts.Failures) ? t.Failures : [],
            ServiceTags = K(TopologyParts.ServiceTags) ? t.ServiceTags : ServiceTagSet.Empty,
        };
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void IncrementalValidationEqualsTheFullValidationForEveryVariant(string example) => AssertIncrementalValidation(Example(example));

    [Fact]
    public void IncrementalValidationEqualsTheFullValidationOnTheSmallGeneratedEstate() => WithSmallEstate(t => AssertIncrementalValidation(t));

    private static void AssertIncrementalValidation(Topology before)
    {
        var baseline = Validator.ValidateByPart(before);
        foreach (var (name, after) in Mutations(before))
        {
            var full = Show(Validator.Validate(after)).ToList();
            Assert.True(full.SequenceEqual(Show(Validator.Revalidate(baseline, after, ChangeScope.ChangedParts(before, after)).Findings)),
                $"incremental validation differs after {name}");
            // As the what-if asks it: with the route tables the change edited, parts checked table by table check those only.
            var scope = ChangeScope.Of(before, after);
            var tables = scope.Routing == RoutingScope.Full ? null : scope.ChangedRouteTables;
            Assert.True(full.SequenceEqual(Show(Validator.Revalidate(baseline, after, scope.Changed, tables).Findings)),
                $"incremental validation by route table differs after {name}");
        }
    }

    private static IEnumerable<string> Show(IEnumerable<Finding> findings) => findings.Select(f => $"{f.Id}|{f.Resource}|{f.Message}|{f.Source}");

    // ------------------------------------------------------------------ the whole what-if

    /// <summary>Differ.Compare over a derived analysis (scoped routing, incremental validation, selected flows, cuts
    /// without every table) equals every comparison made in full over planes computed afresh.</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void WhatIfOfEveryVariantEqualsTheFullComparison(string example)
    {
        var before = Example(example);
        foreach (var (name, after) in Mutations(before)) AssertSameDifferences(before, after, name);
    }

    [Fact]
    public void WhatIfOfEveryVariantEqualsTheFullComparisonOnTheSmallGeneratedEstate() => WithSmallEstate(before =>
    {
        foreach (var (name, after) in Mutations(before).Where((m, i) => i % 3 == 0 || m.Name.EndsWith("without its first rule", StringComparison.Ordinal)))
            AssertSameDifferences(before, after, name);
    });

    /// <summary>A spoke's peering flag changed: the spoke's own subnets are wide rows of a dual sweep, which sweep one
    /// interval per destination class (<see cref="DestinationClasses"/>). Their flows equal the full comparison's, with
    /// the spoke's route tables naming circuit prefixes to the firewall and to None (rt-hub-westeurope-001), and with a
    /// route of that table equal to one circuit prefix and another holding a second (the chains interleave otherwise).</summary>
    [Fact]
    public void AFlagChangeSweptByDestinationClassesEqualsTheFullComparison() => Nt.WithEstate(folder =>
    {
        static Topology Flipped(Topology t)
        {
            var i = t.VirtualNetworkPeerings.ToList().FindIndex(p => p.Name == "spoke-0002-to-hub-westeurope");
            Assert.True(i >= 0);
            var p = t.VirtualNetworkPeerings[i];
            return t with { VirtualNetworkPeerings = t.VirtualNetworkPeerings.SetItem(i, p with { AllowForwardedTraffic = !p.AllowForwardedTraffic }) };
        }
        var before = TopologyLoader.Load(folder);
        AssertSameDifferences(before, Flipped(before), "spoke-0002's flag");
        DestinationClassesTests.AddNestingRoutes(folder);
        var edited = TopologyLoader.Load(folder);
        AssertSameDifferences(edited, Flipped(edited), "spoke-0002's flag, routes nesting otherwise");
    });

    /// <summary>The scopes the variants exercise: each narrow scope occurs (so the equivalence above is not only the
    /// full path compared with itself).</summary>
    [Fact]
    public void TheVariantsExerciseEveryNarrowScope()
    {
        var seen = new HashSet<string>();
        void See(Topology t, IEnumerable<(string Name, Topology After)> mutations)
        {
            var before = Planes.Compute(t);
            foreach (var (_, after) in mutations)
            {
                var scope = ChangeScope.Of(t, after);
                var selection = FlowSelection.Of(before, Planes.Compute(after), scope);
                seen.Add($"{scope.Routing}/{(selection.IsEverything ? "all flows" : "selected flows")}/{(scope.ForwardedTrafficVnets.Count > 0 ? "C2" : "")}");
            }
        }
        foreach (var example in Nt.ExampleNames)
        {
            var t = Example(example);
            See(t, Mutations(t));
        }
        // The examples hold no NSG: the generated estate's give the NSG-only variants.
        WithSmallEstate(t => See(t, Mutations(t).Where(m => m.Name.EndsWith("without its first rule", StringComparison.Ordinal))));
        Assert.Contains("RouteTables/selected flows/", seen);
        Assert.Contains("None/selected flows/C2", seen);
        Assert.Contains("None/all flows/", seen);
        Assert.Contains("Full/all flows/", seen);
    }

    /// <summary>Tables of a derived control plane that are views over the baseline's gateway route sets are compared
    /// over their candidate routes only (EffectiveRouteTable.Candidates): the changed prefixes and the route changes
    /// equal those of comparing every route, for every subnet of every variant. A derived plane shares the baseline's
    /// tables on unchanged route tables (the same objects), so the views compared are those of edited route tables: the
    /// generated estate has them under a hub's gateway routes (the examples' edits mostly reach a GatewaySubnet, a
    /// Full scope).</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void CandidateRoutesGiveTheFullTableComparison(string example) => AssertCandidatesCompareLikeFullTables(Example(example));

    [Fact]
    public void CandidateRoutesGiveTheFullTableComparisonOnTheSmallGeneratedEstate() =>
        WithSmallEstate(t => Assert.True(AssertCandidatesCompareLikeFullTables(t) > 0, "no variant compared two views of one gateway route set"));

    /// <summary>A derived control plane's tables on route tables the change left alone are the baseline's own objects,
    /// built once for both, whether the baseline had built them before the change or not; a table on an edited route
    /// table is the derived plane's.</summary>
    /// <summary>A baseline prepared beforehand (FlowDiff.PrepareBaseline: its cut points, sources, endpoints, interval
    /// targets and every table made before the change is asked) gives the same what-if as one whose parts are made as
    /// the what-if needs them, for the generated peering and UDR changes.</summary>
    [Fact]
    public void APreparedBaselineGivesTheSameWhatIf() => Nt.WithEstate(folder =>
    {
        var before = TopologyLoader.Load(folder);
        foreach (var change in new[] { EstateGenerator.PeeringChangeFile, EstateGenerator.UdrChangeFile })
        {
            var after = TopologyLoader.Load(folder, [Path.Combine(folder, change)]);
            string Flows(bool prepared)
            {
                var baseline = EstateAnalysis.Of(before);
                if (prepared) FlowDiff.PrepareBaseline(baseline.Planes);
                var diff = Differ.Compare(baseline, baseline.Derive(after));
                return string.Join("\n", diff.Flows.Select(f =>
                    $"{f.From}|{f.To}|{string.Join(",", f.Destinations)}|{f.Change}|{f.Before}|{f.After}|{string.Join(">", f.BeforePath)}|{string.Join(">", f.AfterPath)}"));
            }
            var plain = Flows(prepared: false);
            if (change == EstateGenerator.PeeringChangeFile) Assert.NotEmpty(plain);
            Assert.Equal(plain, Flows(prepared: true));
        }
    });

    [Fact]
    public void DerivedControlPlanesShareTheBaselinesUnchangedTables() => WithSmallEstate(t =>
    {
        // A spoke's table (a GatewaySubnet's would make the scope Full).
        var i = t.RouteTables.IndexOf(t.RouteTables.First(rt => t.Subnets.Any(s => s.RouteTable == rt.Name) && !t.Subnets.Any(s => s.IsGatewaySubnet && s.RouteTable == rt.Name)));
        var edited = t.RouteTables[i] with { Routes = t.RouteTables[i].Routes.RemoveAt(0) };
        var after = t with { RouteTables = t.RouteTables.SetItem(i, edited) };
        var baseline = EstateAnalysis.Of(t, Probes.None);
        var derived = baseline.Derive(after);
        Assert.Equal(RoutingScope.RouteTables, derived.Scope!.Routing);
        var (shared, own) = (0, 0);
        // The derived side asks first: a table the baseline had not built is built by the baseline.
        foreach (var s in after.Subnets)
        {
            var (a, b) = (derived.Routing.EffectiveRoutes(s.Id), baseline.Routing.EffectiveRoutes(s.Id));
            if (s.RouteTable == edited.Name) { Assert.NotSame(b, a); own++; }
            else { Assert.Same(b, a); shared++; }
        }
        Assert.True(shared > 0 && own > 0, $"{shared} shared, {own} own");
    });

    private static int AssertCandidatesCompareLikeFullTables(Topology before)
    {
        var baseline = EstateAnalysis.Of(before, Probes.None);
        var viewsCompared = 0;
        foreach (var (name, after) in Mutations(before))
        {
            var derived = baseline.Derive(after);
            var subnets = before.Subnets.Where(s => after.Subnet(s.Id) is not null).Select(s => s.Id).ToList();
            foreach (var id in subnets)
            {
                var (b, a) = (baseline.Routing.EffectiveRoutes(id), derived.Routing.EffectiveRoutes(id));
                if (!ReferenceEquals(b, a) && global::NetTwin.Routing.EffectiveRouteTable.Candidates(b, a) is not null) viewsCompared++;
                Assert.True(FlowSelection.ChangedPrefixes(b, a).Order().SequenceEqual(FlowSelection.ChangedPrefixes(b, a, inFull: true).Order()),
                    $"changed prefixes of {id} differ after {name}");
            }
            var rows = subnets.Select(id => (id, (string?)id, (string?)id)).ToList();
            var fast = Differ.CompareRoutes(baseline.Routing.EffectiveRoutes, derived.Routing.EffectiveRoutes, rows);
            var full = Differ.CompareRoutes(baseline.Routing.EffectiveRoutes, derived.Routing.EffectiveRoutes, rows, inFull: true);
            Assert.True(Json(full) == Json(fast), $"route changes differ after {name}");
        }
        return viewsCompared;
    }

    /// <summary>The cut points taken from the boundaries and the service tags equal those taken from every subnet's
    /// effective routes.</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void CutsWithoutEveryTableEqualCutsFromEveryTable(string example)
    {
        var t = Example(example);
        AssertSameCuts(Planes.Compute(t));
        foreach (var (_, after) in Mutations(t).Take(12)) AssertSameCuts(Planes.Compute(after));
    }

    [Fact]
    public void CutsWithoutEveryTableEqualCutsFromEveryTableOnTheSmallGeneratedEstate() => WithSmallEstate(t => AssertSameCuts(Planes.Compute(t)));

    private static void AssertSameCuts(Planes p)
    {
        var f = new global::NetTwin.Forwarding.Forwarder(p);
        var full = new SortedSet<ulong> { 0, 1UL << 32 };
        void Cut(Prefix x) { full.Add(x.First.Value); full.Add((ulong)x.Last.Value + 1); }
        foreach (var x in AddressRanges.NotPublic) Cut(x);
        foreach (var x in global::NetTwin.Forwarding.Reachability.Boundaries(f)) Cut(x);
        foreach (var d in p.Topology.OnPremisesDevices) foreach (var x in global::NetTwin.Forwarding.Endpoints.DeviceNetworks(d)) Cut(x);
        foreach (var (_, table) in p.Routing.AllSubnetTables()) foreach (var r in table.Routes) Cut(r.AddressPrefix);
        Assert.Equal(full, FlowDiff.Cuts(f, f, null, null).Order());
    }

    /// <summary>Everything <see cref="Differ.Compare"/> says of a derived analysis equals the plain comparisons over
    /// fresh planes: findings of two full validations, every subnet's routes, BGP, tunnels, every flow, the intents.</summary>
    internal static void AssertSameDifferences(Topology before, Topology after, string? name = null)
    {
        var baseline = EstateAnalysis.Of(before, Probes.None);
        var derived = baseline.Derive(after);
        var fast = Differ.Compare(baseline, derived);
        var (pb, pa) = (Planes.Compute(before), Planes.Compute(after));
        string? Key(Topology t, string id) => t.Subnet(id) is { } sn ? $"{sn.VirtualNetwork}|{sn.RouteTable}|{string.Join(",", sn.ServiceEndpoints)}" : null;
        var subnets = before.Subnets.Select(x => x.Id).Union(after.Subnets.Select(x => x.Id)).Order(StringComparer.Ordinal);
        var reference = new Differences(
            Differ.CompareFindings(Validator.Validate(before), Validator.Validate(after)),
            Differ.CompareRoutes(id => before.Subnet(id) is null ? null : pb.Routing.EffectiveRoutes(id),
                id => after.Subnet(id) is null ? null : pa.Routing.EffectiveRoutes(id), subnets.Select(id => (id, Key(before, id), Key(after, id))), inFull: true),
            Differ.CompareSessions(pb.Routing.Bgp, pa.Routing.Bgp),
            Differ.CompareLearned(pb.Routing, pa.Routing),
            Differ.CompareTunnels(pb.Tunnels, pa.Tunnels),
            FlowDiff.CompareInFull(pb, pa),
            [],
            []);
        var what = name is null ? "" : $" after {name} (scope {derived.Scope!.Routing})";
        Assert.True(Json(reference.Findings) == Json(fast.Findings), "findings differ" + what);
        Assert.True(Json(reference.Routes) == Json(fast.Routes), "routes differ" + what);
        Assert.True(Json(reference.BgpSessions) == Json(fast.BgpSessions), "BGP sessions differ" + what);
        Assert.True(Json(reference.LearnedRoutes) == Json(fast.LearnedRoutes), "learned routes differ" + what);
        Assert.True(Json(reference.Tunnels) == Json(fast.Tunnels), "tunnels differ" + what);
        Assert.True(Json(reference.Flows) == Json(fast.Flows), "flows differ" + what + $": full {reference.Flows.Count}, selected {fast.Flows.Count}");
        // Over a prepared baseline (FlowDiff.PrepareBaseline: its intervals and targets kept, a wide row's layout shared).
        var prepared = EstateAnalysis.Of(before, Probes.None);
        FlowDiff.PrepareBaseline(prepared.Planes);
        var fromPrepared = Differ.Compare(prepared, prepared.Derive(after));
        Assert.True(Json(reference.Flows) == Json(fromPrepared.Flows), "flows differ over a prepared baseline" + what + $": full {reference.Flows.Count}, prepared {fromPrepared.Flows.Count}");
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);

    // ------------------------------------------------------------------ variants

    /// <summary>Small changes of a topology, each on its own: every peering's allowForwardedTraffic (and
    /// allowVirtualNetworkAccess) flipped; each route table's propagation flipped, its last route removed, its first
    /// route sent to None; each subnet's table removed or given the first table; each NSG's first rule removed.</summary>
    public static IEnumerable<(string Name, Topology After)> Mutations(Topology t)
    {
        for (var i = 0; i < t.VirtualNetworkPeerings.Length; i++)
        {
            var p = t.VirtualNetworkPeerings[i];
            yield return ($"{p.Name} allowForwardedTraffic {!p.AllowForwardedTraffic}",
                t with { VirtualNetworkPeerings = t.VirtualNetworkPeerings.SetItem(i, p with { AllowForwardedTraffic = !p.AllowForwardedTraffic }) });
            if (i == 0)
                yield return ($"{p.Name} allowVirtualNetworkAccess {!p.AllowVirtualNetworkAccess}",
                    t with { VirtualNetworkPeerings = t.VirtualNetworkPeerings.SetItem(i, p with { AllowVirtualNetworkAccess = !p.AllowVirtualNetworkAccess }) });
        }
        if (t.VirtualNetworkPeerings.Length > 1)
            yield return ("every peering's allowForwardedTraffic flipped",
                t with { VirtualNetworkPeerings = [.. t.VirtualNetworkPeerings.Select(p => p with { AllowForwardedTraffic = !p.AllowForwardedTraffic })] });
        for (var i = 0; i < t.RouteTables.Length; i++)
        {
            var rt = t.RouteTables[i];
            Topology With(RouteTable x) => t with { RouteTables = t.RouteTables.SetItem(i, x) };
            yield return ($"{rt.Name} propagation flipped", With(rt with { DisableBgpRoutePropagation = !rt.DisableBgpRoutePropagation }));
            if (rt.Routes.Length > 0)
            {
                yield return ($"{rt.Name} without its last route", With(rt with { Routes = rt.Routes.RemoveAt(rt.Routes.Length - 1) }));
                yield return ($"{rt.Name} first route to None", With(rt with { Routes = rt.Routes.SetItem(0, rt.Routes[0] with { NextHopType = NextHopType.None, NextHopIpAddress = null }) }));
                // A user route to the gateway: findings of its own (rules B5, B6) under a narrow scope.
                yield return ($"{rt.Name} first route to VirtualNetworkGateway", With(rt with { Routes = rt.Routes.SetItem(0, rt.Routes[0] with { NextHopType = NextHopType.VirtualNetworkGateway, NextHopIpAddress = null }) }));
            }
        }
        var subnets = t.VirtualNetworks.SelectMany((v, vi) => v.Subnets.Select((s, si) => (vi, si, s))).ToList();
        foreach (var (vi, si, s) in subnets.Where(x => x.s.HoldsWorkloads).Take(6))
        {
            var v = t.VirtualNetworks[vi];
            Topology With(Subnet x) => t with { VirtualNetworks = t.VirtualNetworks.SetItem(vi, v with { Subnets = v.Subnets.SetItem(si, x) }) };
            if (s.RouteTable is not null) yield return ($"{s.Id} without its route table", With(s with { RouteTable = null }));
            else if (t.RouteTables.Length > 0) yield return ($"{s.Id} given {t.RouteTables[0].Name}", With(s with { RouteTable = t.RouteTables[0].Name }));
        }
        // A workload subnet renamed (one no NIC is in): the two sides' source subnets differ, and are merged.
        if (subnets.FirstOrDefault(x => x.s.HoldsWorkloads && !t.NetworkInterfaces.Any(n => n.Subnet == x.s.Id)) is { s: not null } free)
        {
            var v = t.VirtualNetworks[free.vi];
            yield return ($"{free.s.Id} renamed", t with { VirtualNetworks = t.VirtualNetworks.SetItem(free.vi, v with { Subnets = v.Subnets.SetItem(free.si, free.s with { Name = "aaa-" + free.s.Name }) }) });
        }
        for (var i = 0; i < t.NetworkSecurityGroups.Length && i < 3; i++)
        {
            var n = t.NetworkSecurityGroups[i];
            if (n.SecurityRules.Length > 0)
                yield return ($"{n.Name} without its first rule", t with { NetworkSecurityGroups = t.NetworkSecurityGroups.SetItem(i, n with { SecurityRules = n.SecurityRules.RemoveAt(0) }) });
        }
        yield return ("a peering and a route table at once", Combined(t));
    }

    private static Topology Combined(Topology t)
    {
        var r = t;
        if (r.VirtualNetworkPeerings.Length > 0)
            r = r with { VirtualNetworkPeerings = r.VirtualNetworkPeerings.SetItem(0, r.VirtualNetworkPeerings[0] with { AllowForwardedTraffic = !r.VirtualNetworkPeerings[0].AllowForwardedTraffic }) };
        if (r.RouteTables.Length > 0 && r.RouteTables[^1].Routes.Length > 0)
            r = r with { RouteTables = r.RouteTables.SetItem(r.RouteTables.Length - 1, r.RouteTables[^1] with { Routes = r.RouteTables[^1].Routes.RemoveAt(0) }) };
        return r;
    }
}
