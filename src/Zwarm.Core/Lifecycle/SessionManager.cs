using System.Globalization;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
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
        var dir = Path.GetFullPath(request.WorkingDir ?? Config.ProjectDir);
        if (!Directory.Exists(dir)) throw new ZwarmException($"working directory does not exist: {dir}");
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
        };
        // Build the command first: a bad setting, a missing binary or a task too long for one argument changes nothing on disk.
        ArgumentLimit.Check(adapter.BuildCommand(new TurnRequest { Session = meta, Turn = 1, Prompt = request.LaunchPrompt ?? request.Task, Config = Config, ForkFrom = request.ForkOf?.AgentSessionId }), "task");
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
        ArgumentLimit.Check(adapter.BuildCommand(new TurnRequest { Session = current, Turn = turn, Prompt = message, Config = Config }),
            current.AgentSessionId is null ? "follow-up (the message with the conversation replayed in front of it)" : "message");
        SessionMeta? before = null;
        await Store.UpdateAsync(id, m =>
        {
            CheckContinuable(m);
            Repair(m, recovered, recoveredLatest);
            before = Clone(m);
            m.Turn = turn;
            m.Messages.Add(Message("user", message, turn));
            m.Status = SessionStatus.Pending;
            m.Error = null;
            m.ExitCode = null;
            m.UpdatedAt = Now;
            m.TurnRecordFor(turn).Resume = m.AgentSessionId is null ? "replay" : "native";
            return true;
        }, ct);
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
        var budget = Config.Executor.TokenBudget;
        if (budget > 0 && m.TotalTokens >= budget)
            throw new ZwarmException($"session {m.ShortId} used {m.TotalTokens:N0} tokens, over the budget of {budget:N0} (executor.token_budget)");
    }

    /// <summary>Starts the current turn of a pending session if a slot is free; leaves it queued otherwise.</summary>
    private async Task<SessionMeta> TryLaunchAsync(string id, CancellationToken ct, SessionMeta? before = null, string? prompt = null)
    {
        var reserved = false;
        await using (await FileLock.AcquireAsync(Path.Combine(Store.SessionsDir, ".start.lock"), FileSessionStore.LockTimeout, ct))
        {
            if (Config.Executor.MaxRunning > 0 && await CountRunningAsync(ct) >= Config.Executor.MaxRunning)
            {
                return await Store.UpdateAsync(id, m =>
                {
                    m.Extra ??= [];
                    m.Extra["queued_reason"] = System.Text.Json.JsonSerializer.SerializeToElement(
                        $"waiting for a free slot (executor.max_running = {Config.Executor.MaxRunning})", SessionJsonContext.Default.String);
                    return true;
                }, ct);
            }
            await Store.UpdateAsync(id, m =>
            {
                if (m.Status != SessionStatus.Pending) return false;
                m.Status = SessionStatus.Running;
                m.Pid = null;
                m.PidStartTime = null;
                m.UpdatedAt = Now;
                m.Extra?.Remove("queued_reason");
                var rec = m.TurnRecordFor(m.Turn);
                rec.StartedAt = Now;
                reserved = true;
                return true;
            }, ct);
        }
        var meta = await Store.GetAsync(id, ct);
        if (!reserved) return meta;
        try
        {
            var snapshot = before ?? meta;
            var turnPrompt = prompt ?? (meta.Turn == 1 ? meta.LaunchPrompt ?? meta.Task : meta.Messages.LastOrDefault(m => m.Role == "user")?.Content ?? meta.Task);
            var adapter = Agents.Get(meta.Adapter);
            var command = adapter.BuildCommand(new TurnRequest
            {
                Session = snapshot, Turn = meta.Turn, Prompt = turnPrompt, Config = Config, ForkFrom = meta.Turn == 1 ? meta.ForkOf?.AgentSessionId : null,
            });
            var (pid, start) = TurnLauncher.Start(id, Store.SessionDir(id), meta.Turn, command, Config.Executor.TimeoutSeconds,
                Config.Executor.KillGraceSeconds, Supervisor);
            return await Store.UpdateAsync(id, m =>
            {
                if (m.Status != SessionStatus.Running || m.Turn != meta.Turn) return false;
                m.Pid = pid;
                m.PidStartTime = start;
                var rec = m.TurnRecordFor(m.Turn);
                rec.Pid = pid;
                rec.PidStartTime = start;
                return true;
            }, ct);
        }
        catch (Exception ex) when (ex is ZwarmException or System.ComponentModel.Win32Exception or IOException)
        {
            await Store.UpdateAsync(id, m =>
            {
                m.Status = SessionStatus.Failed;
                m.Error = $"could not start the agent: {ex.Message}";
                m.UpdatedAt = Now;
                return true;
            }, ct);
            throw ex as ZwarmException ?? new ZwarmException($"could not start the agent: {ex.Message}", 1, ex);
        }
    }

    private async Task<int> CountRunningAsync(CancellationToken ct)
    {
        var entries = await ListCoreAsync(pump: false, ct, summaries: true);
        return entries.Count(e => e.Meta?.Status == SessionStatus.Running);
    }

    /// <summary>Starts queued (pending) sessions, oldest first, while slots are free.</summary>
    public async Task PumpQueueAsync(CancellationToken ct = default)
    {
        var entries = await Store.ListAsync(summaries: true, ct);
        var max = Config.Executor.MaxRunning;
        // A cheap local count stops the loop early; TryLaunchAsync re-counts under the start lock, which is what decides.
        var running = entries.Count(e => e.Meta?.Status == SessionStatus.Running);
        foreach (var e in entries.Where(e => e.Meta?.Status == SessionStatus.Pending && e.Meta.Pid is null).OrderBy(e => e.Meta!.UpdatedAt))
        {
            if (max > 0 && running >= max) break;
            try
            {
                if ((await TryLaunchAsync(e.Id, ct)).Status == SessionStatus.Running) running++;
                else if (max > 0) break;
            }
            catch (ZwarmException) { /* recorded on the session */ }
        }
    }

    internal static SessionMessage Message(string role, string content, int turn, DateTimeOffset? at = null) => new()
    {
        Role = role,
        Content = content,
        Timestamp = at ?? DateTimeOffset.Now,
        Metadata = new() { ["turn"] = System.Text.Json.JsonSerializer.SerializeToElement(turn, SessionJsonContext.Default.Int32) },
    };

    private static SessionMeta Clone(SessionMeta m) => SessionJson.Deserialize(SessionJson.Serialize(m));

    internal static string Fmt(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
