using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Zwarm.Cli.Json;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Isolation;
using Zwarm.Core.Sessions;
using Zwarm.Core;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm ls [--all] [--status s] [--json]: summary line and table of sessions.</summary>
internal static class LsCommand
{
    public static Command Create(CliHost host)
    {
        var all = new Option<bool>("--all") { Description = "include unreadable session folders in the table" };
        var status = new Option<string?>("--status", "-s")
        {
            Description = "only sessions with this status: pending|running|completed|failed|killed",
        };
        var attention = new Option<bool>("--attention", "-A")
        {
            Description = "only the sessions that need you (failed, rate-limited, over budget, finished and not seen), " +
                          "most urgent first, with the reason",
        };
        var json = Options.Json();
        var cmd = new Command("ls", "list sessions: summary and table") { all, status, attention, json };
        cmd.Aliases.Add("list");
        cmd.SetAction((pr, ct) =>
        {
            SessionStatus? filter = null;
            if (pr.GetValue(status) is { } s)
                filter = SessionStatusExtensions.ParseWire(s)
                    ?? throw new Zwarm.Core.ZwarmException(
                        $"unknown status '{s}': expected pending, running, completed, failed or killed", ExitCodes.Usage);
            if (pr.GetValue(attention)) return AttentionAsync(host, m => filter is null || m.Status == filter, pr.GetValue(json), ct);
            return RunAsync(host, m => filter is null || m.Status == filter, pr.GetValue(all), pr.GetValue(json), ct);
        });
        return cmd;
    }

    /// <summary>
    /// Prints the summary line and table (or JSON) of the sessions <paramref name="include"/> accepts; <paramref name="all"/> adds
    /// unreadable folders.
    /// </summary>
    public static async Task<int> RunAsync(
        CliHost host, Func<SessionMeta, bool> include, bool all, bool json, CancellationToken ct, string? whenNone = null)
    {
        if (!Directory.Exists(host.ZwarmDir))
        {
            if (json) host.Out.WriteLine("[]");
            else host.Out.WriteLine("no sessions (no .zwarm/ here; run 'zwarm init' or 'zwarm spawn \"task\"')");
            return ExitCodes.Success;
        }
        var manager = await host.ManagerAsync(ct);
        var entries = await manager.ListSummariesAsync(ct);
        var sessions = entries.Where(e => e.Meta is not null && include(e.Meta)).Select(e => e.Meta!).ToList();
        var broken = entries.Where(e => e.Meta is null).ToList();
        var conflicts = sessions.Any(m => m.Worktree is not null)
            ? await manager.ConflictsAsync(entries.Where(e => e.Meta is not null).Select(e => e.Meta!), ct)
            : [];
        if (json)
        {
            await WriteJsonAsync(host, manager, sessions, conflicts, all ? broken : [], ct);
            foreach (var b in broken.Where(_ => !all)) host.Err.WriteLine($"zwarm: session {b.Id[..8]} is unreadable: {b.Problem}");
            return ExitCodes.Success;
        }
        if (sessions.Count == 0 && broken.Count == 0 && whenNone is not null)
        {
            host.Out.WriteLine(whenNone);
            return ExitCodes.Success;
        }
        SessionTable.Render(host.Console, sessions, manager, host.Now, Marks(sessions, conflicts));
        foreach (var b in broken) host.Console.MarkupLineInterpolated($"[red]! {b.Id[..8]} unreadable: {b.Problem}[/]");
        return ExitCodes.Success;
    }

    /// <summary>
    /// The JSON array of the sessions written straight to standard output, a session at a time (nothing held but a small buffer).
    /// </summary>
    private static async Task WriteJsonAsync(CliHost host, Zwarm.Core.Lifecycle.SessionManager manager, IReadOnlyList<SessionMeta> sessions,
        IReadOnlyList<FileConflict> conflicts, IReadOnlyList<SessionEntry> unreadable, CancellationToken ct)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1 << 16);
        var summaries = SessionShape.Summaries(manager.Agents.Models, manager.Config, host.Now);
        await using (var w = JsonOut.CreateWriter(buffer))
        {
            async Task FlushAsync()
            {
                await w.FlushAsync(ct);
                await host.WriteRawAsync(buffer.WrittenMemory, ct);
                buffer.ResetWrittenCount();
            }
            w.WriteStartArray();
            foreach (var m in sessions)
            {
                var (others, main) = conflicts.Count > 0 ? Conflicts.For(m.Id, conflicts) : ([], false);
                summaries.Write(w, m, others.Count > 0 || main ? new SessionConflicts(others, main) : null);
                if (w.BytesPending + buffer.WrittenCount >= 1 << 16) await FlushAsync();
            }
            foreach (var b in unreadable)
                JsonSerializer.Serialize(w, SessionOut.Unreadable(b.Id, b.Problem), CliJsonContext.Default.SessionOut);
            w.WriteEndArray();
            await FlushAsync();
        }
        await host.WriteRawAsync("\n"u8.ToArray(), ct);
    }

    /// <summary>Only the sessions that need a person, most urgent first, with the reason (ls --attention).</summary>
    private static async Task<int> AttentionAsync(CliHost host, Func<SessionMeta, bool> include, bool json, CancellationToken ct)
    {
        if (!Directory.Exists(host.ZwarmDir))
        {
            host.Out.WriteLine(json ? "[]" : "nothing needs you");
            return ExitCodes.Success;
        }
        var manager = await host.ManagerAsync(ct);
        var sessions = (await manager.ListSummariesAsync(ct))
            .Where(e => e.Meta is not null && include(e.Meta))
            .Select(e => e.Meta!)
            .ToList();
        AttentionView.Render(host, manager, sessions, json);
        return ExitCodes.Success;
    }

    /// <summary>"⚠ 9a8b7c6d" for a session that collides with another (or "⚠ main"), "→ main" once merged.</summary>
    public static Dictionary<string, string> Marks(IEnumerable<SessionMeta> sessions, IReadOnlyList<FileConflict> conflicts)
    {
        var marks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in sessions)
        {
            if (m.MergedInto is { } into) marks[m.Id] = "→ " + into;
            else if (Conflicts.For(m.Id, conflicts) is var (others, main) && (others.Count > 0 || main))
                marks[m.Id] = "⚠ " + string.Join(",", main
                    ? others.Append(conflicts.First(c => c.Main && c.Sessions.Contains(m.Id)).Branch ?? "main")
                    : others);
        }
        return marks;
    }
}
