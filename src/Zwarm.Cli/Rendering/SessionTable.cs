using Spectre.Console;
using Spectre.Console.Rendering;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli.Rendering;

/// <summary>The `ls` view: a summary line and a table; sessions finished in the last minute stand out.</summary>
internal static class SessionTable
{
    /// <summary>How long a finished session counts as just finished.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromMinutes(1);

    private static readonly string[] Headers = ["ID", "", "ADAPTER", "MODEL", "TURN", "TASK", "TOKENS", "COST", "UPDATED", "HOST"];
    private const int TaskColumn = 5;
    private const int TaskMinWidth = 24;
    private const int TaskMaxWidth = 48;
    private static readonly int[] DropOrder = [2, 7, 4, 6];

    public static void Render(IAnsiConsole console, IReadOnlyList<SessionMeta> sessions, SessionManager manager, DateTimeOffset now,
        IReadOnlyDictionary<string, string>? marks = null)
        => console.Write(Build(sessions, manager, now, console.Profile.Width, marks));

    /// <summary>The summary line and the table as one renderable (also the frame of the live dashboard).</summary>
    /// <remarks><paramref name="marks"/>: per session id, a note put before the task (⚠ conflicts, → merged).</remarks>
    public static IRenderable Build(IReadOnlyList<SessionMeta> sessions, SessionManager manager, DateTimeOffset now, int width,
        IReadOnlyDictionary<string, string>? marks = null)
    {
        int Count(SessionStatus s) => sessions.Count(m => m.Status == s);
        var tokens = sessions.Sum(m => m.TotalTokens);
        var cost = sessions.Sum(m => SessionView.Cost(m, manager.Agents.Models, manager.Config) ?? 0);
        var limits = manager.Config.Executor.MaxRunning > 0 ? $" (max {manager.Config.Executor.MaxRunning})" : "";
        var summary = new Markup(
            $"[yellow]{Count(SessionStatus.Running)} running[/]{Term.Escape(limits)} · {Count(SessionStatus.Pending)} queued · [green]{Count(SessionStatus.Completed)} done[/] · " +
            $"[red]{Count(SessionStatus.Failed)} failed[/] · [magenta]{Count(SessionStatus.Killed)} killed[/] · {SessionView.Tokens(tokens)} tokens · {Term.Escape(SessionView.Money(cost))}");
        if (sessions.Count == 0)
            return new Rows(summary, new Markup("[grey]no sessions; start one with: zwarm spawn \"task\"[/]"));
        var budget = manager.Config.Executor.TokenBudget;
        var rows = sessions.Select(m => Cells(m, manager, now, budget, marks?.GetValueOrDefault(m.Id))).ToList();
        // The HOST column only when some session runs on another machine.
        var hosts = sessions.Any(m => m.Host is not null);
        // Narrow terminals drop the least useful columns first, so the task keeps some room.
        var shown = Enumerable.Range(0, hosts ? Headers.Length : Headers.Length - 1).ToList();
        int Width() => shown.Where(c => c != TaskColumn).Sum(c => Math.Max(Headers[c].Length, rows.Max(r => r[c].Plain.Length)) + 3) + TaskMinWidth;
        foreach (var drop in DropOrder)
            if (Width() > width) shown.Remove(drop);
        var taskWidth = Math.Clamp(width - (Width() - TaskMinWidth) - 6, 12, TaskMaxWidth);
        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in shown) table.AddColumn(c == TaskColumn ? new TableColumn(Headers[c]) : new TableColumn(Headers[c]).NoWrap());
        foreach (var r in rows) table.AddRow(shown.Select(c => (IRenderable)(c == TaskColumn ? TaskCell(r[c], taskWidth) : new Markup(r[c].Markup))));
        return new Rows(summary, table);
    }

    private static (string Plain, string Markup)[] Cells(SessionMeta m, SessionManager manager, DateTimeOffset now, long budget, string? mark)
    {
        var fresh = m.Status.IsFinished() && now - m.UpdatedAt < Fresh;
        var color = SessionView.Color(m.Status);
        var icon = SessionView.Icon(m.Status) + (fresh ? " new" : "");
        var task = Zwarm.Core.UntrustedText.Visible((mark is null ? "" : mark + " ") + m.Task.ReplaceLineEndings(" "));
        var tok = SessionView.Tokens(m.TotalTokens) + (budget > 0 ? $"/{SessionView.Tokens(budget)}" : "");
        var cost = SessionView.Money(SessionView.Cost(m, manager.Agents.Models, manager.Config));
        (string, string) Plain(string s) => (s, Term.Escape(s));
        return
        [
            (m.ShortId, fresh ? $"[bold {color}]{m.ShortId}[/]" : m.ShortId),
            (icon, fresh ? $"[bold {color}]{icon}[/]" : $"[{color}]{icon}[/]"),
            Plain(m.Adapter), Plain(m.Model), Plain(m.Turn.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (task, fresh ? $"[bold]{Term.Escape(task)}[/]" : Term.Escape(task)),
            Plain(tok), Plain(cost), Plain(SessionView.Ago(m.UpdatedAt, now)),
            HostCell(m, manager),
        ];
    }

    // The host's name; flagged while the session's follower cannot reach it.
    private static (string Plain, string Markup) HostCell(SessionMeta m, SessionManager manager)
    {
        if (m.Host is null) return ("-", "[grey]-[/]");
        var name = Zwarm.Core.UntrustedText.Visible(m.Host.Name);
        return manager.HostNote(m) is null ? (name, Term.Escape(name)) : (name + " ⚠", $"{Term.Escape(name)} [red]⚠ unreachable[/]");
    }

    // One line, cut with an ellipsis: the task is the column that gives way.
    private static Markup TaskCell((string Plain, string Markup) cell, int width)
    {
        if (cell.Plain.Length <= width) return new Markup(cell.Markup);
        var cut = Term.Escape(cell.Plain[..(width - 1)] + "…");
        return new Markup(cell.Markup.StartsWith("[bold]", StringComparison.Ordinal) ? $"[bold]{cut}[/]" : cut);
    }
}
