using Zwarm.Core.Events;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>
/// Result of removing a session: what it was, the unmerged branch kept (null when none), and what was left on the host
/// its turns ran on, with why (null when nothing).
/// </summary>
public sealed record DeleteResult(SessionMeta Session, string? KeptBranch, string? LeftOnHost = null);

/// <summary>
/// What leaves the store: a session removed (killed first, its worktree freed, an unmerged branch kept), the finished
/// sessions `clean` may remove, and the debris of interrupted commands.
/// </summary>
internal sealed class SessionRemoval(SessionManager sessions)
{
    private FileSessionStore Store => sessions.Store;

    /// <summary>
    /// Kills the session if running, frees its worktree (keeping an unmerged branch unless <paramref name="force"/>),
    /// then removes its folder.
    /// </summary>
    public async Task<DeleteResult> DeleteAsync(string idOrPrefix, bool force, CancellationToken ct)
    {
        var id = Store.Resolve(idOrPrefix);
        var entry = await Store.TryReadAsync(id, ct);
        if (entry.Meta is { } m && !m.Status.IsFinished()) await sessions.Terminator.KillAsync(id, ct);
        // unreadable: still leave no agent behind
        else if (entry.Meta is null) await sessions.Terminator.TerminateTaggedAsync(id, sessions.Config.Executor.KillGraceSeconds, ct);
        var meta = entry.Meta is null ? null : (await Store.TryReadAsync(id, ct)).Meta ?? entry.Meta;
        var kept = meta is null ? null : await sessions.Isolation.ReleaseAsync(meta, force, ct);
        var left = meta is null ? null : await ForgetOnHostAsync(meta, ct);
        await Store.DeleteAsync(id, ct);
        sessions.RecordEvent(meta ?? new SessionMeta { Id = id }, EventNames.Removed);
        return new DeleteResult(meta ?? new SessionMeta { Id = id }, kept, left);
    }

    /// <summary>The host's folder of the session goes too; a host that cannot be reached does not keep it in the store.</summary>
    private async Task<string?> ForgetOnHostAsync(SessionMeta meta, CancellationToken ct)
    {
        if (meta.Host is not { Dir: { } dir } host) return null;
        try
        {
            return await sessions.Hosts.ExecutorFor(meta).ForgetAsync(meta, ct);
        }
        catch (ZwarmException ex)
        {
            return $"{host.Name}:{UntrustedText.Visible(dir)} was left there: {ex.Message}";
        }
    }

    /// <summary>Finished sessions last updated more than <paramref name="keepDays"/> days ago.</summary>
    public async Task<IReadOnlyList<SessionMeta>> CleanCandidatesAsync(double keepDays, CancellationToken ct)
    {
        var cutoff = sessions.Now - TimeSpan.FromDays(keepDays);
        return (await sessions.Reconciler.ListAsync(pump: false, ct))
            .Where(e => e.Meta is { } m && m.Status.IsFinished() && m.UpdatedAt < cutoff)
            .Select(e => e.Meta!)
            .ToList();
    }

    /// <summary>Leftovers of interrupted commands (spawn, rm, a write) untouched for a minute, for `clean` to sweep.</summary>
    public IReadOnlyList<Debris> FindDebris()
    {
        var live = ProcessInfo.Tagged().Select(t => t.SessionId).ToHashSet(StringComparer.Ordinal);
        return Store.FindDebris(TimeSpan.FromMinutes(1), live.Contains);
    }
}
