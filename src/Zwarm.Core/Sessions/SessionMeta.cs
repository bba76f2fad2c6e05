using System.Text.Json;
using System.Text.Json.Serialization;

namespace Zwarm.Core.Sessions;

/// <summary>
/// One session's meta.json. Field names are Python zwarm's; fields we add are new names; fields we do
/// not know are kept in <see cref="Extra"/> so a read-modify-write never drops them.
/// </summary>
public sealed class SessionMeta
{
    /// <summary>The session's uuid, also its folder name under sessions/.</summary>
    public string Id { get; set; } = "";
    /// <summary>What the session was asked to do (its first user message).</summary>
    public string Task { get; set; } = "";
    /// <summary>Where the session is in its life; set by the lifecycle, never by a UI.</summary>
    public SessionStatus Status { get; set; } = SessionStatus.Pending;
    /// <summary>The folder the agent runs in.</summary>
    public string WorkingDir { get; set; } = "";
    private PythonTimestamp _createdAt;
    private PythonTimestamp _updatedAt;

    /// <summary>When the session was created (written as Python zwarm writes it; an unchanged value is kept byte for byte).</summary>
    [JsonIgnore] public DateTimeOffset CreatedAt { get => _createdAt.Value; set => _createdAt = _createdAt.With(value); }

    [JsonInclude, JsonPropertyName("created_at"), JsonConverter(typeof(PythonTimestampConverter))]
    internal PythonTimestamp CreatedAtJson { get => _createdAt; set => _createdAt = value; }

    /// <summary>When the session last changed (written as Python zwarm writes it).</summary>
    [JsonIgnore] public DateTimeOffset UpdatedAt { get => _updatedAt.Value; set => _updatedAt = _updatedAt.With(value); }

    [JsonInclude, JsonPropertyName("updated_at"), JsonConverter(typeof(PythonTimestampConverter))]
    internal PythonTimestamp UpdatedAtJson { get => _updatedAt; set => _updatedAt = value; }

    /// <summary>The current turn's process, to tell whether the session still runs.</summary>
    public int? Pid { get; set; }
    /// <summary>The last finished turn's exit code.</summary>
    public int? ExitCode { get; set; }
    /// <summary>The model the agent runs with.</summary>
    public string Model { get; set; } = "";
    /// <summary>The current turn, from 1.</summary>
    public int Turn { get; set; } = 1;
    /// <summary>The conversation in Python zwarm's shape, rebuilt from the turns when a turn ends.</summary>
    public List<SessionMessage> Messages { get; set; } = [];
    /// <summary>Tokens summed over all turns (input_tokens, output_tokens, …).</summary>
    public Dictionary<string, long> TokenUsage { get; set; } = [];
    /// <summary>Why the session failed, when it did.</summary>
    public string? Error { get; set; }
    /// <summary>Who started the session (Python zwarm's field), kept for compatibility.</summary>
    public string Source { get; set; } = "user";
    /// <summary>Which agent runs the session (codex or claude).</summary>
    public string Adapter { get; set; } = "codex";

    // --- additions over Python zwarm (new names only) ---

    /// <summary>The agent's own thread/session id, used to resume (codex thread id, claude session id).</summary>
    public string? AgentSessionId { get; set; }

    /// <summary>A different id reported by a resumed run (a Claude Code quirk); never replaces <see cref="AgentSessionId"/>.</summary>
    public string? AgentSessionIdLatest { get; set; }

    /// <summary>Start time of <see cref="Pid"/> (Linux: /proc/pid/stat field 22, clock ticks since boot).</summary>
    public long? PidStartTime { get; set; }

    /// <summary>
    /// The zwarm process (pid, start time) starting the current turn, between reserving the slot and recording the
    /// wrapper's pid: while it lives the turn is starting; once it died (kill -9 of spawn) with no agent, it never will.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? LauncherPid { get; set; }

    /// <summary>Start time of <see cref="LauncherPid"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? LauncherStartTime { get; set; }

    /// <summary>Agent-reported cumulative cost in USD, when the agent reports one.</summary>
    public double? CostUsd { get; set; }

    /// <summary>One record per turn: timing, exit code, usage and outcome.</summary>
    public List<TurnRecord>? Turns { get; set; }

    /// <summary>Why a pending session is not running yet (a full pool, a rate limit until a time).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? QueuedReason { get; set; }

    /// <summary>What kind of failure the last turn had, when zwarm recognised one: "rate_limited".</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ErrorKind { get; set; }

    /// <summary>When a rate-limited session may run again (stated by the agent, else a backoff).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(FlexibleTimestampConverter))] public DateTimeOffset? RetryAt { get; set; }

    /// <summary>Rate limits hit in a row by this session (resets when a turn gets through).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int RateLimitRetries { get; set; }

    /// <summary>When a person last looked at the session (peek, show): finished after that = not seen yet.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(FlexibleTimestampConverter))] public DateTimeOffset? SeenAt { get; set; }
    /// <summary>
    /// The command-line configuration layers (--config, --set) of the command that started the current turn: whoever
    /// finalises the turn or starts it from the queue applies them, so a session keeps the settings it was started with.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public SessionSettings? Settings { get; set; }

    /// <summary>The session's own git worktree (spawn --worktree); null = it works in its working dir directly.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public WorktreeInfo? Worktree { get; set; }

    /// <summary>The branch this session's work was merged into (zwarm merge).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? MergedInto { get; set; }

    /// <summary>The session branch's head when it was merged; a later checkpoint makes the session unmerged again.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? MergedCommit { get; set; }

    /// <summary>The session and turn this one was forked from (zwarm fork).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ForkInfo? ForkOf { get; set; }

    /// <summary>
    /// How many sessions this one is nested in: started by the agent of a session (through zwarm or zwarm mcp) it is one
    /// more than that session; omitted (0) for a session a person or a top-level orchestrator started.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int Nesting { get; set; }

    /// <summary>The session this one reviews (zwarm review).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ReviewOf { get; set; }

    /// <summary>True for a session that must not change files (a review).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? ReadOnly { get; set; }

    /// <summary>What turn 1 sends the agent when it differs from the task (a replayed conversation, a review brief).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? LaunchPrompt { get; set; }

    /// <summary>The machine the session's turns run on over SSH ([hosts.NAME]); null = this one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public HostInfo? Host { get; set; }

    /// <summary>Fields this version does not know; written back unchanged.</summary>
    /// <summary>Fields this version does not know, kept so a read-modify-write never drops them.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>True when the session has a worktree whose current head was merged (and nothing was checkpointed since).</summary>
    [JsonIgnore] public bool IsMerged => MergedInto is not null;

    /// <summary>True when read for a listing only (no messages, turns or unknown fields): never written back.</summary>
    [JsonIgnore] public bool IsSummary { get; set; }

    /// <summary>First 8 characters of the id, as shown in listings.</summary>
    [JsonIgnore] public string ShortId => Id.Length > 8 ? Id[..8] : Id;

    /// <summary>Total tokens (input + output) or the recorded total.</summary>
    [JsonIgnore]
    public long TotalTokens => TokenUsage.TryGetValue("total_tokens", out var t) && t > 0
        ? t
        : TokenUsage.GetValueOrDefault("input_tokens") + TokenUsage.GetValueOrDefault("output_tokens");

    /// <summary>The record of turn <paramref name="n"/>, created if missing.</summary>
    public TurnRecord TurnRecordFor(int n)
    {
        Turns ??= [];
        var rec = Turns.Find(t => t.Turn == n);
        if (rec is null)
        {
            rec = new TurnRecord { Turn = n };
            Turns.Add(rec);
        }
        return rec;
    }
}

/// <summary>One message of the conversation (Python zwarm shape).</summary>
public sealed class SessionMessage
{
    /// <summary>user, assistant or tool.</summary>
    public string Role { get; set; } = "user";
    /// <summary>The message text.</summary>
    public string Content { get; set; } = "";
    private PythonTimestamp _timestamp;

    /// <summary>When the message was recorded (written as Python zwarm writes it; an unchanged value is kept byte for byte).</summary>
    [JsonIgnore] public DateTimeOffset Timestamp { get => _timestamp.Value; set => _timestamp = _timestamp.With(value); }

    [JsonInclude, JsonPropertyName("timestamp"), JsonConverter(typeof(PythonTimestampConverter))]
    internal PythonTimestamp TimestampJson { get => _timestamp; set => _timestamp = value; }

    /// <summary>Python zwarm's per-message extras; zwarm writes the turn number.</summary>
    public Dictionary<string, JsonElement> Metadata { get; set; } = [];
    /// <summary>Fields this version does not know, kept so a read-modify-write never drops them.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>What happened in one turn (our addition to meta.json).</summary>
public sealed class TurnRecord
{
    /// <summary>The turn number, from 1.</summary>
    public int Turn { get; set; }
    /// <summary>When the turn's process was started.</summary>
    [JsonConverter(typeof(FlexibleTimestampConverter))] public DateTimeOffset? StartedAt { get; set; }
    /// <summary>When the turn was finalised.</summary>
    [JsonConverter(typeof(FlexibleTimestampConverter))] public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>The turn wrapper's pid (its process group).</summary>
    public int? Pid { get; set; }
    /// <summary>The wrapper's start time (/proc/PID/stat field 22), so a reused pid is not taken for it.</summary>
    public long? PidStartTime { get; set; }
    /// <summary>The agent's exit code, from turn_N.exit.</summary>
    public int? ExitCode { get; set; }
    /// <summary>How the turn ended, in wire form.</summary>
    public string? Status { get; set; }
    /// <summary>Why the turn failed, when it did.</summary>
    public string? Error { get; set; }
    /// <summary>Tokens this turn used, per turn even when the agent reports totals.</summary>
    public Dictionary<string, long>? Usage { get; set; }
    /// <summary>Usage as the agent reported it: the base the next turn's delta is taken from.</summary>
    public Dictionary<string, long>? UsageReported { get; set; }
    /// <summary>Cost as the agent reported it: the base the next turn's delta is taken from.</summary>
    public double? CostReported { get; set; }
    /// <summary>True when executor.timeout stopped the turn.</summary>
    public bool TimedOut { get; set; }
    /// <summary>What this turn cost in USD.</summary>
    public double? CostUsd { get; set; }
    /// <summary>Output lines that were not valid events: counted, never fatal.</summary>
    public int MalformedLines { get; set; }
    /// <summary>How the turn continued the conversation (the agent's own resume, or a replay).</summary>
    public string? Resume { get; set; }

    /// <summary>The per-turn limit (executor.timeout) the turn was started with; 0 = none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? TimeoutSeconds { get; set; }

    /// <summary>The checkpoint commit of this turn on the session branch (worktree sessions).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Commit { get; set; }

    /// <summary>Fields this version does not know, kept so a read-modify-write never drops them.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>Where a worktree session works: its folder, branch, the commit it started from and the repository.</summary>
public sealed class WorktreeInfo
{
    /// <summary>The worktree folder (.zwarm/worktrees/&lt;short id&gt;).</summary>
    public string Path { get; set; } = "";

    /// <summary>The session branch (zwarm/&lt;short id&gt;).</summary>
    public string Branch { get; set; } = "";

    /// <summary>The commit the branch was created from.</summary>
    public string BaseCommit { get; set; } = "";

    /// <summary>Top level of the repository's main worktree.</summary>
    public string Repo { get; set; } = "";

    /// <summary>True once `zwarm discard` removed the worktree and the branch.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? Discarded { get; set; }

    /// <summary>Fields this version does not know, kept so a read-modify-write never drops them.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>
/// Where a remote session's current turn runs: the host's name, the per-session folder there, and the remote wrapper's
/// pid and start time. The session's own pid is the local follower's, which streams the output here.
/// </summary>
public sealed class HostInfo
{
    /// <summary>The [hosts.NAME] the session belongs to.</summary>
    public string Name { get; set; } = "";

    /// <summary>The per-session folder on the host (turn_N.out, turn_N.exit).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Dir { get; set; }

    /// <summary>The remote turn wrapper's pid (its process group).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Pid { get; set; }

    /// <summary>The remote wrapper's start time (/proc/PID/stat field 22 there).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? PidStartTime { get; set; }

    /// <summary>Fields this version does not know, kept so a read-modify-write never drops them.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The origin of a forked session.</summary>
public sealed class ForkInfo
{
    /// <summary>Id of the session forked from.</summary>
    public string Session { get; set; } = "";

    /// <summary>The turn whose checkpoint and conversation the fork starts from.</summary>
    public int Turn { get; set; }

    /// <summary>The agent session forked natively on turn 1; null = the conversation was replayed.</summary>
    public string? AgentSessionId { get; set; }

    /// <summary>Fields this version does not know, kept so a read-modify-write never drops them.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>Command-line configuration layers recorded with a session (see <see cref="SessionMeta.Settings"/>).</summary>
public sealed class SessionSettings
{
    /// <summary>--config FILE (absolute), or null.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>--set a.b=v values, in order.</summary>
    public List<string> Set { get; set; } = [];

    /// <summary>True when these are the same layers as <paramref name="file"/> and <paramref name="sets"/>.</summary>
    public bool SameAs(string? file, IReadOnlyList<string> sets) => ConfigFile == file && Set.SequenceEqual(sets);
}
