using System.CommandLine;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm review ID [-a agent] [-m model] [--wait]: a read-only session that reviews a worktree session's diff.</summary>
internal static class ReviewCommand
{
    public static Command Create(CliHost host)
    {
        var id = Options.SessionId();
        var adapter = new Option<string?>("--adapter", "-a")
        {
            Description = "codex | claude (default: the reviewed session's, or inferred from --model)",
        };
        var model = new Option<string?>("--model", "-m") { Description = "model name or alias" };
        var wait = new Option<bool>("--wait", "-w") { Description = "block until the review finishes and print it" };
        var json = Options.Json();
        var cmd = new Command(
            "review", "start a read-only session in a worktree session's worktree that reviews its diff (shown by show ID)")
        {
            id, adapter, model, wait, json,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var meta = await manager.ReviewAsync(pr.GetValue(id)!, pr.GetValue(adapter), pr.GetValue(model), ct);
            if (pr.GetValue(wait)) meta = (await manager.WaitAsync([meta.Id], null, false, ct)).Sessions[0];
            return SpawnCommand.Report(host, manager, meta, pr.GetValue(json));
        });
        return cmd;
    }
}
