using System.Text.Json;
using Zwarm.Core.Events;
using Zwarm.Core.Isolation;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>Result of a merge: the session afterwards and what git did.</summary>
public sealed record MergeResult(SessionMeta Session, MergeOutcome Outcome, IReadOnlyList<FileConflict> Warnings);

/// <summary>
/// A session's own git worktree (executor.isolation, spawn --worktree): creating it, a checkpoint commit per turn, the
/// diff, conflicts between sessions, merge, discard, and freeing it when the session is removed. The git work itself is
/// in <see cref="Worktrees"/> and <see cref="Merger"/>; this type ties it to the session record.
/// </summary>
internal sealed class WorktreeIsolation(SessionManager sessions)
{
    private FileSessionStore Store => sessions.Store;

    private bool UsesWorktree(StartRequest request) => request.Worktree ?? sessions.Config.Executor.Isolation switch
    {
        "none" or "" => false,
        "worktree" => true,
        var other => throw new ZwarmException($"bad value for 'executor.isolation': expected none or worktree, got \"{other}\""),
    };

    /// <summary>Sets the isolation fields of a new session; with a worktree, creates it and points the working dir into it.</summary>
    public async Task PrepareAsync(SessionMeta meta, StartRequest request, CancellationToken ct)
    {
        meta.ForkOf = request.ForkOf;
        meta.ReviewOf = request.ReviewOf;
        meta.ReadOnly = request.ReadOnly ? true : null;
        meta.LaunchPrompt = request.LaunchPrompt;
        if (meta.Host is not null)
        {
            // The worktree would be on this machine; a host's sessions work in their remote directory.
            if (request.Worktree == true)
                throw new ZwarmException(
                    "--worktree is not supported with --host: the session works in its remote directory", ExitCodes.Usage);
            return;
        }
        if (!UsesWorktree(request)) return;
        var dir = meta.WorkingDir;
        var repo = await Worktrees.RepoTopAsync(dir, ct);
        var path = Store.Layout.WorktreeDir(meta.ShortId);
        var env = new Dictionary<string, string?> { ["ZWARM_SESSION_ID"] = meta.Id };
        var wt = await Worktrees.CreateAsync(repo, path, "zwarm/" + meta.ShortId, request.BaseRef, sessions.Config.Executor.WorktreeCopy,
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
    public async Task<(string? Commit, string? Error)> CheckpointAsync(SessionMeta m, int turn, string? reply, CancellationToken ct)
    {
        if (m.Worktree is not { Discarded: not true } wt || !Directory.Exists(wt.Path)) return (null, null);
        try
        {
            if (await Worktrees.CheckpointAsync(wt, turn, reply, ct) is { } made) return (made, null);
            var head = await Worktrees.HeadAsync(wt, ct);
            var previous = m.Turns?.Where(t => t.Turn <= turn && t.Commit is not null).OrderBy(t => t.Turn).LastOrDefault()?.Commit
                ?? wt.BaseCommit;
            return (head != previous ? head : null, null);
        }
        catch (Exception ex) when (ex is ZwarmException or IOException or UnauthorizedAccessException)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>Writes a checkpoint (or its error) into the turn's record; new work means what was merged is no longer all of it.</summary>
    public static void RecordCheckpoint(SessionMeta m, TurnRecord rec, (string? Commit, string? Error) checkpoint)
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
    public async Task<SessionMeta> CheckpointNowAsync(SessionMeta m, CancellationToken ct)
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

    /// <summary>The session's live worktree; a clear error when it has none or it was discarded.</summary>
    public static WorktreeInfo RequireWorktree(SessionMeta m)
    {
        if (m.Worktree is not { } wt)
            throw new ZwarmException(
                $"session {m.ShortId} has no worktree (start sessions with spawn --worktree, or set executor.isolation = \"worktree\")");
        if (wt.Discarded == true) throw new ZwarmException($"session {m.ShortId} was discarded: its worktree and branch are gone");
        return wt;
    }

    /// <summary>
    /// The session's changes: base..branch plus uncommitted work, or with <paramref name="turn"/> that turn's checkpoint
    /// against the previous one.
    /// </summary>
    public async Task<DiffResult> DiffAsync(SessionMeta m, int? turn, bool patch, CancellationToken ct)
    {
        var wt = RequireWorktree(m);
        if (turn is not { } n)
            return await Worktrees.DiffAsync(wt.Repo, wt.BaseCommit, await Worktrees.SnapshotTreeAsync(wt, ct), patch, ct);
        if (n < 1 || n > m.Turn) throw new ZwarmException($"session {m.ShortId} has no turn {n} (turns 1..{m.Turn})", ExitCodes.Usage);
        var previous = m.Turns?.Where(t => t.Turn < n && t.Commit is not null).OrderBy(t => t.Turn).LastOrDefault()?.Commit
            ?? wt.BaseCommit;
        var commit = m.Turns?.Find(t => t.Turn == n)?.Commit;
        return commit is null
            ? new DiffResult(previous, previous, [], "")
            : await Worktrees.DiffAsync(wt.Repo, previous, commit, patch, ct);
    }

    /// <summary>"+12 −3 in 4 files" for a worktree session (null otherwise, or when git cannot tell).</summary>
    public async Task<string?> ChangeSummaryAsync(SessionMeta m, CancellationToken ct)
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

    /// <summary>
    /// Files at risk of conflicting among the unmerged worktree sessions (all sessions of the store when none are given).
    /// </summary>
    public async Task<IReadOnlyList<FileConflict>> ConflictsAsync(IEnumerable<SessionMeta>? sessionsToCheck, CancellationToken ct)
    {
        sessionsToCheck ??= (await sessions.ListSummariesAsync(ct)).Where(e => e.Meta is not null).Select(e => e.Meta!);
        return await Conflicts.FindAsync(sessionsToCheck, ct);
    }

    /// <summary>
    /// Merges a finished session's branch into <paramref name="into"/> (default: the branch checked out in the main worktree).
    /// Uncommitted work in its worktree is checkpointed first. On a conflict nothing changes and the outcome lists the files.
    /// </summary>
    public async Task<MergeResult> MergeAsync(string idOrPrefix, MergeStrategy strategy, string? into, string? message,
        CancellationToken ct)
    {
        var m = await sessions.GetAsync(idOrPrefix, ct);
        var wt = RequireWorktree(m);
        if (m.Status is SessionStatus.Running or SessionStatus.Pending)
            throw new ZwarmException(
                $"session {m.ShortId} is still {m.Status.ToWire()}; wait for it (zwarm wait {m.ShortId}) or kill it before merging");
        var target = into ?? await Merger.CurrentBranchAsync(wt.Repo, ct)
            ?? throw new ZwarmException(
                $"the main worktree of {wt.Repo} has a detached HEAD; say where to merge with --into BRANCH", ExitCodes.Usage);
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
            x.UpdatedAt = sessions.Now;
            return true;
        }, ct);
        sessions.RecordEvent(m, EventNames.Merged, $"into {target} ({strategy.ToString().ToLowerInvariant()})");
        return new MergeResult(m, outcome, others);
    }

    private static string DefaultMergeMessage(SessionMeta m, MergeStrategy strategy)
    {
        var title = m.Task.ReplaceLineEndings(" ").Trim();
        if (title.Length > 68) title = title[..67] + "…";
        var turns = $"{m.Turn} turn{(m.Turn == 1 ? "" : "s")}";
        return strategy == MergeStrategy.Merge
            ? $"Merge zwarm session {m.ShortId}: {title}"
            : $"{title}\n\nzwarm session {m.Id} ({m.Adapter}/{m.Model}, {turns}, branch {m.Worktree?.Branch})";
    }

    /// <summary>Removes a finished session's worktree and deletes its branch; the session record stays, marked discarded.</summary>
    public async Task<SessionMeta> DiscardAsync(string idOrPrefix, CancellationToken ct)
    {
        var m = await sessions.GetAsync(idOrPrefix, ct);
        var wt = RequireWorktree(m);
        if (m.Status is SessionStatus.Running or SessionStatus.Pending)
            throw new ZwarmException($"session {m.ShortId} is still {m.Status.ToWire()}; kill it first (zwarm kill {m.ShortId})");
        await Worktrees.RemoveAsync(wt, deleteBranch: true, ct);
        return await Store.UpdateAsync(m.Id, x =>
        {
            if (x.Worktree is { } w) w.Discarded = true;
            x.UpdatedAt = sessions.Now;
            return true;
        }, ct);
    }

    /// <summary>
    /// Frees a worktree session before its record is removed: uncommitted work is checkpointed, the folder removed, and the
    /// branch deleted only when merged or with <paramref name="force"/>; returns the branch kept (null when none).
    /// </summary>
    public async Task<string?> ReleaseAsync(SessionMeta m, bool force, CancellationToken ct)
    {
        if (m.Worktree is not { Discarded: not true } wt) return null;
        if (!force && Directory.Exists(wt.Path))
            await CheckpointAsync(m, m.Turn, "work left in the worktree when the session was removed", ct);
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
}
