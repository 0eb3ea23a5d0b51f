using System.Text.Json;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.Ipsec;

/// <summary>S1 (seed 001): VPN over ExpressRoute private peering, through the CLI. The tunnels' endpoints are private
/// (useLocalAzureIpAddress, loopbacks on-premises) and reached over the circuit; without R1's static pin of the
/// GatewaySubnet to ExpressRoute, R1 reaches the gateway through the tunnel itself: recursive, never simply up.</summary>
public class S1UnderlayTests
{
    private static JsonElement Tunnels(params string[] changes)
    {
        var args = new List<string> { "tunnels", Nt.Example("s1-vpn-over-er"), "-o", "json" };
        foreach (var c in changes) args.AddRange(["--apply", Nt.Change("s1-vpn-over-er", c)]);
        var r = Nt.Run([.. args]);
        Assert.Equal(0, r.ExitCode);
        return JsonDocument.Parse(r.Out).RootElement;
    }

    private static JsonElement Connection(JsonElement root, string name) =>
        root.GetProperty("connections").EnumerateArray().Single(c => c.GetProperty("connection").GetString() == name);

    private static JsonElement Instance(JsonElement conn, int i) =>
        conn.GetProperty("instances").EnumerateArray().Single(x => x.GetProperty("instance").GetInt32() == i);

    [Fact]
    public void TunnelsAreUpWhileTheirEndpointsAreReachedOverExpressRoute()
    {
        var root = Tunnels();
        var r1 = Connection(root, "datacenter01_connection");
        Assert.Equal("Up", r1.GetProperty("state").GetString());
        var i0 = Instance(r1, 0);
        Assert.Equal("Up", i0.GetProperty("state").GetString());
        Assert.Equal("10.64.0.12", i0.GetProperty("azureAddress").GetString());
        Assert.Equal("10.10.10.1", i0.GetProperty("peerAddress").GetString());
        Assert.Contains("over ExpressRoute circuit er-circuit", i0.GetProperty("underlay").GetString());
        // R1 only builds a tunnel to instance 0 (the seed's design): instance 1 has no peer configuration.
        Assert.Equal("Down", Instance(r1, 1).GetProperty("state").GetString());
        var r2 = Connection(root, "datacenter02_connection");
        Assert.Equal("Up", r2.GetProperty("state").GetString());
        Assert.Equal("Up", Instance(r2, 1).GetProperty("state").GetString());
        Assert.Contains("over ExpressRoute circuit er-circuit", Instance(r2, 1).GetProperty("underlay").GetString());
    }

    [Fact]
    public void WithoutTheStaticPinTheTunnelIsRecursiveAndUnstable()
    {
        var root = Tunnels("prefer-vpn-for-gateway-subnet.yaml");
        var r1 = Connection(root, "datacenter01_connection");
        Assert.Equal("Recursive", r1.GetProperty("state").GetString());
        var reason = Instance(r1, 0).GetProperty("reason").GetString()!;
        Assert.Contains("recursive and unstable", reason);
        Assert.Contains("through the VPN tunnel datacenter01_connection", reason);
        Assert.Contains(root.GetProperty("findings").GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("id").GetString() == "NT-TUNNEL-002" && f.GetProperty("resource").GetString() == "connections/datacenter01_connection");
        // R2 keeps its pin: its tunnel stays up.
        Assert.Equal("Up", Connection(root, "datacenter02_connection").GetProperty("state").GetString());
    }

    [Fact]
    public void AFailedCircuitTakesTheTunnelsDownWithIt()
    {
        var dir = Nt.TempTopology(("fail.yaml", "changes:\n  - fail: expressRouteCircuits/er-circuit\n"));
        var r = Nt.Run("tunnels", Nt.Example("s1-vpn-over-er"), "--apply", Path.Combine(dir, "fail.yaml"), "-o", "json");
        Assert.Equal(0, r.ExitCode);
        var failed = JsonDocument.Parse(r.Out).RootElement;
        foreach (var (name, instance) in new[] { ("datacenter01_connection", 0), ("datacenter02_connection", 1) })
        {
            var c = Connection(failed, name);
            Assert.Equal("Down", c.GetProperty("state").GetString());
            var i = Instance(c, instance);
            Assert.Equal("PEER_UNREACHABLE", i.GetProperty("failure").GetString());
            Assert.Contains("circuit er-circuit is failed", i.GetProperty("reason").GetString());
        }
    }
}
