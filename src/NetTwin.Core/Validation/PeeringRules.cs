using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>Virtual network peering (spec section C): remote gateways, overlap, the reverse direction, limits.</summary>
public static class PeeringRules
{
    public static readonly RuleDescriptor UseRemoteGatewaysAlreadySet = new(
        "NT-PEER-001", "Only one peering per virtual network may use remote gateways", Severity.Error, "C4", Learn.DifferentRegion,
        "Peering {0}/{1} cannot have UseRemoteGateways flag set to true, because another peering {2} already has UseRemoteGateways flag set to true.");

    public static readonly RuleDescriptor UseRemoteGatewaysWithOwnGateway = new(
        "NT-PEER-002", "A virtual network with its own gateway cannot use remote gateways", Severity.Error, "C5", Learn.DifferentRegion,
        "Peering {0}/{1} cannot have UseRemoteGateways flag set to true, because virtual network {0} has its own gateway {2}: "
        + "\"This flag cannot be set if virtual network already has a gateway.\" (REST API description; Azure's error text is unverified)");

    public static readonly RuleDescriptor RemoteVnetHasNoGateways = new(
        "NT-PEER-003", "Remote virtual network has no gateway", Severity.Error, "C6", Learn.GatewayTransit,
        "Peering {0} cannot have UseRemoteGateway flag set to true because remote virtual network {1} referenced by the peering does not have any gateways.",
        "RemoteVnetHasNoGateways");

    public static readonly RuleDescriptor RemoteGatewayTransitNotAllowed = new(
        "NT-PEER-004", "Remote gateways used without gateway transit on the remote side", Severity.Warning, "C6", Learn.GatewayTransit,
        "Peering {0}/{1} sets useRemoteGateways, but the reverse peering {2}/{3} does not set allowGatewayTransit: "
        + "{0} gets no routes through {2}'s gateways (unverified: Azure accepts this without a documented error).");

    public static readonly RuleDescriptor VnetAddressSpaceOverlapsWithAlreadyPeeredVnet = new(
        "NT-PEER-005", "Address space overlaps a virtual network already peered with the remote", Severity.Error, "C7", Learn.Peering,
        "Cannot create or update peering {0}. Virtual networks {1} and {2} cannot be peered because address space of the first virtual network "
        + "overlaps with address space of virtual network {3} already peered with the second virtual network. Overlapping address prefixes: {4}.",
        "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet");

    public static readonly RuleDescriptor PeeredAddressSpacesOverlap = new(
        "NT-PEER-006", "Peered virtual networks overlap", Severity.Error, "C7", Learn.Peering,
        "Peering {0}/{1} cannot be created: the address space of virtual network {0} overlaps with the address space of virtual network {2}. "
        + "Overlapping address prefixes: {3}. (unverified: Azure's error text for a direct overlap is not documented)");

    public static readonly RuleDescriptor GatewayTransitBasicSku = new(
        "NT-PEER-007", "Gateway transit through a Basic SKU VPN gateway", Severity.Warning, "C8", Learn.DifferentRegion,
        "Peering {0}/{1} uses the gateways of {2}, but VPN gateway {3} uses the Basic SKU: gateway transit doesn't support the Basic SKU, "
        + "so {0} gets no connectivity through it (unverified: the docs don't say whether Azure refuses the peering).");

    public static readonly RuleDescriptor PeeringInitiated = new(
        "NT-PEER-008", "Peering without its reverse (state Initiated)", Severity.Warning, "C1", Learn.Peering,
        "Peering {0}/{1} has no reverse peering from {2} to {0}: its peeringState stays Initiated and no traffic flows until {2} peers back.");

    public static readonly RuleDescriptor TooManyPeerings = new(
        "NT-PEER-009", "More than 500 peerings in one virtual network", Severity.Error, "C9", Learn.Limits,
        "Virtual network {0} has {1} peerings: Azure allows at most 500 virtual network peerings per virtual network.");

    public const int PeeringLimit = 500;

    public static IReadOnlyList<RuleDescriptor> All { get; } =
    [
        UseRemoteGatewaysAlreadySet, UseRemoteGatewaysWithOwnGateway, RemoteVnetHasNoGateways, RemoteGatewayTransitNotAllowed,
        VnetAddressSpaceOverlapsWithAlreadyPeeredVnet, PeeredAddressSpacesOverlap, GatewayTransitBasicSku, PeeringInitiated, TooManyPeerings,
    ];

    public static IEnumerable<Finding> Check(Topology t)
    {
        // C4: the first peering declared with useRemoteGateways is the one Azure already has; every later one is refused.
        foreach (var vnet in t.VirtualNetworkPeerings.Select(p => p.VirtualNetwork).Distinct())
        {
            var users = t.PeeringsFrom(vnet).Where(p => p.UseRemoteGateways).ToList();
            foreach (var p in users.Skip(1))
                yield return UseRemoteGatewaysAlreadySet.Create(p, vnet, p.Name, ArmId.Peering(vnet, users[0].Name));
            if (t.PeeringsFrom(vnet).Count > PeeringLimit && t.VirtualNetwork(vnet) is { } v)
                yield return TooManyPeerings.Create(v, vnet, t.PeeringsFrom(vnet).Count);
        }

        // Every VNet's peers, in either direction, sorted: the candidates "already peered with the second virtual network".
        var neighbours = t.VirtualNetworkPeerings
            .SelectMany(q => new[] { (q.VirtualNetwork, q.RemoteVirtualNetwork), (q.RemoteVirtualNetwork, q.VirtualNetwork) })
            .ToLookup(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
        var peersOf = neighbours.ToDictionary(g => g.Key, g => g.Distinct().Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

        foreach (var p in t.VirtualNetworkPeerings)
        {
            var reverse = t.ReversePeering(p);
            if (reverse is null)
                yield return PeeringInitiated.Create(p, p.VirtualNetwork, p.Name, p.RemoteVirtualNetwork);

            if (p.UseRemoteGateways)
            {
                var own = t.GatewaysIn(p.VirtualNetwork);
                if (own.Count > 0)
                    yield return UseRemoteGatewaysWithOwnGateway.Create(p, p.VirtualNetwork, p.Name, string.Join(", ", own.Select(g => g.Name)));

                var remote = t.GatewaysIn(p.RemoteVirtualNetwork);
                if (remote.Count == 0)
                    yield return RemoteVnetHasNoGateways.Create(p, ArmId.Peering(p.VirtualNetwork, p.Name), ArmId.VirtualNetwork(p.RemoteVirtualNetwork));
                else
                {
                    if (reverse is { AllowGatewayTransit: false })
                        yield return RemoteGatewayTransitNotAllowed.Create(p, p.VirtualNetwork, p.Name, reverse.VirtualNetwork, reverse.Name);
                    foreach (var basic in remote.Where(g => g.GatewayType == GatewayType.Vpn && Skus.IsBasic(g)))
                        yield return GatewayTransitBasicSku.Create(p, p.VirtualNetwork, p.Name, p.RemoteVirtualNetwork, basic.Name);
                }
            }

            if (t.VirtualNetwork(p.VirtualNetwork) is not { } a || t.VirtualNetwork(p.RemoteVirtualNetwork) is not { } b) continue;
            var direct = Shared.Overlaps(a.AddressPrefixes, b.AddressPrefixes);
            if (direct.Count > 0)
                yield return PeeredAddressSpacesOverlap.Create(p, a.Name, p.Name, b.Name, Shared.Join(direct));

            // C7: A overlaps some C already peered (either direction) with B.
            foreach (var cName in peersOf.GetValueOrDefault(b.Name, []).Where(c => c != a.Name && c != b.Name))
            {
                if (t.VirtualNetwork(cName) is not { } c) continue;
                var overlap = Shared.Overlaps(a.AddressPrefixes, c.AddressPrefixes);
                if (overlap.Count > 0)
                    yield return VnetAddressSpaceOverlapsWithAlreadyPeeredVnet.Create(p, ArmId.Peering(a.Name, p.Name),
                        ArmId.VirtualNetwork(a.Name), ArmId.VirtualNetwork(b.Name), ArmId.VirtualNetwork(c.Name), Shared.Join(overlap));
            }
        }
    }
}
