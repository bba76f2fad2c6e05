using System.CommandLine;
using Zwarm.Core;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli.Commands;

/// <summary>
/// zwarm logs ID [--turn N] [-f]: the raw output (JSONL) of a session's turns, byte for byte; -f follows until it finishes.
/// </summary>
internal static class LogsCommand
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    public static Command Create(CliHost host)
    {
        var id = Options.SessionId();
        var turn = new Option<int?>("--turn", "-t") { Description = "only this turn (1-based); default: every turn in order" };
        var follow = new Option<bool>("--follow", "-f")
        {
            Description = "keep printing new output, across turns, until the session finishes",
        };
        var cmd = new Command("logs", "raw JSONL output of a session's turns (as the agent wrote it)") { id, turn, follow };
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var meta = await manager.GetAsync(pr.GetValue(id)!, ct);
            var only = pr.GetValue(turn);
            if (only is < 1) throw new ZwarmException("--turn must be 1 or more", ExitCodes.Usage);
            if (only > meta.Turn)
                throw new ZwarmException(
                    $"session {meta.ShortId} has {meta.Turn} turn{(meta.Turn == 1 ? "" : "s")}; there is no turn {only}");
            if (!pr.GetValue(follow))
            {
                for (var t = only ?? 1; t <= (only ?? meta.Turn); t++) await CopyAsync(host, manager.Store.TurnFile(meta.Id, t), 0, ct);
                return ExitCodes.Success;
            }
            try
            {
                await FollowAsync(host, manager, meta.Id, only, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C ends following; the session keeps running.
            }
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static async Task FollowAsync(CliHost host, SessionManager manager, string id, int? only, CancellationToken ct)
    {
        var turn = only ?? 1;
        long offset = 0;
        while (true)
        {
            // Read the status before the file: whatever it says, the bytes copied after it are complete for that state.
            var meta = await manager.GetAsync(id, ct);
            offset = await CopyAsync(host, manager.Store.TurnFile(id, turn), offset, ct);
            var turnOver = meta.Turn > turn || meta.Status.IsFinished();
            if (turnOver && (only is not null || meta.Turn == turn)) return;
            if (meta.Turn > turn)
            {
                turn++;
                offset = 0;
                continue;
            }
            await Task.Delay(Poll, ct);
        }
    }

    /// <summary>Copies the file from <paramref name="offset"/> to its current end; returns the new offset.</summary>
    private static async Task<long> CopyAsync(CliHost host, string path, long offset, CancellationToken ct)
    {
        if (!File.Exists(path)) return offset;
        await using var fs = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
        if (fs.Length <= offset) return offset;
        fs.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await fs.ReadAsync(buffer, ct)) > 0)
        {
            await host.WriteRawAsync(buffer.AsMemory(0, read), ct);
            offset += read;
        }
        return offset;
    }
}
