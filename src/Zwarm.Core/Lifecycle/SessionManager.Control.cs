using Zwarm.Core.Events;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>Result of a kill: the session afterwards and a note for the user.</summary>
public sealed record KillResult(SessionMeta Session, bool Killed, string Note);

/// <summary>A process recorded in the store or tagged with a session id that is alive while its session is not running.</summary>
public sealed record OrphanProcess(int Pid, string SessionId, string Reason, string CommandLine);

/// <summary>Outcome of waiting for sessions.</summary>
public sealed record WaitResult(IReadOnlyList<SessionMeta> Sessions, bool TimedOut, bool Any = false)
{
    /// <summary>
    /// 0 all completed, 1 some failed or killed, 124 timed out; waiting for any, only the sessions that finished count
    /// (0 when they completed).
    /// </summary>
    public int ExitCode => TimedOut ? 124
        : (Any ? Sessions.Where(s => s.Status.IsFinished()) : Sessions).All(s => s.Status == SessionStatus.Completed) ? 0 : 1;
}

public sealed partial class SessionManager
{
    /// <summary>SIGTERM to the session's process group and every process tagged with it, a grace period, then SIGKILL.</summary>
    public async Task<KillResult> KillAsync(string idOrPrefix, CancellationToken ct = default)
    {
        var meta = await GetAsync(idOrPrefix, ct);
        if (meta.Status.IsFinished())
            return new KillResult(meta, false, $"session {meta.ShortId} is already {meta.Status.ToWire()}; nothing to kill");
        await ExecutorFor(meta).TerminateAsync(meta, Store.SessionDir(meta.Id), Config.Executor.KillGraceSeconds, ct);
        // What the agent said before it was killed is kept, like any turn's output.
        var end = await ReadTurnEndAsync(meta, meta.Turn, ct);
        var applied = false;
        bool Mutate(SessionMeta m)
        {
            if (m.Status == SessionStatus.Killed) return false;
            applied = true;
            m.QueuedReason = null;
            m.RetryAt = null;
            if (m.Status == SessionStatus.Running && m.Turn == meta.Turn)
                RecordTurnEnd(m, m.Turn, end with { TimedOut = false }, new TurnOutcome(SessionStatus.Killed, "Manually killed"));
            m.Status = SessionStatus.Killed;
            m.Error = "Manually killed";
            m.UpdatedAt = Now;
            var rec = m.TurnRecordFor(m.Turn);
            rec.Status = "killed";
            rec.Error = "Manually killed";
            rec.FinishedAt = Now;
            rec.ExitCode ??= ReadExitCode(m.Id, m.Turn);
            m.ExitCode = rec.ExitCode;
            return true;
        }
        SessionMeta after;
        try
        {
            after = await Store.UpdateAsync(meta.Id, Mutate, ct);
        }
        catch (StoreWriteException ex)
        {
            // The processes are gone, which is what kill is for; the store just cannot say so.
            Mutate(meta);
            return new KillResult(meta, true, $"killed {meta.ShortId} (not recorded: {ex.Message})");
        }
        // Nothing lost: what the killed turn changed is checkpointed like any finished turn.
        after = await CheckpointNowAsync(after, ct);
        if (applied) RecordEvent(after, EventNames.Killed, "Manually killed");
        try { await PumpQueueAsync(ct); }
        catch (StoreWriteException) { /* queued sessions start on a later read */ }
        return new KillResult(after, true, $"killed {after.ShortId}");
    }

    /// <summary>SIGTERM to every process tagged with the session, the grace period, then SIGKILL (the turn's group is gone).</summary>
    private async Task TerminateTaggedAsync(string id, double graceSeconds, CancellationToken ct)
    {
        List<int> Targets() => ProcessInfo.Tagged().Where(t => t.SessionId == id).Select(t => t.Pid).ToList();
        var targets = Targets();
        if (targets.Count == 0) return;
        foreach (var p in targets) ProcessInfo.Signal(p, ProcessInfo.SigTerm);
        var deadline = Now + TimeSpan.FromSeconds(graceSeconds);
        while (Now < deadline && Targets().Count > 0) await Task.Delay(50, ct);
        for (var i = 0; i < 20 && (targets = Targets()).Count > 0; i++)
        {
            foreach (var p in targets) ProcessInfo.Signal(p, ProcessInfo.SigKill);
            await Task.Delay(50, ct);
        }
    }

    /// <summary>Kills every running or queued session.</summary>
    public async Task<IReadOnlyList<KillResult>> KillAllAsync(CancellationToken ct = default)
    {
        var results = new List<KillResult>();
        foreach (var e in await ListCoreAsync(pump: false, ct, summaries: true))
            if (e.Meta is { } m && !m.Status.IsFinished())
                results.Add(await KillAsync(m.Id, ct));
        return results;
    }

    /// <summary>Kills the session if it is running, then removes its folder (a worktree's unmerged branch is kept).</summary>
    public async Task<SessionMeta> DeleteAsync(string idOrPrefix, CancellationToken ct = default)
        => (await DeleteAsync(idOrPrefix, force: false, ct)).Session;

    /// <summary>Finished sessions last updated more than <paramref name="keepDays"/> days ago.</summary>
    public async Task<IReadOnlyList<SessionMeta>> CleanCandidatesAsync(double keepDays, CancellationToken ct = default)
    {
        var cutoff = Now - TimeSpan.FromDays(keepDays);
        return (await ListCoreAsync(pump: false, ct))
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

    /// <summary>Blocks until the sessions leave pending/running (all, or any with <paramref name="any"/>), or the timeout.</summary>
    public async Task<WaitResult> WaitAsync(IReadOnlyList<string> idsOrPrefixes, TimeSpan? timeout, bool any = false, CancellationToken ct = default)
    {
        var ids = idsOrPrefixes.Select(Store.Resolve).Distinct().ToList();
        var deadline = timeout is { } t ? Now + t : DateTimeOffset.MaxValue;
        while (true)
        {
            var metas = new List<SessionMeta>();
            foreach (var id in ids) metas.Add(await GetAsync(id, ct));
            var done = metas.Count(m => m.Status.IsFinished());
            if (done == metas.Count || (any && done > 0)) return new WaitResult(metas, false, any);
            if (Now >= deadline) return new WaitResult(metas, true, any);
            if (metas.Any(m => m.Status == SessionStatus.Pending)) await PumpQueueAsync(ct);
            await Task.Delay(150, ct);
        }
    }

    /// <summary>Processes recorded in the store (pid + start time) or tagged with a session id, alive while that session is not running.</summary>
    public async Task<IReadOnlyList<OrphanProcess>> FindOrphansAsync(CancellationToken ct = default)
    {
        var entries = await ListCoreAsync(pump: false, ct);
        var byId = entries.Where(e => e.Meta is not null).ToDictionary(e => e.Id, e => e.Meta!);
        var orphans = new Dictionary<int, OrphanProcess>();
        foreach (var (pid, sid, store) in ProcessInfo.TaggedWithStore())
        {
            if (byId.TryGetValue(sid, out var m) && m.Status is SessionStatus.Running or SessionStatus.Pending) continue;
            // Other projects' sessions are not ours to judge; untagged (older) processes count only when their session is here.
            var ours = store is null ? entries.Any(e => e.Id == sid) : string.Equals(Path.TrimEndingDirectorySeparator(store), Path.TrimEndingDirectorySeparator(Store.Root), StringComparison.Ordinal);
            if (!ours) continue;
            var reason = m is null ? "its session no longer exists" : $"its session is {m.Status.ToWire()}";
            orphans[pid] = new OrphanProcess(pid, sid, reason, ProcessInfo.CommandLine(pid));
        }
        foreach (var m in byId.Values)
        {
            if (m.Status is SessionStatus.Running or SessionStatus.Pending) continue;
            foreach (var rec in (IEnumerable<TurnRecord>?)m.Turns ?? [])
                if (rec.Pid is { } p && rec.PidStartTime is not null && ProcessInfo.IsAlive(p, rec.PidStartTime) && !orphans.ContainsKey(p))
                    orphans[p] = new OrphanProcess(p, m.Id, $"recorded for turn {rec.Turn}, session is {m.Status.ToWire()}", ProcessInfo.CommandLine(p));
        }
        return orphans.Values.OrderBy(o => o.Pid).ToList();
    }

    /// <summary>Terminates orphan processes (SIGTERM, grace, SIGKILL).</summary>
    public async Task KillOrphansAsync(IEnumerable<OrphanProcess> orphans, CancellationToken ct = default)
    {
        var list = orphans.ToList();
        foreach (var o in list) ProcessInfo.Signal(o.Pid, ProcessInfo.SigTerm);
        var deadline = Now + TimeSpan.FromSeconds(Config.Executor.KillGraceSeconds);
        while (Now < deadline && list.Any(o => ProcessInfo.StartTime(o.Pid) is not null)) await Task.Delay(50, ct);
        foreach (var o in list) ProcessInfo.Signal(o.Pid, ProcessInfo.SigKill);
    }
}
