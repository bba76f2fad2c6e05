using System.CommandLine;
using Zwarm.Cli.Rendering;
using Zwarm.Core;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>
/// zwarm spawn "task" [-a adapter] [-m model] [-d dir] [--worktree [--base REF]] [--wait], and its Python spellings exec and session start.
/// </summary>
internal static class SpawnCommand
{
    /// <summary>The spellings of "start a session".</summary>
    public enum Form
    {
        /// <summary>zwarm spawn "task" [-a] [-m] [-d DIR] [-w|--wait].</summary>
        Spawn,

        /// <summary>zwarm exec "task" | --task/-t T [--working-dir/-w PROJECT] [-d DIR] [-m] [--wait] (Python zwarm's exec).</summary>
        Exec,

        /// <summary>zwarm session start "task" [--dir/-d PROJECT] [-m] (Python zwarm's older sub-app).</summary>
        SessionStart,
    }

    public static Command Create(CliHost host, Form form = Form.Spawn)
    {
        var task = new Argument<string?>("task")
        {
            Description = "what the agent should do", Arity = form == Form.Exec ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
        };
        var taskOption = new Option<string?>("--task", "-t")
        {
            Description = "what the agent should do (Python zwarm's spelling of the task argument)",
        };
        var adapter = new Option<string?>("--adapter", "-a")
        {
            Description = "codex | claude (default: inferred from the model, else executor.adapter)",
        };
        var model = new Option<string?>("--model", "-m") { Description = "model name or alias (see zwarm models)" };
        var force = new Option<bool>("--force-model") { Description = "use --model as given even if no adapter knows it" };
        var dir = new Option<string?>("--dir", "-d") { Description = "working directory (default: the current directory)" };
        var wait = form == Form.Exec
            ? new Option<bool>("--wait") { Description = "block until the session finishes" }
            : new Option<bool>("--wait", "-w") { Description = "block until the session finishes" };
        var worktree = new Option<bool>("--worktree")
        {
            Description = "work in a new git worktree on branch zwarm/<id> (default: executor.isolation)",
        };
        var baseRef = new Option<string?>("--base") { Description = "with --worktree: the commit or branch to start from (default HEAD)" };
        var onHost = new Option<string?>("--host", "-H")
        {
            Description = "run on a configured [hosts.NAME] over SSH, or 'auto' (the least loaded with a free slot); " +
                "-d is then a remote directory",
        };
        var async = new Option<bool>("--async")
        {
            Description = "start and return at once (the default; kept for old scripts)", Hidden = true,
        };
        var json = Options.Json();
        var (name, about) = form switch
        {
            Form.Exec => ("exec", "start a session (Python zwarm's exec: --task/-t, --working-dir/-w PROJECT; same as spawn)"),
            Form.SessionStart => ("start", "start a new agent session in the background (as zwarm spawn)"),
            _ => ("spawn", "start a new agent session in the background"),
        };
        var cmd = new Command(name, about) { task, adapter, model, force, worktree, baseRef, onHost, wait, async, json };
        cmd.Options.Add(form == Form.SessionStart ? Options.Dir() : dir);
        if (form == Form.Exec)
        {
            cmd.Options.Add(taskOption);
            cmd.Options.Add(Options.WorkingDir());
        }
        cmd.SetAction(async (pr, ct) =>
        {
            var positional = pr.GetValue(task);
            var named = form == Form.Exec ? pr.GetValue(taskOption) : null;
            if (positional is not null && named is not null)
                throw new ZwarmException("give the task once: as an argument or with --task, not both", ExitCodes.Usage);
            var text = positional ?? named
                ?? throw new ZwarmException("exec needs a task: zwarm exec \"task\" or zwarm exec --task \"task\"", ExitCodes.Usage);
            var manager = await host.ManagerAsync(ct);
            var newStore = !Directory.Exists(host.ZwarmDir);
            var remote = pr.GetValue(onHost);
            var meta = await manager.StartAsync(new StartRequest(text)
            {
                Adapter = pr.GetValue(adapter),
                Model = pr.GetValue(model),
                ForceModel = pr.GetValue(force),
                Host = remote,
                // On a host -d is a remote path, as given; without it the host's dir.
                WorkingDir = remote is not null ? pr.GetValue(dir)
                    : form == Form.SessionStart ? host.ProjectDir
                    : pr.GetValue(dir) ?? host.ProjectDir,
                Worktree = pr.GetValue(worktree) || pr.GetValue(baseRef) is not null ? true : null,
                BaseRef = pr.GetValue(baseRef),
            }, ct);
            // Never a store out of nowhere: there was none here or in any parent folder.
            if (newStore)
                host.Err.WriteLine(
                    $"zwarm: no .zwarm/ here or in a parent folder; created {host.ZwarmDir} ('zwarm init' adds commented config files)");
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
            JsonOut.Write(host.Out, SessionOut.Shapes(manager, host.Now).Full(meta), CliJsonContext.Default.SessionOut);
        }
        else
        {
            var where = meta.Host is { } h ? $"{h.Name}:{meta.WorkingDir}" : meta.WorkingDir;
            host.Out.WriteLine(
                $"{SessionView.Icon(meta.Status)} {meta.ShortId}  {meta.Status.ToWire()}  turn {meta.Turn}  " +
                $"{meta.Adapter}/{meta.Model}  {where}");
            if (meta.Worktree is { } wt)
                host.Out.WriteLine($"  worktree {wt.Path}  branch {wt.Branch}  base {wt.BaseCommit[..Math.Min(10, wt.BaseCommit.Length)]}");
            if (meta.Status == SessionStatus.Pending && meta.QueuedReason is { } why)
                host.Out.WriteLine($"  queued: {why}");
            if (meta.Status.IsFinished() && SessionFacts.LastReply(meta) is { } reply && SessionFacts.EndsWithReply(meta))
                host.Out.WriteLine(reply);
            if (meta.Error is not null && meta.Status.IsFinished()) host.Out.WriteLine($"  error: {meta.Error}");
        }
        return meta.Status is SessionStatus.Failed or SessionStatus.Killed ? ExitCodes.Failure : ExitCodes.Success;
    }
}
