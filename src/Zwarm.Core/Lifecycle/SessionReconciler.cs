using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

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

/// <summary>
/// The store against the processes: every read brings a running session up to date — a turn whose process is gone is
/// finalised, a remote one re-followed or marked lost — and starts what the queue can; waiting polls the same way.
/// </summary>
internal sealed class SessionReconciler(SessionManager sessions)
{
    /// <summary>How long a running session may have no recorded pid before it counts as vanished (start in progress).</summary>
    private static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(30);

    private FileSessionStore Store => sessions.Store;
    private DateTimeOffset Now => sessions.Now;

    /// <summary>Every session, newest first, reconciled; with <paramref name="pump"/>, queued sessions start if they can.</summary>
    public async Task<IReadOnlyList<SessionEntry>> ListAsync(bool pump, CancellationToken ct, bool summaries = false)
    {
        var entries = (await Store.ListAsync(summaries, ct)).ToList();
        var changed = false;
        for (var i = 0; i < entries.Count; i++)
        {
            var m = entries[i].Meta;
            if (m is null || !NeedsReconcile(m)) continue;
            var (updated, ended) = await ReconcileAsync(m, ct);
            if (updated is not null) entries[i] = entries[i] with { Meta = updated };
            changed |= ended;
        }
        if (pump && sessions.WriteProblem is null && (changed || entries.Any(e => e.Meta is { Status: SessionStatus.Pending })))
        {
            try
            {
                await sessions.Queue.PumpAsync(ct);
                if (entries.Any(e => e.Meta?.Status == SessionStatus.Pending)) entries = (await Store.ListAsync(summaries, ct)).ToList();
            }
            catch (StoreWriteException ex)
            {
                sessions.WriteProblem = ex.Message;
            }
        }
        return entries;
    }

    /// <summary>One session (full id or unique prefix), reconciled.</summary>
    public async Task<SessionMeta> GetAsync(string idOrPrefix, CancellationToken ct)
    {
        var meta = await Store.GetAsync(idOrPrefix, ct);
        if (NeedsReconcile(meta)) meta = (await ReconcileAsync(meta, ct)).Meta ?? meta;
        return meta;
    }

    /// <summary>A running session, or one marked lost with its host (it may have come back).</summary>
    private static bool NeedsReconcile(SessionMeta m)
        => m.Status == SessionStatus.Running
           || (m.Status == SessionStatus.Failed && m.ErrorKind == HostTurns.UnreachableKind && m.Host is not null);

    /// <summary>
    /// Brings one session up to date with its processes: a remote turn whose follower is gone gets a new one, a host out
    /// of reach too long marks it lost, a turn whose process is gone is finalised. Ended: the session left running.
    /// </summary>
    private async Task<(SessionMeta? Meta, bool Ended)> ReconcileAsync(SessionMeta m, CancellationToken ct)
    {
        if (m.Host is not null && m.Pid is not null)
        {
            if (sessions.Hosts.LostButOver(m)) return (await sessions.Finalizer.FinalizeAsync(m.Id, m.Turn, unsavedOk: true, ct), true);
            var followed = ProcessInfo.IsAlive(m.Pid, m.PidStartTime);
            if (!followed && await sessions.Hosts.ReattachAsync(m, ct) is { } reattached) return (reattached, false);
            if (m.Status != SessionStatus.Running) return (null, false);
            if (sessions.Hosts.Lost(m)) return (await sessions.Hosts.MarkLostAsync(m, ct), true);
            if (followed) return (null, false);
        }
        if (m.Status != SessionStatus.Running || IsTurnAlive(m)) return (null, false);
        // A turn that has just started is looked at once more a moment later: a process caught in the middle of exec (the
        // wrapper's setsid → sh, or sh → the agent) can show no environment, so no tag, for an instant. Older turns have
        // no exec in flight, so reading a store full of long-gone turns is not slowed down.
        if (Now - m.UpdatedAt < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(VanishConfirm, ct);
            if (IsTurnAlive(m)) return (null, false);
        }
        return (await sessions.Finalizer.FinalizeAsync(m.Id, m.Turn, unsavedOk: true, ct), true);
    }

    /// <summary>How long after a turn first looks gone it is looked at again before it is finalised.</summary>
    private static readonly TimeSpan VanishConfirm = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// True while the turn's wrapper process (pid + start time) is alive, or it is still being started, or — the wrapper
    /// killed — an agent process of the turn runs on: a process tagged with the session in the wrapper's (setsid) session.
    /// </summary>
    public bool IsTurnAlive(SessionMeta m)
    {
        if (m.Pid is null)
        {
            // Being started: alive while the starting zwarm is, or once its agent runs (it died after the fork).
            if (m.LauncherPid is { } launcher && m.LauncherStartTime is not null)
                return ProcessInfo.IsAlive(launcher, m.LauncherStartTime) || ProcessInfo.Tagged().Any(t => t.SessionId == m.Id);
            return Now - m.UpdatedAt < StartGrace;
        }
        if (m.Host is not null) return ProcessInfo.IsAlive(m.Pid, m.PidStartTime) && !sessions.Hosts.Lost(m);
        if (ProcessInfo.IsAlive(m.Pid, m.PidStartTime)) return true;
        // The wrapper killed: its agent may run on. A process in the middle of exec can show an empty environment (so no
        // tag) for an instant; its session id (the wrapper's pid, setsid) is always there, so that counts too.
        return m.PidStartTime is not null && (AgentProcesses(m.Id, m.Pid.Value).Count > 0 || ProcessInfo.SessionAlive(m.Pid.Value));
    }

    /// <summary>Live processes tagged with the session in the (setsid) session of wrapper <paramref name="wrapperPid"/>.</summary>
    private static List<int> AgentProcesses(string id, int wrapperPid)
        => ProcessInfo.Tagged().Where(t => t.SessionId == id && ProcessInfo.SessionOf(t.Pid) == wrapperPid).Select(t => t.Pid).ToList();

    /// <summary>Blocks until the sessions leave pending/running (all, or any with <paramref name="any"/>), or the timeout.</summary>
    public async Task<WaitResult> WaitAsync(IReadOnlyList<string> idsOrPrefixes, TimeSpan? timeout, bool any, CancellationToken ct)
    {
        var ids = idsOrPrefixes.Select(Store.Resolve).Distinct().ToList();
        var deadline = timeout is { } t ? Now + t : DateTimeOffset.MaxValue;
        while (true)
        {
            var metas = new List<SessionMeta>();
            foreach (var id in ids) metas.Add(await GetAsync(id, ct));
            var done = metas.Count(m => m.Status.IsFinished());
            if (done == metas.Count || (any && done > 0))
            {
                // The finaliser writes the turn's event under the session's lock, after meta.json: settle on it.
                foreach (var m in metas.Where(m => m.Status.IsFinished())) await Store.SettledAsync(m.Id, ct);
                return new WaitResult(metas, false, any);
            }
            if (Now >= deadline) return new WaitResult(metas, true, any);
            if (metas.Any(m => m.Status == SessionStatus.Pending)) await sessions.Queue.PumpAsync(ct);
            await Task.Delay(150, ct);
        }
    }
}
