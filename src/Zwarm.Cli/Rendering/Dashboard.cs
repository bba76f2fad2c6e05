using Spectre.Console;
using Spectre.Console.Rendering;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;
using Zwarm.Core;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Rendering;

/// <summary>
/// `watch` without an id: on a terminal a live table of every session redrawn in place; otherwise (or with --json)
/// one line per session whose status or turn changed. Runs until cancelled (Ctrl+C).
/// </summary>
internal sealed class Dashboard(CliHost host, SessionManager manager, bool json, TimeSpan interval)
{
    /// <summary>Runs until <paramref name="ct"/> is cancelled; returns 0.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        try
        {
            // Live output is only for a real terminal: redirected, Spectre would write cursor codes into the stream.
            if (!json && host.Console.Profile.Capabilities.Interactive) await LiveAsync(ct);
            else await LinesAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C is how a dashboard ends.
        }
        return ExitCodes.Success;
    }

    private async Task<IReadOnlyList<SessionMeta>> SessionsAsync(CancellationToken ct)
        => (await manager.ListAsync(ct)).Where(e => e.Meta is not null).Select(e => e.Meta!).ToList();

    private async Task LiveAsync(CancellationToken ct)
    {
        var frame = await FrameAsync(ct);
        await host.Console.Live(frame)
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .Cropping(VerticalOverflowCropping.Bottom)
            .StartAsync(async ctx =>
            {
                while (true)
                {
                    await Task.Delay(interval, ct);
                    ctx.UpdateTarget(await FrameAsync(ct));
                }
            });
    }

    private async Task<IRenderable> FrameAsync(CancellationToken ct)
    {
        var sessions = await SessionsAsync(ct);
        return Frame(sessions, await MarksAsync(sessions, ct));
    }

    /// <summary>How often the conflict marks are recomputed while no worktree session changed status, turn or update time.</summary>
    internal static TimeSpan ConflictRefresh { get; set; } = TimeSpan.FromSeconds(10);

    private (string Key, long At, IReadOnlyDictionary<string, string>? Marks)? _marks;

    /// <summary>
    /// Worktree sessions are marked like in ls: ⚠ with the sessions they collide with, → once merged. Finding conflicts
    /// snapshots every worktree (tens of ms each in a large repository), so a refresh reuses the last marks unless a
    /// worktree session changed or <see cref="ConflictRefresh"/> passed (a running agent's edits show within it).
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>?> MarksAsync(IReadOnlyList<SessionMeta> sessions, CancellationToken ct)
    {
        if (!sessions.Any(m => m.Worktree is not null)) return null;
        var key = string.Join('|', sessions.Where(m => m.Worktree is not null)
            .Select(m => $"{m.Id}:{m.Status.ToWire()}:{m.Turn}:{m.UpdatedAt:O}:{m.IsMerged}:{m.Worktree!.Discarded}"));
        if (_marks is { } last && last.Key == key && System.Diagnostics.Stopwatch.GetElapsedTime(last.At) < ConflictRefresh)
            return last.Marks;
        var marks = Commands.LsCommand.Marks(sessions, await manager.ConflictsAsync(sessions, ct));
        _marks = (key, System.Diagnostics.Stopwatch.GetTimestamp(), marks);
        return marks;
    }

    /// <summary>
    /// One frame that fits the terminal: when every session does not fit, the tables lose rows from the bottom (the
    /// sessions that need you last) and the footer says how many are not shown, so the footer is always on screen.
    /// </summary>
    private IRenderable Frame(IReadOnlyList<SessionMeta> sessions, IReadOnlyDictionary<string, string>? marks)
    {
        var now = host.Now;
        var needing = SessionManager.NeedingAttention(sessions, manager.AttentionOf);
        var first = needing.Select(n => n.Session.Id).ToList();
        var ordered = sessions.OrderBy(m => first.IndexOf(m.Id) is var i && i < 0 ? int.MaxValue : i).ToList();
        var height = host.Console.Profile.Height is > 0 and var h ? h : 24;
        int table = ordered.Count, need = needing.Count;
        while (true)
        {
            var frame = Frame(needing, need, ordered, table, marks, now);
            var excess = Lines(frame) - (height - 1);
            if (excess <= 0 || table + need == 0) return frame;
            // Every row is at least one line: drop as many as the frame is too tall, the full table's rows first.
            var fromTable = Math.Min(table, excess);
            table -= fromTable;
            need = Math.Max(0, need - (excess - fromTable));
            // Without the table's rows its header goes too; what is left of the attention table still shows.
        }
    }

    private IRenderable Frame(IReadOnlyList<(SessionMeta Session, AttentionNeed Attention)> needing, int need,
        IReadOnlyList<SessionMeta> ordered, int table, IReadOnlyDictionary<string, string>? marks, DateTimeOffset now)
    {
        var width = host.Console.Profile.Width;
        var rows = new List<IRenderable>();
        // The sessions that need a person come first, with the reason; the full table follows in the same order.
        if (need > 0) rows.Add(AttentionView.Build([.. needing.Take(need)], now, width, needing.Count));
        if (table > 0) rows.Add(SessionTable.Build([.. ordered.Take(table)], manager, now, width, marks));
        var hidden = ordered.Count - table;
        var more = hidden == 0 ? "" : $"+{hidden} more (zwarm ls) · ";
        rows.Add(new Markup($"[grey]{more}{now:HH:mm:ss} · refreshes every {interval.TotalSeconds:0.#}s · Ctrl+C to stop[/]"));
        return new Rows(rows);
    }

    private int Lines(IRenderable frame)
    {
        var options = RenderOptions.Create(host.Console, host.Console.Profile.Capabilities);
        return Segment.SplitLines(frame.Render(options, host.Console.Profile.Width)).Count;
    }

    private async Task LinesAsync(CancellationToken ct)
    {
        var seen = new Dictionary<string, string>();
        var first = true;
        while (true)
        {
            var sessions = await SessionsAsync(ct);
            if (first && !json) host.Out.WriteLine($"{host.Now:HH:mm:ss} watching {sessions.Count} session(s); Ctrl+C to stop");
            var now = host.Now;
            foreach (var m in sessions.Reverse())
            {
                var attention = manager.AttentionOf(m);
                var signature = $"{m.Status}|{m.Turn}|{m.Error}|{attention?.Reason}";
                if (seen.TryGetValue(m.Id, out var before) && before == signature) continue;
                seen[m.Id] = signature;
                if (json)
                {
                    var more = new AttentionMore(attention is null ? null : new AttentionJson(attention.Kind, attention.Reason));
                    var session = SessionOut.Shapes(manager, host.Now).Summary(m, more, CliJsonContext.Default.AttentionMore);
                    JsonOut.WriteEvent(host.Out, new SessionEventJson("session", session), CliEventJsonContext.Default.SessionEventJson);
                }
                else host.Out.WriteLine($"{now:HH:mm:ss} {(attention is null ? " " : "!")}{SessionView.Icon(m.Status)} {m.ShortId}  " +
                                        $"{m.Status.ToWire(),-9}  turn {m.Turn}  {m.Adapter}/{m.Model}  " +
                                        $"{SessionView.Tokens(m.TotalTokens)} tokens  {TextCut.Excerpt(m.Task, 1, 60)}" +
                                        $"{(m.Error is null ? "" : "  error: " + m.Error)}" +
                                        (attention is null ? "" : $"  needs you: {Commands.EventsCommand.Safe(attention.Reason)}"));
            }
            foreach (var gone in seen.Keys.Where(k => sessions.All(m => m.Id != k)).ToList())
            {
                seen.Remove(gone);
                if (json)
                    JsonOut.WriteEvent(
                        host.Out, new RemovedEventJson("removed", gone, gone[..8]), CliEventJsonContext.Default.RemovedEventJson);
                else host.Out.WriteLine($"{now:HH:mm:ss} - {gone[..8]}  removed");
            }
            host.Out.Flush();
            first = false;
            await Task.Delay(interval, ct);
        }
    }
}
