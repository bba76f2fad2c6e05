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
        cmd.SetAction((pr, ct) => RunAsync(host, pr.GetValue(dir)!, pr.GetValue(turn), ct));
        return cmd;
    }

    /// <summary>
    /// The wrapper's exact call, <c>_finalize DIR N</c>, recognised before the command tree is built: it runs once per
    /// turn, and building the tree of every verb is a measurable part of its start-up (issue #14). Anything else
    /// (help, a bad turn number) goes through the tree and its usual messages.
    /// </summary>
    public static bool IsDirectCall(IReadOnlyList<string> args, out string sessionDir, out int turn)
    {
        sessionDir = "";
        turn = 0;
        if (args is not ["_finalize", var d, var t] || d.StartsWith('-')) return false;
        if (!int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out turn))
            return false;
        sessionDir = d;
        return true;
    }

    /// <summary>Records the end of turn <paramref name="turn"/> of the session in <paramref name="sessionDir"/>.</summary>
    public static async Task<int> RunAsync(CliHost host, string sessionDir, int turn, CancellationToken ct)
    {
        sessionDir = Path.GetFullPath(sessionDir, host.ProjectDir);
        var id = Path.GetFileName(sessionDir);
        var zwarmDir = Path.GetDirectoryName(Path.GetDirectoryName(sessionDir))!;
        host.ZwarmDir = zwarmDir;
        var manager = await host.ManagerAsync(ct);
        await manager.FinalizeTurnAsync(id, turn, ct);
        await manager.PumpQueueAsync(ct);
        return ExitCodes.Success;
    }
}
