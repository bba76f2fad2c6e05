using Spectre.Console;
using Spectre.Console.Rendering;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;

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
    {
        var layout = Lay(sessions, manager, now, console.Profile.Width, marks);
        // Without colours (a pipe, a file, NO_COLOR) the same text is written directly: thousands of rows would otherwise
        // go through Spectre's measuring and segment rendering, which costs more than reading the sessions.
        if (!console.Profile.Capabilities.Ansi && layout.Plain(console.Profile.Width) is { } text) console.Profile.Out.Writer.Write(text);
        else console.Write(layout.Renderable());
    }

    /// <summary>The summary line and the table as one renderable (also the frame of the live dashboard).</summary>
    /// <remarks><paramref name="marks"/>: per session id, a note put before the task (⚠ conflicts, → merged).</remarks>
    public static IRenderable Build(IReadOnlyList<SessionMeta> sessions, SessionManager manager, DateTimeOffset now, int width,
        IReadOnlyDictionary<string, string>? marks = null)
        => Lay(sessions, manager, now, width, marks).Renderable();

    private static Layout Lay(IReadOnlyList<SessionMeta> sessions, SessionManager manager, DateTimeOffset now, int width,
        IReadOnlyDictionary<string, string>? marks)
    {
        int running = 0, pending = 0, done = 0, failed = 0, killed = 0;
        long tokens = 0;
        double cost = 0;
        foreach (var m in sessions)
        {
            switch (m.Status)
            {
                case SessionStatus.Running: running++; break;
                case SessionStatus.Pending: pending++; break;
                case SessionStatus.Completed: done++; break;
                case SessionStatus.Failed: failed++; break;
                default: killed++; break;
            }
            tokens += m.TotalTokens;
            cost += SessionFacts.Cost(m, manager.Agents.Models, manager.Config) ?? 0;
        }
        var limits = manager.Config.Executor.MaxRunning > 0 ? $" (max {manager.Config.Executor.MaxRunning})" : "";
        var tail = $" · {SessionView.Tokens(tokens)} tokens · {SessionView.Money(cost)}";
        var summary = (
            $"{running} running{limits} · {pending} queued · {done} done · {failed} failed · {killed} killed{tail}",
            $"[yellow]{running} running[/]{Term.Escape(limits)} · {pending} queued · [green]{done} done[/] · " +
            $"[red]{failed} failed[/] · [magenta]{killed} killed[/]{Term.Escape(tail)}");
        if (sessions.Count == 0) return new Layout(summary, [], [], 0);
        var budget = manager.Config.Executor.TokenBudget;
        var rows = sessions.Select(m => Cells(m, manager, now, budget, marks?.GetValueOrDefault(m.Id))).ToList();
        // The HOST column only when some session runs on another machine.
        var hosts = sessions.Any(m => m.Host is not null);
        // Narrow terminals drop the least useful columns first, so the task keeps some room.
        var columns = hosts ? Headers.Length : Headers.Length - 1;
        var natural = Enumerable.Range(0, columns).Select(c => Math.Max(Headers[c].Length, rows.Max(r => r[c].Plain.Length))).ToArray();
        var shown = Enumerable.Range(0, columns).ToList();
        int Width() => shown.Where(c => c != TaskColumn).Sum(c => natural[c] + 3) + TaskMinWidth;
        foreach (var drop in DropOrder)
            if (Width() > width) shown.Remove(drop);
        var taskWidth = Math.Clamp(width - (Width() - TaskMinWidth) - 6, 12, TaskMaxWidth);
        return new Layout(summary, shown, rows, taskWidth);
    }

    /// <summary>What both renderings show: the summary line, the columns kept, every row's cells and the task column's width.</summary>
    private sealed record Layout(
        (string Plain, string Markup) Summary, List<int> Shown, List<(string Plain, string Markup)[]> Rows, int TaskWidth)
    {
        public IRenderable Renderable()
        {
            var summary = new Markup(Summary.Markup);
            if (Rows.Count == 0) return new Rows(summary, new Markup("[grey]no sessions; start one with: zwarm spawn \"task\"[/]"));
            var table = new Table().Border(TableBorder.Simple);
            foreach (var c in Shown) table.AddColumn(c == TaskColumn ? new TableColumn(Headers[c]) : new TableColumn(Headers[c]).NoWrap());
            foreach (var r in Rows)
                table.AddRow(Shown.Select(c => (IRenderable)(c == TaskColumn ? TaskCell(r[c], TaskWidth) : new Markup(r[c].Markup))));
            return new Rows(summary, table);
        }

        /// <summary>
        /// The text Spectre renders without colours (a simple-border table), or null when Spectre would lay it out
        /// differently: a table wider than <paramref name="width"/>, or text whose terminal width is not its length.
        /// </summary>
        public string? Plain(int width)
        {
            var sb = new System.Text.StringBuilder();
            sb.Append(Summary.Plain).Append('\n');
            if (Rows.Count == 0) return sb.Append("no sessions; start one with: zwarm spawn \"task\"\n").ToString();
            var cells = Rows
                .Select(r => Shown.Select(c => c == TaskColumn ? TextCut.Cut(r[c].Plain, TaskWidth) : r[c].Plain).ToArray())
                .ToList();
            var widths = Shown.Select((c, i) => Math.Max(Headers[c].Length, cells.Max(r => r[i].Length))).ToArray();
            var total = widths.Sum() + 3 * widths.Length + 1;
            if (total > width || Summary.Plain.Length > width || cells.Any(r => r.Any(t => !Simple(t)))) return null;
            void Line(IEnumerable<string> texts)
            {
                sb.Append(' ');
                var i = 0;
                foreach (var t in texts) sb.Append(' ').Append(t).Append(' ', widths[i++] - t.Length + 2);
                sb.Append('\n');
            }
            sb.Append(' ', total).Append('\n');
            Line(Shown.Select(c => Headers[c]));
            sb.Append('─', total).Append('\n');
            foreach (var r in cells) Line(r);
            sb.Append(' ', total).Append('\n');
            return sb.ToString();
        }

        // Printable text one terminal cell per char (no wide, combining or control characters): padding by length is exact.
        private static bool Simple(string text)
        {
            foreach (var c in text)
                if (c < ' ' || c >= '\u0300' && !(c is '…' or '✓' or '✗' or '●' or '⊘')) return false;
            return true;
        }
    }

    private static (string Plain, string Markup)[] Cells(
        SessionMeta m, SessionManager manager, DateTimeOffset now, long budget, string? mark)
    {
        var fresh = m.Status.IsFinished() && now - m.UpdatedAt < Fresh;
        var color = SessionView.Color(m.Status);
        var icon = SessionView.Icon(m.Status) + (fresh ? " new" : "");
        var task = Zwarm.Core.UntrustedText.Visible((mark is null ? "" : mark + " ") + m.Task.ReplaceLineEndings(" "));
        var tok = SessionView.Tokens(m.TotalTokens) + (budget > 0 ? $"/{SessionView.Tokens(budget)}" : "");
        var cost = SessionView.Money(SessionFacts.Cost(m, manager.Agents.Models, manager.Config));
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
        var cut = Term.Escape(TextCut.Cut(cell.Plain, width));
        return new Markup(cell.Markup.StartsWith("[bold]", StringComparison.Ordinal) ? $"[bold]{cut}[/]" : cut);
    }
}
