using System.CommandLine;
using Zwarm.Cli.Rendering;
using Zwarm.Core;
using Zwarm.Core.Lifecycle;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm kill ID|--all: SIGTERM the session's processes, grace, SIGKILL; status killed.</summary>
internal static class KillCommand
{
    public static Command Create(CliHost host)
    {
        var id = new Argument<string?>("id") { Description = "session id or unique prefix", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "kill every running or queued session" };
        var json = Options.Json();
        var cmd = new Command("kill", "stop a running session (its whole process tree)") { id, all, json };
        cmd.SetAction((pr, ct) =>
        {
            var target = pr.GetValue(id);
            if (pr.GetValue(all) == (target is not null))
                throw new ZwarmException("kill needs a session id or --all (one of them)", ExitCodes.Usage);
            return RunAsync(host, target, pr.GetValue(json), ct);
        });
        return cmd;
    }

    /// <summary>Kills one session, or (<paramref name="target"/> null) every running or queued one.</summary>
    public static async Task<int> RunAsync(CliHost host, string? target, bool json, CancellationToken ct)
    {
        var manager = await host.ManagerAsync(ct);
        IReadOnlyList<KillResult> results = target is null ? await manager.KillAllAsync(ct) : [await manager.KillAsync(target, ct)];
        if (json)
        {
            var shapes = SessionOut.Shapes(manager, host.Now);
            JsonOut.Write(host.Out,
                [.. results.Select(r => shapes.Summary(r.Session, new KillMore(r.Killed, r.Note), CliJsonContext.Default.KillMore))],
                CliJsonContext.Default.ListSessionOut);
            return ExitCodes.Success;
        }
        foreach (var r in results) host.Out.WriteLine(r.Note);
        if (results.Count == 0) host.Out.WriteLine("nothing running");
        return ExitCodes.Success;
    }
}
