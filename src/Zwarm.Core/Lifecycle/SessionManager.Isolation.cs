using System.Text;
using System.Text.Json;
using Zwarm.Core.Agents;
using Zwarm.Core.Isolation;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>Result of removing a session: what it was, and the unmerged branch kept (null when none).</summary>
public sealed record DeleteResult(SessionMeta Session, string? KeptBranch);

/// <summary>Result of a merge: the session afterwards and what git did.</summary>
public sealed record MergeResult(SessionMeta Session, MergeOutcome Outcome, IReadOnlyList<FileConflict> Warnings);

public sealed partial class SessionManager
{
    private const int ReviewPatchChars = 40_000;

    private bool UsesWorktree(StartRequest request) => request.Worktree ?? Config.Executor.Isolation switch
    {
        "none" or "" => false,
        "worktree" => true,
        var other => throw new ZwarmException($"bad value for 'executor.isolation': expected none or worktree, got \"{other}\""),
    };

    /// <summary>Sets the isolation fields of a new session; with a worktree, creates it and points the working dir into it.</summary>
    private async Task PrepareIsolationAsync(SessionMeta meta, StartRequest request, CancellationToken ct)
    {
        meta.ForkOf = request.ForkOf;
        meta.ReviewOf = request.ReviewOf;
        meta.ReadOnly = request.ReadOnly ? true : null;
        meta.LaunchPrompt = request.LaunchPrompt;
        if (meta.Host is not null)
        {
            // The worktree would be on this machine; a host's sessions work in their remote directory.
            if (request.Worktree == true) throw new ZwarmException("--worktree is not supported with --host: the session works in its remote directory", 2);
            return;
        }
        if (!UsesWorktree(request)) return;
        var dir = meta.WorkingDir;
        var repo = await Worktrees.RepoTopAsync(dir, ct);
        var path = Store.Layout.WorktreeDir(meta.ShortId);
        var env = new Dictionary<string, string?> { ["ZWARM_SESSION_ID"] = meta.Id };
        var wt = await Worktrees.CreateAsync(repo, path, "zwarm/" + meta.ShortId, request.BaseRef, Config.Executor.WorktreeCopy,
            Store.Layout.WorktreeSetupScript, env, ct);
        var rel = Path.GetRelativePath(repo, dir);
        meta.Worktree = wt;
        meta.WorkingDir = rel == "." || rel.StartsWith("..", StringComparison.Ordinal) ? wt.Path : Path.Combine(wt.Path, rel);
        Directory.CreateDirectory(meta.WorkingDir);
    }

    /// <summary>
    /// Checkpoints turn <paramref name="turn"/> of a worktree session: the new commit, or HEAD when the agent committed its
    /// work itself, or null (no worktree, nothing changed). Never throws: a failure is returned as the error.
    /// </summary>
    private async Task<(string? Commit, string? Error)> CheckpointAsync(SessionMeta m, int turn, string? reply, CancellationToken ct)
    {
        if (m.Worktree is not { Discarded: not true } wt || !Directory.Exists(wt.Path)) return (null, null);
        try
        {
            if (await Worktrees.CheckpointAsync(wt, turn, reply, ct) is { } made) return (made, null);
            var head = await Worktrees.HeadAsync(wt, ct);
            var previous = m.Turns?.Where(t => t.Turn <= turn && t.Commit is not null).OrderBy(t => t.Turn).LastOrDefault()?.Commit ?? wt.BaseCommit;
            return (head != previous ? head : null, null);
        }
        catch (Exception ex) when (ex is ZwarmException or IOException or UnauthorizedAccessException)
        {
            return (null, ex.Message);
        }
    }

    private static void RecordCheckpoint(SessionMeta m, TurnRecord rec, (string? Commit, string? Error) checkpoint)
    {
        if (checkpoint.Commit is { } c && c != rec.Commit)
        {
            rec.Commit = c;
            // New work on the branch: what was merged is no longer all of it.
            m.MergedInto = null;
            m.MergedCommit = null;
        }
        if (checkpoint.Error is { } e)
        {
            rec.Extra ??= [];
            rec.Extra["checkpoint_error"] = JsonSerializer.SerializeToElement(e, SessionJsonContext.Default.String);
        }
    }

    /// <summary>Checkpoints whatever the worktree holds now as part of the session's current turn and records it.</summary>
    public async Task<SessionMeta> CheckpointNowAsync(SessionMeta m, CancellationToken ct = default)
    {
        if (m.Worktree is null) return m;
        var reply = SessionFacts.LastReply(m);
        var checkpoint = await CheckpointAsync(m, m.Turn, reply, ct);
        if (checkpoint is { Commit: null, Error: null }) return m;
        return await Store.UpdateAsync(m.Id, x =>
        {
            RecordCheckpoint(x, x.TurnRecordFor(x.Turn), checkpoint);
            return true;
        }, ct);
    }

    private static WorktreeInfo RequireWorktree(SessionMeta m)
    {
        if (m.Worktree is not { } wt)
            throw new ZwarmException($"session {m.ShortId} has no worktree (start sessions with spawn --worktree, or set executor.isolation = \"worktree\")");
        if (wt.Discarded == true) throw new ZwarmException($"session {m.ShortId} was discarded: its worktree and branch are gone");
        return wt;
    }

    /// <summary>The session's changes: base..branch plus uncommitted work, or with <paramref name="turn"/> that turn's checkpoint against the previous one.</summary>
    public async Task<DiffResult> DiffAsync(SessionMeta m, int? turn, bool patch, CancellationToken ct = default)
    {
        var wt = RequireWorktree(m);
        if (turn is not { } n) return await Worktrees.DiffAsync(wt.Repo, wt.BaseCommit, await Worktrees.SnapshotTreeAsync(wt, ct), patch, ct);
        if (n < 1 || n > m.Turn) throw new ZwarmException($"session {m.ShortId} has no turn {n} (turns 1..{m.Turn})", 2);
        var previous = m.Turns?.Where(t => t.Turn < n && t.Commit is not null).OrderBy(t => t.Turn).LastOrDefault()?.Commit ?? wt.BaseCommit;
        var commit = m.Turns?.Find(t => t.Turn == n)?.Commit;
        return commit is null ? new DiffResult(previous, previous, [], "") : await Worktrees.DiffAsync(wt.Repo, previous, commit, patch, ct);
    }

    /// <summary>"+12 −3 in 4 files" for a worktree session (null otherwise, or when git cannot tell).</summary>
    public async Task<string?> ChangeSummaryAsync(SessionMeta m, CancellationToken ct = default)
    {
        if (m.Worktree is not { Discarded: not true }) return null;
        try
        {
            return (await DiffAsync(m, null, patch: false, ct)).Summary;
        }
        catch (ZwarmException)
        {
            return null;
        }
    }

    /// <summary>Files at risk of conflicting among the unmerged worktree sessions (all sessions of the store when none are given).</summary>
    public async Task<IReadOnlyList<FileConflict>> ConflictsAsync(IEnumerable<SessionMeta>? sessions = null, CancellationToken ct = default)
    {
        sessions ??= (await ListSummariesAsync(ct)).Where(e => e.Meta is not null).Select(e => e.Meta!);
        return await Conflicts.FindAsync(sessions, ct);
    }

    /// <summary>
    /// Merges a finished session's branch into <paramref name="into"/> (default: the branch checked out in the main worktree).
    /// Uncommitted work in its worktree is checkpointed first. On a conflict nothing changes and the outcome lists the files.
    /// </summary>
    public async Task<MergeResult> MergeAsync(string idOrPrefix, MergeStrategy strategy, string? into, string? message, CancellationToken ct = default)
    {
        var m = await GetAsync(idOrPrefix, ct);
        var wt = RequireWorktree(m);
        if (m.Status is SessionStatus.Running or SessionStatus.Pending)
            throw new ZwarmException($"session {m.ShortId} is still {m.Status.ToWire()}; wait for it (zwarm wait {m.ShortId}) or kill it before merging");
        var target = into ?? await Merger.CurrentBranchAsync(wt.Repo, ct)
            ?? throw new ZwarmException($"the main worktree of {wt.Repo} has a detached HEAD; say where to merge with --into BRANCH", 2);
        m = await CheckpointNowAsync(m, ct);
        var others = (await ConflictsAsync(null, ct)).Where(c => c.Sessions.Contains(m.Id)).ToList();
        var msg = message ?? DefaultMergeMessage(m, strategy);
        var outcome = await Merger.MergeAsync(wt, Store.Root, target, strategy, msg, ct);
        if (!outcome.Merged) return new MergeResult(m, outcome, others);
        var head = await Worktrees.HeadAsync(wt, ct);
        m = await Store.UpdateAsync(m.Id, x =>
        {
            x.MergedInto = target;
            x.MergedCommit = head;
            x.UpdatedAt = Now;
            return true;
        }, ct);
        RecordEvent(m, Zwarm.Core.Events.EventNames.Merged, $"into {target} ({strategy.ToString().ToLowerInvariant()})");
        return new MergeResult(m, outcome, others);
    }

    private static string DefaultMergeMessage(SessionMeta m, MergeStrategy strategy)
    {
        var title = m.Task.ReplaceLineEndings(" ").Trim();
        if (title.Length > 68) title = title[..67] + "…";
        return strategy == MergeStrategy.Merge
            ? $"Merge zwarm session {m.ShortId}: {title}"
            : $"{title}\n\nzwarm session {m.Id} ({m.Adapter}/{m.Model}, {m.Turn} turn{(m.Turn == 1 ? "" : "s")}, branch {m.Worktree?.Branch})";
    }

    /// <summary>Removes a finished session's worktree and deletes its branch; the session record stays, marked discarded.</summary>
    public async Task<SessionMeta> DiscardAsync(string idOrPrefix, CancellationToken ct = default)
    {
        var m = await GetAsync(idOrPrefix, ct);
        var wt = RequireWorktree(m);
        if (m.Status is SessionStatus.Running or SessionStatus.Pending)
            throw new ZwarmException($"session {m.ShortId} is still {m.Status.ToWire()}; kill it first (zwarm kill {m.ShortId})");
        await Worktrees.RemoveAsync(wt, deleteBranch: true, ct);
        return await Store.UpdateAsync(m.Id, x =>
        {
            if (x.Worktree is { } w) w.Discarded = true;
            x.UpdatedAt = Now;
            return true;
        }, ct);
    }

    /// <summary>
    /// Frees a worktree session before its record is removed: uncommitted work is checkpointed, the folder removed, and the
    /// branch deleted only when merged or with <paramref name="force"/>; returns the branch kept (null when none).
    /// </summary>
    private async Task<string?> ReleaseWorktreeAsync(SessionMeta m, bool force, CancellationToken ct)
    {
        if (m.Worktree is not { Discarded: not true } wt) return null;
        if (!force && Directory.Exists(wt.Path)) await CheckpointAsync(m, m.Turn, "work left in the worktree when the session was removed", ct);
        var deleteBranch = force || m.IsMerged;
        try
        {
            await Worktrees.RemoveAsync(wt, deleteBranch, ct);
        }
        catch (Exception ex) when (ex is ZwarmException or IOException or UnauthorizedAccessException)
        {
            // The record goes anyway; the branch (and every checkpoint) stays in git.
        }
        return deleteBranch ? null : wt.Branch;
    }

    /// <summary>Kills the session if running, frees its worktree (keeping an unmerged branch unless <paramref name="force"/>), then removes its folder.</summary>
    public async Task<DeleteResult> DeleteAsync(string idOrPrefix, bool force, CancellationToken ct = default)
    {
        var id = Store.Resolve(idOrPrefix);
        var entry = await Store.TryReadAsync(id, ct);
        if (entry.Meta is { } m && !m.Status.IsFinished()) await KillAsync(id, ct);
        else if (entry.Meta is null) await TerminateTaggedAsync(id, Config.Executor.KillGraceSeconds, ct); // unreadable: still leave no agent behind
        var meta = entry.Meta is null ? null : (await Store.TryReadAsync(id, ct)).Meta ?? entry.Meta;
        var kept = meta is null ? null : await ReleaseWorktreeAsync(meta, force, ct);
        await Store.DeleteAsync(id, ct);
        RecordEvent(meta ?? new SessionMeta { Id = id }, Zwarm.Core.Events.EventNames.Removed);
        return new DeleteResult(meta ?? new SessionMeta { Id = id }, kept);
    }

    /// <summary>
    /// Starts a new session from turn <paramref name="turn"/> (default: the latest) of another: its own worktree at that turn's
    /// checkpoint, the conversation forked natively when the turn is the latest, replayed otherwise. The original is untouched.
    /// </summary>
    public async Task<SessionMeta> ForkAsync(string idOrPrefix, string? message, int? turn, CancellationToken ct = default)
    {
        var src = await GetAsync(idOrPrefix, ct);
        if (src.Status is SessionStatus.Running or SessionStatus.Pending)
            throw new ZwarmException($"session {src.ShortId} is still {src.Status.ToWire()}; wait for it before forking (zwarm wait {src.ShortId})");
        var n = turn ?? src.Turn;
        if (n < 1 || n > src.Turn) throw new ZwarmException($"session {src.ShortId} has no turn {n} (turns 1..{src.Turn})", 2);
        var text = string.IsNullOrWhiteSpace(message) ? "Continue where you left off." : message;
        string? baseCommit = null;
        var dir = src.WorkingDir;
        if (src.Worktree is { Discarded: not true } wt)
        {
            baseCommit = src.Turns?.Where(t => t.Turn <= n && t.Commit is not null).OrderBy(t => t.Turn).LastOrDefault()?.Commit ?? wt.BaseCommit;
            var rel = Path.GetRelativePath(wt.Path, src.WorkingDir);
            dir = rel != "." && !rel.StartsWith("..", StringComparison.Ordinal) && Directory.Exists(Path.Combine(wt.Repo, rel)) ? Path.Combine(wt.Repo, rel) : wt.Repo;
        }
        var agentSession = n == src.Turn ? FirstNonEmpty(src.AgentSessionIdLatest, src.AgentSessionId) : null;
        string? replay = null;
        if (agentSession is null)
        {
            var upTo = SessionJson.Deserialize(SessionJson.Serialize(src));
            upTo.Messages = upTo.Messages.Where(x => SessionFacts.TurnOf(x) <= n).ToList();
            replay = ReplayPrompt.Build(upTo, text);
        }
        return await StartAsync(new StartRequest(text)
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
    public async Task<SessionMeta> ReviewAsync(string idOrPrefix, string? adapter, string? model, CancellationToken ct = default)
    {
        var src = await GetAsync(idOrPrefix, ct);
        var wt = RequireWorktree(src);
        if (src.Status is SessionStatus.Running or SessionStatus.Pending)
            throw new ZwarmException($"session {src.ShortId} is still {src.Status.ToWire()}; wait for it before reviewing (zwarm wait {src.ShortId})");
        await Worktrees.EnsureAsync(wt, ct);
        var diff = await DiffAsync(src, null, patch: true, ct);
        if (diff.Files.Count == 0) throw new ZwarmException($"session {src.ShortId} changed nothing; there is nothing to review");
        var patch = diff.Patch.Length > ReviewPatchChars ? diff.Patch[..ReviewPatchChars] + "\n… (cut; run the git diff above for the rest)\n" : diff.Patch;
        var brief = new StringBuilder()
            .AppendLine($"Review the changes another coding agent made for this task:").AppendLine()
            .AppendLine(src.Task.Trim()).AppendLine()
            .AppendLine($"You are in its git worktree (branch {wt.Branch}); see the changes with: git diff {wt.BaseCommit}")
            .AppendLine($"Changes: {diff.Summary}").AppendLine("```diff").Append(patch).AppendLine("```").AppendLine()
            .AppendLine("Do not modify any file. Answer with a verdict on the first line (APPROVE or REQUEST CHANGES), then the concrete problems")
            .AppendLine("(file:line, what is wrong, why), then optional suggestions.")
            .ToString();
        var title = src.Task.ReplaceLineEndings(" ").Trim();
        return await StartAsync(new StartRequest($"review of {src.ShortId}: {(title.Length > 80 ? title[..79] + "…" : title)}")
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
    public async Task<IReadOnlyList<SessionMeta>> ReviewsOfAsync(string id, CancellationToken ct = default)
    {
        var list = new List<SessionMeta>();
        foreach (var e in await Store.ListAsync(summaries: true, ct))
            if (e.Meta is { } m && m.ReviewOf == id) list.Add(await GetAsync(m.Id, ct));
        return list.OrderBy(m => m.CreatedAt).ToList();
    }

    private static string? FirstNonEmpty(string? a, string? b) => !string.IsNullOrWhiteSpace(a) ? a : !string.IsNullOrWhiteSpace(b) ? b : null;
}
