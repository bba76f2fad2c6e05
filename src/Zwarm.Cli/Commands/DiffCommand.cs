using System.CommandLine;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Isolation;
using Zwarm.Core;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>
/// zwarm diff ID [--turn N] [--stat] [--json]: what a worktree session changed (base..branch plus uncommitted work), or one turn.
/// </summary>
internal static class DiffCommand
{
    public static Command Create(CliHost host)
    {
        var id = Options.SessionId();
        var turn = new Option<int?>("--turn", "-t") { Description = "only turn N: its checkpoint against the previous one" };
        var stat = new Option<bool>("--stat") { Description = "files with lines added and removed, no patch" };
        var json = Options.Json();
        var cmd = new Command("diff", "what a worktree session changed: its branch since its base, plus uncommitted work")
        {
            id, turn, stat, json,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var meta = await manager.GetAsync(pr.GetValue(id)!, ct);
            var asJson = pr.GetValue(json);
            var diff = await manager.DiffAsync(meta, pr.GetValue(turn), patch: asJson || !pr.GetValue(stat), ct);
            if (asJson)
            {
                JsonOut.Write(host.Out, ToJson(meta.Id, meta.Worktree!.Branch, pr.GetValue(turn), diff), CliJsonContext.Default.DiffJson);
                return ExitCodes.Success;
            }
            if (pr.GetValue(stat))
            {
                WriteStat(host.Out, diff);
                return ExitCodes.Success;
            }
            if (diff.Files.Count == 0)
                host.Err.WriteLine($"zwarm: no changes in {meta.ShortId}" + (pr.GetValue(turn) is { } n ? $" turn {n}" : ""));
            else host.Out.Write(TerminalText.Safe(diff.Patch));
            return ExitCodes.Success;
        });
        return cmd;
    }

    /// <summary>One line per file ("path  +3 −1") and the summary line.</summary>
    public static void WriteStat(TextWriter w, DiffResult diff)
    {
        var width = diff.Files.Count == 0 ? 0 : Math.Min(60, diff.Files.Max(f => f.Path.Length));
        foreach (var f in diff.Files)
            w.WriteLine($" {TerminalText.Safe(f.Path).PadRight(width)}  {(f.Binary ? "binary" : $"+{f.Added} −{f.Removed}")}");
        w.WriteLine(diff.Files.Count == 0 ? "no changes" : diff.Summary);
    }

    /// <summary>The JSON contract of a diff (diff --json).</summary>
    public static DiffJson ToJson(string id, string branch, int? turn, DiffResult diff) => new(
        id, id[..8], branch, turn, diff.From, diff.To, [.. diff.Files.Select(f => new DiffFileJson(f.Path, f.Added, f.Removed, f.Binary))],
        diff.Added, diff.Removed, diff.Summary, diff.Patch);
}
