using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Routing;

/// <summary>Where an effective route comes from (rule A6; Azure's enum also has Unknown).</summary>
public enum RouteSource { Default, User, VirtualNetworkGateway }

/// <summary>Active, or Invalid because a route with the same prefix from a higher-priority source exists (A6, B2).</summary>
public enum RouteState { Active, Invalid }

/// <summary>Why something happened to a route: the spec rule (azure-semantics.md, e.g. "B2") and a sentence.</summary>
public sealed record RouteReason(string Rule, string Text)
{
    public override string ToString() => $"rule {Rule}: {Text}";
}

/// <summary>What beat a route: the rule, a sentence, and the prefixes of the winning routes.</summary>
public sealed record RouteDefeat(string Rule, string Text, ImmutableArray<Prefix> By)
{
    public override string ToString() => $"rule {Rule}: {Text}";
}

/// <summary>One route of a subnet's effective route table, shaped like an entry of
/// <c>az network nic show-effective-route-table</c> (rule I1) plus NetTwin's explanation.</summary>
/// <param name="Source">Default, User or VirtualNetworkGateway.</param>
/// <param name="State">Active or Invalid.</param>
/// <param name="AddressPrefix">The destination prefix.</param>
/// <param name="NextHopType">VnetLocal, Internet, None, VirtualAppliance, VirtualNetworkGateway, VNetPeering, VNetGlobalPeering, VirtualNetworkServiceEndpoint.</param>
/// <param name="NextHopIpAddress">Appliance IP, or the gateway instance IPs (rule A7); empty otherwise.</param>
/// <param name="Name">The user route's name (User routes only).</param>
/// <param name="Origin">The rule that put the route in the table.</param>
public sealed record EffectiveRoute(
    RouteSource Source,
    RouteState State,
    Prefix AddressPrefix,
    NextHopType NextHopType,
    ImmutableArray<Ipv4> NextHopIpAddress,
    string? Name,
    RouteReason Origin)
{
    /// <summary>For Invalid routes: the rule and the route with the same prefix that beat it (B2).</summary>
    public RouteDefeat? InvalidBecause { get; init; }

    /// <summary>For Active routes whose whole range is covered by longer Active routes (B9): the outermost
    /// of those routes. Such a route is listed Active yet no destination can use it.</summary>
    public RouteDefeat? ShadowedBy { get; init; }

    public bool IsShadowed => ShadowedBy is not null;

    /// <summary>For VirtualNetworkGateway routes: the gateway(s) that learned or hold the route.</summary>
    public string? Gateway { get; init; }

    /// <summary>The service tag the route comes from: a user route with a tag as addressPrefix, or a service
    /// endpoint route (rule A4). Routes of one tag are listed as one row, as az does.</summary>
    public string? ServiceTag { get; init; }

    /// <summary>For User routes: the route table.</summary>
    public string? RouteTable { get; init; }

    /// <summary>Warnings and design decisions attached to this route (unverified behaviour, A8...).</summary>
    public ImmutableArray<string> Notes { get; init; } = [];

    /// <summary>One line saying why the route is here and, when Invalid or shadowed, what beat it.</summary>
    public string Explanation =>
        InvalidBecause is { } i ? $"{Origin}; Invalid, {i}"
        : ShadowedBy is { } s ? $"{Origin}; shadowed, {s}"
        : Origin.ToString();

    public override string ToString() =>
        $"{Source} {State} {AddressPrefix} {NextHopType}" + (NextHopIpAddress.IsEmpty ? "" : " " + string.Join(" ", NextHopIpAddress))
        + (IsShadowed ? " (shadowed)" : "");
}

/// <summary>A route that is not in the table because a rule removed it (B3 gateway routes inside the VNet or
/// a peered VNet, A3 reserved-range None routes under a 0.0.0.0/0 user route, B7 propagation off).</summary>
public sealed record RemovedRoute(Prefix AddressPrefix, RouteSource Source, NextHopType NextHopType, RouteReason Reason)
{
    public override string ToString() => $"{Source} {AddressPrefix} {NextHopType} removed, {Reason}";
}
