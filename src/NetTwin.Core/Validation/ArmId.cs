using NetTwin.Model;

namespace NetTwin.Validation;

/// <summary>Azure Resource Manager ids, as Azure prints them in its error messages. NetTwin has no
/// subscription or resource group, so every id uses the fixed placeholders below; one helper forms
/// them all so every message spells ids the same way.</summary>
public static class ArmId
{
    public const string SubscriptionId = "00000000-0000-0000-0000-000000000000";
    public const string ResourceGroup = "nettwin";

    /// <summary>The common prefix: /subscriptions/…/resourceGroups/nettwin/providers/Microsoft.Network.</summary>
    public const string Provider = "/subscriptions/" + SubscriptionId + "/resourceGroups/" + ResourceGroup + "/providers/Microsoft.Network";

    /// <summary>A top-level resource: <paramref name="type"/> is the ARM type name (virtualNetworks, connections, …),
    /// which is also the topology format's kind.</summary>
    public static string Of(string type, string name) => $"{Provider}/{type}/{name}";

    public static string VirtualNetwork(string vnet) => Of(Kinds.VirtualNetworks, vnet);
    public static string Subnet(string vnet, string subnet) => $"{VirtualNetwork(vnet)}/subnets/{subnet}";
    public static string Peering(string vnet, string peering) => $"{VirtualNetwork(vnet)}/virtualNetworkPeerings/{peering}";
    public static string VirtualNetworkGateway(string name) => Of(Kinds.VirtualNetworkGateways, name);
    public static string LocalNetworkGateway(string name) => Of(Kinds.LocalNetworkGateways, name);
    public static string Connection(string name) => Of(Kinds.Connections, name);
    public static string RouteTable(string name) => Of(Kinds.RouteTables, name);
    public static string Route(string routeTable, string route) => $"{RouteTable(routeTable)}/routes/{route}";
    public static string NetworkSecurityGroup(string name) => Of(Kinds.NetworkSecurityGroups, name);

    /// <summary>The id of any model resource (peerings and subnets are children of their virtual network).</summary>
    public static string Of(IResource resource) => resource switch
    {
        VirtualNetworkPeering p => Peering(p.VirtualNetwork, p.Name),
        Subnet s => Subnet(s.VirtualNetwork, s.Name),
        _ => Of(resource.Kind, resource.Name),
    };
}
