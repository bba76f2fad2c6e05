using System.CommandLine;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Isolation;
using Zwarm.Core;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>
/// zwarm conflicts [--json]: files changed by more than one unmerged worktree session, or by a session and the target branch.
/// </summary>
internal static class ConflictsCommand
{
    public static Command Create(CliHost host)
    {
        var json = Options.Json();
        var cmd = new Command(
            "conflicts", "files two unmerged worktree sessions both changed (or a session and the current branch), before anyone merges")
        {
            json,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            if (!Directory.Exists(host.ZwarmDir))
            {
                host.Out.WriteLine(pr.GetValue(json) ? "[]" : "no conflicts (no sessions)");
                return ExitCodes.Success;
            }
            var manager = await host.ManagerAsync(ct);
            var sessions = (await manager.ListSummariesAsync(ct)).Where(e => e.Meta is not null).Select(e => e.Meta!).ToList();
            var conflicts = await manager.ConflictsAsync(sessions, ct);
            if (pr.GetValue(json))
            {
                JsonOut.Write(host.Out, ToJson(conflicts), CliJsonContext.Default.ListConflictJson);
                return ExitCodes.Success;
            }
            var open = sessions.Count(m => m.Worktree is { Discarded: not true } && !m.IsMerged);
            if (conflicts.Count == 0)
            {
                host.Out.WriteLine($"no conflicts among {open} unmerged worktree session{(open == 1 ? "" : "s")}");
                return ExitCodes.Success;
            }
            foreach (var c in conflicts) host.Out.WriteLine("⚠ " + Describe(c, null));
            return ExitCodes.Success;
        });
        return cmd;
    }

    /// <summary>"notes.txt: changed by 3f2b1a2c and 9a8b7c6d" / "notes.txt: changed by 3f2b1a2c and on main since its base".</summary>
    public static string Describe(FileConflict c, string? self)
    {
        var ids = c.Sessions.Where(s => s != self).Select(s => s[..Math.Min(8, s.Length)]).ToList();
        var path = TerminalText.Safe(c.Path);
        if (c.Main)
            return $"{path}: changed by {(ids.Count == 0 ? "this session" : string.Join(", ", ids))} " +
                   $"and on {c.Branch} since {(ids.Count == 1 || self is not null ? "its" : "their")} base";
        return self is null
            ? $"{path}: changed by {string.Join(" and ", ids)}"
            : $"{path}: also changed by {string.Join(", ", ids)} (unmerged)";
    }

    /// <summary>The JSON contract of file conflicts (conflicts --json, merge --json's warnings).</summary>
    public static List<ConflictJson> ToJson(IEnumerable<FileConflict> conflicts) =>
        [.. conflicts.Select(c => new ConflictJson(c.Repo, c.Path, c.Main ? "main" : "sessions", c.Sessions, c.Branch))];
}
