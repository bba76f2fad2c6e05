using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Zwarm.Core.Sessions;
using static Zwarm.Bench.Report;

namespace Zwarm.Bench;

/// <summary>§6: processes doing read-modify-write updates of the same sessions, with the per-session lock and without it.</summary>
internal static class ContentionBench
{
    public static async Task RunAsync(BenchOptions o, Section s, CancellationToken ct)
    {
        var (procs, sessions, seconds, rounds) = o.Quick ? (2, 2, 1.0, 1) : (8, 8, 3.0, 2);
        var zwarmDir = Path.Combine(o.Work, "contention", ".zwarm");
        var store = new FileSessionStore(zwarmDir);
        var ids = Enumerable.Range(0, sessions).Select(_ => Guid.NewGuid().ToString("D")).ToArray();
        foreach (var id in ids) await store.CreateAsync(new SessionMeta { Id = id, Task = "contention", CreatedAt = DateTimeOffset.Now, UpdatedAt = DateTimeOffset.Now }, ct);
        foreach (var writers in new[] { 1, procs })
        {
            var (locked, unlocked, lost) = await MeasureAsync(store, zwarmDir, writers, seconds, rounds, ids, ct);
            s.Add($"{writers} process{(writers > 1 ? "es" : "")} × {sessions} {(writers > 1 ? "shared " : "")}sessions, updates/s with the lock",
                $"{locked:0}/s", $"{unlocked:0}/s unlocked", unlocked / locked);
            if (writers > 1)
                s.Notes.Add($"{writers} writers: without the lock {lost["nolock"]:N0} of the increments were lost (overwritten by a concurrent writer); with it, {lost["lock"]:N0}.");
            if (lost["lock"] != 0) throw new InvalidOperationException($"{lost["lock"]} updates were lost under the lock");
        }
        s.Notes.Add($"Each process updates each of the same {sessions} sessions in turn for {seconds:0.#} s (read meta.json, change a counter, atomic " +
                    $"write with fsync), with `FileSessionStore.UpdateAsync` or the same read-modify-write without the lock; medians of {rounds} " +
                    "interleaved rounds per mode. The ratio is how many times more updates per second go through without the lock: with one " +
                    "writer it is the lock's own cost, with several it is mostly the serialisation that makes the updates correct.");
    }

    private static async Task<(double Locked, double Unlocked, Dictionary<string, long> Lost)> MeasureAsync(
        FileSessionStore store, string zwarmDir, int procs, double seconds, int rounds, string[] ids, CancellationToken ct)
    {
        var rates = new Dictionary<string, List<double>> { ["lock"] = [], ["nolock"] = [] };
        var lost = new Dictionary<string, long> { ["lock"] = 0, ["nolock"] = 0 };
        for (var round = 0; round < rounds; round++)
            foreach (var mode in rates.Keys)
            {
                foreach (var id in ids) await store.UpdateAsync(id, m => { m.Extra = new() { ["counter"] = Json(0) }; return true; }, ct);
                var (updates, elapsed) = await RoundAsync(zwarmDir, mode, procs, seconds, ids, ct);
                rates[mode].Add(updates / elapsed.TotalSeconds);
                long counted = 0;
                foreach (var id in ids) counted += (await store.GetAsync(id, ct)).Extra!["counter"].GetInt64();
                lost[mode] += updates - counted;
            }
        return (new Samples(rates["lock"]).Median, new Samples(rates["nolock"]).Median, lost);
    }

    private static async Task<(long Updates, TimeSpan Elapsed)> RoundAsync(string zwarmDir, string mode, int procs, double seconds, string[] ids, CancellationToken ct)
    {
        var go = Path.Combine(zwarmDir, $".go-{Guid.NewGuid():N}");
        var children = new List<Process>();
        try
        {
            for (var i = 0; i < procs; i++)
            {
                var psi = new ProcessStartInfo(BenchOptions.Self) { RedirectStandardOutput = true, UseShellExecute = false };
                if (BenchOptions.SelfDll is { } dll) psi.ArgumentList.Add(dll);
                foreach (var a in new[] { "hammer", zwarmDir, mode, go, seconds.ToString(CultureInfo.InvariantCulture) }.Concat(ids)) psi.ArgumentList.Add(a);
                children.Add(Process.Start(psi)!);
            }
            foreach (var c in children)
                if (await c.StandardOutput.ReadLineAsync(ct) != "ready") throw new InvalidOperationException("a hammer process did not start");
            await File.WriteAllTextAsync(go, "", ct);
            long updates = 0;
            double ms = 0;
            foreach (var c in children)
            {
                var f = (await c.StandardOutput.ReadLineAsync(ct) ?? throw new InvalidOperationException("a hammer process died")).Split(' ');
                await c.WaitForExitAsync(ct);
                updates += long.Parse(f[0], CultureInfo.InvariantCulture);
                ms = Math.Max(ms, double.Parse(f[1], CultureInfo.InvariantCulture));
            }
            return (updates, TimeSpan.FromMilliseconds(ms));
        }
        finally
        {
            foreach (var c in children) c.Dispose();
            File.Delete(go);
        }
    }

    /// <summary>The child: `hammer ZWARM_DIR lock|nolock GO_FILE SECONDS ID…`; prints "ready", waits for GO_FILE, then "UPDATES MS".</summary>
    public static async Task<int> HammerAsync(string zwarmDir, string mode, string go, double seconds, string[] ids)
    {
        var store = new FileSessionStore(zwarmDir);
        Console.WriteLine("ready");
        Console.Out.Flush();
        while (!File.Exists(go)) await Task.Delay(1);
        var sw = Stopwatch.StartNew();
        long n = 0;
        while (sw.Elapsed.TotalSeconds < seconds)
            foreach (var id in ids)
            {
                if (mode == "lock") await store.UpdateAsync(id, Increment);
                else
                {
                    // The same read-modify-write and atomic write as UpdateAsync, minus the lock.
                    var meta = (await store.TryReadAsync(id)).Meta!;
                    Increment(meta);
                    await AtomicFile.WriteAsync(Path.Combine(store.SessionDir(id), "meta.json"), SessionJson.Serialize(meta));
                }
                n++;
            }
        Console.WriteLine(FormattableString.Invariant($"{n} {sw.Elapsed.TotalMilliseconds}"));
        return 0;
    }

    private static bool Increment(SessionMeta m)
    {
        m.Extra ??= [];
        m.Extra["counter"] = Json((m.Extra.TryGetValue("counter", out var v) ? v.GetInt64() : 0) + 1);
        return true;
    }

    private static JsonElement Json(long n) => JsonSerializer.SerializeToElement(n, SessionJsonContext.Default.Int64);
}
