using System.Text.Json;
using System.Text.Json.Nodes;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;

namespace Zwarm.Core.Sessions;

/// <summary>The JSON shapes of a session every interface prints (CLI --json, MCP resources) and the derived facts in them.</summary>
public static class SessionShape
{
    /// <summary>
    /// The JSON of a session: meta.json fields (snake_case) plus short_id, cost, total_tokens and runtime_seconds
    /// (of a running session: until <paramref name="now"/>, default the system clock).
    /// </summary>
    public static JsonObject Full(SessionMeta m, ModelRegistry models, ZwarmConfig? config, DateTimeOffset? now = null)
    {
        var node = JsonSerializer.SerializeToNode(m, SessionJsonContext.Default.SessionMeta)!.AsObject();
        node["short_id"] = m.ShortId;
        node["cost"] = SessionFacts.Cost(m, models, config) is { } c ? Math.Round((decimal)c, 6) : null;
        node["total_tokens"] = m.TotalTokens;
        node["runtime_seconds"] = Math.Round(SessionFacts.SessionRuntime(m, now ?? DateTimeOffset.Now).TotalSeconds, 3);
        return node;
    }

    /// <summary>The compact JSON of a session: the full shape without messages and turns.</summary>
    public static JsonObject Summary(SessionMeta m, ModelRegistry models, ZwarmConfig? config, DateTimeOffset? now = null)
    {
        var node = Full(m, models, config, now);
        foreach (var big in new[] { "messages", "turns" }) node.Remove(big);
        return node;
    }
}
