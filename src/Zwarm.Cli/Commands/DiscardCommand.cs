using System.CommandLine;
using Zwarm.Core;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm discard ID [-y]: remove a worktree session's worktree and delete its branch, after a question.</summary>
internal static class DiscardCommand
{
    public static Command Create(CliHost host)
    {
        var id = Options.SessionId();
        var yes = new Option<bool>("--yes", "-y") { Description = "do not ask" };
        var cmd = new Command(
            "discard", "throw a worktree session's work away: remove its worktree and delete its branch (asks unless -y)")
        {
            id, yes,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var meta = await manager.GetAsync(pr.GetValue(id)!, ct);
            if (meta.Worktree is not { Discarded: not true } wt)
                throw new ZwarmException(meta.Worktree is null
                    ? $"session {meta.ShortId} has no worktree"
                    : $"session {meta.ShortId} was already discarded");
            var changes = await manager.ChangeSummaryAsync(meta, ct);
            if (!pr.GetValue(yes)
                && !host.Confirm($"discard {meta.ShortId}: remove {wt.Path} and delete branch {wt.Branch}" +
                                 $"{(changes is null ? "" : $" ({changes})")}{(meta.IsMerged ? "" : ", which is not merged")}? [y/N] "))
                throw new ZwarmException("aborted; nothing discarded");
            await manager.DiscardAsync(meta.Id, ct);
            host.Out.WriteLine($"discarded {meta.ShortId}: worktree removed, branch {wt.Branch} deleted");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
