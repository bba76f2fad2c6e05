using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli.Rendering;

/// <summary>
/// How the CLI prints a session: icons, colours, durations and amounts (the facts come from <see cref="SessionFacts"/>).
/// </summary>
internal static class SessionView
{
    /// <summary>"850ms", "12.3s", "4m05s", "2h13m".</summary>
    public static string Duration(TimeSpan d)
    {
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return d.TotalSeconds < 1 ? $"{(int)d.TotalMilliseconds}ms"
            : d.TotalSeconds < 60 ? d.TotalSeconds.ToString("0.0", inv) + "s"
            : d.TotalHours < 1 ? $"{(int)d.TotalMinutes}m{d.Seconds:00}s"
            : $"{(int)d.TotalHours}h{d.Minutes:00}m";
    }

    /// <summary>The one-line status of a session: icon, id, status, agent, turn, runtime, tokens, cost.</summary>
    public static string Line(SessionMeta m, ModelRegistry models, ZwarmConfig? config, DateTimeOffset now)
        => $"{Icon(m.Status)} {m.ShortId}  {m.Status.ToWire()} · {m.Adapter}/{m.Model} · turn {m.Turn} · " +
           $"{Duration(SessionFacts.SessionRuntime(m, now))} · " +
           $"{Tokens(m.TotalTokens)} tokens · {Money(SessionFacts.Cost(m, models, config))}";

    /// <summary>"3m ago" style age.</summary>
    public static string Ago(DateTimeOffset t, DateTimeOffset now)
    {
        var d = now - t;
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        return d.TotalSeconds < 60 ? $"{(int)d.TotalSeconds}s ago"
            : d.TotalMinutes < 60 ? $"{(int)d.TotalMinutes}m ago"
            : d.TotalHours < 48 ? $"{(int)d.TotalHours}h ago"
            : $"{(int)d.TotalDays}d ago";
    }

    /// <summary>Compact token count (1.2k, 3.4M).</summary>
    public static string Tokens(long n) => n switch
    {
        < 1000 => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        < 1_000_000 => (n / 1000.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "k",
        _ => (n / 1_000_000.0).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "M",
    };

    /// <summary>"$0.0123" or "-".</summary>
    public static string Money(double? usd) => usd is { } v
        ? "$" + v.ToString(v < 1 ? "0.0000" : "0.00", System.Globalization.CultureInfo.InvariantCulture)
        : "-";

    /// <summary>Icon of a status.</summary>
    public static string Icon(SessionStatus s) => s switch
    {
        SessionStatus.Pending => "…",
        SessionStatus.Running => "●",
        SessionStatus.Completed => "✓",
        SessionStatus.Failed => "✗",
        _ => "⊘",
    };

    /// <summary>Spectre colour of a status.</summary>
    public static string Color(SessionStatus s) => s switch
    {
        SessionStatus.Pending => "grey",
        SessionStatus.Running => "yellow",
        SessionStatus.Completed => "green",
        SessionStatus.Failed => "red",
        _ => "magenta",
    };
}
