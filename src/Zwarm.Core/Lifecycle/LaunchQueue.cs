using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Events;
using Zwarm.Core.Hosts;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>
/// Start, queue, pump: a new session or follow-up turn is written as pending, started at once when a slot is free
/// (executor.max_running, a host's max_running, no adapter rate limit in force), otherwise left queued with its reason;
/// queued sessions start oldest first as slots free up.
/// </summary>
internal sealed class LaunchQueue(SessionManager sessions)
{
    /// <summary>The start of the queue reason of a session waiting for a free slot.</summary>
    private const string PoolFullReason = "waiting for a free slot";

    private FileSessionStore Store => sessions.Store;
    private ZwarmConfig Config => sessions.Config;
    private AgentRegistry Agents => sessions.Agents;
    private DateTimeOffset Now => sessions.Now;

    /// <summary>Starts a new session; returns at once. With executor.max_running reached, the session is queued as pending.</summary>
    public async Task<SessionMeta> StartAsync(StartRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Task)) throw new ZwarmException("the task is empty", ExitCodes.Usage);
        SessionNesting.Check(sessions.Nesting, Config.Executor.MaxDepth);
        var (adapter, model) = Agents.Choose(request.Adapter, request.Model, Config, request.ForceModel);
        var host = request.Host is { } wanted ? await sessions.Hosts.ResolveAsync(wanted, ct) : null;
        string dir;
        if (host is null)
        {
            dir = Path.GetFullPath(request.WorkingDir ?? Config.ProjectDir);
            if (!Directory.Exists(dir)) throw new ZwarmException($"working directory does not exist: {dir}");
        }
        else dir = HostTurns.RemoteWorkingDir(host, request);
        var now = Now;
        var meta = new SessionMeta
        {
            Id = SessionIds.New(),
            Task = request.Task,
            Status = SessionStatus.Pending,
            WorkingDir = dir,
            CreatedAt = now,
            UpdatedAt = now,
            Model = model,
            Turn = 1,
            Source = request.Source,
            Adapter = adapter.Name,
            Messages = [SessionManager.Message("user", request.Task, 1)],
            Settings = sessions.Settings.Current(),
            Host = host is null ? null : new HostInfo { Name = host.Name },
            Nesting = sessions.Nesting,
        };
        // Build the command first: a bad setting, a missing binary or a task too long for one argument changes nothing on disk.
        ArgumentLimit.Check(adapter.BuildCommand(new TurnRequest
        {
            Session = meta, Turn = 1, Prompt = request.LaunchPrompt ?? request.Task, Config = Config,
            ForkFrom = request.ForkOf?.AgentSessionId, Executable = host?.AgentCommand(adapter.Name),
        }), "task");
        await sessions.Isolation.PrepareAsync(meta, request, ct);
        try
        {
            await Store.CreateAsync(meta, ct);
        }
        catch when (meta.Worktree is { } wt)
        {
            await Isolation.Worktrees.RemoveAsync(wt, deleteBranch: true, CancellationToken.None);
            throw;
        }
        sessions.RecordEvent(meta, EventNames.Created);
        return await TryLaunchAsync(meta.Id, ct);
    }

    /// <summary>Sends a follow-up message as a new turn; refused while running or after a kill.</summary>
    public async Task<SessionMeta> ContinueAsync(string idOrPrefix, string message, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(message)) throw new ZwarmException("the message is empty", ExitCodes.Usage);
        var id = Store.Resolve(idOrPrefix);
        var current = await sessions.GetAsync(id, ct);
        CheckContinuable(current);
        if (current.Worktree is { } wt) await Isolation.Worktrees.EnsureAsync(wt, ct);
        var adapter = Agents.Get(current.Adapter);
        var turn = current.Turn + 1;
        // A session Python zwarm finished has no agent_session_id (and only the agent's output in messages): the turn files have it.
        var (recovered, recoveredLatest) = string.IsNullOrWhiteSpace(current.AgentSessionId)
            ? await AgentSessionIds.RecoverAsync(adapter, Store, current, ct)
            : (null, null);
        Repair(current, recovered, recoveredLatest);
        ArgumentLimit.Check(
            adapter.BuildCommand(new TurnRequest
            {
                Session = current, Turn = turn, Prompt = message, Config = Config, Executable = sessions.Hosts.RemoteAgent(current),
            }),
            current.AgentSessionId is null ? "follow-up (the message with the conversation replayed in front of it)" : "message");
        SessionMeta? before = null;
        var continued = await Store.UpdateAsync(id, m =>
        {
            CheckContinuable(m);
            Repair(m, recovered, recoveredLatest);
            before = SessionManager.Clone(m);
            m.Turn = turn;
            m.Messages.Add(SessionManager.Message("user", message, turn));
            m.Status = SessionStatus.Pending;
            m.Error = null;
            m.ExitCode = null;
            // The previous turn's wrapper is not this turn's: a pending session has no process until it is started.
            m.Pid = null;
            m.PidStartTime = null;
            m.Settings = sessions.Settings.Current();
            m.UpdatedAt = Now;
            m.TurnRecordFor(turn).Resume = m.AgentSessionId is null ? "replay" : "native";
            m.ErrorKind = null;
            m.RetryAt = null;
            m.RateLimitRetries = 0;
            return true;
        }, ct);
        sessions.RecordEvent(continued, EventNames.Resumed, $"follow-up turn {turn}");
        return await TryLaunchAsync(id, ct, before, message);
    }

    /// <summary>Fills in a recovered agent session id, and puts the task back in front of a conversation that lost it.</summary>
    private static void Repair(SessionMeta m, string? agentSessionId, string? latest)
    {
        if (agentSessionId is not null && string.IsNullOrWhiteSpace(m.AgentSessionId))
        {
            m.AgentSessionId = agentSessionId;
            m.AgentSessionIdLatest ??= latest;
        }
        if (m.Task.Length > 0 && (m.Messages.Count == 0 || m.Messages[0].Role != "user"))
            m.Messages.Insert(0, SessionManager.Message("user", m.Task, 1, m.CreatedAt));
    }

    private void CheckContinuable(SessionMeta m)
    {
        if (m.Status is SessionStatus.Running or SessionStatus.Pending)
            throw new SessionRefusedException(m.ShortId, Refusal.Busy, $"is still {m.Status.ToWire()}",
                $"wait for it (zwarm wait {m.ShortId}) or kill it first");
        if (m.Status is SessionStatus.Killed)
            throw new SessionRefusedException(m.ShortId, Refusal.Killed, "was killed", "start a new session instead");
        if (sessions.Budget.OverBudget(m) is { } over)
            throw new SessionRefusedException(m.ShortId, Refusal.OverBudget, over, "no further turns");
    }

    /// <summary>Starts the current turn of a pending session if a slot is free; leaves it queued otherwise.</summary>
    public async Task<SessionMeta> TryLaunchAsync(string id, CancellationToken ct, SessionMeta? before = null, string? prompt = null)
    {
        var reserved = false;
        var retry = false;
        // The session's own settings decide its limit and its command, whichever zwarm process starts it.
        var config = await sessions.Settings.ForAsync(await Store.GetAsync(id, ct), ct);
        await using (await FileLock.AcquireAsync(Path.Combine(Store.SessionsDir, ".start.lock"), FileSessionStore.LockTimeout, ct))
        {
            if (await QueueReasonAsync(id, config, ct) is { } wait)
            {
                var changed = false;
                var queued = await Store.UpdateAsync(id, m =>
                {
                    if (m.Status != SessionStatus.Pending || m.QueuedReason == wait) return false;
                    changed = true;
                    m.QueuedReason = wait;
                    return true;
                }, ct);
                if (changed) sessions.RecordEvent(queued, EventNames.Queued, wait);
                return queued;
            }
            await Store.UpdateAsync(id, m =>
            {
                if (m.Status != SessionStatus.Pending) return false;
                retry = m.RetryAt is not null;
                m.QueuedReason = null;
                m.RetryAt = null;
                if (retry) m.Error = null;
                m.Status = SessionStatus.Running;
                m.Pid = null;
                m.PidStartTime = null;
                m.LauncherPid = Environment.ProcessId;
                m.LauncherStartTime = ProcessInfo.StartTime(Environment.ProcessId);
                m.UpdatedAt = Now;
                var rec = m.TurnRecordFor(m.Turn);
                rec.StartedAt = Now;
                rec.TimeoutSeconds = config.Executor.TimeoutSeconds;
                reserved = true;
                return true;
            }, ct);
        }
        var meta = await Store.GetAsync(id, ct);
        if (!reserved) return meta;
        if (retry)
        {
            var resume = meta.TurnRecordFor(meta.Turn).Resume ?? "native";
            sessions.RecordEvent(meta, EventNames.Resumed, $"retrying after the rate limit (turn {meta.Turn}, {resume} resume)");
        }
        try
        {
            var snapshot = before ?? meta;
            var turnPrompt = prompt ?? (meta.Turn == 1
                ? meta.LaunchPrompt ?? meta.Task
                : meta.Messages.LastOrDefault(m => m.Role == "user")?.Content ?? meta.Task);
            var adapter = Agents.Get(meta.Adapter);
            var command = adapter.BuildCommand(new TurnRequest
            {
                Session = snapshot, Turn = meta.Turn, Prompt = turnPrompt, Config = config,
                ForkFrom = meta.Turn == 1 ? meta.ForkOf?.AgentSessionId : null,
                Executable = sessions.Hosts.RemoteAgent(meta),
            });
            command = command with { Environment = SessionNesting.WithDepth(command.Environment, meta.Nesting) };
            var turnStart = new TurnStart(meta, Store.SessionDir(id), meta.Turn, command,
                config.Executor.TimeoutSeconds, config.Executor.KillGraceSeconds, sessions.Supervisor);
            var (pid, start, remote) = await sessions.Hosts.ExecutorFor(meta).StartAsync(turnStart, ct);
            var started = await Store.UpdateAsync(id, m =>
            {
                if (m.Status != SessionStatus.Running || m.Turn != meta.Turn) return false;
                m.Pid = pid;
                m.PidStartTime = start;
                if (remote is not null) m.Host = remote;
                m.LauncherPid = null;
                m.LauncherStartTime = null;
                var rec = m.TurnRecordFor(m.Turn);
                rec.Pid = pid;
                rec.PidStartTime = start;
                return true;
            }, ct);
            sessions.RecordEvent(started, EventNames.Started, $"turn {started.Turn}");
            return started;
        }
        catch (Exception ex) when (ex is ZwarmException or System.ComponentModel.Win32Exception or IOException)
        {
            var failed = await Store.UpdateAsync(id, m =>
            {
                m.Status = SessionStatus.Failed;
                m.Error = $"could not start the agent: {ex.Message}";
                m.UpdatedAt = Now;
                return true;
            }, ct);
            sessions.RecordEvent(failed, EventNames.Failed, failed.Error);
            throw ex as ZwarmException ?? new ZwarmException($"could not start the agent: {ex.Message}", ExitCodes.Failure, ex);
        }
    }

    /// <summary>Why a pending session may not start now (its own rate limit, its adapter's, a full pool), or null.</summary>
    private async Task<string?> QueueReasonAsync(string id, ZwarmConfig config, CancellationToken ct)
    {
        var self = await Store.GetAsync(id, ct);
        var now = Now;
        if (self.RetryAt is { } own && own > now) return $"rate limited until {SessionManager.Clock(own)}";
        var limit = config.Executor.MaxRunning;
        var host = self.Host?.Name;
        if (host is not null) limit = config.Hosts.TryGetValue(host, out var hc) ? hc.MaxRunning : 0;
        var parked = config.Executor.OnRateLimit == "wait";
        if (limit <= 0 && !parked) return null;
        var entries = await sessions.Reconciler.ListAsync(pump: false, ct, summaries: true);
        // No new session of an adapter starts while another of its sessions waits out a rate limit.
        var until = entries.Select(e => e.Meta)
            .Where(m => m is { Status: SessionStatus.Pending } && m.Id != id && m.Adapter == self.Adapter && m.RetryAt > now)
            .Max(m => m!.RetryAt);
        if (until is { } u) return $"{self.Adapter} is rate limited until {SessionManager.Clock(u)}";
        // executor.max_running counts this machine's sessions; a host's max_running counts that host's.
        if (limit > 0 && entries.Count(e => e.Meta is { Status: SessionStatus.Running } m && m.Host?.Name == host) >= limit)
            return $"{PoolFullReason} ({(host is null ? "executor" : $"hosts.{host}")}.max_running = {limit})";
        return null;
    }

    /// <summary>Starts queued (pending) sessions, oldest first, while slots are free (each under the limit it was queued with).</summary>
    public async Task PumpAsync(CancellationToken ct)
    {
        var entries = await Store.ListAsync(summaries: true, ct);
        // Sessions queued with the same settings share a limit: once one of them stays queued, the rest would too.
        var full = new HashSet<string>(StringComparer.Ordinal);
        var now = Now;
        var due = entries.Where(e => e.Meta?.Status == SessionStatus.Pending && !(e.Meta.RetryAt > now)).OrderBy(e => e.Meta!.UpdatedAt);
        foreach (var e in due)
        {
            var key = SessionConfigs.Key(e.Meta!.Settings);
            if (full.Contains(key)) continue;
            try
            {
                // Only a full pool stops the others; a session held back by its adapter's rate limit does not.
                var after = await TryLaunchAsync(e.Id, ct);
                if (after.Status == SessionStatus.Pending
                    && after.QueuedReason?.StartsWith(PoolFullReason, StringComparison.Ordinal) == true)
                    full.Add(key);
            }
            catch (ZwarmException) { /* recorded on the session */ }
        }
    }
}
