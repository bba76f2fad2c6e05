using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Spectre.Console;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Sessions;
using Zwarm.Orchestration;
using Zwarm.Core.Text;
using Zwarm.Core;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>
/// zwarm status [-w DIR] [--json]: one screen — session counts, the sessions that need a look, active orchestrate/pilot
/// instances, and the last events of .zwarm/events.jsonl (when the store has one).
/// </summary>
internal static class StatusCommand
{
    private const int AttentionShown = 8;
    private const int EventsShown = 5;

    public static Command Create(CliHost host)
    {
        var json = Options.Json();
        var cmd = new Command(
            "status", "one-screen overview: running/queued/finished counts, sessions needing attention, active instances, last events")
        {
            json, Options.WorkingDir(),
        };
        cmd.SetAction(async (pr, ct) =>
        {
            if (!Directory.Exists(host.ZwarmDir))
            {
                if (pr.GetValue(json))
                    JsonOut.Write(host.Out, new StatusUninitializedJson(false), CliJsonContext.Default.StatusUninitializedJson);
                else host.Out.WriteLine("no .zwarm/ here; run 'zwarm init' or 'zwarm spawn \"task\"'");
                return ExitCodes.Success;
            }
            var manager = await host.ManagerAsync(ct);
            var entries = await manager.ListSummariesAsync(ct);
            var sessions = entries.Where(e => e.Meta is not null).Select(e => e.Meta!).ToList();
            var attention = sessions.Where(m => Attention.Reason(m) is not null).OrderByDescending(m => m.UpdatedAt).ToList();
            var broken = entries.Where(e => e.Meta is null).ToList();
            var instances = await OrchestrationHost.InstancesAsync(host.ZwarmDir, all: false, ct);
            var events = await LastEventsAsync(host.ZwarmDir, EventsShown, ct);
            int Count(SessionStatus s) => sessions.Count(m => m.Status == s);
            var cost = sessions.Sum(m => SessionFacts.Cost(m, manager.Agents.Models, manager.Config) ?? 0);

            if (pr.GetValue(json))
            {
                var shapes = SessionOut.Shapes(manager, host.Now);
                var counts = new StatusCountsJson(sessions.Count, Count(SessionStatus.Running), Count(SessionStatus.Pending),
                    Count(SessionStatus.Completed), Count(SessionStatus.Failed), Count(SessionStatus.Killed),
                    sessions.Sum(m => m.TotalTokens), cost);
                List<SessionOut> needing =
                [
                    .. attention.Select(m =>
                        shapes.Summary(m, new ReasonMore(Attention.Reason(m)), CliJsonContext.Default.ReasonMore)),
                    .. broken.Select(b => SessionOut.Unreadable(b.Id, b.Problem)),
                ];
                JsonOut.Write(host.Out, new StatusJson(counts, needing,
                    [.. instances.Select(i => new StatusInstanceJson(i.Id, i.Name, i.Kind, i.Status, i.Steps, i.Turns, i.Task))],
                    events),
                    CliJsonContext.Default.StatusJson);
                return ExitCodes.Success;
            }

            var now = host.Now;
            var finished = Count(SessionStatus.Completed) + Count(SessionStatus.Failed) + Count(SessionStatus.Killed);
            host.Console.MarkupLine(
                $"[bold]sessions[/]   [yellow]{Count(SessionStatus.Running)} running[/] · {Count(SessionStatus.Pending)} queued · " +
                $"{finished} finished " +
                $"([green]{Count(SessionStatus.Completed)} done[/], [red]{Count(SessionStatus.Failed)} failed[/], " +
                $"[magenta]{Count(SessionStatus.Killed)} killed[/]) · " +
                $"{SessionView.Tokens(sessions.Sum(m => m.TotalTokens))} tokens · {Markup.Escape(SessionView.Money(cost))}");

            host.Console.MarkupLine("[bold]attention[/]");
            if (attention.Count == 0 && broken.Count == 0) host.Console.MarkupLine("  [grey]none[/]");
            foreach (var m in attention.Take(AttentionShown))
                host.Console.MarkupLine(
                    $"  [{SessionView.Color(m.Status)}]{SessionView.Icon(m.Status)} {m.ShortId}[/]  {m.Status.ToWire(),-9}  " +
                    $"{SessionView.Ago(m.UpdatedAt, now),-8}  " +
                    $"{Markup.Escape(TextCut.Excerpt(m.Task, 1, 40))}  " +
                    $"[grey]— {Markup.Escape(TextCut.Excerpt(Attention.Reason(m)!, 1, 60))}[/]");
            if (attention.Count > AttentionShown)
                host.Console.MarkupLine($"  [grey]… and {attention.Count - AttentionShown} more (zwarm ls --status failed)[/]");
            foreach (var b in broken) host.Console.MarkupLine($"  [red]! {b.Id[..8]}[/]  unreadable: {Markup.Escape(b.Problem ?? "")}");

            host.Console.MarkupLine("[bold]instances[/]");
            if (instances.Count == 0) host.Console.MarkupLine("  [grey]none active[/]");
            foreach (var i in instances)
            {
                var what = (i.Name is { } n ? $"[{n}] " : "")
                    + (i.Task is { } t ? TextCut.OneLine(t, 50) : i.Kind == "pilot" ? $"{i.Turns} turns" : "");
                host.Console.MarkupLine(
                    $"  {i.Id,-8}  {i.Kind,-11}  {Markup.Escape(i.Status),-9}  step {i.Steps,-4}  {Markup.Escape(what)}");
            }

            host.Console.MarkupLine("[bold]events[/]");
            if (events.Count == 0) host.Console.MarkupLine("  [grey]none[/]");
            foreach (var e in events) host.Console.MarkupLine("  " + Markup.Escape(EventLine(e)));
            return ExitCodes.Success;
        });
        return cmd;
    }

    /// <summary>"HH:mm:ss  event  short-id  reason" for a line of events.jsonl.</summary>
    private static string EventLine(JsonObject e)
    {
        var ts = DateTimeOffset.TryParse(
                Text(e, "ts"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var t)
            ? t.LocalDateTime.ToString("MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) : "";
        var id = Text(e, "short_id") ?? (Text(e, "session_id") is { Length: >= 8 } s ? s[..8] : "");
        var reason = Text(e, "reason") is { Length: > 0 } r ? "  " + TextCut.Excerpt(r, 1, 80) : "";
        return $"{ts}  {Text(e, "event") ?? Text(e, "kind") ?? "?",-15}  {id,-8}{reason}";
    }

    private static string? Text(JsonObject e, string key) => e[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The last <paramref name="count"/> parsable lines of .zwarm/events.jsonl (only its tail is read).</summary>
    internal static async Task<List<JsonObject>> LastEventsAsync(string zwarmDir, int count, CancellationToken ct)
    {
        var path = new StoreLayout(zwarmDir).EventsFile;
        if (!File.Exists(path)) return [];
        await using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        const int Tail = 64 * 1024;
        var start = Math.Max(0, fs.Length - Tail);
        fs.Seek(start, SeekOrigin.Begin);
        var bytes = new byte[fs.Length - start];
        await fs.ReadExactlyAsync(bytes, ct);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        // A tail that starts mid-file begins with part of a line.
        var whole = start > 0 ? lines.Skip(1) : lines;
        var events = new List<JsonObject>();
        foreach (var line in whole.Reverse())
        {
            if (events.Count == count) break;
            if (line.Trim().Length == 0) continue;
            try
            {
                if (JsonNode.Parse(line) is JsonObject o) events.Add(o);
            }
            catch (System.Text.Json.JsonException)
            {
                // A torn or foreign line is skipped.
            }
        }
        events.Reverse();
        return events;
    }
}
