using System.Globalization;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Events;
using Zwarm.Core.Hosts;
using Zwarm.Core.Isolation;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>
/// The session lifecycle over the store (SPEC §3), the one door every interface goes through: start detached, continue,
/// kill, delete, clean, wait, orphans, limits, and reconciliation of sessions whose process is gone. It holds what the
/// rules share (store, configuration, agents, clock, event log) and hands each call to the type that owns the rule; see
/// docs/architecture.md for the map.
/// </summary>
public sealed class SessionManager
{
    private readonly TimeProvider _time;

    /// <summary>Creates a manager over a store.</summary>
    public SessionManager(FileSessionStore store, ZwarmConfig config, AgentRegistry agents, SupervisorCommand? supervisor,
        TimeProvider? time = null)
    {
        Store = store;
        Config = config;
        Agents = agents;
        Supervisor = supervisor;
        _time = time ?? TimeProvider.System;
        HookSink = supervisor is null ? null : new DetachedHookSink(supervisor);
        Settings = new SessionConfigs(store, config);
        Queue = new LaunchQueue(this);
        Finalizer = new TurnFinalizer(this);
        RateLimits = new RateLimitParking(this);
        Budget = new SessionBudget(this);
        Terminator = new ProcessTerminator(this);
        Reconciler = new SessionReconciler(this);
        Isolation = new WorktreeIsolation(this);
        Derived = new DerivedSessions(this);
        Removal = new SessionRemoval(this);
        Hosts = new HostTurns(this);
        Attention = new AttentionRules(this);
    }

    /// <summary>The session store.</summary>
    public FileSessionStore Store { get; }

    /// <summary>Effective configuration.</summary>
    public ZwarmConfig Config { get; }

    /// <summary>Adapters and models.</summary>
    public AgentRegistry Agents { get; }

    /// <summary>How turn wrappers call back into zwarm; null = reconciliation only.</summary>
    public SupervisorCommand? Supervisor { get; }

    /// <summary>The nesting of the sessions this manager starts (<see cref="SessionNesting"/>): this process's by default.</summary>
    public int Nesting { get; set; } = SessionNesting.OfThisProcess();

    internal DateTimeOffset Now => _time.GetLocalNow();

    internal SessionConfigs Settings { get; }
    internal LaunchQueue Queue { get; }
    internal TurnFinalizer Finalizer { get; }
    internal RateLimitParking RateLimits { get; }
    internal SessionBudget Budget { get; }
    internal ProcessTerminator Terminator { get; }
    internal SessionReconciler Reconciler { get; }
    internal WorktreeIsolation Isolation { get; }
    internal DerivedSessions Derived { get; }
    internal SessionRemoval Removal { get; }
    internal HostTurns Hosts { get; }
    internal AttentionRules Attention { get; }

    // ── Events: the log every rule above writes to, and the hooks it fires ──

    /// <summary>.zwarm/events.jsonl.</summary>
    public EventLog Events => field ??= new EventLog(Store.Root, Config.Events.MaxBytes, Config.Events.Keep);

    /// <summary>Where hooks go: a detached <c>zwarm _hooks</c> when zwarm can call itself; null = no hooks.</summary>
    public IHookSink? HookSink { get; set; }

    /// <summary>
    /// Writes an event about <paramref name="m"/> (as it is now) to the event log and fires its hooks. Never throws for
    /// an I/O problem: bookkeeping of a session must not fail because its log line could not be written.
    /// </summary>
    public ZwarmEvent? RecordEvent(SessionMeta m, string @event, string? reason = null)
        => Record(ZwarmEvent.For(m, @event, reason, Now, CostOf(m)), m);

    /// <summary>Writes an event that is not about one session (e.g. an orchestrator instance over its budget).</summary>
    public ZwarmEvent? RecordEvent(ZwarmEvent e) => Record(e with { Ts = e.Ts == default ? Now : e.Ts }, null);

    private ZwarmEvent? Record(ZwarmEvent e, SessionMeta? m)
    {
        try
        {
            Events.Append(e);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (HookSink is { } sink && HookMatch.For(Config, e.Event).Count > 0)
            sink.Fire(e, HookContext.For(m, Config.ProjectDir, Store.Root));
        return e;
    }

    // ── Start, queue, pump (LaunchQueue, RateLimitParking) ──

    /// <summary>Starts a new session; returns at once. With executor.max_running reached, the session is queued as pending.</summary>
    public Task<SessionMeta> StartAsync(StartRequest request, CancellationToken ct = default) => Queue.StartAsync(request, ct);

    /// <summary>Sends a follow-up message as a new turn; refused while running or after a kill.</summary>
    public Task<SessionMeta> ContinueAsync(string idOrPrefix, string message, CancellationToken ct = default)
        => Queue.ContinueAsync(idOrPrefix, message, ct);

    /// <summary>Starts queued (pending) sessions, oldest first, while slots are free (each under the limit it was queued with).</summary>
    public Task PumpQueueAsync(CancellationToken ct = default) => Queue.PumpAsync(ct);

    /// <summary>Starts parked (rate-limited) sessions whose time has come; cheap when none is parked.</summary>
    public Task PumpIfDueAsync(CancellationToken ct = default) => RateLimits.PumpIfDueAsync(ct);

    // ── Reading and reconciling (SessionReconciler) ──

    /// <summary>Every session, newest first, after reconciling running ones whose process is gone.</summary>
    public Task<IReadOnlyList<SessionEntry>> ListAsync(CancellationToken ct = default) => Reconciler.ListAsync(pump: true, ct);

    /// <summary>
    /// Like <see cref="ListAsync"/> but reads only what a listing needs: sessions come without messages, turns and
    /// unknown fields (<see cref="SessionMeta.IsSummary"/>), except those reconciled on the way, which are whole.
    /// </summary>
    public Task<IReadOnlyList<SessionEntry>> ListSummariesAsync(CancellationToken ct = default)
        => Reconciler.ListAsync(pump: true, ct, summaries: true);

    /// <summary>One session (full id or unique prefix), reconciled.</summary>
    public Task<SessionMeta> GetAsync(string idOrPrefix, CancellationToken ct = default) => Reconciler.GetAsync(idOrPrefix, ct);

    /// <summary>
    /// Why the last read could not record what it reconciled (e.g. "read-only file system: cannot lock …"); the
    /// sessions it returned are reconciled in memory. Null when every write went through.
    /// </summary>
    public string? WriteProblem { get; internal set; }

    /// <summary>
    /// True while the turn's wrapper process (pid + start time) is alive, or it is still being started, or — the wrapper
    /// killed — an agent process of the turn runs on: a process tagged with the session in the wrapper's (setsid) session.
    /// </summary>
    public bool IsTurnAlive(SessionMeta m) => Reconciler.IsTurnAlive(m);

    /// <summary>Blocks until the sessions leave pending/running (all, or any with <paramref name="any"/>), or the timeout.</summary>
    public Task<WaitResult> WaitAsync(IReadOnlyList<string> idsOrPrefixes, TimeSpan? timeout, bool any = false,
        CancellationToken ct = default)
        => Reconciler.WaitAsync(idsOrPrefixes, timeout, any, ct);

    // ── The end of a turn (TurnFinalizer) ──

    /// <summary>
    /// Records the end of a turn: exit code, parsed reply/tool summaries, usage (per-turn, never double counted),
    /// agent session id and the final status. Idempotent: does nothing unless the session is running that turn.
    /// A timed-out turn leaves no process tagged with the session alive.
    /// </summary>
    public Task<SessionMeta?> FinalizeTurnAsync(string id, int turn, CancellationToken ct = default)
        => Finalizer.FinalizeAsync(id, turn, unsavedOk: false, ct);

    /// <summary>The trajectory of a session across turns, parsed streaming from the turn files.</summary>
    public Task<IReadOnlyList<TrajectoryStep>> TrajectoryAsync(SessionMeta meta, CancellationToken ct = default)
        => Transcripts.TrajectoryAsync(meta, ct);

    /// <summary>What the turn files hold: trajectory, current activity, replies of the running turn.</summary>
    public Transcripts Transcripts => field ??= new Transcripts(Store, Agents);

    // ── Budget (SessionBudget) ──

    /// <summary>How a session is over its token or cost budget ("used 1,200 tokens of 1,000 (executor.token_budget)"), or null.</summary>
    public string? OverBudget(SessionMeta m) => Budget.OverBudget(m);

    /// <summary>USD: reported by the agent, else estimated from the registry price; null when unknown.</summary>
    public double? CostOf(SessionMeta m) => Budget.CostOf(m);

    /// <summary>Dollars with cents, and more digits only when they matter ($0.00012).</summary>
    public static string Usd(double v) => SessionBudget.Usd(v);

    // ── Kill and orphans (ProcessTerminator) ──

    /// <summary>SIGTERM to the session's process group and every process tagged with it, a grace period, then SIGKILL.</summary>
    public Task<KillResult> KillAsync(string idOrPrefix, CancellationToken ct = default) => Terminator.KillAsync(idOrPrefix, ct);

    /// <summary>Kills every running or queued session.</summary>
    public Task<IReadOnlyList<KillResult>> KillAllAsync(CancellationToken ct = default) => Terminator.KillAllAsync(ct);

    /// <summary>
    /// Processes recorded in the store (pid + start time) or tagged with a session id, alive while that session is not running.
    /// </summary>
    public Task<IReadOnlyList<OrphanProcess>> FindOrphansAsync(CancellationToken ct = default) => Terminator.FindOrphansAsync(ct);

    /// <summary>Terminates orphan processes (SIGTERM, grace, SIGKILL).</summary>
    public Task KillOrphansAsync(IEnumerable<OrphanProcess> orphans, CancellationToken ct = default)
        => Terminator.KillOrphansAsync(orphans, ct);

    /// <summary>
    /// Processes on a host tagged with one of this store's sessions that is not running there (orphans --host NAME);
    /// their pids are the host's.
    /// </summary>
    public Task<IReadOnlyList<OrphanProcess>> FindHostOrphansAsync(string hostName, CancellationToken ct = default)
        => Terminator.FindHostOrphansAsync(hostName, ct);

    /// <summary>Stops orphan processes on a host (SIGTERM, the grace, SIGKILL).</summary>
    public Task KillHostOrphansAsync(string hostName, IEnumerable<OrphanProcess> orphans, CancellationToken ct = default)
        => Terminator.KillHostOrphansAsync(hostName, orphans, ct);

    // ── Removal (SessionRemoval) ──

    /// <summary>Kills the session if it is running, then removes its folder (a worktree's unmerged branch is kept).</summary>
    public async Task<SessionMeta> DeleteAsync(string idOrPrefix, CancellationToken ct = default)
        => (await Removal.DeleteAsync(idOrPrefix, force: false, ct)).Session;

    /// <summary>
    /// Kills the session if running, frees its worktree (keeping an unmerged branch unless <paramref name="force"/>),
    /// then removes its folder.
    /// </summary>
    public Task<DeleteResult> DeleteAsync(string idOrPrefix, bool force, CancellationToken ct = default)
        => Removal.DeleteAsync(idOrPrefix, force, ct);

    /// <summary>Finished sessions last updated more than <paramref name="keepDays"/> days ago.</summary>
    public Task<IReadOnlyList<SessionMeta>> CleanCandidatesAsync(double keepDays, CancellationToken ct = default)
        => Removal.CleanCandidatesAsync(keepDays, ct);

    /// <summary>Leftovers of interrupted commands (spawn, rm, a write) untouched for a minute, for `clean` to sweep.</summary>
    public IReadOnlyList<Debris> FindDebris() => Removal.FindDebris();

    // ── Worktrees (WorktreeIsolation) and sessions made from others (DerivedSessions) ──

    /// <summary>Checkpoints whatever the worktree holds now as part of the session's current turn and records it.</summary>
    public Task<SessionMeta> CheckpointNowAsync(SessionMeta m, CancellationToken ct = default) => Isolation.CheckpointNowAsync(m, ct);

    /// <summary>
    /// The session's changes: base..branch plus uncommitted work, or with <paramref name="turn"/> that turn's checkpoint
    /// against the previous one.
    /// </summary>
    public Task<DiffResult> DiffAsync(SessionMeta m, int? turn, bool patch, CancellationToken ct = default)
        => Isolation.DiffAsync(m, turn, patch, ct);

    /// <summary>"+12 −3 in 4 files" for a worktree session (null otherwise, or when git cannot tell).</summary>
    public Task<string?> ChangeSummaryAsync(SessionMeta m, CancellationToken ct = default) => Isolation.ChangeSummaryAsync(m, ct);

    /// <summary>
    /// Files at risk of conflicting among the unmerged worktree sessions (all sessions of the store when none are given).
    /// </summary>
    public Task<IReadOnlyList<FileConflict>> ConflictsAsync(IEnumerable<SessionMeta>? sessions = null, CancellationToken ct = default)
        => Isolation.ConflictsAsync(sessions, ct);

    /// <summary>
    /// Merges a finished session's branch into <paramref name="into"/> (default: the branch checked out in the main worktree).
    /// Uncommitted work in its worktree is checkpointed first. On a conflict nothing changes and the outcome lists the files.
    /// </summary>
    public Task<MergeResult> MergeAsync(string idOrPrefix, MergeStrategy strategy, string? into, string? message,
        CancellationToken ct = default)
        => Isolation.MergeAsync(idOrPrefix, strategy, into, message, ct);

    /// <summary>Removes a finished session's worktree and deletes its branch; the session record stays, marked discarded.</summary>
    public Task<SessionMeta> DiscardAsync(string idOrPrefix, CancellationToken ct = default) => Isolation.DiscardAsync(idOrPrefix, ct);

    /// <summary>
    /// Starts a new session from turn <paramref name="turn"/> (default: the latest) of another: its own worktree at that turn's
    /// checkpoint, the conversation forked natively when the turn is the latest, replayed otherwise. The original is untouched.
    /// </summary>
    public Task<SessionMeta> ForkAsync(string idOrPrefix, string? message, int? turn, CancellationToken ct = default)
        => Derived.ForkAsync(idOrPrefix, message, turn, ct);

    /// <summary>Starts a read-only session in the worktree of <paramref name="idOrPrefix"/> whose task is to review its diff.</summary>
    public Task<SessionMeta> ReviewAsync(string idOrPrefix, string? adapter, string? model, CancellationToken ct = default)
        => Derived.ReviewAsync(idOrPrefix, adapter, model, ct);

    /// <summary>Sessions reviewing <paramref name="id"/>, oldest first.</summary>
    public Task<IReadOnlyList<SessionMeta>> ReviewsOfAsync(string id, CancellationToken ct = default) => Derived.ReviewsOfAsync(id, ct);

    // ── Remote hosts (HostTurns) ──

    /// <summary>error_kind of a session whose host could not be reached for longer than its lost_after.</summary>
    public const string HostUnreachableKind = HostTurns.UnreachableKind;

    /// <summary>Every configured host probed at once: reachability, load, agent versions, running sessions, free slots.</summary>
    public Task<IReadOnlyList<HostStatus>> ProbeHostsAsync(CancellationToken ct = default) => Hosts.ProbeAsync(ct);

    /// <summary>One host's status (`zwarm hosts check NAME`).</summary>
    public Task<HostStatus> CheckHostAsync(string name, CancellationToken ct = default) => Hosts.CheckAsync(name, ct);

    /// <summary>"host gpu1 unreachable since 12:00:03" while the follower of a running remote turn cannot reach it, else null.</summary>
    public string? HostNote(SessionMeta m) => Hosts.Note(m);

    // ── Attention (AttentionRules) ──

    /// <summary>
    /// Whether a person should look at the session: waiting out a rate limit, or finished since it was last seen
    /// (peek, show) — failed, rate-limited, over budget, or just done. Null when it needs nobody.
    /// </summary>
    public AttentionNeed? AttentionOf(SessionMeta m) => Attention.Of(m);

    /// <summary>The sessions that need attention, most urgent first, then newest.</summary>
    public static IReadOnlyList<(SessionMeta Session, AttentionNeed Attention)> NeedingAttention(
        IEnumerable<SessionMeta> sessions, Func<SessionMeta, AttentionNeed?> attentionOf)
        => AttentionRules.Needing(sessions, attentionOf);

    /// <summary>Records that a person looked at a finished session (peek, show); the time it was seen is kept in meta.json.</summary>
    public Task<SessionMeta> MarkSeenAsync(SessionMeta meta, CancellationToken ct = default) => Attention.MarkSeenAsync(meta, ct);

    // ── Shared vocabulary of the rules ──

    /// <summary>A time as the lifecycle's messages show it (local HH:mm:ss).</summary>
    internal static string Clock(DateTimeOffset t) => t.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A conversation message of turn <paramref name="turn"/>.</summary>
    internal static SessionMessage Message(string role, string content, int turn, DateTimeOffset? at = null) => new()
    {
        Role = role,
        Content = content,
        Timestamp = at ?? DateTimeOffset.Now,
        Metadata = new() { ["turn"] = System.Text.Json.JsonSerializer.SerializeToElement(turn, SessionJsonContext.Default.Int32) },
    };

    /// <summary>A deep copy of a session record.</summary>
    internal static SessionMeta Clone(SessionMeta m) => SessionJson.Deserialize(SessionJson.Serialize(m));
}
