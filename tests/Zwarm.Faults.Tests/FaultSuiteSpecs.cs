using System.Diagnostics;
using AwesomeAssertions;
using Zwarm.Core.Agents;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Faults.Tests;

/// <summary>
/// Issue 12's fault suite: seeded random faults against the real zwarm program and the shell agent — SIGKILL of spawn,
/// continue, rm, kill and _finalize at random instants, kill -9 of a turn's wrapper or agent, a full disk, a read-only
/// store, a truncated meta.json — each trial followed by the store's invariants. ZWARM_FAULT_SEED / ZWARM_FAULT_TRIALS
/// replay or extend a run.
/// </summary>
public sealed class FaultSuiteSpecs
{
    private static readonly string[] Kinds =
        ["spawn", "continue", "rm", "kill", "finalize", "wrapper", "agent", "full", "readonly", "truncate"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task Random_faults_never_break_the_invariants_of_the_store()
    {
        var root = Zwarm.Core.Lifecycle.ProcessInfo.IsRoot;
        if (!root)
        {
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 }) Assert.Fail("the fault suite needs root (tmpfs mounts)");
            Assert.Skip("the fault suite needs root (tmpfs mounts for a full disk and a read-only store)");
        }
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ZWARM_FAULT_SEED"), out var s) ? s : 20261202;
        var trials = int.TryParse(Environment.GetEnvironmentVariable("ZWARM_FAULT_TRIALS"), out var n) ? n : 100;
        const int workers = 2;
        var log = new List<string>();
        var sw = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, workers)
            .Select(w => Task.Run(() => WorkerAsync(w, seed + w, trials / workers + (w < trials % workers ? 1 : 0), log))));
        var failures = results.SelectMany(r => r).ToList();
        var summary = $"fault suite: {trials} trials (seed {seed}, {workers} workers) in {sw.Elapsed.TotalSeconds:0.0} s: "
            + string.Join(", ", log
                .Where(l => l.StartsWith("trial ", StringComparison.Ordinal))
                .GroupBy(l => l.Split(' ')[2])
                .OrderBy(g => g.Key)
                .Select(g => $"{g.Key} {g.Count()}"))
            + $"; {failures.Count} invariant violation(s)";
        TestContext.Current.SendDiagnosticMessage(summary);
        Console.WriteLine(summary);
        failures.Should().BeEmpty(summary + "\n" + string.Join("\n", failures));
    }

    private static async Task<List<string>> WorkerAsync(int index, int seed, int trials, List<string> log)
    {
        var failures = new List<string>();
        var rng = new Random(seed);
        using var w = await FaultWorker.CreateAsync(index, ZwarmProgram, log);
        for (var t = 0; t < trials; t++)
        {
            var kind = Kinds[rng.Next(Kinds.Length)];
            var delay = rng.Next(0, 500);
            var label = $"w{index}#{t} {kind} @{delay}ms";
            w.Log($"trial {label}");
            try
            {
                var truncated = await FaultAsync(w, kind, delay, rng);
                foreach (var v in await CheckAsync(w, truncated, cliCheck: t % 10 == 9)) failures.Add($"{label}: {v}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"{label}: {ex.GetType().Name}: {ex.Message}");
                await w.ReadOnlyAsync(false);
                if (File.Exists(Path.Combine(w.Mount, "filler"))) w.Unfill();
            }
        }
        return failures;
    }

    /// <summary>Sets up what the fault needs through the manager, then injects it. Returns ids whose meta.json it truncated.</summary>
    private static async Task<HashSet<string>> FaultAsync(FaultWorker w, string kind, int delay, Random rng)
    {
        var m = w.Manager;
        var truncated = new HashSet<string>();
        async Task<SessionMeta> Start(string prompt) => await m.StartAsync(new StartRequest(prompt), Ct);
        async Task<SessionMeta> Done(string prompt)
        {
            var s = await Start(prompt);
            var r = await m.WaitAsync([s.Id], TimeSpan.FromSeconds(20), false, Ct);
            return r.Sessions[0];
        }
        string Word() => "r" + rng.Next(100000);
        switch (kind)
        {
            case "spawn":
                await w.RunKilledAsync(delay, Ct, "spawn", $"{Word()} 0.2");
                break;
            case "continue":
            {
                var s = await Done($"{Word()} 0");
                await w.RunKilledAsync(delay, Ct, "c", s.Id, $"{Word()} 0.2");
                break;
            }
            case "rm":
            {
                var s = rng.Next(2) == 0 ? await Done($"{Word()} 0") : await Start($"{Word()} 2");
                await w.RunKilledAsync(delay, Ct, "rm", "-y", s.Id);
                break;
            }
            case "kill":
            {
                var s = await Start($"{Word()} 2");
                await w.RunKilledAsync(delay, Ct, "kill", s.Id);
                break;
            }
            case "finalize":
            {
                // The wrapper runs this instead of zwarm: _finalize SIGKILLed after a random time.
                var script = Path.Combine(w.Mount, $"finalize-{Guid.NewGuid():N}.sh");
                await File.WriteAllTextAsync(script, $"#!/bin/sh\nexec timeout -s KILL {delay / 1000.0:0.000} \"{w.Zwarm}\" \"$@\"\n", Ct);
                if (OperatingSystem.IsLinux()) File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
                var s = await w.Supervised(new SupervisorCommand(script)).StartAsync(new StartRequest($"{Word()} 0.1"), Ct);
                await Eventually(() => !ProcessInfo.IsAlive(s.Pid, s.PidStartTime), 10_000);
                break;
            }
            case "wrapper":
            case "agent":
            {
                var s = await Start($"{Word()} 1");
                await Task.Delay(delay, Ct);
                if (kind == "wrapper") ProcessInfo.Signal(s.Pid!.Value, ProcessInfo.SigKill);
                else foreach (var (pid, sid) in w.Tagged()) if (sid == s.Id && pid != s.Pid) ProcessInfo.Signal(pid, ProcessInfo.SigKill);
                break;
            }
            case "full":
            {
                var done = await Done($"{Word()} 0");
                var running = await Start($"{Word()} 0.3");
                w.Fill();
                try
                {
                    await m.ListAsync(Ct);
                    await m.GetAsync(done.Id, Ct);
                    await m.KillAsync(running.Id, Ct);
                    if (w.Tagged().Any(t => t.SessionId == running.Id))
                        throw new InvalidOperationException("kill on a full disk left the agent running");
                    await m.DeleteAsync(done.Id, Ct);
                }
                finally { w.Unfill(); }
                break;
            }
            case "readonly":
            {
                var done = await Done($"{Word()} 0");
                // A running record whose processes are gone: the next read must reconcile, which a read-only store cannot save.
                await m.Store.UpdateAsync(
                    done.Id, x => { x.Status = SessionStatus.Running; x.Pid = 999_999; x.PidStartTime = 1; return true; }, Ct);
                if (!await w.ReadOnlyAsync(true)) throw new InvalidOperationException("could not remount read-only");
                try
                {
                    var reader = new SessionManager(m.Store, m.Config, AgentRegistry.Default, null);
                    var sw = Stopwatch.StartNew();
                    var listed = await reader.ListAsync(Ct);
                    if (sw.Elapsed > TimeSpan.FromSeconds(10))
                        throw new InvalidOperationException($"ls on a read-only store took {sw.Elapsed.TotalSeconds:0.0} s");
                    if (listed.Single(e => e.Id == done.Id).Meta?.Status == SessionStatus.Running)
                        throw new InvalidOperationException("not reconciled in memory");
                    if (reader.WriteProblem?.Contains("read-only file system", StringComparison.Ordinal) != true)
                        throw new InvalidOperationException($"no read-only note: {reader.WriteProblem}");
                }
                finally { await w.ReadOnlyAsync(false); }
                break;
            }
            case "truncate":
            {
                var s = await Done($"{Word()} 0");
                var path = Path.Combine(m.Store.SessionDir(s.Id), "meta.json");
                var len = new FileInfo(path).Length;
                using (var f = new FileStream(path, FileMode.Open, FileAccess.Write)) f.SetLength(rng.NextInt64(0, len));
                truncated.Add(s.Id);
                break;
            }
        }
        return truncated;
    }

    /// <summary>The invariants; then the store is emptied through rm for the next trial. Returns the violations.</summary>
    private static async Task<List<string>> CheckAsync(FaultWorker w, HashSet<string> truncated, bool cliCheck)
    {
        var v = new List<string>();
        var m = new SessionManager(w.Manager.Store, w.Manager.Config, AgentRegistry.Default, null);
        // Right after the fault: a session still running must have a live process, a finished one none.
        var entries = await m.ListAsync(Ct);
        var tagged = w.Tagged();
        bool Live(SessionMeta s) => ProcessInfo.IsAlive(s.Pid, s.PidStartTime) || w.Tagged().Any(t => t.SessionId == s.Id)
                                    || ProcessInfo.IsAlive(s.LauncherPid, s.LauncherStartTime);
        foreach (var e in entries)
        {
            if (e.Meta is not { } s) continue;
            if (s.Status == SessionStatus.Running && !Live(s))
            {
                // Its last process may have ended between the listing and this look: a second read must then finish it.
                var again = await m.GetAsync(s.Id, Ct);
                if (again.Status == SessionStatus.Running && !Live(again)) v.Add($"session {s.ShortId} is running without a live agent");
            }
        }
        foreach (var (pid, sid) in tagged)
        {
            var s = entries.FirstOrDefault(e => e.Id == sid)?.Meta;
            if ((s is null || s.Status.IsFinished()) && !await Eventually(() => ProcessInfo.StartTime(pid) is null, 10_000))
                v.Add($"process {pid} of session {sid[..8]} is alive while the session is {(s is null ? "gone" : s.Status.ToWire())}");
        }
        // Stop what still runs, then nothing tagged may be left.
        await m.KillAllAsync(Ct);
        if (!await Eventually(() => w.Tagged().Count == 0, 10_000)) v.Add($"processes alive after kill: {string.Join(", ", w.Tagged())}");
        entries = await m.ListAsync(Ct);
        foreach (var e in entries)
        {
            if (e.Meta is not { } s)
            {
                if (!truncated.Contains(e.Id) && File.Exists(Path.Combine(m.Store.SessionDir(e.Id), "meta.json")))
                    v.Add($"session {e.Id[..8]} unreadable: {e.Problem}");
                continue;
            }
            // No turn's output lost from messages.
            var contents = s.Messages.Select(x => x.Content).ToHashSet(StringComparer.Ordinal);
            for (var turn = 1; turn <= s.Turn; turn++)
            {
                var parser = AgentRegistry.Default.Get(s.Adapter).CreateParser(collectTrajectory: false);
                await TurnReader.ParseFileAsync(m.Store.TurnFile(s.Id, turn), parser, Ct);
                foreach (var said in parser.Result.AssistantMessages)
                    if (!contents.Contains(said))
                        v.Add($"session {s.ShortId} ({s.Status.ToWire()}) lost turn {turn}'s reply \"{said}\" from messages");
            }
        }
        // Debris of killed commands is swept once old enough (aged here instead of waiting a minute).
        foreach (var dir in Directory.Exists(m.Store.SessionsDir) ? Directory.EnumerateDirectories(m.Store.SessionsDir) : [])
        {
            var name = Path.GetFileName(dir);
            if (name.StartsWith(".deleting-", StringComparison.Ordinal) || !File.Exists(Path.Combine(dir, "meta.json")))
                foreach (var p in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Append(dir))
                    File.SetLastWriteTimeUtc(p, DateTime.UtcNow.AddMinutes(-2));
        }
        foreach (var d in m.FindDebris()) FileSessionStore.RemoveDebris(d);
        // ls and rm work: everything left goes (unreadable ones too, as rm --force does).
        if (cliCheck)
        {
            var ls = await w.RunAsync(Ct, "ls", "--json", "--all");
            if (ls.Exit != 0) v.Add($"zwarm ls failed: {ls.Err.Trim()}");
            var rm = await w.RunAsync(Ct, "rm", "--all", "-y");
            if (rm.Exit != 0) v.Add($"zwarm rm --all failed: {rm.Err.Trim()}");
        }
        foreach (var e in await m.ListAsync(Ct))
        {
            try { await m.DeleteAsync(e.Id, force: true, Ct); }
            catch (Exception ex) when (ex is Zwarm.Core.ZwarmException or IOException) { v.Add($"rm {e.Id[..8]} failed: {ex.Message}"); }
        }
        var left = (Directory.Exists(m.Store.SessionsDir) ? Directory.EnumerateFileSystemEntries(m.Store.SessionsDir) : [])
            .Where(p => !Path.GetFileName(p).StartsWith('.'))
            .ToList();
        if (left.Count > 0) v.Add($"left after rm: {string.Join(", ", left.Select(Path.GetFileName))}");
        return v;
    }

    private static async Task<bool> Eventually(Func<bool> condition, int timeoutMs)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (DateTime.UtcNow < until)
        {
            if (condition()) return true;
            await Task.Delay(25, Ct);
        }
        return condition();
    }

    private static string ZwarmProgram
    {
        get
        {
            // test.sh names the binary users get (NativeAOT when the toolchain is there).
            if (Environment.GetEnvironmentVariable("ZWARM_TEST_BINARY") is { Length: > 0 } bin) return bin;
            var config = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Zwarm.slnx")))
                    return Path.Combine(d.FullName, "src", "Zwarm.Cli", "bin", config, "net10.0", "zwarm");
            throw new InvalidOperationException("repo root not found");
        }
    }
}
