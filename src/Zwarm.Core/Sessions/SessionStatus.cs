using System.Text.Json.Serialization;

namespace Zwarm.Core.Sessions;

/// <summary>Lifecycle state of a session, spelled as in Python zwarm's meta.json.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SessionStatus>))]
public enum SessionStatus
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("failed")] Failed,
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
