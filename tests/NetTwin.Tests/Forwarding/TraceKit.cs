using System.Text.Json;
using NetTwin.Tests.Support;

namespace NetTwin.Tests.Forwarding;

/// <summary>Runs `nettwin trace ... -o json` through the CLI's code path and reads the answer.</summary>
public sealed class TraceResult(JsonElement root)
{
    public JsonElement Root { get; } = root;
    public string Disposition => Root.GetProperty("disposition").GetString()!;
    public bool Reaches => Root.GetProperty("reaches").GetBoolean();
    public bool Asymmetric => Root.GetProperty("asymmetric").GetBoolean();
    public string Symmetry => Root.GetProperty("symmetry").GetString()!;
    public JsonElement Request => Root.GetProperty("request");
    public JsonElement? Reply => Root.GetProperty("reply").ValueKind == JsonValueKind.Null ? null : Root.GetProperty("reply");

    /// <summary>Every hop of a direction as "node step".</summary>
    public static string[] Hops(JsonElement direction) =>
        [.. direction.GetProperty("hops").EnumerateArray().Select(h => $"{h.GetProperty("node").GetString()} {h.GetProperty("step").GetString()}")];

    public static string[] Decisions(JsonElement direction) =>
        [.. direction.GetProperty("hops").EnumerateArray().Select(h => h.GetProperty("decision").GetString()!)];

    public static string Reason(JsonElement direction) => direction.GetProperty("reason").GetString()!;
    public static string FinalFlow(JsonElement direction) => direction.GetProperty("finalFlow").GetString()!;
    public static string ReplyDisposition(TraceResult r) => r.Reply!.Value.GetProperty("disposition").GetString()!;
    public static string[] Stateful(JsonElement direction) =>
        [.. direction.GetProperty("statefulDevices").EnumerateArray().Select(x => x.GetString()!)];
}

public static class TraceKit
{
    public static TraceResult Trace(string example, string[] changes, string from, string to, string protocol = "tcp", int port = 443, params string[] extraChangeFiles)
    {
        var args = new List<string> { "trace", Nt.Example(example) };
        foreach (var c in changes) args.AddRange(["--apply", Nt.Change(example, c)]);
        foreach (var f in extraChangeFiles) args.AddRange(["--apply", f]);
        args.AddRange(["--from", from, "--to", to, "--protocol", protocol, "--port", port.ToString(), "-o", "json"]);
        var r = Nt.Run([.. args]);
        Assert.True(r.ExitCode == 0, r.Err);
        return new TraceResult(JsonDocument.Parse(r.Out).RootElement);
    }

    /// <summary>A change set making S0's er-circuit advertise exactly these prefixes from on-premises.</summary>
    public static string S0CircuitAdvertising(IEnumerable<string> prefixes) => ChangeFile("""
        changes:
          - set:
              resource: expressRouteCircuits/er-circuit
              properties:
                peerings:
                  - peeringType: AzurePrivatePeering
                    peerASN: 65001
                    primaryPeerAddressPrefix: 172.31.255.0/30
                    secondaryPeerAddressPrefix: 172.31.255.4/30
                    vlanId: 100
                    peerAdvertisedRoutes:
        """ + "\n" + string.Concat(prefixes.Select(p => $"              - prefix: {p}\n")));

    /// <summary>A change set in a temporary file.</summary>
    public static string ChangeFile(string yaml) => Path.Combine(Nt.TempTopology(("change.yaml", yaml)), "change.yaml");
}
