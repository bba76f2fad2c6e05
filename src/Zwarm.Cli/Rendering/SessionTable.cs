using Spectre.Console;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli.Rendering;

/// <summary>The `ls` view: a summary line and a table; sessions finished in the last minute stand out.</summary>
internal static class SessionTable
{
    public static void Render(IAnsiConsole console, IReadOnlyList<SessionMeta> sessions, SessionManager manager, DateTimeOffset now)
    {
        int Count(SessionStatus s) => sessions.Count(m => m.Status == s);
        var tokens = sessions.Sum(m => m.TotalTokens);
        var cost = sessions.Sum(m => SessionView.Cost(m, manager.Agents.Models, manager.Config) ?? 0);
        var limits = manager.Config.Executor.MaxRunning > 0 ? $" (max {manager.Config.Executor.MaxRunning})" : "";
        console.MarkupLine(
            $"[yellow]{Count(SessionStatus.Running)} running[/]{Markup.Escape(limits)} · {Count(SessionStatus.Pending)} queued · [green]{Count(SessionStatus.Completed)} done[/] · " +
            $"[red]{Count(SessionStatus.Failed)} failed[/] · [magenta]{Count(SessionStatus.Killed)} killed[/] · {SessionView.Tokens(tokens)} tokens · {Markup.Escape(SessionView.Money(cost))}");
        if (sessions.Count == 0)
        {
            console.MarkupLine("[grey]no sessions; start one with: zwarm spawn \"task\"[/]");
            return;
        }
        var table = new Table().Border(TableBorder.Simple);
        foreach (var h in new[] { "ID", "", "ADAPTER", "MODEL", "TURN", "TASK", "TOKENS", "COST", "UPDATED" }) table.AddColumn(h);
        var budget = manager.Config.Executor.TokenBudget;
        foreach (var m in sessions)
        {
            var fresh = m.Status.IsFinished() && now - m.UpdatedAt < TimeSpan.FromMinutes(1);
            var color = SessionView.Color(m.Status);
            var id = fresh ? $"[bold {color}]{m.ShortId} new[/]" : m.ShortId;
            var task = m.Task.ReplaceLineEndings(" ");
            if (task.Length > 48) task = task[..47] + "…";
            var tok = SessionView.Tokens(m.TotalTokens) + (budget > 0 ? $"/{SessionView.Tokens(budget)}" : "");
            table.AddRow(id, $"[{color}]{SessionView.Icon(m.Status)}[/]", Markup.Escape(m.Adapter), Markup.Escape(m.Model), m.Turn.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(task), tok, Markup.Escape(SessionView.Money(SessionView.Cost(m, manager.Agents.Models, manager.Config))), SessionView.Ago(m.UpdatedAt, now));
        }
        console.Write(table);
    }
}
