using System.CommandLine;
using Zwarm.Cli.Rendering;
using Zwarm.Core;
using Zwarm.Core.Isolation;
using Zwarm.Core.Lifecycle;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>
/// zwarm merge ID [--squash|--rebase|--merge] [--into BRANCH] [-m msg]: land a finished worktree session; a conflict changes nothing (exit
/// 1).
/// </summary>
internal static class MergeCommand
{
    public static Command Create(CliHost host)
    {
        var id = Options.SessionId();
        var squash = new Option<bool>("--squash") { Description = "one commit with all the session's changes (the default)" };
        var rebase = new Option<bool>("--rebase") { Description = "replay the session's commits (one per turn) on the target" };
        var merge = new Option<bool>("--merge") { Description = "a merge commit" };
        var into = new Option<string?>("--into") { Description = "target branch (default: the branch checked out in the main worktree)" };
        var message = new Option<string?>("--message", "-m") { Description = "commit message (default: the task and the session id)" };
        var json = Options.Json();
        var cmd = new Command("merge", "merge a worktree session's branch (checkpoints included) into the current branch")
        {
            id, squash, rebase, merge, into, message, json,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var picked = (pr.GetValue(squash) ? 1 : 0) + (pr.GetValue(rebase) ? 1 : 0) + (pr.GetValue(merge) ? 1 : 0);
            if (picked > 1) throw new ZwarmException("choose one of --squash, --rebase and --merge", ExitCodes.Usage);
            var strategy = pr.GetValue(rebase) ? MergeStrategy.Rebase : pr.GetValue(merge) ? MergeStrategy.Merge : MergeStrategy.Squash;
            var manager = await host.ManagerAsync(ct);
            var r = await manager.MergeAsync(pr.GetValue(id)!, strategy, pr.GetValue(into), pr.GetValue(message), ct);
            var m = r.Session;
            var o = r.Outcome;
            if (pr.GetValue(json))
            {
                JsonOut.Write(host.Out, ToJson(r, strategy), CliJsonContext.Default.MergeJson);
                return o.Merged ? ExitCodes.Success : ExitCodes.Failure;
            }
            foreach (var w in r.Warnings) host.Out.WriteLine("⚠ " + ConflictsCommand.Describe(w, m.Id));
            if (!o.Merged)
            {
                host.Out.WriteLine($"✗ {m.ShortId} ({m.Worktree!.Branch}) conflicts with {o.Target} in " +
                                   $"{o.Conflicts.Count} file{(o.Conflicts.Count == 1 ? "" : "s")}; merge aborted, nothing changed:");
                foreach (var f in o.Conflicts) host.Out.WriteLine($"  CONFLICT {TerminalText.Safe(f)}");
                return ExitCodes.Failure;
            }
            if (o.Files.Count == 0)
                host.Out.WriteLine($"✓ {m.ShortId} ({m.Worktree!.Branch}): nothing to merge; {o.Target} already has it");
            else
                host.Out.WriteLine($"✓ merged {m.ShortId} ({m.Worktree!.Branch}) into {o.Target} " +
                                   $"({strategy.ToString().ToLowerInvariant()}): " +
                                   $"{o.Files.Count} file{(o.Files.Count == 1 ? "" : "s")} → {o.Commit![..10]}");
            return ExitCodes.Success;
        });
        return cmd;
    }

    /// <summary>The JSON of a merge (merge --json).</summary>
    public static MergeJson ToJson(MergeResult r, MergeStrategy strategy)
    {
        var m = r.Session;
        var o = r.Outcome;
        return new MergeJson(m.Id, m.ShortId, m.Worktree!.Branch, o.Target, strategy.ToString().ToLowerInvariant(), o.Merged, o.Commit,
            o.Files, o.Conflicts, ConflictsCommand.ToJson(r.Warnings));
    }
}
