using Zwarm.Core.Events;
using Zwarm.Core.Hosts;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>Result of a kill: the session afterwards and a note for the user.</summary>
public sealed record KillResult(SessionMeta Session, bool Killed, string Note);

/// <summary>A process recorded in the store or tagged with a session id that is alive while its session is not running.</summary>
public sealed record OrphanProcess(int Pid, string SessionId, string Reason, string CommandLine);

/// <summary>
/// Ending processes: a session's kill (SIGTERM to its process group and every process tagged with it, the grace, then
/// SIGKILL, recorded as killed), and orphans — processes of this store's sessions, here or on a host, alive while their
/// session is not running.
/// </summary>
internal sealed class ProcessTerminator(SessionManager sessions)
{
    private FileSessionStore Store => sessions.Store;
    private DateTimeOffset Now => sessions.Now;

    /// <summary>SIGTERM to the session's process group and every process tagged with it, a grace period, then SIGKILL.</summary>
    public async Task<KillResult> KillAsync(string idOrPrefix, CancellationToken ct)
    {
        var meta = await sessions.GetAsync(idOrPrefix, ct);
        if (meta.Status.IsFinished())
            return new KillResult(meta, false, $"session {meta.ShortId} is already {meta.Status.ToWire()}; nothing to kill");
        var grace = sessions.Config.Executor.KillGraceSeconds;
        await sessions.Hosts.ExecutorFor(meta).TerminateAsync(meta, Store.SessionDir(meta.Id), grace, ct);
        // What the agent said before it was killed is kept, like any turn's output.
        var end = await sessions.Finalizer.ReadTurnEndAsync(meta, meta.Turn, ct);
        var applied = false;
        bool Mutate(SessionMeta m)
        {
            if (m.Status == SessionStatus.Killed) return false;
            applied = true;
            m.QueuedReason = null;
            m.RetryAt = null;
            if (m.Status == SessionStatus.Running && m.Turn == meta.Turn)
                sessions.Finalizer.RecordTurnEnd(m, m.Turn, end with { TimedOut = false },
                    new TurnOutcome(SessionStatus.Killed, "Manually killed"));
            m.Status = SessionStatus.Killed;
            m.Error = "Manually killed";
            m.UpdatedAt = Now;
            var rec = m.TurnRecordFor(m.Turn);
            rec.Status = "killed";
            rec.Error = "Manually killed";
            rec.FinishedAt = Now;
            rec.ExitCode ??= sessions.Finalizer.ReadExitCode(m.Id, m.Turn);
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
        after = await sessions.Isolation.CheckpointNowAsync(after, ct);
        if (applied) sessions.RecordEvent(after, EventNames.Killed, "Manually killed");
        try { await sessions.Queue.PumpAsync(ct); }
        catch (StoreWriteException) { /* queued sessions start on a later read */ }
        return new KillResult(after, true, $"killed {after.ShortId}");
    }

    /// <summary>Kills every running or queued session.</summary>
    public async Task<IReadOnlyList<KillResult>> KillAllAsync(CancellationToken ct)
    {
        var results = new List<KillResult>();
        foreach (var e in await sessions.Reconciler.ListAsync(pump: false, ct, summaries: true))
            if (e.Meta is { } m && !m.Status.IsFinished())
                results.Add(await KillAsync(m.Id, ct));
        return results;
    }

    /// <summary>SIGTERM to every process tagged with the session, the grace period, then SIGKILL (the turn's group is gone).</summary>
    public async Task TerminateTaggedAsync(string id, double graceSeconds, CancellationToken ct)
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

    /// <summary>
    /// Processes recorded in the store (pid + start time) or tagged with a session id, alive while that session is not running.
    /// </summary>
    public async Task<IReadOnlyList<OrphanProcess>> FindOrphansAsync(CancellationToken ct)
    {
        var entries = await sessions.Reconciler.ListAsync(pump: false, ct);
        var byId = entries.Where(e => e.Meta is not null).ToDictionary(e => e.Id, e => e.Meta!);
        var orphans = new Dictionary<int, OrphanProcess>();
        var root = Path.TrimEndingDirectorySeparator(Store.Root);
        foreach (var (pid, sid, store) in ProcessInfo.TaggedWithStore())
        {
            if (byId.TryGetValue(sid, out var m) && m.Status is SessionStatus.Running or SessionStatus.Pending) continue;
            // Other projects' sessions are not ours to judge; untagged (older) processes count only when their session is here.
            var ours = store is null
                ? entries.Any(e => e.Id == sid)
                : string.Equals(Path.TrimEndingDirectorySeparator(store), root, StringComparison.Ordinal);
            if (!ours) continue;
            var reason = m is null ? "its session no longer exists" : $"its session is {m.Status.ToWire()}";
            orphans[pid] = new OrphanProcess(pid, sid, reason, ProcessInfo.CommandLine(pid));
        }
        foreach (var m in byId.Values)
        {
            if (m.Status is SessionStatus.Running or SessionStatus.Pending) continue;
            foreach (var rec in (IEnumerable<TurnRecord>?)m.Turns ?? [])
                if (rec.Pid is { } p && rec.PidStartTime is not null && ProcessInfo.IsAlive(p, rec.PidStartTime) && !orphans.ContainsKey(p))
                    orphans[p] = new OrphanProcess(p, m.Id, $"recorded for turn {rec.Turn}, session is {m.Status.ToWire()}",
                        ProcessInfo.CommandLine(p));
        }
        return orphans.Values.OrderBy(o => o.Pid).ToList();
    }

    /// <summary>Terminates orphan processes (SIGTERM, grace, SIGKILL).</summary>
    public async Task KillOrphansAsync(IEnumerable<OrphanProcess> orphans, CancellationToken ct)
    {
        var list = orphans.ToList();
        foreach (var o in list) ProcessInfo.Signal(o.Pid, ProcessInfo.SigTerm);
        var deadline = Now + TimeSpan.FromSeconds(sessions.Config.Executor.KillGraceSeconds);
        while (Now < deadline && list.Any(o => ProcessInfo.StartTime(o.Pid) is not null)) await Task.Delay(50, ct);
        foreach (var o in list) ProcessInfo.Signal(o.Pid, ProcessInfo.SigKill);
    }

    /// <summary>
    /// Processes on a host tagged with one of this store's sessions that is not running there (orphans --host NAME);
    /// their pids are the host's.
    /// </summary>
    public async Task<IReadOnlyList<OrphanProcess>> FindHostOrphansAsync(string hostName, CancellationToken ct)
    {
        var executor = new SshExecutor(sessions.Hosts.ConfigFor(hostName));
        var byId = (await sessions.Reconciler.ListAsync(pump: false, ct, summaries: true))
            .Where(e => e.Meta is not null).ToDictionary(e => e.Id, e => e.Meta!);
        var ours = SshExecutor.StoreTag(Store.Root);
        var orphans = new List<OrphanProcess>();
        foreach (var (pid, sid, store, cmd) in await executor.TaggedAsync(ct))
        {
            byId.TryGetValue(sid, out var m);
            if (store is null ? m is null : store != ours) continue; // another project's, or another machine's
            if (m is { Status: SessionStatus.Running or SessionStatus.Pending } && m.Host?.Name == hostName) continue;
            var reason = m is null ? "its session no longer exists" : $"its session is {m.Status.ToWire()}";
            orphans.Add(new OrphanProcess(pid, sid, reason, cmd));
        }
        return orphans.OrderBy(o => o.Pid).ToList();
    }

    /// <summary>Stops orphan processes on a host (SIGTERM, the grace, SIGKILL).</summary>
    public Task KillHostOrphansAsync(string hostName, IEnumerable<OrphanProcess> orphans, CancellationToken ct)
        => new SshExecutor(sessions.Hosts.ConfigFor(hostName))
            .KillTaggedAsync(orphans.Select(o => (o.Pid, o.SessionId)), sessions.Config.Executor.KillGraceSeconds, ct);
}
