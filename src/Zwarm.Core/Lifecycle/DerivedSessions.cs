using System.Text;
using Zwarm.Core.Agents;
using Zwarm.Core.Isolation;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>
/// New sessions made from another: a fork from one of its turns (its checkpoint, the conversation forked natively or
/// replayed) and a read-only review of its diff. The original is never touched.
/// </summary>
internal sealed class DerivedSessions(SessionManager sessions)
{
    private const int ReviewPatchChars = 40_000;

    /// <summary>
    /// Starts a new session from turn <paramref name="turn"/> (default: the latest) of another: its own worktree at that turn's
    /// checkpoint, the conversation forked natively when the turn is the latest, replayed otherwise. The original is untouched.
    /// </summary>
    public async Task<SessionMeta> ForkAsync(string idOrPrefix, string? message, int? turn, CancellationToken ct)
    {
        var src = await sessions.GetAsync(idOrPrefix, ct);
        if (src.Status is SessionStatus.Running or SessionStatus.Pending)
            throw new ZwarmException(
                $"session {src.ShortId} is still {src.Status.ToWire()}; wait for it before forking (zwarm wait {src.ShortId})");
        var n = turn ?? src.Turn;
        if (n < 1 || n > src.Turn)
            throw new ZwarmException($"session {src.ShortId} has no turn {n} (turns 1..{src.Turn})", ExitCodes.Usage);
        var text = string.IsNullOrWhiteSpace(message) ? "Continue where you left off." : message;
        string? baseCommit = null;
        var dir = src.WorkingDir;
        if (src.Worktree is { Discarded: not true } wt)
        {
            baseCommit = src.Turns?.Where(t => t.Turn <= n && t.Commit is not null).OrderBy(t => t.Turn).LastOrDefault()?.Commit
                ?? wt.BaseCommit;
            var rel = Path.GetRelativePath(wt.Path, src.WorkingDir);
            dir = rel != "." && !rel.StartsWith("..", StringComparison.Ordinal) && Directory.Exists(Path.Combine(wt.Repo, rel))
                ? Path.Combine(wt.Repo, rel)
                : wt.Repo;
        }
        var agentSession = n == src.Turn ? FirstNonEmpty(src.AgentSessionIdLatest, src.AgentSessionId) : null;
        string? replay = null;
        if (agentSession is null)
        {
            var upTo = SessionJson.Deserialize(SessionJson.Serialize(src));
            upTo.Messages = upTo.Messages.Where(x => SessionFacts.TurnOf(x) <= n).ToList();
            replay = ReplayPrompt.Build(upTo, text);
        }
        return await sessions.StartAsync(new StartRequest(text)
        {
            Adapter = src.Adapter,
            Model = src.Model,
            WorkingDir = dir,
            Source = src.Source,
            Worktree = baseCommit is not null,
            BaseRef = baseCommit,
            ForkOf = new ForkInfo { Session = src.Id, Turn = n, AgentSessionId = agentSession },
            LaunchPrompt = replay,
        }, ct);
    }

    /// <summary>Starts a read-only session in the worktree of <paramref name="idOrPrefix"/> whose task is to review its diff.</summary>
    public async Task<SessionMeta> ReviewAsync(string idOrPrefix, string? adapter, string? model, CancellationToken ct)
    {
        var src = await sessions.GetAsync(idOrPrefix, ct);
        var wt = WorktreeIsolation.RequireWorktree(src);
        if (src.Status is SessionStatus.Running or SessionStatus.Pending)
            throw new ZwarmException(
                $"session {src.ShortId} is still {src.Status.ToWire()}; wait for it before reviewing (zwarm wait {src.ShortId})");
        await Worktrees.EnsureAsync(wt, ct);
        var diff = await sessions.Isolation.DiffAsync(src, null, patch: true, ct);
        if (diff.Files.Count == 0) throw new ZwarmException($"session {src.ShortId} changed nothing; there is nothing to review");
        var patch = diff.Patch.Length > ReviewPatchChars
            ? diff.Patch[..ReviewPatchChars] + "\n… (cut; run the git diff above for the rest)\n"
            : diff.Patch;
        var brief = new StringBuilder()
            .AppendLine($"Review the changes another coding agent made for this task:").AppendLine()
            .AppendLine(src.Task.Trim()).AppendLine()
            .AppendLine($"You are in its git worktree (branch {wt.Branch}); see the changes with: git diff {wt.BaseCommit}")
            .AppendLine($"Changes: {diff.Summary}").AppendLine("```diff").Append(patch).AppendLine("```").AppendLine()
            .AppendLine("Do not modify any file. Answer with a verdict on the first line (APPROVE or REQUEST CHANGES), "
                + "then the concrete problems")
            .AppendLine("(file:line, what is wrong, why), then optional suggestions.")
            .ToString();
        var title = src.Task.ReplaceLineEndings(" ").Trim();
        return await sessions.StartAsync(new StartRequest($"review of {src.ShortId}: {(title.Length > 80 ? title[..79] + "…" : title)}")
        {
            Adapter = adapter ?? (model is null ? src.Adapter : null),
            Model = model,
            WorkingDir = src.WorkingDir,
            Worktree = false,
            ReviewOf = src.Id,
            ReadOnly = true,
            LaunchPrompt = brief,
        }, ct);
    }

    /// <summary>Sessions reviewing <paramref name="id"/>, oldest first.</summary>
    public async Task<IReadOnlyList<SessionMeta>> ReviewsOfAsync(string id, CancellationToken ct)
    {
        var list = new List<SessionMeta>();
        foreach (var e in await sessions.Store.ListAsync(summaries: true, ct))
            if (e.Meta is { } m && m.ReviewOf == id) list.Add(await sessions.GetAsync(m.Id, ct));
        return list.OrderBy(m => m.CreatedAt).ToList();
    }

    private static string? FirstNonEmpty(string? a, string? b)
        => !string.IsNullOrWhiteSpace(a) ? a : !string.IsNullOrWhiteSpace(b) ? b : null;
}
