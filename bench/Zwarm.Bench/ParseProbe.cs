using System.Diagnostics;
using System.Globalization;
using Zwarm.Core.Agents;

namespace Zwarm.Bench;

/// <summary>
/// One parse in a fresh process (`Zwarm.Bench probe-parse AGENT FILE 0|1`), reporting what BenchmarkDotNet does not:
/// the peak of the managed heap (sampled every 256 lines), the peak RSS above the process's starting RSS, CPU time.
/// </summary>
internal static class ParseProbe
{
    internal sealed record Result(double WallMs, double CpuMs, long Allocated, long PeakHeap, long PeakRssGrowth, long Lines);

    public static async Task<int> MainAsync(string agent, string file, bool trajectory)
    {
        GC.Collect();
        var rss0 = ProcStatus("VmRSS");
        var parser = AgentRegistry.Default.Get(agent).CreateParser(trajectory);
        var probe = new Sampling(trajectory ? new Zwarm.Core.Lifecycle.ConversationSteps(parser) : parser);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        await TurnReader.ParseFileAsync(file, probe);
        sw.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        var alloc = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
        Console.WriteLine(string.Join(' ', new object[] { sw.Elapsed.TotalMilliseconds, cpu.TotalMilliseconds, alloc, probe.PeakHeap, ProcStatus("VmHWM") - rss0, probe.Result.Lines }
            .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
        GC.KeepAlive(probe);
        return 0;
    }

    public static Result ParseOutput(string stdout)
    {
        var f = stdout.Trim().Split(' ');
        return new Result(double.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture),
            long.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture), long.Parse(f[5], CultureInfo.InvariantCulture));
    }

    /// <summary>A field of /proc/self/status in bytes (VmRSS, VmHWM).</summary>
    private static long ProcStatus(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    private sealed class Sampling(ITurnParser inner) : ITurnParser
    {
        private long _fed;

        public long PeakHeap { get; private set; }

        public TurnParseResult Result => inner.Result;

        public void Feed(ReadOnlySpan<byte> line)
        {
            inner.Feed(line);
            if (++_fed % 256 == 0) PeakHeap = Math.Max(PeakHeap, GC.GetTotalMemory(forceFullCollection: false));
        }
    }
}
