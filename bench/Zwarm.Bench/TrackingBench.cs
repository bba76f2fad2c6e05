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
        await FinalizeCpuAsync(o, s, ct);
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

    /// <summary>
    /// `zwarm _finalize` run by hand, one after another, on sessions whose turn ended (a 256 KiB codex transcript, exit 0,
    /// status still running): CPU per turn from the children's rusage (bash `times`), precise where /proc sampling of
    /// processes this short is not.
    /// </summary>
    public static async Task FinalizeCpuAsync(BenchOptions o, Section s, CancellationToken ct)
    {
        var (label, zwarm) = o.UserBuild;
        var n = o.Pick(30, 3);
        var project = SpawnBench.ProjectWithFakeAgent(o, "finalize");
        var sessions = Path.Combine(project, ".zwarm", "sessions");
        var transcript = Path.Combine(o.Work, "finalize-turn.jsonl");
        var bytes = Transcripts.Write(transcript, "codex", 256 << 10);
        var dirs = new List<string>();
        for (var i = 0; i < n; i++)
        {
            var id = Guid.NewGuid().ToString("D");
            var dir = Path.Combine(sessions, id);
            Directory.CreateDirectory(Path.Combine(dir, "turns"));
            var now = DateTimeOffset.Now;
            var m = new Zwarm.Core.Sessions.SessionMeta
            {
                Id = id, Task = "finalise me", Status = Zwarm.Core.Sessions.SessionStatus.Running, WorkingDir = project, CreatedAt = now, UpdatedAt = now,
                Model = "gpt-5.1-codex-mini", Adapter = "codex",
            };
            m.Messages.Add(SessionManager.Message("user", m.Task, 1, now));
            m.TurnRecordFor(1).StartedAt = now;
            await File.WriteAllBytesAsync(Path.Combine(dir, "meta.json"), Zwarm.Core.Sessions.SessionJson.Serialize(m), ct);
            File.Copy(transcript, Path.Combine(dir, "turns", "turn_1.jsonl"));
            await File.WriteAllTextAsync(Path.Combine(dir, "turns", "turn_1.exit"), "0\n", ct);
            dirs.Add(dir);
        }
        // bash's `times` reads getrusage (microseconds); dash's counts clock ticks.
        var r = await Shell.CheckedAsync("exec bash -c 'z=\"$1\"; shift; for d in \"$@\"; do \"$z\" _finalize \"$d\" 1 || exit 1; done; times' bash \"$@\"", [zwarm, .. dirs], cwd: project, ct: ct);
        var children = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var cpuMs = children.Sum(Seconds) * 1000;
        var done = dirs.Count(d => IsFinished(Path.Combine(d, "meta.json")));
        if (done != n) throw new InvalidOperationException($"_finalize finished {done} of {n} turns");
        var perTurn = cpuMs / n;
        var hello = o.HelloAot ?? o.HelloVariants.Values.FirstOrDefault(h => !h.StartsWith('!'));
        double? helloMs = null;
        if (hello is not null)
        {
            var h = await Shell.CheckedAsync("exec bash -c 'for i in $(seq \"$2\"); do \"$1\" > /dev/null; done; times' bash \"$@\"", [hello, n.ToString(CultureInfo.InvariantCulture)], ct: ct);
            helloMs = h.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Sum(Seconds) * 1000 / n;
        }
        // The floor: the same binary starting and exiting with no work (`--version`), measured the same way.
        var v = await Shell.CheckedAsync("exec bash -c 'for i in $(seq \"$2\"); do \"$1\" --version > /dev/null; done; times' bash \"$@\"",
            [zwarm, n.ToString(CultureInfo.InvariantCulture)], ct: ct);
        var floorMs = v.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Sum(Seconds) * 1000 / n;
        s.Add($"floor: `zwarm --version` CPU, {label}", Ms(floorMs), helloMs is { } h0 ? $"{Ms(h0)} CPU of a hello world" : "",
            floorMs / helloMs, "", null);
        s.Notes.Add($"`_finalize` ({label}) above its floor (`zwarm --version`, {Ms(floorMs)} CPU): {Ms(perTurn - floorMs)} a turn.");
        var baseline = helloMs is { } hm ? $"{Ms(hm)} CPU of a hello world" : "";
        s.Add($"`zwarm _finalize` CPU per turn, {label}", Ms(perTurn), baseline, perTurn / helloMs, "≤ 10 ms", perTurn <= 10);
        s.Target(7, "`_finalize` CPU per turn", Ms(perTurn), baseline, perTurn / helloMs, "≤ 10 ms", perTurn <= 10);
        s.Notes.Add($"`_finalize` ({label}): {n} turns finalised one after another, each a {MiB(bytes)} codex transcript (parsed once, meta.json written once); " +
                    $"{Ms(cpuMs)} CPU in all (user + system of the children, bash `times`).");
    }

    // "0m0.123s" (bash `times`).
    private static double Seconds(string t)
    {
        var m = t.IndexOf('m');
        return double.Parse(t[..m], CultureInfo.InvariantCulture) * 60 + double.Parse(t[(m + 1)..].TrimEnd('s'), CultureInfo.InvariantCulture);
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
