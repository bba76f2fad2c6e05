using Zwarm.Core.Agents;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>What a session's turn files hold, parsed streaming: its trajectory, what it is doing now, its replies so far.</summary>
public sealed class Transcripts(FileSessionStore store, AgentRegistry agents)
{
    /// <summary>The trajectory of a session across turns.</summary>
    public async Task<IReadOnlyList<TrajectoryStep>> TrajectoryAsync(SessionMeta meta, CancellationToken ct = default)
    {
        var steps = new List<TrajectoryStep>();
        var adapter = agents.Get(meta.Adapter);
        for (var t = 1; t <= meta.Turn; t++)
        {
            var parser = adapter.CreateParser(collectTrajectory: true);
            await TurnReader.ParseFileAsync(store.TurnFile(meta.Id, t), parser, ct);
            steps.AddRange(parser.Result.Steps.Select(s => s with { Turn = t }));
        }
        return steps;
    }

    /// <summary>The latest step of a session's running turn; null once it has finished or before its first step.</summary>
    public async Task<TrajectoryStep?> CurrentActivityAsync(SessionMeta meta, CancellationToken ct = default)
    {
        if (meta.Status.IsFinished() || !agents.TryGet(meta.Adapter, out var adapter)) return null;
        var parser = adapter.CreateParser(collectTrajectory: true);
        await TurnReader.FeedFileAsync(store.TurnFile(meta.Id, meta.Turn), parser, 0, ct);
        return parser.Result.Steps.LastOrDefault() is { } s ? s with { Turn = meta.Turn } : null;
    }

    /// <summary>What the agent has said so far in its running turn (not yet in meta.json); empty when not running.</summary>
    public async Task<IReadOnlyList<string>> LiveRepliesAsync(SessionMeta meta, CancellationToken ct = default)
    {
        if (meta.Status != SessionStatus.Running || !agents.TryGet(meta.Adapter, out var adapter)) return [];
        var parser = adapter.CreateParser(collectTrajectory: false);
        await TurnReader.FeedFileAsync(store.TurnFile(meta.Id, meta.Turn), parser, 0, ct);
        return parser.Result.AssistantMessages;
    }
}
