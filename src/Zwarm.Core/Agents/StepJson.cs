using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Zwarm.Core.Text;

namespace Zwarm.Core.Agents;

/// <summary>The wire form of trajectory steps, shared by the CLI's --json, the orchestrator's tools and the MCP server.</summary>
public static class StepJson
{
    /// <summary>The snake_case name of a step kind (tool_call, file_change, …).</summary>
    public static string WireName(this StepKind kind) => kind switch
    {
        StepKind.ToolCall => "tool_call",
        StepKind.ToolOutput => "tool_output",
        StepKind.FileChange => "file_change",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// A step on the wire: turn, kind, text and the fields its kind has. With <paramref name="maxChars"/> (for an LLM's context)
    /// texts are cut to that length, and a text that only repeats the command is left out.
    /// </summary>
    public static StepWire ToWire(TrajectoryStep s, int? maxChars = null)
    {
        var compact = maxChars is not null;
        string Cut(string t) => maxChars is { } max ? TextCut.Cut(t, max) : t;
        return new StepWire(s.Turn, s.Kind.WireName())
        {
            Text = !compact || (s.Text.Length > 0 && s.Text != s.Command) ? Cut(s.Text) : null,
            Command = s.Command is null ? null : Cut(s.Command),
            Output = s.Output is not null && (!compact || s.Output.Length > 0) ? Cut(s.Output) : null,
            ExitCode = s.ExitCode,
            Tool = s.ToolName,
            CallId = compact ? null : s.CallId,
            Path = s.Path,
            Change = s.ChangeKind,
            IsError = s.IsError ? true : null,
        };
    }

    /// <summary>A step as a JSON object (<see cref="ToWire"/>).</summary>
    public static JsonObject ToJson(TrajectoryStep s, int? maxChars = null) =>
        JsonSerializer.SerializeToNode(ToWire(s, maxChars), StepJsonContext.Default.StepWire)!.AsObject();
}

/// <summary>
/// A trajectory step on the wire (snake_case; absent fields are left out): <c>n</c> (its number, in traj), turn, kind, text,
/// command, output, exit_code, tool, call_id, path, change, is_error, <c>output_truncated</c> (an output cut for a terminal).
/// </summary>
public sealed record StepWire(
    [property: JsonPropertyOrder(1)] int Turn,
    [property: JsonPropertyOrder(2)] string Kind)
{
    /// <summary>The step's number in a trajectory (1-based); null outside one.</summary>
    [JsonPropertyOrder(0), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? N { get; init; }

    /// <summary>What the step said; null when left out (a compact step whose text repeats its command).</summary>
    [JsonPropertyOrder(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Text { get; init; }

    /// <summary>The shell command.</summary>
    [JsonPropertyOrder(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Command { get; init; }

    /// <summary>Command or tool output.</summary>
    [JsonPropertyOrder(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Output { get; init; }

    /// <summary>Exit code of a command.</summary>
    [JsonPropertyOrder(6), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? ExitCode { get; init; }

    /// <summary>Tool name.</summary>
    [JsonPropertyOrder(7), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Tool { get; init; }

    /// <summary>Tool call id.</summary>
    [JsonPropertyOrder(8), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CallId { get; init; }

    /// <summary>Changed path.</summary>
    [JsonPropertyOrder(9), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Path { get; init; }

    /// <summary>add | update | delete.</summary>
    [JsonPropertyOrder(10), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Change { get; init; }

    /// <summary>True for a failed tool output; absent otherwise.</summary>
    [JsonPropertyOrder(11), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? IsError { get; init; }

    /// <summary>True when <see cref="Output"/> was cut for display; absent otherwise.</summary>
    [JsonPropertyOrder(12), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? OutputTruncated { get; init; }
}

/// <summary>Source-generated JSON of <see cref="StepWire"/> (snake_case, nulls left out).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StepWire))]
public sealed partial class StepJsonContext : JsonSerializerContext;
