using System.CommandLine;
using Zwarm.Core;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm kill ID|--all: SIGTERM the session's processes, grace, SIGKILL; status killed.</summary>
internal static class KillCommand
{
    public static Command Create(CliHost host)
    {
        var id = new Argument<string?>("id") { Description = "session id or unique prefix", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "kill every running or queued session" };
        var cmd = new Command("kill", "stop a running session (its whole process tree)") { id, all };
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            if (pr.GetValue(all))
            {
                var results = await manager.KillAllAsync(ct);
                foreach (var r in results) host.Out.WriteLine(r.Note);
                if (results.Count == 0) host.Out.WriteLine("nothing running");
                return 0;
            }
            var target = pr.GetValue(id) ?? throw new ZwarmException("kill needs a session id or --all", 2);
            var result = await manager.KillAsync(target, ct);
            host.Out.WriteLine(result.Note);
            return 0;
        });
        return cmd;
    }
}
