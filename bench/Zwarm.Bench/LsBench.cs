using System.Diagnostics;
using Zwarm.Core.Lifecycle;
using static Zwarm.Bench.Report;

namespace Zwarm.Bench;

/// <summary>§1: `zwarm ls` over synthetic stores of growing size against the floor `cat` of every meta.json.</summary>
internal static class LsBench
{
    // The floor: every meta.json read once (xargs: no argument-list limit at 10,000 sessions).
    private const string CatAll = "cd \"$1/.zwarm/sessions\" && printf '%s\\0' */meta.json | xargs -0 cat > /dev/null";

    /// <summary>Peak RSS in bytes of one `ls --json` (or of the cat floor when <paramref name="zwarm"/> is null), by GNU time; null without it.</summary>
    private static async Task<double?> PeakRssAsync(string project, string? zwarm, CancellationToken ct)
    {
        if (!File.Exists("/usr/bin/time")) return null;
        var kib = Path.Combine(Path.GetTempPath(), $"zwarm-bench-rss-{Environment.ProcessId}");
        var script = zwarm is null
            ? "cd \"$1/.zwarm/sessions\" && printf '%s\\0' */meta.json | /usr/bin/time -f %M -o \"$3\" xargs -0 cat > /dev/null"
            : "cd \"$1\" && /usr/bin/time -f %M -o \"$3\" \"$2\" ls --json > /dev/null";
        await Shell.CheckedAsync(script, [project, zwarm ?? "", kib], ct: ct);
        var text = (await File.ReadAllTextAsync(kib, ct)).Trim().Split('\n')[^1];
        File.Delete(kib);
        return double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public static async Task RunAsync(BenchOptions o, Section s, CancellationToken ct)
    {
        int[] sizes = o.Quick ? [20, 100] : [100, 1_000, 10_000];
        var (label, zwarm) = o.UserBuild;
        var maxRunning = sizes[^1] / 50;
        var transcript = Path.Combine(o.Work, "running-turn.jsonl");
        Transcripts.Write(transcript, "codex", o.Quick ? 64 << 10 : 1 << 20);
        // Live processes for the running sessions: their pid and start time are recorded, so no read reconciles them.
        var sleepers = Enumerable.Range(0, maxRunning).Select(_ => Process.Start("sleep", "3600")).ToList();
        try
        {
            var live = sleepers.Select(p => (p.Id, ProcessInfo.StartTime(p.Id) ?? throw new InvalidOperationException("no start time"))).ToList();
            foreach (var n in sizes)
            {
                var running = n / 50;
                var project = Path.Combine(o.Work, $"ls-{n}");
                var built = Stopwatch.StartNew();
                StoreBuilder.Build(project, n, live.Take(running).ToList(), transcript);
                var metaBytes = Directory.EnumerateFiles(Path.Combine(project, ".zwarm", "sessions"), "meta.json", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
                var check = await Shell.CheckedAsync("cd \"$1\" && exec \"$2\" ls --json", [project, zwarm], ct: ct);
                var counts = StoreBuilder.StatusCounts(check.Stdout);
                if (counts.GetValueOrDefault("running") != running || counts.Values.Sum() != n)
                    throw new InvalidOperationException($"the store of {n} did not list as built: {string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"))}");
                var reps = o.Pick(n >= 10_000 ? 3 : n >= 1_000 ? 5 : 7, 2);
                var r = await Shell.InterleavedAsync(reps,
                [
                    async () => (await Shell.CheckedAsync(CatAll, [project], ct: ct)).Elapsed,
                    async () => (await Shell.CheckedAsync("cd \"$1\" && exec \"$2\" ls --json > /dev/null", [project, zwarm], ct: ct)).Elapsed,
                    async () => (await Shell.CheckedAsync("cd \"$1\" && exec \"$2\" ls > /dev/null", [project, zwarm], ct: ct)).Elapsed,
                ], ct);
                var (floor, json, table) = (r[0].Median, r[1].Median, r[2].Median);
                var isTarget = n == sizes[^1];
                s.Add($"`ls --json`, {n:N0} sessions, {label}", Ms(json), $"{Ms(floor)} cat", json / floor, isTarget ? "≤ 2× the floor" : "", isTarget ? json / floor <= 2 : null);
                s.Add($"`ls` (table), {n:N0} sessions, {label}", Ms(table), $"{Ms(floor)} cat", table / floor, isTarget ? "≤ 3× the floor" : "", isTarget ? table / floor <= 3 : null);
                if (isTarget)
                {
                    var rss = await PeakRssAsync(project, zwarm, ct);
                    var catRss = await PeakRssAsync(project, null, ct);
                    s.Add($"`ls --json`, {n:N0} sessions, {label}, peak RSS", rss is { } r1 ? MiB(r1) : "not measured", catRss is { } c1 ? $"{MiB(c1)} cat" : "", rss / catRss, "≤ 64 MiB", rss <= 64 * 1048576.0);
                    s.Target(2, $"`ls --json`, {n:N0} sessions", $"{Ms(json)}, peak RSS {(rss is { } r2 ? MiB(r2) : "not measured")}", $"{Ms(floor)} `xargs cat`", json / floor,
                        "≤ 2× `cat`, peak RSS ≤ 64 MiB", json / floor <= 2 && rss <= 64 * 1048576.0);
                    s.Target(3, $"`ls` table, {n:N0} sessions", Ms(table), $"{Ms(floor)} `xargs cat`", table / floor, "≤ 3× `cat`", table / floor <= 3);
                }
                s.Notes.Add($"{n:N0} sessions ({running} running, {n - running:N0} finished with 3 turns): meta.json {MiB(metaBytes)} in all, " +
                            $"{metaBytes / n / 1024.0:0.0} KiB each; built in {built.Elapsed.TotalSeconds:0.0} s; medians of {reps} interleaved runs " +
                            $"(p90: cat {Ms(r[0].P90)}, ls --json {Ms(r[1].P90)}, ls {Ms(r[2].P90)}).");
            }
            s.Notes.Add($"Steady state, stated: every running session records the pid and /proc start time of a live `sleep` started for it, so `ls` " +
                        $"finds it alive and reconciles nothing; a check run before timing asserts that `ls --json` still lists them all as running. " +
                        $"Running sessions have a {(o.Quick ? "64 KiB" : "1 MiB")} codex transcript each, which `ls` does not read. Output goes to /dev/null.");
        }
        finally
        {
            foreach (var p in sleepers) { p.Kill(); p.Dispose(); }
        }
    }
}
