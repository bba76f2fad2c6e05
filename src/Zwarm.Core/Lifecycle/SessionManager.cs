using System.Globalization;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Events;
using Zwarm.Core.Hosts;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>What to start.</summary>
public sealed record StartRequest(string Task)
{
    /// <summary>codex | claude; null = inferred from the model or config.</summary>
    public string? Adapter { get; init; }

    /// <summary>Model name or alias; null = config/adapter default.</summary>
    public string? Model { get; init; }

    /// <summary>Working directory; null = the project directory.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>"user" or "orchestrator:&lt;instance id&gt;".</summary>
    public string Source { get; init; } = "user";

    /// <summary>Use <see cref="Model"/> as given even when no adapter knows it (--force-model).</summary>
    public bool ForceModel { get; init; }

    /// <summary>true: its own git worktree (spawn --worktree); false: none; null: executor.isolation decides.</summary>
    public bool? Worktree { get; init; }

    /// <summary>What the worktree's branch starts from (default HEAD).</summary>
    public string? BaseRef { get; init; }

    /// <summary>Set by fork: the origin, and the agent session forked natively.</summary>
    public ForkInfo? ForkOf { get; init; }

    /// <summary>Set by review: the session reviewed.</summary>
    public string? ReviewOf { get; init; }

    /// <summary>The agent must not change files (review).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>What turn 1 sends when it differs from the task (a replayed conversation, a review brief).</summary>
    public string? LaunchPrompt { get; init; }

    /// <summary>A [hosts.NAME] to run on over SSH, "auto" for the least loaded host with a free slot; null = this machine.</summary>
    public string? Host { get; init; }
}

/// <summary>
/// The session lifecycle over the store (SPEC §3): start detached, continue, kill, delete, clean, wait, orphans,
/// limits, and reconciliation of sessions whose process is gone. Every interface goes through this.
/// </summary>
public sealed partial class SessionManager
{
    private readonly TimeProvider _time;

    /// <summary>Creates a manager over a store.</summary>
    public SessionManager(FileSessionStore store, ZwarmConfig config, AgentRegistry agents, SupervisorCommand? supervisor, TimeProvider? time = null)
    {
        Store = store;
        Config = config;
        Agents = agents;
        Supervisor = supervisor;
        _time = time ?? TimeProvider.System;
        HookSink = supervisor is null ? null : new DetachedHookSink(supervisor);
    }

    /// <summary>The session store.</summary>
    public FileSessionStore Store { get; }

    /// <summary>Effective configuration.</summary>
    public ZwarmConfig Config { get; }

    /// <summary>Adapters and models.</summary>
    public AgentRegistry Agents { get; }

    /// <summary>How turn wrappers call back into zwarm; null = reconciliation only.</summary>
    public SupervisorCommand? Supervisor { get; }

    private DateTimeOffset Now => _time.GetLocalNow();

    /// <summary>Starts a new session; returns at once. With executor.max_running reached, the session is queued as pending.</summary>
    public async Task<SessionMeta> StartAsync(StartRequest request, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(request.Task)) throw new ZwarmException("the task is empty", 2);
        var (adapter, model) = Agents.Choose(request.Adapter, request.Model, Config, request.ForceModel);
        var host = request.Host is { } wanted ? await ResolveHostAsync(wanted, ct) : null;
        string dir;
        if (host is null)
        {
            dir = Path.GetFullPath(request.WorkingDir ?? Config.ProjectDir);
            if (!Directory.Exists(dir)) throw new ZwarmException($"working directory does not exist: {dir}");
        }
        else dir = RemoteWorkingDir(host, request);
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
            Messages = [Message("user", request.Task, 1)],
            Settings = CurrentSettings(),
            Host = host is null ? null : new HostInfo { Name = host.Name },
        };
        // Build the command first: a bad setting, a missing binary or a task too long for one argument changes nothing on disk.
        ArgumentLimit.Check(adapter.BuildCommand(new TurnRequest { Session = meta, Turn = 1, Prompt = request.LaunchPrompt ?? request.Task, Config = Config, ForkFrom = request.ForkOf?.AgentSessionId, Executable = host?.AgentCommand(adapter.Name) }), "task");
        await PrepareIsolationAsync(meta, request, ct);
        try
        {
            await Store.CreateAsync(meta, ct);
        }
        catch when (meta.Worktree is { } wt)
        {
            await Isolation.Worktrees.RemoveAsync(wt, deleteBranch: true, CancellationToken.None);
            throw;
        }
        RecordEvent(meta, EventNames.Created);
        return await TryLaunchAsync(meta.Id, ct);
    }

    /// <summary>Sends a follow-up message as a new turn; refused while running or after a kill.</summary>
    public async Task<SessionMeta> ContinueAsync(string idOrPrefix, string message, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(message)) throw new ZwarmException("the message is empty", 2);
        var id = Store.Resolve(idOrPrefix);
        var current = await GetAsync(id, ct);
        CheckContinuable(current);
        if (current.Worktree is { } wt) await Isolation.Worktrees.EnsureAsync(wt, ct);
        var adapter = Agents.Get(current.Adapter);
        var turn = current.Turn + 1;
        // A session Python zwarm finished has no agent_session_id (and only the agent's output in messages): the turn files have it.
        var (recovered, recoveredLatest) = string.IsNullOrWhiteSpace(current.AgentSessionId)
            ? await AgentSessionIds.RecoverAsync(adapter, Store, current, ct)
            : (null, null);
        Repair(current, recovered, recoveredLatest);
        ArgumentLimit.Check(adapter.BuildCommand(new TurnRequest { Session = current, Turn = turn, Prompt = message, Config = Config, Executable = RemoteAgent(current) }),
            current.AgentSessionId is null ? "follow-up (the message with the conversation replayed in front of it)" : "message");
        SessionMeta? before = null;
        var continued = await Store.UpdateAsync(id, m =>
        {
            CheckContinuable(m);
            Repair(m, recovered, recoveredLatest);
            before = Clone(m);
            m.Turn = turn;
            m.Messages.Add(Message("user", message, turn));
            m.Status = SessionStatus.Pending;
            m.Error = null;
            m.ExitCode = null;
            // The previous turn's wrapper is not this turn's: a pending session has no process until it is started.
            m.Pid = null;
            m.PidStartTime = null;
            m.Settings = CurrentSettings();
            m.UpdatedAt = Now;
            m.TurnRecordFor(turn).Resume = m.AgentSessionId is null ? "replay" : "native";
            m.ErrorKind = null;
            m.RetryAt = null;
            m.RateLimitRetries = 0;
            return true;
        }, ct);
        RecordEvent(continued, EventNames.Resumed, $"follow-up turn {turn}");
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
            m.Messages.Insert(0, Message("user", m.Task, 1, m.CreatedAt));
    }

    private void CheckContinuable(SessionMeta m)
    {
        if (m.Status is SessionStatus.Running or SessionStatus.Pending)
            throw new ZwarmException($"session {m.ShortId} is still {m.Status.ToWire()}; wait for it (zwarm wait {m.ShortId}) or kill it first");
        if (m.Status is SessionStatus.Killed)
            throw new ZwarmException($"session {m.ShortId} was killed; start a new session instead");
        if (OverBudget(m) is { } over)
            throw new ZwarmException($"session {m.ShortId} {over}; no further turns");
    }

    /// <summary>How a session is over its token or cost budget ("used 1,200 tokens of 1,000 (executor.token_budget)"), or null.</summary>
    public string? OverBudget(SessionMeta m)
    {
        var budget = Config.Executor.TokenBudget;
        if (budget > 0 && m.TotalTokens >= budget)
            return $"used {m.TotalTokens:N0} tokens, over the budget of {budget:N0} (executor.token_budget)";
        var usd = Config.Executor.CostBudgetUsd;
        if (usd > 0 && CostOf(m) is { } cost && cost >= usd)
            return $"cost ${Usd(cost)}, over the budget of ${Usd(usd)} (executor.cost_budget_usd)";
        return null;
    }

    /// <summary>Starts the current turn of a pending session if a slot is free; leaves it queued otherwise.</summary>
    private async Task<SessionMeta> TryLaunchAsync(string id, CancellationToken ct, SessionMeta? before = null, string? prompt = null)
    {
        var reserved = false;
        var retry = false;
        // The session's own settings decide its limit and its command, whichever zwarm process starts it.
        var config = await ConfigForAsync(await Store.GetAsync(id, ct), ct);
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
                if (changed) RecordEvent(queued, EventNames.Queued, wait);
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
        if (retry) RecordEvent(meta, EventNames.Resumed, $"retrying after the rate limit (turn {meta.Turn}, {meta.TurnRecordFor(meta.Turn).Resume ?? "native"} resume)");
        try
        {
            var snapshot = before ?? meta;
            var turnPrompt = prompt ?? (meta.Turn == 1 ? meta.LaunchPrompt ?? meta.Task : meta.Messages.LastOrDefault(m => m.Role == "user")?.Content ?? meta.Task);
            var adapter = Agents.Get(meta.Adapter);
            var command = adapter.BuildCommand(new TurnRequest
            {
                Session = snapshot, Turn = meta.Turn, Prompt = turnPrompt, Config = config, ForkFrom = meta.Turn == 1 ? meta.ForkOf?.AgentSessionId : null,
                Executable = RemoteAgent(meta),
            });
            var (pid, start, remote) = await ExecutorFor(meta).StartAsync(new TurnStart(meta, Store.SessionDir(id), meta.Turn, command,
                config.Executor.TimeoutSeconds, config.Executor.KillGraceSeconds, Supervisor), ct);
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
            RecordEvent(started, EventNames.Started, $"turn {started.Turn}");
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
            RecordEvent(failed, EventNames.Failed, failed.Error);
            throw ex as ZwarmException ?? new ZwarmException($"could not start the agent: {ex.Message}", 1, ex);
        }
    }

    /// <summary>The start of the queue reason of a session waiting for a free slot.</summary>
    private const string PoolFullReason = "waiting for a free slot";

    /// <summary>Why a pending session may not start now (its own rate limit, its adapter's, a full pool), or null.</summary>
    private async Task<string?> QueueReasonAsync(string id, ZwarmConfig config, CancellationToken ct)
    {
        var self = await Store.GetAsync(id, ct);
        var now = Now;
        if (self.RetryAt is { } own && own > now) return $"rate limited until {Clock(own)}";
        var limit = config.Executor.MaxRunning;
        var host = self.Host?.Name;
        if (host is not null) limit = config.Hosts.TryGetValue(host, out var hc) ? hc.MaxRunning : 0;
        var parked = config.Executor.OnRateLimit == "wait";
        if (limit <= 0 && !parked) return null;
        var entries = await ListCoreAsync(pump: false, ct, summaries: true);
        // No new session of an adapter starts while another of its sessions waits out a rate limit.
        var until = entries.Select(e => e.Meta)
            .Where(m => m is { Status: SessionStatus.Pending } && m.Id != id && m.Adapter == self.Adapter && m.RetryAt > now)
            .Max(m => m!.RetryAt);
        if (until is { } u) return $"{self.Adapter} is rate limited until {Clock(u)}";
        // executor.max_running counts this machine's sessions; a host's max_running counts that host's.
        if (limit > 0 && entries.Count(e => e.Meta is { Status: SessionStatus.Running } m && m.Host?.Name == host) >= limit)
            return $"{PoolFullReason} ({(host is null ? "executor" : $"hosts.{host}")}.max_running = {limit})";
        return null;
    }

    /// <summary>Starts queued (pending) sessions, oldest first, while slots are free (each under the limit it was queued with).</summary>
    public async Task PumpQueueAsync(CancellationToken ct = default)
    {
        var entries = await Store.ListAsync(summaries: true, ct);
        // Sessions queued with the same settings share a limit: once one of them stays queued, the rest would too.
        var full = new HashSet<string>(StringComparer.Ordinal);
        var now = Now;
        foreach (var e in entries.Where(e => e.Meta?.Status == SessionStatus.Pending && !(e.Meta.RetryAt > now)).OrderBy(e => e.Meta!.UpdatedAt))
        {
            var key = SettingsKey(e.Meta!.Settings);
            if (full.Contains(key)) continue;
            try
            {
                // Only a full pool stops the others; a session held back by its adapter's rate limit does not.
                var after = await TryLaunchAsync(e.Id, ct);
                if (after.Status == SessionStatus.Pending && after.QueuedReason?.StartsWith(PoolFullReason, StringComparison.Ordinal) == true) full.Add(key);
            }
            catch (ZwarmException) { /* recorded on the session */ }
        }
    }

    private SessionSettings CurrentSettings() => new() { ConfigFile = Config.OverrideFile, Set = [.. Config.OverrideSets] };

    private static string SettingsKey(SessionSettings? s) => s is null ? "" : (s.ConfigFile ?? "") + "\n" + string.Join("\n", s.Set);

    private readonly Dictionary<string, ZwarmConfig> _sessionConfigs = new(StringComparer.Ordinal);

    /// <summary>
    /// The configuration a session's turn was started with: this manager's base layers plus the --config/--set the
    /// session recorded. A session without a record (older, or Python zwarm's) gets this manager's.
    /// </summary>
    internal async Task<ZwarmConfig> ConfigForAsync(SessionMeta meta, CancellationToken ct)
    {
        var s = meta.Settings;
        if (s is null || s.SameAs(Config.OverrideFile, Config.OverrideSets)) return Config;
        var key = SettingsKey(s);
        lock (_sessionConfigs)
            if (_sessionConfigs.TryGetValue(key, out var cached)) return cached;
        ZwarmConfig loaded;
        try
        {
            loaded = await ConfigLoader.LoadAsync(Store.Root, s.ConfigFile is { } f && File.Exists(f) ? f : null, s.Set, null, ct);
        }
        catch (ZwarmException)
        {
            loaded = Config; // the recorded layers no longer load (file edited): the current settings are the best left
        }
        lock (_sessionConfigs) _sessionConfigs[key] = loaded;
        return loaded;
    }

    /// <summary>Dollars with cents, and more digits only when they matter ($0.00012).</summary>
    public static string Usd(double v) => v.ToString("0.00####", CultureInfo.InvariantCulture);

    internal static SessionMessage Message(string role, string content, int turn, DateTimeOffset? at = null) => new()
    {
        Role = role,
        Content = content,
        Timestamp = at ?? DateTimeOffset.Now,
        Metadata = new() { ["turn"] = System.Text.Json.JsonSerializer.SerializeToElement(turn, SessionJsonContext.Default.Int32) },
    };

    private static SessionMeta Clone(SessionMeta m) => SessionJson.Deserialize(SessionJson.Serialize(m));
}
