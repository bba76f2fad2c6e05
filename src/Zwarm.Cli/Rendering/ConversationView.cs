using System.Globalization;
using Spectre.Console;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;

namespace Zwarm.Cli.Rendering;

/// <summary>The `show` view: a header of facts, then the whole conversation with a separator per turn.</summary>
internal static class ConversationView
{
    /// <summary>Writes the header: status, task, agent, turn, runtime, tokens, cost, exit code, error.</summary>
    public static void Header(IAnsiConsole console, SessionMeta m, ModelRegistry models, ZwarmConfig config, DateTimeOffset now)
    {
        var color = SessionView.Color(m.Status);
        console.MarkupLine($"[bold {color}]{SessionView.Icon(m.Status)} {m.ShortId}  {m.Status.ToWire()}[/]  [grey]{Term.Escape(m.Id)}[/]");
        void Row(string key, string value) =>
            console.MarkupLine($"[grey]{key,-8}[/] {value.ReplaceLineEndings("\n" + new string(' ', 9))}");
        Row("task", Term.Escape(TextCut.Excerpt(m.Task, 6, 600)));
        Row("agent", Term.Escape($"{m.Adapter} / {m.Model}"));
        Row("dir", Term.Escape(m.WorkingDir));
        if (m.Host is { } h) Row("host", Term.Escape(h.Name + (h.Pid is { } pid ? $" (pid {pid} there)" : "")));
        Row("turn", m.Turn.ToString(CultureInfo.InvariantCulture));
        Row("runtime", $"{SessionView.Duration(SessionFacts.SessionRuntime(m, now))} " +
                       $"[grey](created {m.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}, updated {SessionView.Ago(m.UpdatedAt, now)})[/]");
        var u = m.TokenUsage;
        var cached = u.GetValueOrDefault("cached_input_tokens") + u.GetValueOrDefault("cache_read_input_tokens");
        Row("tokens", $"{SessionView.Tokens(u.GetValueOrDefault("input_tokens"))} in / " +
                      $"{SessionView.Tokens(u.GetValueOrDefault("output_tokens"))} out" +
                      $" [grey]({SessionView.Tokens(m.TotalTokens)} total" +
                      $"{(cached > 0 ? $", {SessionView.Tokens(cached)} cached" : "")})[/]");
        Row("cost", Term.Escape(SessionView.Money(SessionFacts.Cost(m, models, config)) + (m.CostUsd is null ? " (estimate)" : "")));
        if (m.Source != "user") Row("source", Term.Escape(m.Source));
        if (m.ExitCode is { } code) Row("exit", code == 0 ? "0" : $"[red]{code}[/]");
        if (m.Error is not null) Row("error", $"[red]{Term.Escape(m.Error)}[/]");
    }

    /// <summary>
    /// Writes every turn's messages. Tool summaries and per-turn details only when <paramref name="verbose"/>;
    /// <paramref name="live"/> holds the replies of a turn still running (parsed from its output so far).
    /// </summary>
    public static void Conversation(IAnsiConsole console, SessionMeta m, bool verbose, IReadOnlyList<string> live, DateTimeOffset now)
    {
        var byTurn = SessionFacts.ByTurn(m).ToLookup(x => x.Turn, x => x.Message);
        var last = Math.Max(m.Turn, byTurn.Select(g => g.Key).DefaultIfEmpty(1).Max());
        for (var turn = 1; turn <= last; turn++)
        {
            var rec = m.Turns?.Find(t => t.Turn == turn);
            console.WriteLine();
            StepView.TurnRule(console, turn, verbose ? TurnDetail(rec, now) : null);
            var msgs = byTurn[turn].Where(x => verbose || x.Role != "tool").ToList();
            foreach (var msg in msgs) Message(console, msg.Role, msg.Content);
            var running = turn == m.Turn && !m.Status.IsFinished();
            if (running)
            {
                foreach (var text in live) Message(console, "assistant", text);
                console.MarkupLine($"[yellow]… {m.Status.ToWire()} ({SessionView.Duration(now - (rec?.StartedAt ?? m.UpdatedAt))}); " +
                                   $"follow it with: zwarm watch {m.ShortId}[/]");
            }
            else if (verbose && rec?.Error is { } err && turn != m.Turn) console.MarkupLine($"[red]error: {Term.Escape(err)}[/]");
            if (!running && msgs.All(x => x.Role != "assistant") && rec?.Status is not null)
                console.MarkupLine($"[grey](no reply; turn {Term.Escape(rec.Status)})[/]");
        }
    }

    /// <summary>Every message as "ROLE: text" (Python zwarm's show --raw), escaped for the terminal.</summary>
    public static void Raw(IAnsiConsole console, SessionMeta m)
    {
        foreach (var msg in m.Messages)
            console.MarkupLine(
                $"[bold]{Markup.Escape(msg.Role.ToUpperInvariant())}:[/] {Markup.Escape(msg.Content.ReplaceLineEndings("\n"))}");
    }

    private static string? TurnDetail(TurnRecord? r, DateTimeOffset now)
    {
        if (r is null) return null;
        var parts = new List<string>();
        if (r.StartedAt is { } s) parts.Add($"started {s.ToLocalTime():HH:mm:ss}");
        if (r.StartedAt is { } s2) parts.Add(SessionView.Duration((r.FinishedAt ?? now) - s2));
        if (r.Status is not null) parts.Add(r.Status);
        if (r.ExitCode is { } c) parts.Add($"exit {c}");
        if (r.Usage is { } u) parts.Add($"{SessionView.Tokens(u.GetValueOrDefault("total_tokens"))} tokens");
        if (r.CostUsd is { } cost) parts.Add(SessionView.Money(cost));
        if (r.Resume is not null) parts.Add($"resume: {r.Resume}");
        if (r.TimedOut) parts.Add("timed out");
        if (r.MalformedLines > 0) parts.Add($"{r.MalformedLines} non-JSON line(s)");
        return parts.Count == 0 ? null : string.Join(" · ", parts);
    }

    private static void Message(IAnsiConsole console, string role, string content)
    {
        var (label, color) = role switch
        {
            "user" => ("user", "cyan"),
            "assistant" => ("agent", "green"),
            "tool" => ("tool", "blue"),
            _ => (role, "grey"),
        };
        var lines = content.Trim().ReplaceLineEndings("\n").Split('\n');
        var style = role == "tool" ? "grey" : "default";
        console.MarkupLine($"[bold {color}]{label,-6}[/] [{style}]{Term.Escape(lines[0])}[/]");
        foreach (var l in lines.Skip(1)) console.MarkupLine($"       [{style}]{Term.Escape(l)}[/]");
    }
}
