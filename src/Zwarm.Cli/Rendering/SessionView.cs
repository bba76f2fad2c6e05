using System.Text.Json;
using System.Text.Json.Nodes;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli.Rendering;

/// <summary>Derived facts about a session shared by every renderer (cost, tokens, runtime) and its JSON shape.</summary>
internal static class SessionView
{
    /// <summary>Cost in USD: the agent-reported cost when present, else the registry price of the model.</summary>
    public static double? Cost(SessionMeta m, ModelRegistry models, ZwarmConfig? config)
    {
        if (m.CostUsd is { } reported) return reported;
        var price = models.PriceOf(m.Model, config?.Prices);
        return price is null ? null : ModelRegistry.Cost(price, m.TokenUsage);
    }

    /// <summary>Runtime of the session so far.</summary>
    public static TimeSpan Runtime(SessionMeta m, DateTimeOffset now)
        => (m.Status.IsFinished() ? m.UpdatedAt : now) - m.CreatedAt;

    /// <summary>The JSON of a session: meta.json fields (snake_case) plus short_id and cost.</summary>
    public static JsonObject ToJson(SessionMeta m, ModelRegistry models, ZwarmConfig? config)
    {
        var node = JsonSerializer.SerializeToNode(m, SessionJsonContext.Default.SessionMeta)!.AsObject();
        node["short_id"] = m.ShortId;
        node["cost"] = Cost(m, models, config) is { } c ? Math.Round(c, 6) : null;
        node["total_tokens"] = m.TotalTokens;
        return node;
    }

    /// <summary>JSON of one trajectory step.</summary>
    public static JsonObject StepJson(TrajectoryStep s)
    {
        var o = new JsonObject
        {
            ["turn"] = s.Turn,
            ["kind"] = s.Kind.ToString().ToLowerInvariant() switch { "toolcall" => "tool_call", "tooloutput" => "tool_output", "filechange" => "file_change", var k => k },
            ["text"] = s.Text,
        };
        if (s.Command is not null) o["command"] = s.Command;
        if (s.Output is not null) o["output"] = s.Output;
        if (s.ExitCode is not null) o["exit_code"] = s.ExitCode;
        if (s.ToolName is not null) o["tool"] = s.ToolName;
        if (s.CallId is not null) o["call_id"] = s.CallId;
        if (s.Path is not null) o["path"] = s.Path;
        if (s.ChangeKind is not null) o["change"] = s.ChangeKind;
        if (s.IsError) o["is_error"] = true;
        return o;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes a JSON node, indented, with a newline.</summary>
    public static void Write(TextWriter w, JsonNode? node) => w.WriteLine(node?.ToJsonString(Indented) ?? "null");

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
    public static string Money(double? usd) => usd is { } v ? "$" + v.ToString(v < 1 ? "0.0000" : "0.00", System.Globalization.CultureInfo.InvariantCulture) : "-";

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
