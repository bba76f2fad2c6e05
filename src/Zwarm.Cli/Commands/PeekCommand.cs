using System.CommandLine;
using Spectre.Console;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Agents;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm peek ID (alias ?): one-glance status and an excerpt of the last reply (or, while running, the latest step).</summary>
internal static class PeekCommand
{
    private const int ExcerptLines = 6;
    private const int ExcerptChars = 500;

    public static Command Create(CliHost host)
    {
        var id = Options.SessionId();
        var json = Options.Json();
        var cmd = new Command("peek", "one-glance status and the last reply of a session") { id, json };
        cmd.Aliases.Add("?");
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var meta = await manager.MarkSeenAsync(await manager.GetAsync(pr.GetValue(id)!, ct), ct);
            var reply = SessionFacts.LastReply(meta);
            var activity = meta.Status.IsFinished() ? null : await LatestStepAsync(manager, meta, ct);
            var changes = await manager.ChangeSummaryAsync(meta, ct);
            if (pr.GetValue(json))
            {
                var node = SessionView.ToSummaryJson(meta, manager.Agents.Models, manager.Config, host.Now);
                node["last_reply"] = reply;
                node["last_activity"] = activity is null ? null : SessionView.StepJson(activity);
                if (changes is not null) node["changes"] = changes;
                SessionView.Write(host.Out, node);
                return 0;
            }
            var c = host.Console;
            c.MarkupLine($"[{SessionView.Color(meta.Status)}]{Term.Escape(SessionView.Line(meta, manager.Agents.Models, manager.Config, host.Now))}[/]");
            c.MarkupLine($"  [grey]task[/]   {Term.Escape(SessionView.Excerpt(meta.Task, 1, 120))}");
            if (changes is not null) c.MarkupLine($"  [grey]git[/]    {Term.Escape($"{changes} on {meta.Worktree!.Branch}" + (meta.MergedInto is { } into ? $", merged into {into}" : ""))}");
            if (activity is not null) c.MarkupLine($"  [grey]now[/]    {Term.Escape(Describe(activity))}");
            else if (!meta.Status.IsFinished()) c.MarkupLine("  [grey]now[/]    [grey](no output yet)[/]");
            if (reply is not null)
            {
                var lines = SessionView.Excerpt(reply, ExcerptLines, ExcerptChars).Split('\n');
                c.MarkupLine($"  [grey]reply[/]  {Term.Escape(lines[0])}");
                foreach (var l in lines.Skip(1)) c.MarkupLine($"         {Term.Escape(l)}");
            }
            if (meta.Error is not null) c.MarkupLine($"  [grey]error[/]  [red]{Term.Escape(meta.Error)}[/]");
            return 0;
        });
        return cmd;
    }

    private static async Task<TrajectoryStep?> LatestStepAsync(SessionManager manager, SessionMeta meta, CancellationToken ct)
    {
        if (!manager.Agents.TryGet(meta.Adapter, out var adapter)) return null;
        var parser = adapter.CreateParser(collectTrajectory: true);
        await TurnReader.FeedFileAsync(manager.Store.TurnFile(meta.Id, meta.Turn), parser, 0, ct);
        return parser.Result.Steps.LastOrDefault();
    }

    private static string Describe(TrajectoryStep s) => s.Kind switch
    {
        StepKind.Command => $"$ {SessionView.Excerpt(s.Command ?? s.Text, 1, 100)}" + (s.ExitCode is { } c ? $" → exit {c}" : ""),
        StepKind.ToolCall => $"tool {s.ToolName}: {SessionView.Excerpt(s.Text, 1, 100)}",
        StepKind.FileChange => $"{s.ChangeKind} {s.Path}",
        StepKind.Reasoning => "thinking: " + SessionView.Excerpt(s.Text, 1, 100),
        StepKind.Message => "said: " + SessionView.Excerpt(s.Text, 1, 100),
        _ => $"{s.Kind.ToString().ToLowerInvariant()}: {SessionView.Excerpt(s.Text, 1, 100)}",
    };
}
