using System.Text.Json;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;

namespace Zwarm.Core.Sessions;

/// <summary>
/// The facts every interface shows about a session, each computed here once: replies, runtimes, cost. The CLI, the REPL,
/// the pilot, the orchestrator's tools, hooks and the MCP server ask this type instead of reading messages themselves.
/// </summary>
public static class SessionFacts
{
    /// <summary>The turn a message belongs to (<c>metadata.turn</c>; Python zwarm's messages carry none: turn 1).</summary>
    public static int TurnOf(SessionMessage message)
        => message.Metadata.TryGetValue("turn", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var n) ? n : 1;

    /// <summary>
    /// The conversation with each message's turn: its metadata, else counted from the user messages before it (Python zwarm).
    /// </summary>
    public static IEnumerable<(int Turn, SessionMessage Message)> ByTurn(SessionMeta m)
    {
        var turn = 0;
        foreach (var msg in m.Messages)
        {
            if (msg.Metadata.TryGetValue("turn", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var n)) turn = n;
            else if (msg.Role == "user") turn++;
            yield return (Math.Max(1, turn), msg);
        }
    }

    /// <summary>The agent's latest reply in any turn; null before its first.</summary>
    public static string? LastReply(SessionMeta m) => m.Messages.LastOrDefault(x => x.Role == "assistant")?.Content;

    /// <summary>
    /// The agent's last reply of turn <paramref name="turn"/>; null when that turn has none (yet). A store without turn
    /// tags (Python zwarm's) has one conversation: its latest reply counts as the reply of any turn.
    /// </summary>
    public static string? ReplyOfTurn(SessionMeta m, int turn)
        => m.Messages.LastOrDefault(x => x.Role == "assistant" && TurnOf(x) == turn)?.Content
           ?? (m.Messages.Any(x => x.Metadata.ContainsKey("turn")) ? null : LastReply(m));

    /// <summary>The reply of the session's current turn (null while that turn has not answered).</summary>
    public static string? CurrentTurnReply(SessionMeta m) => ReplyOfTurn(m, m.Turn);

    /// <summary>Whether the conversation ends with the agent's answer (not with a user message or a tool line).</summary>
    public static bool EndsWithReply(SessionMeta m) => m.Messages.LastOrDefault(x => x.Role != "tool")?.Role == "assistant";

    /// <summary>The session's runtime: from its creation until now, or until its last update once finished.</summary>
    public static TimeSpan SessionRuntime(SessionMeta m, DateTimeOffset now)
        => (m.Status.IsFinished() ? m.UpdatedAt : now) - m.CreatedAt;

    /// <summary>The current turn's runtime: from its start until it finished, or until now while it runs.</summary>
    public static TimeSpan TurnRuntime(SessionMeta m, DateTimeOffset now)
    {
        var rec = m.Turns?.Find(t => t.Turn == m.Turn);
        var start = rec?.StartedAt ?? m.CreatedAt;
        var end = rec?.FinishedAt ?? (m.Status.IsFinished() ? m.UpdatedAt : now);
        return end > start ? end - start : TimeSpan.Zero;
    }

    /// <summary>Cost in USD: the agent-reported cost when present, else the registry's price of the model; null when unknown.</summary>
    public static double? Cost(SessionMeta m, ModelRegistry models, ZwarmConfig? config) => models.CostOf(m, config?.Prices);
}
