using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using static Zwarm.Bench.Report;

namespace Zwarm.Bench;

/// <summary>§5: many sessions running at once (fake agents streaming events): memory and CPU of everything zwarm runs for them.</summary>
internal static class TrackingBench
{
    public static async Task RunAsync(BenchOptions o, Section s, CancellationToken ct)
    {
        var (n, lines, delayMs) = o.Quick ? (5, 10, 500) : (100, 120, 500);
        var project = SpawnBench.ProjectWithFakeAgent(o, "tracking", "[executor]\ntimeout = 3600");
        var stream = Path.Combine(o.Work, "stream.jsonl");
        Transcripts.WriteStream(stream, lines);
        var agentSeconds = lines * delayMs / 1000.0;
        var sw = Stopwatch.StartNew();
        var self = BenchOptions.SelfDll is { } dll ? new[] { BenchOptions.Self, dll } : [BenchOptions.Self];
        // Sessions are started by a helper process (the same SessionManager.StartAsync as `zwarm spawn`, without a runtime start
        // per session), so all of them run at once from the first second; the helper exits and their wrappers are ours to watch.
        var started = await Shell.CheckedAsync("exec \"$@\"", [.. self, "start-sessions", project, o.UserBuild.Path, n.ToString(CultureInfo.InvariantCulture), $"replay={stream} delay={delayMs}"], ct: ct);
        var ids = started.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var startSeconds = sw.Elapsed.TotalSeconds;
        using var sampler = new ProcSampler(ids, Path.GetFileName(o.FakeAgent));
        var samples = new List<ProcSampler.Sample>();
        var metas = ids.Select(id => Path.Combine(project, ".zwarm", "sessions", id, "meta.json")).ToArray();
        var deadline = TimeSpan.FromSeconds(agentSeconds + 180);
        var finished = 0;
        while (sw.Elapsed < deadline)
        {
            var sample = sampler.Take(sw.Elapsed);
            samples.Add(sample);
            if (sample.Owned == 0 && sample.Agents == 0 && (finished = metas.Count(IsFinished)) == n) break;
            await Task.Delay(o.Quick ? 100 : 250, ct);
        }
        if (finished != n) throw new InvalidOperationException($"only {finished} of {n} sessions finished within {deadline.TotalSeconds:0} s");
        var steady = samples.Where(x => x.Agents == n && x.Finalizers == 0).ToList();
        if (steady.Count == 0) throw new InvalidOperationException("never saw all sessions running at once");
        var runRss = new Samples(steady.Select(x => (double)x.OwnedRss)).Median;
        var runPss = new Samples(steady.Select(x => (double)x.OwnedPss)).Median;
        var agentRss = new Samples(steady.Select(x => (double)x.AgentRss)).Median;
        var peak = samples.MaxBy(x => x.OwnedRss)!;
        var peakPss = samples.Max(x => x.OwnedPss);
        var procs = sampler.Processes.Values;
        double Cpu(Func<ProcSampler.Proc, bool> which) => procs.Where(which).Sum(p => p.CpuSeconds);
        var ownedCpu = Cpu(p => !p.Agent);
        var finalizeCpu = Cpu(p => p.Comm == "zwarm");
        var agentCpu = Cpu(p => p.Agent);
        var sessionMinutes = n * agentSeconds / 60;
        const double Budget = 50 * 1048576.0;
        s.Add($"{n} running sessions: zwarm-owned RSS, all running", MiB(runRss), $"{MiB(agentRss)} agents", runRss / agentRss, "≪ 50 MiB", runRss < Budget);
        s.Add($"{n} running sessions: zwarm-owned PSS, all running", MiB(runPss), $"{MiB(agentRss)} agents (RSS)", runPss / agentRss, "≪ 50 MiB", runPss < Budget);
        s.Add($"{n} sessions: zwarm-owned peak RSS, incl. `_finalize`", MiB(peak.OwnedRss), $"{MiB(samples.Max(x => x.AgentRss))} agents' peak", peak.OwnedRss / (double)samples.Max(x => x.AgentRss));
        s.Add("CPU per session-minute, zwarm-owned", $"{ownedCpu / sessionMinutes * 1000:0} ms", $"{agentCpu / sessionMinutes * 1000:0} ms agents", ownedCpu / agentCpu);
        var perTurn = finalizeCpu * 1000 / n;
        s.Add($"`zwarm _finalize` CPU per turn, {o.UserBuild.Label}", Ms(perTurn), $"{Ms(agentCpu * 1000 / n)} agent's", finalizeCpu / agentCpu, "≤ 10 ms", perTurn <= 10);
        s.Target(7, "`_finalize` CPU per turn", Ms(perTurn), $"{Ms(agentCpu * 1000 / n)} CPU of the agent's turn", finalizeCpu / agentCpu, "≤ 10 ms", perTurn <= 10);
        s.Notes.Add($"{n} sessions started in {startSeconds:0.0} s by one helper, each a fake codex replaying {lines} events {delayMs} ms apart ({agentSeconds:0} s), " +
                    $"with `executor.timeout` set so `timeout` wraps each agent; /proc sampled every {(o.Quick ? 100 : 250)} ms, {samples.Count} samples, " +
                    $"{steady.Count} with all {n} agents alive and no finaliser. Zwarm-owned = every process carrying one of these sessions' ZWARM_SESSION_ID " +
                    "except the agents: the `sh` wrapper, `timeout`, and the `zwarm _finalize` the wrapper becomes.");
        s.Notes.Add($"All running: {MiB(runRss)} RSS ({MiB(runRss / n)} a session), {MiB(runPss)} PSS (shared pages of sh/libc counted once). " +
                    $"Peak {MiB(peak.OwnedRss)} RSS / {MiB(peakPss)} PSS at {peak.At.TotalSeconds:0} s with {peak.Finalizers} `zwarm _finalize` at once " +
                    $"({MiB(peak.FinalizerRss / Math.Max(1, peak.Finalizers))} RSS each: a .NET runtime per finaliser).");
        s.Notes.Add($"CPU: wrappers and `timeout` {Ms((ownedCpu - finalizeCpu) * 1000)} in all, `zwarm _finalize` {Ms(finalizeCpu * 1000)} in all " +
                    $"({Ms(finalizeCpu * 1000 / n)} a turn); agents {Ms(agentCpu * 1000)}. All {n} sessions completed {sw.Elapsed.TotalSeconds - startSeconds:0} s after the start.");
    }

    private static bool IsFinished(string meta)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(meta));
            return doc.RootElement.GetProperty("status").GetString() is "completed" or "failed" or "killed";
        }
        catch (Exception e) when (e is IOException or JsonException) { return false; }
    }

    /// <summary>The helper: `start-sessions PROJECT ZWARM N PROMPT` starts N sessions through SessionManager and prints their ids.</summary>
    public static async Task<int> StartSessionsAsync(string project, string zwarm, int n, string prompt)
    {
        var zwarmDir = Path.Combine(project, ".zwarm");
        var config = await ConfigLoader.LoadAsync(zwarmDir);
        var manager = new SessionManager(new Zwarm.Core.Sessions.FileSessionStore(zwarmDir), config, AgentRegistry.Default, new SupervisorCommand(zwarm));
        for (var i = 0; i < n; i++) Console.WriteLine((await manager.StartAsync(new StartRequest(prompt) { WorkingDir = project })).Id);
        return 0;
    }
}
