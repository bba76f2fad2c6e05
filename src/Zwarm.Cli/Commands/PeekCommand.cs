using System.CommandLine;
using Spectre.Console;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Agents;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;
using Zwarm.Core;
using Zwarm.Cli.Json;

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
            var activity = await manager.Transcripts.CurrentActivityAsync(meta, ct);
            var changes = await manager.ChangeSummaryAsync(meta, ct);
            if (pr.GetValue(json))
            {
                var more = new PeekMore(reply, activity is null ? null : StepJson.ToWire(activity), changes);
                JsonOut.Write(host.Out, SessionOut.Shapes(manager, host.Now).Summary(meta, more, CliJsonContext.Default.PeekMore),
                    CliJsonContext.Default.SessionOut);
                return ExitCodes.Success;
            }
            var c = host.Console;
            c.MarkupLine($"[{SessionView.Color(meta.Status)}]" +
                         $"{Term.Escape(SessionView.Line(meta, manager.Agents.Models, manager.Config, host.Now))}[/]");
            c.MarkupLine($"  [grey]task[/]   {Term.Escape(TextCut.Excerpt(meta.Task, 1, 120))}");
            if (changes is not null)
                c.MarkupLine($"  [grey]git[/]    " +
                             $"{Term.Escape(
                                 $"{changes} on {meta.Worktree!.Branch}" + (meta.MergedInto is { } into ? $", merged into {into}" : ""))}");
            if (activity is not null) c.MarkupLine($"  [grey]now[/]    {Term.Escape(Describe(activity))}");
            else if (!meta.Status.IsFinished()) c.MarkupLine("  [grey]now[/]    [grey](no output yet)[/]");
            if (reply is not null)
            {
                var lines = TextCut.Excerpt(reply, ExcerptLines, ExcerptChars).Split('\n');
                c.MarkupLine($"  [grey]reply[/]  {Term.Escape(lines[0])}");
                foreach (var l in lines.Skip(1)) c.MarkupLine($"         {Term.Escape(l)}");
            }
            if (meta.Error is not null) c.MarkupLine($"  [grey]error[/]  [red]{Term.Escape(meta.Error)}[/]");
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static string Describe(TrajectoryStep s) => s.Kind switch
    {
        StepKind.Command => $"$ {TextCut.Excerpt(s.Command ?? s.Text, 1, 100)}" + (s.ExitCode is { } c ? $" → exit {c}" : ""),
        StepKind.ToolCall => $"tool {s.ToolName}: {TextCut.Excerpt(s.Text, 1, 100)}",
        StepKind.FileChange => $"{s.ChangeKind} {s.Path}",
        StepKind.Reasoning => "thinking: " + TextCut.Excerpt(s.Text, 1, 100),
        StepKind.Message => "said: " + TextCut.Excerpt(s.Text, 1, 100),
        _ => $"{s.Kind.ToString().ToLowerInvariant()}: {TextCut.Excerpt(s.Text, 1, 100)}",
    };
}
