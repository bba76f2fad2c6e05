using System.Diagnostics;
using System.Text.Json;
using static Zwarm.Bench.Report;

namespace Zwarm.Bench;

/// <summary>§3: `zwarm spawn` of a fake agent that answers and exits at once, against a bare start of the same program.</summary>
internal static class SpawnBench
{
    private const string Prompt = "reply=ok";

    public static async Task RunAsync(BenchOptions o, Section s, CancellationToken ct)
    {
        var project = ProjectWithFakeAgent(o, "spawn");
        await MeasureAsync(o, s, project, "framework-dependent", o.Zwarm, o.Pick(40, 5), ct);
        if (!o.Quick && o.ZwarmVariants.GetValueOrDefault("NativeAOT") is { } aot && !aot.StartsWith('!'))
            await MeasureAsync(o, s, ProjectWithFakeAgent(o, "spawn-aot"), "NativeAOT", aot, 60, ct);
    }

    /// <summary>A project whose codex is the fake agent.</summary>
    public static string ProjectWithFakeAgent(BenchOptions o, string name, string extraConfig = "")
    {
        var project = Path.Combine(o.Work, name);
        Directory.CreateDirectory(Path.Combine(project, ".zwarm"));
        File.WriteAllText(Path.Combine(project, ".zwarm", "config.toml"),
            $"{extraConfig}\n[adapters.codex]\ncommand = {JsonSerializer.Serialize(o.FakeAgent)}\n");
        return project;
    }

    private static async Task MeasureAsync(BenchOptions o, Section s, string project, string label, string zwarm, int runs, CancellationToken ct)
    {
        var bare = new List<double>();
        var spawn = new List<double>();
        var completed = new List<double>();
        var failures = 0;
        await Shell.CheckedAsync("exec \"$1\" \"$2\" > /dev/null", [o.FakeAgent, Prompt], ct: ct);
        for (var i = 0; i < runs; i++)
        {
            bare.Add((await Shell.CheckedAsync("exec \"$1\" \"$2\" > /dev/null", [o.FakeAgent, Prompt], ct: ct)).Elapsed.TotalMilliseconds);
            var sw = Stopwatch.StartNew();
            var r = await Shell.CheckedAsync("cd \"$1\" && exec \"$2\" spawn --json \"$3\"", [project, zwarm, Prompt], ct: ct);
            spawn.Add(r.Elapsed.TotalMilliseconds);
            using var doc = JsonDocument.Parse(r.Stdout);
            var id = doc.RootElement.GetProperty("id").GetString()!;
            var status = await WaitFinishedAsync(Path.Combine(project, ".zwarm", "sessions", id, "meta.json"), TimeSpan.FromSeconds(60), ct);
            completed.Add(sw.Elapsed.TotalMilliseconds);
            if (status != "completed")
            {
                failures++;
                s.Notes.Add($"{label}: session {id[..8]} ended {status}: its turn ran, but no finaliser recorded it (see the README, Performance).");
            }
        }
        var (b, sp, c) = (new Samples(bare), new Samples(spawn), new Samples(completed));
        var met = sp.Median <= 1.2 * b.Median + 5;
        s.Add($"`zwarm spawn` returns, {label}", Ms(sp.Median), $"{Ms(b.Median)} bare run", sp.Median / b.Median, "≤ 1.2× + 5 ms", met);
        if (label == o.UserBuild.Label)
            s.Target(6, "`spawn` returns", Ms(sp.Median), $"{Ms(b.Median)} bare agent start", sp.Median / b.Median, "≤ 1.2× + 5 ms", met);
        s.Add($"spawn → session `completed`, {label}", Ms(c.Median), $"{Ms(b.Median)} bare run", c.Median / b.Median);
        s.Notes.Add($"{label}, {runs} runs, each a bare run of the fake agent (`{Prompt}`: prints a 4-event codex stream, exits 0) then a spawn of it; " +
                    $"spawn returns in {Ms(sp.Median)} (p90 {Ms(sp.P90)}): a fixed cost of {Ms(sp.Median - b.Median)} over the bare run; " +
                    $"`completed` is recorded after {Ms(c.Median)} (p90 {Ms(c.P90)}), i.e. {Ms(c.Median - b.Median)} of zwarm around the agent's own run " +
                    $"(spawn, wrapper, `zwarm _finalize`). {(failures == 0 ? "Every session completed." : $"{failures} sessions did not complete.")}");
    }

    /// <summary>Polls a meta.json until its status is final; returns the status.</summary>
    public static async Task<string> WaitFinishedAsync(string metaPath, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            try
            {
                using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(metaPath, ct));
                var status = doc.RootElement.GetProperty("status").GetString();
                if (status is "completed" or "failed" or "killed") return status;
            }
            catch (Exception e) when (e is IOException or JsonException) { }
            await Task.Delay(2, ct);
        }
        return "timeout";
    }
}
