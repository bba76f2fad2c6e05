using static Zwarm.Bench.Report;

namespace Zwarm.Bench;

/// <summary>§4: `zwarm ls` on a small store (20 finished sessions) against a hello world published the same way.</summary>
internal static class ColdStartBench
{
    public static async Task RunAsync(BenchOptions o, Section s, CancellationToken ct)
    {
        var project = Path.Combine(o.Work, "cold");
        Directory.CreateDirectory(project);
        await Shell.CheckedAsync("cd \"$1\" && exec \"$2\" init -y > /dev/null", [project, o.Zwarm], ct: ct);
        const int Sessions = 20;
        StoreBuilder.Build(project, Sessions, [], "");
        var reps = o.Pick(21, 3);
        foreach (var (label, zwarm) in o.ZwarmVariants)
        {
            var hello = o.HelloVariants.GetValueOrDefault(label, "!no hello-world build");
            if (zwarm.StartsWith('!') || hello.StartsWith('!'))
            {
                s.Add($"cold start, {label}", "not built", "", null, "≤ 60 ms", null);
                s.Notes.Add($"{label}: could not be published: {(zwarm.StartsWith('!') ? zwarm[1..] : hello[1..])}");
                continue;
            }
            var r = await Shell.InterleavedAsync(reps,
            [
                async () => (await Shell.CheckedAsync("exec \"$1\" > /dev/null", [hello], ct: ct)).Elapsed,
                async () => (await Shell.CheckedAsync("cd \"$1\" && exec \"$2\" ls > /dev/null", [project, zwarm], ct: ct)).Elapsed,
                // The floor of any zwarm command: the same binary starting and exiting, no work.
                async () => (await Shell.CheckedAsync("exec \"$1\" --version > /dev/null", [zwarm], ct: ct)).Elapsed,
            ], ct);
            var (baseline, value, floor) = (r[0].Median, r[1].Median, r[2].Median);
            s.Add($"cold start `zwarm ls`, {Sessions} sessions, {label}", Ms(value), $"{Ms(baseline)} hello", value / baseline, "≤ 60 ms", value <= 60);
            if (label == o.UserBuild.Label)
                s.Target(1, $"cold `zwarm ls`, small store ({Sessions} sessions)", Ms(value), $"{Ms(baseline)} {(label == "NativeAOT" ? "AOT " : "")}hello", value / baseline,
                    "≤ 15 ms and ≤ 4× an AOT hello world", value <= 15 && value / baseline <= 4);
            s.Add($"floor: `zwarm --version`, {label}", Ms(floor), $"{Ms(baseline)} hello", floor / baseline, "", null);
            s.Notes.Add($"{label}: medians of {reps} interleaved runs; p90 zwarm {Ms(r[1].P90)}, hello {Ms(r[0].P90)}; "
                + $"min zwarm {Ms(r[1].Min)}, hello {Ms(r[0].Min)}. `zwarm --version` (the binary starting, no work) is "
                + $"{floor / baseline:0.00}× hello: `ls` itself adds {Ms(value - floor)}.");
        }
    }
}
