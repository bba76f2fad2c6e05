using System.CommandLine;
using Zwarm.Core;
using Zwarm.Core.Sessions;
using Zwarm.Orchestration;

namespace Zwarm.Cli.Commands;

/// <summary>
/// zwarm reset [-y] [--all] [-w DIR]: delete the orchestrator state (instances.json and instances/); sessions are kept unless --all.
/// </summary>
internal static class ResetCommand
{
    /// <summary>Printed on every reset: the same spelling deleted all of .zwarm/ in Python zwarm.</summary>
    public const string PythonNote =
        "zwarm: note: reset deletes orchestrate/pilot state and keeps sessions and config (Python zwarm's reset deleted all of .zwarm/); " +
        "reset --all also removes every session";

    public static Command Create(CliHost host)
    {
        var yes = new Option<bool>("--yes", "-y") { Description = "do not ask for confirmation" };
        var all = new Option<bool>("--all", "-a")
        {
            Description = "also remove every session (running ones are killed first), after a question",
        };
        var cmd = new Command("reset", "delete all orchestrate/pilot instance state (sessions are kept unless --all)")
        {
            yes, all, Options.WorkingDir(),
        };
        cmd.SetAction(async (pr, ct) =>
        {
            host.Err.WriteLine(PythonNote);
            var registry = OrchestrationHost.Registry(host.ZwarmDir);
            var count = (await registry.ListAsync(ct)).Count;
            var sessions = pr.GetValue(all) && Directory.Exists(host.ZwarmDir)
                ? (await (await host.ManagerAsync(ct)).ListAsync(ct)).Where(e => e.Meta is not null).Select(e => e.Meta!).ToList()
                : [];
            if (count == 0 && !Directory.Exists(registry.InstancesDir) && sessions.Count == 0)
            {
                host.Out.WriteLine(pr.GetValue(all) ? "nothing to reset (no instances, no sessions)" : "nothing to reset (no instances)");
                return ExitCodes.Success;
            }
            var running = sessions.Count(m => !m.Status.IsFinished());
            var what = pr.GetValue(all)
                ? $"delete the state of {count} instance(s) and all {sessions.Count} session(s)" +
                  $"{(running > 0 ? $", killing {running} running" : "")}"
                : $"delete the state of {count} instance(s) in {registry.InstancesDir} (sessions are kept)";
            if (!pr.GetValue(yes) && !host.Confirm($"{what}? [y/N] "))
            {
                host.Out.WriteLine("nothing deleted");
                return ExitCodes.Failure;
            }
            var removed = await registry.ResetAsync(ct);
            if (!pr.GetValue(all))
            {
                host.Out.WriteLine($"deleted the state of {removed} instance(s); sessions are untouched (zwarm ls)");
                return ExitCodes.Success;
            }
            var manager = await host.ManagerAsync(ct);
            foreach (var m in sessions) await manager.DeleteAsync(m.Id, ct);
            host.Out.WriteLine($"deleted the state of {removed} instance(s) and {sessions.Count} session(s)");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
