using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using static Zwarm.Bench.Report;

namespace Zwarm.Bench;

/// <summary>§2: event-stream parsing of a 256 MiB codex and claude transcript against a plain read of the same file.</summary>
internal static class ParseBench
{
    public static async Task RunAsync(BenchOptions o, Section s, CancellationToken ct)
    {
        var size = o.Quick ? 4L << 20 : 256L << 20;
        var sizes = new Dictionary<string, long>();
        foreach (var agent in new[] { "codex", "claude" })
        {
            var path = Path.Combine(o.Work, $"{agent}-{size >> 20}MiB.jsonl");
            sizes[agent] = Transcripts.Write(path, agent, size);
            ParseBenchmarks.Files[agent] = path;
        }
        var summary = RunBenchmarkDotNet(o);
        foreach (var agent in sizes.Keys)
        {
            double Median(string method) => Report(summary, agent, method).ResultStatistics?.Median / 1e6 ?? throw new InvalidOperationException($"{agent} {method}: no result (see {o.Work}/bdn.log)");
            long Allocated(string method) => Report(summary, agent, method).GcStats.GetBytesAllocatedPerOperation(Report(summary, agent, method).BenchmarkCase) ?? -1;
            var bytes = sizes[agent];
            double MBps(double ms) => bytes / 1e6 / (ms / 1000);
            var read = Median(nameof(ParseBenchmarks.Read));
            s.Add($"{agent}: line framing (TurnReader, no-op parser)", $"{MBps(Median("Lines")):0} MB/s", $"{MBps(read):0} MB/s read", Median("Lines") / read);
            foreach (var (method, what) in new[] { ("Parse", "parse, summary"), ("ParseTrajectory", "parse as `_finalize` (steps, outputs dropped)") })
            {
                var ms = Median(method);
                var ok = MBps(ms) >= 500;
                s.Add($"{agent}: {what}", $"{MBps(ms):0} MB/s", $"{MBps(read):0} MB/s read", ms / read, "≥ 500 MB/s", ok);
                var probe = await ProbeAsync(o, agent, ParseBenchmarks.Files[agent], method == "ParseTrajectory", ct);
                var bounded = probe.PeakHeap < bytes / 8;
                s.Add($"{agent}: {what}, peak managed heap", MiB(probe.PeakHeap), $"{MiB(bytes)} file", (double)probe.PeakHeap / bytes, "bounded (≪ the file)", bounded);
                s.Target(method == "Parse" ? 4 : 5, $"{agent} {what}", $"{MBps(ms):0} MB/s, heap {MiB(probe.PeakHeap)}", $"{MBps(read):0} MB/s read of {MiB(bytes)}", ms / read,
                    "≥ 500 MB/s, heap bounded", ok && bounded);
                s.Notes.Add($"{agent} {what}: {MiB(Allocated(method))} allocated per parse (BenchmarkDotNet); in a fresh process: " +
                            $"peak managed heap {MiB(probe.PeakHeap)}, peak RSS growth {MiB(probe.PeakRssGrowth)}, CPU {probe.CpuMs / probe.WallMs:0.00} cores " +
                            $"({Ms(probe.CpuMs)} CPU in {Ms(probe.WallMs)}: {bytes / 1e6 / (probe.CpuMs / 1000):0} MB per CPU-second).");
            }
            s.Notes.Add($"{agent}: {MiB(bytes)}, {ParseBenchmarks.Files[agent].Split('/')[^1]}; plain read {Ms(read)} ({MBps(read):0} MB/s, page cache).");
        }
        s.Notes.Add("Transcripts: the real captures' event types and fields in the CLIs' order; each round carries one command output of " +
                    "log-uniform size 16 B – 64 KiB (log lines with quotes, tabs, backslashes, non-ASCII); Claude repeats it in tool_use_result. " +
                    $"BenchmarkDotNet {(o.Quick ? "2" : "5")} iterations after a warm-up, in process, one invocation per iteration; figures are medians.");
    }

    private static Summary RunBenchmarkDotNet(BenchOptions o)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(o.Pick(5, 2))
            .WithId("parse");
        var log = new StreamLogger(Path.Combine(o.Work, "bdn.log"));
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(log)
            .WithArtifactsPath(Path.Combine(o.Work, "bdn"))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.DisableLogFile);
        try
        {
            return BenchmarkRunner.Run<ParseBenchmarks>(config);
        }
        finally
        {
            log.Dispose();
        }
    }

    private static BenchmarkReport Report(Summary summary, string agent, string method)
        => summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
                                       && (string)r.BenchmarkCase.Parameters["Agent"] == agent);

    private static async Task<ParseProbe.Result> ProbeAsync(BenchOptions o, string agent, string file, bool trajectory, CancellationToken ct)
    {
        var self = BenchOptions.SelfDll is { } dll ? new[] { BenchOptions.Self, dll } : [BenchOptions.Self];
        var r = await Shell.CheckedAsync("exec \"$@\"", [.. self, "probe-parse", agent, file, trajectory ? "1" : "0"], ct: ct);
        return ParseProbe.ParseOutput(r.Stdout);
    }
}
