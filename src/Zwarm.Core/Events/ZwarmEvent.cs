using System.Text.Json.Serialization;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;

namespace Zwarm.Core.Events;

/// <summary>The event names of .zwarm/events.jsonl.</summary>
public static class EventNames
{
    /// <summary>A session was created (spawn, fork, review).</summary>
    public const string Created = "created";
    /// <summary>A session waits for a free slot.</summary>
    public const string Queued = "queued";
    /// <summary>A turn's process started.</summary>
    public const string Started = "started";
    /// <summary>A turn ended with a reply.</summary>
    public const string Completed = "completed";
    /// <summary>A turn failed.</summary>
    public const string Failed = "failed";
    /// <summary>A session was killed.</summary>
    public const string Killed = "killed";
    /// <summary>A turn ran past executor.timeout and was stopped.</summary>
    public const string TimedOut = "timed_out";
    /// <summary>The agent hit its provider's rate or usage limit; the session waits to resume.</summary>
    public const string RateLimited = "rate_limited";
    /// <summary>A rate-limited session was started again.</summary>
    public const string Resumed = "resumed";
    /// <summary>A session went over its cost or token budget.</summary>
    public const string BudgetExceeded = "budget_exceeded";
    /// <summary>A session was removed (rm, clean).</summary>
    public const string Removed = "removed";
    /// <summary>A worktree session was merged into its branch.</summary>
    public const string Merged = "merged";

    /// <summary>Every event zwarm writes, in lifecycle order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Created, Queued, Started, Completed, Failed, Killed, TimedOut, RateLimited, Resumed, BudgetExceeded, Removed, Merged];

    /// <summary>The events that end a turn (or need a person): the default of a hook's <c>on</c>.</summary>
    public static IReadOnlyList<string> Finished { get; } = [Completed, Failed, Killed, TimedOut, RateLimited, BudgetExceeded];
}

/// <summary>One line of .zwarm/events.jsonl: a status change or lifecycle act of a session.</summary>
public sealed record ZwarmEvent
{
    /// <summary>When it happened (local time with offset).</summary>
    public DateTimeOffset Ts { get; init; }

    /// <summary>One of <see cref="EventNames"/>.</summary>
    public string Event { get; init; } = "";

    /// <summary>The session, or null for an event of an orchestrator instance.</summary>
    public string? SessionId { get; init; }

    /// <summary>First 8 characters of the session id.</summary>
    public string? ShortId { get; init; }

    /// <summary>The session's turn at the time.</summary>
    public int? Turn { get; init; }

    /// <summary>codex | claude.</summary>
    public string? Adapter { get; init; }

    /// <summary>The session's status after the event.</summary>
    public string? Status { get; init; }

    /// <summary>Why, in a few words (an error, a queue reason, a budget's figures).</summary>
    public string? Reason { get; init; }

    /// <summary>The session's cost so far in USD, when known.</summary>
    public double? CostUsd { get; init; }

    /// <summary>The session's total tokens so far.</summary>
    public long? Tokens { get; init; }

    /// <summary>An event about <paramref name="m"/> as it is now.</summary>
    public static ZwarmEvent For(SessionMeta m, string @event, string? reason, DateTimeOffset ts, double? costUsd = null) => new()
    {
        Ts = ts,
        Event = @event,
        SessionId = m.Id,
        ShortId = m.ShortId,
        Turn = m.Turn,
        Adapter = m.Adapter,
        Status = m.Status.ToWire(),
        Reason = reason is null ? null : TextCut.Cut(reason, EventLog.MaxReasonChars),
        CostUsd = costUsd is { } c ? Math.Round(c, 6) : null,
        Tokens = m.TotalTokens,
    };
}

/// <summary>Source-generated JSON for events (snake_case, one line).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ZwarmEvent))]
public sealed partial class EventJsonContext : JsonSerializerContext;
