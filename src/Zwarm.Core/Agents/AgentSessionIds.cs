using Zwarm.Core.Sessions;

namespace Zwarm.Core.Agents;

/// <summary>
/// Recovers an agent's own session/thread id from the turn files (codex <c>thread.started</c>, claude <c>system/init</c>),
/// for sessions whose meta.json lacks it: Python zwarm neither records nor keeps <c>agent_session_id</c>.
/// </summary>
public static class AgentSessionIds
{
    /// <summary>The id the agent reported in one turn file (its first report; the file is read only that far), or null.</summary>
    public static async Task<string?> FindAsync(IAgentAdapter adapter, string turnFile, CancellationToken ct = default)
    {
        var parser = adapter.CreateParser(collectTrajectory: false);
        await TurnReader.ParseFileAsync(turnFile, parser, () => parser.Result.AgentSessionId is not null, ct);
        return string.IsNullOrWhiteSpace(parser.Result.AgentSessionId) ? null : parser.Result.AgentSessionId;
    }

    /// <summary>The first id reported over the session's turns, and the last one when a later turn reported another.</summary>
    public static async Task<(string? First, string? Latest)> RecoverAsync(
        IAgentAdapter adapter, ISessionStore store, SessionMeta session, CancellationToken ct = default)
    {
        string? first = null, latest = null;
        for (var turn = 1; turn <= session.Turn; turn++)
        {
            if (await FindAsync(adapter, store.TurnFile(session.Id, turn), ct) is not { } id) continue;
            first ??= id;
            if (id != first) latest = id;
        }
        return (first, latest);
    }
}
