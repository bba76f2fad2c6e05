namespace Zwarm.Core.Lifecycle;

/// <summary>Why a session cannot take another turn.</summary>
public enum Refusal
{
    /// <summary>It is running or queued.</summary>
    Busy,

    /// <summary>It was killed: its conversation ends there.</summary>
    Killed,

    /// <summary>It spent its budget.</summary>
    OverBudget,
}

/// <summary>
/// A session refused a new turn, and says why: callers (the CLI, the orchestrator's tools, MCP) act on
/// <see cref="Reason"/> instead of checking the session's state again themselves.
/// </summary>
public sealed class SessionRefusedException : ZwarmException
{
    /// <summary>Creates the refusal: "session SHORT WHY; ADVICE".</summary>
    public SessionRefusedException(string shortId, Refusal reason, string why, string advice)
        : base($"session {shortId} {why}; {advice}")
    {
        ShortId = shortId;
        Reason = reason;
        Why = $"session {shortId} {why}";
    }

    /// <summary>The session's short id.</summary>
    public string ShortId { get; }

    /// <summary>Why, as a value.</summary>
    public Refusal Reason { get; }

    /// <summary>Why, in words, without advice (callers with their own advice use this).</summary>
    public string Why { get; }
}
