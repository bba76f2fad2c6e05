using System.CommandLine;
using Zwarm.Core;

namespace Zwarm.Cli.Commands;

/// <summary>Hidden: run by a rate-limited session's detached timer; starts the queued sessions that are due.</summary>
internal static class PumpCommand
{
    public static Command Create(CliHost host)
    {
        var store = new Argument<string>("zwarm-dir") { Description = "the .zwarm folder" };
        var cmd = new Command("_pump", "start queued sessions that are due (used by zwarm's rate-limit timers)") { store };
        cmd.Hidden = true;
        cmd.SetAction(async (pr, ct) =>
        {
            host.ZwarmDir = Path.GetFullPath(pr.GetValue(store)!, host.ProjectDir);
            if (!Directory.Exists(host.ZwarmDir)) return ExitCodes.Success;
            var manager = await host.ManagerAsync(ct);
            await manager.ListSummariesAsync(ct);
            return ExitCodes.Success;
        });
        return cmd;
    }
}
