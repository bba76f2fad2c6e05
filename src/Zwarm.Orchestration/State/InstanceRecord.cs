using System.Text.Json;
using System.Text.Json.Serialization;

namespace Zwarm.Orchestration.State;

/// <summary>What kind of run an instance is.</summary>
internal static class InstanceKinds
{
    public const string Orchestrate = "orchestrate";
    public const string Pilot = "pilot";
}

/// <summary>Instance statuses as written to instances.json.</summary>
internal static class InstanceStatuses
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Stopped = "stopped";
    public const string Paused = "paused";
    public const string Interrupted = "interrupted";
    public const string Aborted = "aborted";
    public const string Failed = "failed";

    /// <summary>True when the instance has ended for good (resuming is still allowed, but nothing is in progress).</summary>
    public static bool IsFinal(string status) => status is Completed or Aborted;
}

/// <summary>One entry of .zwarm/instances.json: an orchestrate or pilot run.</summary>
internal sealed class InstanceRecord
{
    public string Id { get; set; } = "";
    public string? Name { get; set; }
    public string Kind { get; set; } = InstanceKinds.Orchestrate;
    public string Status { get; set; } = InstanceStatuses.Running;
    public string? Task { get; set; }
    public string Model { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int? Pid { get; set; }
    public long? PidStartTime { get; set; }
    public int Steps { get; set; }
    public int Turns { get; set; }
    public string? Summary { get; set; }
    public string? Error { get; set; }

    /// <summary>Fields this version does not know; written back unchanged.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The tag of sessions this instance starts.</summary>
    [JsonIgnore] public string Source => $"orchestrator:{Id}";
}

/// <summary>The whole instances.json file.</summary>
internal sealed class InstanceFile
{
    public int Version { get; set; } = 1;
    public Dictionary<string, InstanceRecord> Instances { get; set; } = [];
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>Per-instance progress kept in instances/&lt;id&gt;/state.json (the message list lives beside it).</summary>
internal sealed class InstanceProgress
{
    public int Steps { get; set; }
    public int Turns { get; set; }
    public string? Checkpoint { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CachedInputTokens { get; set; }
    public int LlmCalls { get; set; }
    public long LastInputTokens { get; set; }
    public bool ShowReasoning { get; set; }

    /// <summary>Session id → "turn:status" last read with check_session (for needs_attention).</summary>
    public Dictionary<string, string> Seen { get; set; } = [];

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>Source-generated JSON for the instance files (snake_case, indent 2, like meta.json).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    IndentSize = 2,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(InstanceFile))]
[JsonSerializable(typeof(InstanceProgress))]
internal sealed partial class InstanceJsonContext : JsonSerializerContext;
