using NetTwin.Formats.Yaml;
using NetTwin.Model;
using NetTwin.Validation;
using static NetTwin.Tests.Validation.Topo;

namespace NetTwin.Tests.Validation;

public class PeeringRulesTests
{
    private static readonly (string, string)[] HubAndSpoke =
        [Hub(), Spoke(), Gw("hub-gw", "hub"), .. Transit("hub", "spoke")];

    private static readonly (string, string)[] SecondHub =
        [Vnet("hub2", "10.2.0.0/16", Sub("GatewaySubnet", "10.2.0.0/27")), Gw("hub2-gw", "hub2")];

    [Fact]
    public void Hub_and_spoke_with_gateway_transit_is_clean()
    {
        Assert.Empty(Validate(HubAndSpoke));
    }

    [Fact]
    public void Second_peering_with_remote_gateways_gets_Azures_C4_message()
    {
        var f = Validate([.. HubAndSpoke, .. SecondHub, .. Transit("hub2", "spoke")]);
        Expect(f, PeeringRules.UseRemoteGatewaysAlreadySet, "virtualNetworkPeerings/spoke-to-hub2",
            "Peering spoke/spoke-to-hub2 cannot have UseRemoteGateways flag set to true, because another peering "
            + Arm + "/virtualNetworks/spoke/virtualNetworkPeerings/spoke-to-hub already has UseRemoteGateways flag set to true.");
    }

    [Fact]
    public void Second_peering_without_remote_gateways_passes()
    {
        var f = Validate([.. HubAndSpoke, .. SecondHub, .. Pair("hub2", "spoke")]);
        None(f, PeeringRules.UseRemoteGatewaysAlreadySet);
        Assert.Empty(f);
    }

    [Fact]
    public void Vnet_with_its_own_gateway_cannot_use_remote_gateways()
    {
        var f = Validate([Hub(), Vnet("spoke", "10.1.0.0/16", Sub("GatewaySubnet", "10.1.0.0/27")), Gw("hub-gw", "hub"), Gw("spoke-gw", "spoke"),
            .. Transit("hub", "spoke")]);
        Expect(f, PeeringRules.UseRemoteGatewaysWithOwnGateway, "virtualNetworkPeerings/spoke-to-hub",
            "Peering spoke/spoke-to-hub cannot have UseRemoteGateways flag set to true, because virtual network spoke has its own gateway spoke-gw: "
            + "\"This flag cannot be set if virtual network already has a gateway.\" (REST API description; Azure's error text is unverified)");
    }

    [Fact]
    public void Vnet_with_its_own_gateway_and_no_remote_gateways_passes()
    {
        var f = Validate(Hub(), Vnet("spoke", "10.1.0.0/16", Sub("GatewaySubnet", "10.1.0.0/27")), Gw("hub-gw", "hub"), Gw("spoke-gw", "spoke"),
            Peer("hub-to-spoke", "hub", "spoke", ", allowGatewayTransit: true"), Peer("spoke-to-hub", "spoke", "hub"));
        None(f, PeeringRules.UseRemoteGatewaysWithOwnGateway);
        Assert.Empty(f);
    }

    [Fact]
    public void Remote_vnet_without_gateway_gets_RemoteVnetHasNoGateways()
    {
        var f = Validate([Hub(), Spoke(), .. Transit("hub", "spoke")]);
        Expect(f, PeeringRules.RemoteVnetHasNoGateways, "virtualNetworkPeerings/spoke-to-hub",
            $"Peering {Arm}/virtualNetworks/spoke/virtualNetworkPeerings/spoke-to-hub cannot have UseRemoteGateway flag set to true because remote "
            + $"virtual network {Arm}/virtualNetworks/hub referenced by the peering does not have any gateways.");
        Assert.Equal("RemoteVnetHasNoGateways", PeeringRules.RemoteVnetHasNoGateways.AzureErrorCode);
    }

    [Fact]
    public void Remote_vnet_with_only_an_ExpressRoute_gateway_has_a_gateway()
    {
        var f = Validate([Hub(), Spoke(), Gw("hub-er", "hub", "ExpressRoute", "Standard"), .. Transit("hub", "spoke")]);
        None(f, PeeringRules.RemoteVnetHasNoGateways);
        Assert.Empty(f);
    }

    [Fact]
    public void Remote_side_without_allowGatewayTransit_is_a_warning()
    {
        var f = Validate(Hub(), Spoke(), Gw("hub-gw", "hub"), Peer("hub-to-spoke", "hub", "spoke"),
            Peer("spoke-to-hub", "spoke", "hub", ", useRemoteGateways: true"));
        var w = Expect(f, PeeringRules.RemoteGatewayTransitNotAllowed, "virtualNetworkPeerings/spoke-to-hub",
            "Peering spoke/spoke-to-hub sets useRemoteGateways, but the reverse peering hub/hub-to-spoke does not set allowGatewayTransit: "
            + "spoke gets no routes through hub's gateways (unverified: Azure accepts this without a documented error).");
        Assert.Equal(Severity.Warning, w.Severity);
    }

    [Fact]
    public void Remote_side_with_allowGatewayTransit_passes()
    {
        None(Validate(HubAndSpoke), PeeringRules.RemoteGatewayTransitNotAllowed);
    }

    [Fact]
    public void Overlap_with_a_vnet_already_peered_with_the_remote_gets_Azures_C7_message()
    {
        // spoke (10.1.0.0/16) is peered with hub; spoke2 (10.1.128.0/17) overlaps it and peers with hub as well.
        var f = Validate([.. HubAndSpoke, Spoke("spoke2", "10.1.128.0/17"), .. Pair("hub", "spoke2")]);
        Has(f, PeeringRules.VnetAddressSpaceOverlapsWithAlreadyPeeredVnet, "virtualNetworkPeerings/spoke2-to-hub",
            $"Cannot create or update peering {Arm}/virtualNetworks/spoke2/virtualNetworkPeerings/spoke2-to-hub. Virtual networks "
            + $"{Arm}/virtualNetworks/spoke2 and {Arm}/virtualNetworks/hub cannot be peered because address space of the first virtual network "
            + $"overlaps with address space of virtual network {Arm}/virtualNetworks/spoke already peered with the second virtual network. "
            + "Overlapping address prefixes: 10.1.128.0/17.");
        Assert.Equal("VnetAddressSpaceOverlapsWithAlreadyPeeredVnet", PeeringRules.VnetAddressSpaceOverlapsWithAlreadyPeeredVnet.AzureErrorCode);
    }

    [Fact]
    public void Two_spokes_with_distinct_spaces_pass()
    {
        var f = Validate([.. HubAndSpoke, Spoke("spoke2", "10.2.0.0/16"), .. Pair("hub", "spoke2")]);
        None(f, PeeringRules.VnetAddressSpaceOverlapsWithAlreadyPeeredVnet);
        Assert.Empty(f);
    }

    [Fact]
    public void Directly_overlapping_peered_vnets_are_refused()
    {
        var f = Validate(Vnet("a", "10.0.0.0/16"), Vnet("b", "10.0.128.0/17"), Peer("a-to-b", "a", "b"));
        Expect(f, PeeringRules.PeeredAddressSpacesOverlap, "virtualNetworkPeerings/a-to-b",
            "Peering a/a-to-b cannot be created: the address space of virtual network a overlaps with the address space of virtual network b. "
            + "Overlapping address prefixes: 10.0.128.0/17. (unverified: Azure's error text for a direct overlap is not documented)");
    }

    [Fact]
    public void Adjacent_peered_vnets_pass()
    {
        var f = Validate([Vnet("a", "10.0.0.0/17"), Vnet("b", "10.0.128.0/17"), .. Pair("a", "b")]);
        None(f, PeeringRules.PeeredAddressSpacesOverlap);
        Assert.Empty(f);
    }

    [Fact]
    public void Transit_through_a_Basic_gateway_is_a_warning()
    {
        var f = Validate([Hub(), Spoke(), Gw("hub-gw", "hub", sku: "Basic"), .. Transit("hub", "spoke")]);
        var w = Expect(f, PeeringRules.GatewayTransitBasicSku, "virtualNetworkPeerings/spoke-to-hub",
            "Peering spoke/spoke-to-hub uses the gateways of hub, but VPN gateway hub-gw uses the Basic SKU: gateway transit doesn't support "
            + "the Basic SKU, so spoke gets no connectivity through it (unverified: the docs don't say whether Azure refuses the peering).");
        Assert.Equal(Severity.Warning, w.Severity);
    }

    [Fact]
    public void Transit_through_a_VpnGw1_gateway_passes()
    {
        None(Validate(HubAndSpoke), PeeringRules.GatewayTransitBasicSku);
    }

    [Fact]
    public void Peering_without_its_reverse_stays_Initiated()
    {
        var f = Validate(Vnet("a", "10.0.0.0/16"), Vnet("b", "10.1.0.0/16"), Peer("a-to-b", "a", "b"));
        var w = Expect(f, PeeringRules.PeeringInitiated, "virtualNetworkPeerings/a-to-b",
            "Peering a/a-to-b has no reverse peering from b to a: its peeringState stays Initiated and no traffic flows until b peers back.");
        Assert.Equal(Severity.Warning, w.Severity);
    }

    [Fact]
    public void Peering_with_its_reverse_passes()
    {
        var f = Validate([Vnet("a", "10.0.0.0/16"), Vnet("b", "10.1.0.0/16"), .. Pair("a", "b")]);
        None(f, PeeringRules.PeeringInitiated);
        Assert.Empty(f);
    }

    private static Topology ManyPeerings(int count)
    {
        var items = new List<(string, string)> { Vnet("hub", "10.0.0.0/16") };
        for (var i = 0; i < count; i++)
        {
            var name = $"s{i}";
            items.Add(Vnet(name, $"10.{1 + i / 256}.{i % 256}.0/24"));
            items.AddRange(Pair("hub", name));
        }
        return TopologyLoader.LoadText(Yaml([.. items]));
    }

    [Fact]
    public void More_than_500_peerings_on_one_vnet_are_refused()
    {
        var f = Validator.Validate(ManyPeerings(501));
        Expect(f, PeeringRules.TooManyPeerings, "virtualNetworks/hub",
            "Virtual network hub has 501 peerings: Azure allows at most 500 virtual network peerings per virtual network.");
    }

    [Fact]
    public void Exactly_500_peerings_pass()
    {
        var f = Validator.Validate(ManyPeerings(500));
        None(f, PeeringRules.TooManyPeerings);
        Assert.Empty(f);
    }
}
