using NetTwin.Ipsec;
using System.CommandLine;
using NetTwin.Model;
using NetTwin.Questions;
using NetTwin.Routing;

namespace NetTwin.Cli;

internal static partial class Commands
{
    private static Command BgpCommand(TextWriter stdout)
    {
        var path = PathArgument(); var apply = ApplyOption(); var output = OutputOption();
        var gateway = new Option<string?>("--gateway") { Description = "A virtual network gateway." };
        var learned = new Option<bool>("--learned") { Description = "Routes the gateway holds (list-learned-routes)." };
        var advertised = new Option<bool>("--advertised") { Description = "Routes the gateway advertises (list-advertised-routes)." };
        var peer = new Option<string?>("--peer") { Description = "With --advertised: the BGP peer's address." };
        var peers = new Option<bool>("--peers") { Description = "BGP sessions and their state (list-bgp-peer-status)." };
        var device = new Option<string?>("--device") { Description = "An on-premises router: its BGP table as show ip bgp prints it." };
        var cmd = new Command("bgp", "BGP: gateway learned/advertised routes, peer status, on-premises routers' BGP tables.")
            { path, apply, output, gateway, learned, advertised, peer, peers, device };
        cmd.SetAction(r =>
        {
            var modes = new[] { r.GetValue(learned), r.GetValue(advertised), r.GetValue(peers), r.GetValue(device) is not null }.Count(x => x);
            if (modes != 1) throw new UsageException("give one of --learned, --advertised, --peers or --device NAME");
            var topology = new EstateInput(r.GetValue(path)!, r.GetValue(apply) ?? []).Load();
            var gw = r.GetValue(gateway);
            if (gw is not null && topology.VirtualNetworkGateway(gw) is null) throw new UsageException($"no virtual network gateway named '{gw}'");
            if ((r.GetValue(learned) || r.GetValue(advertised)) && gw is null) throw new UsageException("--learned and --advertised need --gateway NAME");
            var cp = Planes.Compute(topology).Routing;
            var json = r.GetValue(output) == "json";
            if (r.GetValue(device) is { } dev)
            {
                if (topology.OnPremisesDevice(dev) is null) throw new UsageException($"no on-premises device named '{dev}'");
                var view = BgpQuestion.Device(cp, dev);
                if (json) Render.Json(stdout, view); else Render.DeviceBgp(stdout, view);
            }
            else if (r.GetValue(peers))
            {
                var rows = BgpQuestion.Peers(cp, gw);
                if (json) Render.Json(stdout, new { value = rows });
                else Render.Table(stdout, ["Speaker", "Neighbor", "ASN", "State", "RoutesReceived", "LocalAddress", "Reason"],
                    rows.Select(p => new[] { p.Speaker, p.Neighbor, p.Asn?.ToString() ?? "", p.State, p.RoutesReceived.ToString(), p.LocalAddress ?? "", p.Reason ?? "" }));
            }
            else if (r.GetValue(learned))
            {
                var rows = BgpQuestion.Learned(cp, gw!);
                if (json) Render.Json(stdout, new { value = rows }); else Render.GatewayRoutes(stdout, rows, $"Routes learned by {gw}");
            }
            else
            {
                Ipv4? peerIp = null;
                if (r.GetValue(peer) is { } ptext)
                    peerIp = Ipv4.TryParse(ptext, out var ip, out var err) ? ip : throw new UsageException($"--peer: {err}");
                var groups = BgpQuestion.Advertised(cp, gw!, peerIp);
                if (json)
                    Render.Json(stdout, peerIp is null ? new { value = groups.SelectMany(g => g.Routes.Select(x => new { peer = g.Peer, route = x })).ToList() } : new { value = groups[0].Routes.Cast<object>().ToList() });
                else foreach (var (p, rows) in groups) Render.GatewayRoutes(stdout, rows, $"Routes {gw} advertises to {p}");
            }
            return NetTwinCli.Ok;
        });
        return cmd;
    }

    private static Command NextHopCommand(TextWriter stdout)
    {
        var path = PathArgument(); var apply = ApplyOption(); var output = OutputOption();
        var from = new Option<string>("--from") { Description = "Source IP (inside a subnet).", Required = true };
        var to = new Option<string>("--to") { Description = "Destination IP.", Required = true };
        var cmd = new Command("next-hop", "The next hop from an address to a destination, like az network watcher show-next-hop.") { path, apply, output, from, to };
        cmd.SetAction(r =>
        {
            Ipv4 Ip(Option<string> o) => Ipv4.TryParse(r.GetValue(o), out var ip, out var err) ? ip : throw new UsageException($"{o.Name}: {err}");
            var (src, dst) = (Ip(from), Ip(to));
            var topology = new EstateInput(r.GetValue(path)!, r.GetValue(apply) ?? []).Load();
            var view = NextHopQuestion.Ask(Planes.Compute(topology).Routing, src, dst)
                ?? throw new UsageException($"{src} is not inside any subnet of the topology");
            if (r.GetValue(output) == "json") Render.Json(stdout, view);
            else
            {
                // knack's default table: keys sorted, capitalised, nulls dropped (rule I3).
                Render.Table(stdout, view.NextHopIpAddress is null ? ["NextHopType", "RouteTableId"] : ["NextHopIpAddress", "NextHopType", "RouteTableId"],
                    [view.NextHopIpAddress is null ? [view.NextHopType, view.RouteTableId] : [view.NextHopIpAddress, view.NextHopType, view.RouteTableId]]);
                stdout.WriteLine($"{view.Subnet}: {view.Explanation}");
            }
            return NetTwinCli.Ok;
        });
        return cmd;
    }
}
