using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace NetTwin.Bench;

/// <summary>One operation's figures over its repeated runs.</summary>
public sealed record Measurement(
    string Operation,
    IReadOnlyList<TimeSpan> Runs,
    long PeakWorkingSet,
    bool PeakIsPerOperation,
    long AllocatedPerRun,
    int Gen2Collections)
{
    public TimeSpan Median
    {
        get
        {
            var sorted = Runs.OrderBy(t => t).ToList();
            var n = sorted.Count;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }
    public TimeSpan Min => Runs.Min();
    public TimeSpan Max => Runs.Max();
}

/// <summary>A plain median-of-N harness: a warm-up run (untimed, unless disabled), then N timed runs with a full GC
/// before each (untimed) so one run's garbage is not charged to the next. Peak memory is the process's peak working
/// set (Process.PeakWorkingSet64, VmHWM on Linux), reset before each operation through /proc/self/clear_refs where
/// the kernel allows it, after an aggressive GC that returns freed memory to the OS, so each operation's peak is its own
/// (plus the live data kept for it: the loaded topology for the routing rows).</summary>
public static class Harness
{
    public static Measurement Measure(BenchOperation op, BenchContext ctx, int repeat, bool warmup, TextWriter? log = null)
    {
        var prepare = op.Prepare(ctx);
        if (warmup)
        {
            log?.WriteLine($"  {op.Name}: warm-up");
            _ = prepare()();
        }
        FullGc(aggressive: true);   // give memory back to the OS, so the reset peak starts from the live heap only
        var perOp = ResetPeak();
        var gen2 = 0;
        var runs = new List<TimeSpan>();
        long allocated = 0;
        for (var i = 0; i < repeat; i++)
        {
            var body = prepare();
            FullGc();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var gen2Before = GC.CollectionCount(2);
            var sw = Stopwatch.StartNew();
            var result = body();
            sw.Stop();
            gen2 += GC.CollectionCount(2) - gen2Before;
            allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
            GC.KeepAlive(result);
            runs.Add(sw.Elapsed);
            log?.WriteLine($"  {op.Name}: run {i + 1}/{repeat} {FormatTime(sw.Elapsed)}");
        }
        var peak = PeakWorkingSet();
        return new Measurement(op.Name, runs, peak, perOp, allocated / Math.Max(1, repeat), gen2);
    }

    /// <summary>A full blocking compacting GC. Aggressive also decommits the freed memory (the working set drops to
    /// the live heap), which a plain forced GC leaves committed for reuse.</summary>
    public static void FullGc(bool aggressive = false)
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, aggressive ? GCCollectionMode.Aggressive : GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    public static long WorkingSet()
    {
        using var p = Process.GetCurrentProcess();
        return p.WorkingSet64;
    }

    public static long PeakWorkingSet()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.PeakWorkingSet64;
    }

    /// <summary>Resets the kernel's peak-RSS mark (Linux ≥ 4.0: write 5 to /proc/self/clear_refs). False where not possible:
    /// then the peak is the process's since it started.</summary>
    public static bool ResetPeak()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // ------------------------------------------------------------ formatting

    public static string FormatTime(TimeSpan t) =>
        t.TotalSeconds >= 100 ? $"{t.TotalSeconds:0} s"
        : t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.00} s"
        : t.TotalMilliseconds >= 10 ? $"{t.TotalMilliseconds:0} ms"
        : t.TotalMilliseconds >= 1 ? $"{t.TotalMilliseconds:0.0} ms"
        : $"{t.TotalMilliseconds * 1000:0} µs";

    public static string FormatBytes(long b) =>
        b >= 1L << 30 ? $"{b / (double)(1L << 30):0.00} GiB"
        : b >= 1L << 20 ? $"{b / (double)(1L << 20):0} MiB"
        : $"{b / 1024.0:0} KiB";

    public static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    // ------------------------------------------------------------ machine

    public static string Machine()
    {
        var cpu = "unknown CPU";
        long memKb = 0;
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            var mem = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (mem is not null) memKb = long.Parse(mem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        var gc = GCSettings.IsServerGC ? "server GC" : "workstation GC";
        return $"{Environment.ProcessorCount} cores ({cpu}), {FormatBytes(memKb * 1024)} RAM, {RuntimeInformation.FrameworkDescription}, " +
               $"{RuntimeInformation.OSDescription}, {gc}, load average {LoadAverage()}";
    }

    public static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
    }

    // ------------------------------------------------------------ tables

    /// <summary>The estate's size relative to the largest estate: targets scale linearly with it.</summary>
    public static double Scale(EstateCounts size, EstateCounts largest) => size.Elements / (double)largest.Elements;

    public static string EstateTable(IEnumerable<(EstateSpec Spec, EstateCounts Counts)> sizes)
    {
        var list = sizes.ToList();
        var sb = new StringBuilder();
        sb.Append("| | ").Append(string.Join(" | ", list.Select(s => s.Spec.Name))).Append(" |\n");
        sb.Append("|---|").Append(string.Concat(list.Select(_ => "---:|"))).Append('\n');
        void Row(string label, Func<EstateCounts, long> f) =>
            sb.Append("| ").Append(label).Append(" | ").Append(string.Join(" | ", list.Select(s => Number(f(s.Counts))))).Append(" |\n");
        Row("VNets (hubs + spokes)", c => c.VirtualNetworks);
        Row("subnets", c => c.Subnets);
        Row("peerings", c => c.Peerings);
        Row("route tables (spoke + GatewaySubnet)", c => c.RouteTables);
        Row("routes", c => c.Routes);
        Row("NSGs", c => c.NetworkSecurityGroups);
        Row("security rules", c => c.SecurityRules);
        Row("VMs (one NIC each)", c => c.VirtualMachines);
        Row("firewalls", c => c.AzureFirewalls);
        Row("gateways (ER + VPN)", c => c.VirtualNetworkGateways);
        Row("VPN sites (LNG + connection)", c => c.LocalNetworkGateways);
        Row("connections (ER + IPsec)", c => c.Connections);
        Row("ER circuits", c => c.ExpressRouteCircuits);
        Row("ER prefixes advertised (all circuits)", c => c.AdvertisedPrefixes);
        Row("**elements** (scale unit)", c => c.Elements);
        Row("YAML lines", c => c.Lines);
        Row("YAML KiB", c => c.Bytes / 1024);
        return sb.ToString();
    }
}
