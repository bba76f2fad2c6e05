using System.CommandLine;
using Zwarm.Core;

namespace Zwarm.Cli.Commands;

/// <summary>Hidden: run once by a turn's wrapper after the agent exits, to record the final status and start queued sessions.</summary>
internal static class FinalizeCommand
{
    public static Command Create(CliHost host)
    {
        var dir = new Argument<string>("session-dir");
        var turn = new Argument<int>("turn");
        var cmd = new Command("_finalize", "record the end of a turn (used by the turn wrapper)") { dir, turn };
        cmd.Hidden = true;
        cmd.SetAction(async (pr, ct) =>
        {
            var sessionDir = Path.GetFullPath(pr.GetValue(dir)!);
            var id = Path.GetFileName(sessionDir);
            var zwarmDir = Path.GetDirectoryName(Path.GetDirectoryName(sessionDir))!;
            host.ZwarmDir = zwarmDir;
            // Queued sessions this finaliser starts inherit the store's location, as before.
            Environment.SetEnvironmentVariable("ZWARM_DIR", zwarmDir);
            var manager = await host.ManagerAsync(ct);
            await manager.FinalizeTurnAsync(id, pr.GetValue(turn), ct);
            await manager.PumpQueueAsync(ct);
            return ExitCodes.Success;
        });
        return cmd;
    }
}
