using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

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
        return 0;
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
        // Worktree sessions are marked like in ls: ⚠ with the sessions they collide with, → once merged.
        var marks = sessions.Any(m => m.Worktree is not null) ? Commands.LsCommand.Marks(sessions, await manager.ConflictsAsync(sessions, ct)) : null;
        return Frame(sessions, marks);
    }

    private IRenderable Frame(IReadOnlyList<SessionMeta> sessions, IReadOnlyDictionary<string, string>? marks)
    {
        var now = host.Now;
        return new Rows(SessionTable.Build(sessions, manager, now, host.Console.Profile.Width, marks),
            new Markup($"[grey]{now:HH:mm:ss} · refreshes every {interval.TotalSeconds:0.#}s · Ctrl+C to stop[/]"));
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
                var signature = $"{m.Status}|{m.Turn}|{m.Error}";
                if (seen.TryGetValue(m.Id, out var before) && before == signature) continue;
                seen[m.Id] = signature;
                if (json) SessionView.WriteEvent(host.Out, new JsonObject { ["event"] = "session", ["session"] = SessionView.ToSummaryJson(m, manager.Agents.Models, manager.Config, host.Now) });
                else host.Out.WriteLine($"{now:HH:mm:ss} {SessionView.Icon(m.Status)} {m.ShortId}  {m.Status.ToWire(),-9}  turn {m.Turn}  {m.Adapter}/{m.Model}  " +
                                        $"{SessionView.Tokens(m.TotalTokens)} tokens  {SessionView.Excerpt(m.Task, 1, 60)}{(m.Error is null ? "" : "  error: " + m.Error)}");
            }
            foreach (var gone in seen.Keys.Where(k => sessions.All(m => m.Id != k)).ToList())
            {
                seen.Remove(gone);
                if (json) SessionView.WriteEvent(host.Out, new JsonObject { ["event"] = "removed", ["id"] = gone, ["short_id"] = gone[..8] });
                else host.Out.WriteLine($"{now:HH:mm:ss} - {gone[..8]}  removed");
            }
            host.Out.Flush();
            first = false;
            await Task.Delay(interval, ct);
        }
    }
}
