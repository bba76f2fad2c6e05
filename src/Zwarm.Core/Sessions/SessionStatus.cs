using System.Text.Json.Serialization;

namespace Zwarm.Core.Sessions;

/// <summary>Lifecycle state of a session, spelled as in Python zwarm's meta.json.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SessionStatus>))]
public enum SessionStatus
{
    /// <summary>Created, or queued for a free slot; no process yet.</summary>
    [JsonStringEnumMemberName("pending")] Pending,
    /// <summary>A turn's process runs.</summary>
    [JsonStringEnumMemberName("running")] Running,
    /// <summary>The last turn ended with a reply; the session can be continued.</summary>
    [JsonStringEnumMemberName("completed")] Completed,
    /// <summary>The last turn ended without a reply or with an error (see the session's error).</summary>
    [JsonStringEnumMemberName("failed")] Failed,
    /// <summary>Stopped by zwarm kill (or a budget) before the turn ended.</summary>
    [JsonStringEnumMemberName("killed")] Killed,
}

/// <summary>Helpers for <see cref="SessionStatus"/>.</summary>
public static class SessionStatusExtensions
{
    /// <summary>True once the session will not change by itself any more.</summary>
    public static bool IsFinished(this SessionStatus s) => s is SessionStatus.Completed or SessionStatus.Failed or SessionStatus.Killed;

    /// <summary>The lower-case spelling used on disk and on the command line.</summary>
    public static string ToWire(this SessionStatus s) => s switch
    {
        SessionStatus.Pending => "pending",
        SessionStatus.Running => "running",
        SessionStatus.Completed => "completed",
        SessionStatus.Failed => "failed",
        _ => "killed",
    };

    /// <summary>Parses the wire spelling; null when unknown.</summary>
    public static SessionStatus? ParseWire(string? s) => s?.Trim().ToLowerInvariant() switch
    {
        "pending" => SessionStatus.Pending,
        "running" => SessionStatus.Running,
        "completed" or "done" => SessionStatus.Completed,
        "failed" => SessionStatus.Failed,
        "killed" => SessionStatus.Killed,
        _ => null,
    };
}
