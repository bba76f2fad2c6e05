using Spectre.Console;
using Spectre.Console.Rendering;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Rendering;

/// <summary>The sessions that need a person, most urgent first, each with the reason (`ls --attention`, the dashboard's top).</summary>
internal static class AttentionView
{
    public static void Render(CliHost host, SessionManager manager, IReadOnlyList<SessionMeta> sessions, bool json)
    {
        var needing = SessionManager.NeedingAttention(sessions, manager.AttentionOf);
        if (json)
        {
            var shapes = SessionOut.Shapes(manager, host.Now);
            JsonOut.Write(host.Out,
                [
                    .. needing.Select(n => shapes.Summary(
                        n.Session,
                        new AttentionMore(new AttentionJson(n.Attention.Kind, n.Attention.Reason)),
                        CliJsonContext.Default.AttentionMore)),
                ],
                CliJsonContext.Default.ListSessionOut);
            return;
        }
        if (needing.Count == 0)
        {
            host.Console.MarkupLine("[green]nothing needs you[/]");
            return;
        }
        host.Console.Write(Build(needing, host.Now, host.Console.Profile.Width));
    }

    /// <summary>
    /// A table: id, status, adapter, why, task, updated; titled with <paramref name="total"/> (default: every row) needing you.
    /// </summary>
    public static IRenderable Build(
        IReadOnlyList<(SessionMeta Session, AttentionNeed Attention)> needing, DateTimeOffset now, int width, int? total = null)
    {
        var count = total ?? needing.Count;
        var table = new Table().Border(TableBorder.Simple).Title($"[bold]{count} need{(count == 1 ? "s" : "")} you[/]");
        table.AddColumn(new TableColumn("ID").NoWrap());
        table.AddColumn(new TableColumn("").NoWrap());
        table.AddColumn(new TableColumn("ADAPTER").NoWrap());
        table.AddColumn(new TableColumn("WHY"));
        table.AddColumn(new TableColumn("TASK"));
        table.AddColumn(new TableColumn("UPDATED").NoWrap());
        var why = Math.Clamp(width / 2 - 10, 24, 80);
        var task = Math.Clamp(width - why - 40, 12, 48);
        foreach (var (m, a) in needing)
        {
            var color = a.Priority switch { 0 => "red", 1 => "yellow", 2 => "magenta", _ => "green" };
            table.AddRow(
                new Markup($"[bold {color}]{m.ShortId}[/]"),
                new Markup($"[{SessionView.Color(m.Status)}]{Markup.Escape(SessionView.Icon(m.Status))}[/]"),
                new Text(m.Adapter),
                new Markup($"[{color}]{Markup.Escape(Cut(a.Reason, why))}[/]"),
                new Text(Cut(m.Task.ReplaceLineEndings(" "), task)),
                new Text(SessionView.Ago(m.UpdatedAt, now)));
        }
        return table;
    }

    private static string Cut(string s, int max)
    {
        return TextCut.Cut(Commands.EventsCommand.Safe(s), max);
    }
}
