using System.CommandLine;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm spawn "task" [-a adapter] [-m model] [-d dir] [--worktree [--base REF]] [--wait] (alias exec).</summary>
internal static class SpawnCommand
{
    public static Command Create(CliHost host)
    {
        var task = new Argument<string>("task") { Description = "what the agent should do" };
        var adapter = new Option<string?>("--adapter", "-a") { Description = "codex | claude (default: inferred from the model, else executor.adapter)" };
        var model = new Option<string?>("--model", "-m") { Description = "model name or alias (see zwarm models)" };
        var force = new Option<bool>("--force-model") { Description = "use --model as given even if no adapter knows it" };
        var dir = new Option<string?>("--dir", "-d") { Description = "working directory (default: the project directory)" };
        var wait = new Option<bool>("--wait", "-w") { Description = "block until the session finishes" };
        var worktree = new Option<bool>("--worktree") { Description = "work in a new git worktree on branch zwarm/<id> (default: executor.isolation)" };
        var baseRef = new Option<string?>("--base") { Description = "with --worktree: the commit or branch to start from (default HEAD)" };
        var async = new Option<bool>("--async") { Description = "start and return at once (the default; kept for old scripts)", Hidden = true };
        var json = Options.Json();
        var cmd = new Command("spawn", "start a new agent session in the background") { task, adapter, model, force, dir, worktree, baseRef, wait, async, json };
        cmd.Aliases.Add("exec");
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var meta = await manager.StartAsync(new StartRequest(pr.GetValue(task)!)
            {
                Adapter = pr.GetValue(adapter),
                Model = pr.GetValue(model),
                ForceModel = pr.GetValue(force),
                WorkingDir = pr.GetValue(dir),
                Worktree = pr.GetValue(worktree) || pr.GetValue(baseRef) is not null ? true : null,
                BaseRef = pr.GetValue(baseRef),
            }, ct);
            if (pr.GetValue(wait))
            {
                var result = await manager.WaitAsync([meta.Id], null, false, ct);
                meta = result.Sessions[0];
            }
            return Report(host, manager, meta, pr.GetValue(json));
        });
        return cmd;
    }

    /// <summary>Prints a started (or, with --wait, finished) session; exit 1 when it failed or was killed.</summary>
    public static int Report(CliHost host, SessionManager manager, SessionMeta meta, bool json)
    {
        if (json)
        {
            SessionView.Write(host.Out, SessionView.ToJson(meta, manager.Agents.Models, manager.Config, host.Now));
        }
        else
        {
            host.Out.WriteLine($"{SessionView.Icon(meta.Status)} {meta.ShortId}  {meta.Status.ToWire()}  turn {meta.Turn}  {meta.Adapter}/{meta.Model}  {meta.WorkingDir}");
            if (meta.Worktree is { } wt) host.Out.WriteLine($"  worktree {wt.Path}  branch {wt.Branch}  base {wt.BaseCommit[..Math.Min(10, wt.BaseCommit.Length)]}");
            if (meta.Status == SessionStatus.Pending && meta.Extra?.TryGetValue("queued_reason", out var why) == true)
                host.Out.WriteLine($"  queued: {why.GetString()}");
            if (meta.Status.IsFinished() && SessionView.LastReply(meta) is { } reply && meta.Messages.LastOrDefault(m => m.Role != "tool")?.Role == "assistant")
                host.Out.WriteLine(reply);
            if (meta.Error is not null && meta.Status.IsFinished()) host.Out.WriteLine($"  error: {meta.Error}");
        }
        return meta.Status is SessionStatus.Failed or SessionStatus.Killed ? 1 : 0;
    }
}
