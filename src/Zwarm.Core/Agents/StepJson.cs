using System.Text.Json.Nodes;
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
    /// A step as JSON: turn, kind, text and the fields its kind has. With <paramref name="maxChars"/> (for an LLM's context)
    /// texts are cut to that length, and a text that only repeats the command is left out.
    /// </summary>
    public static JsonObject ToJson(TrajectoryStep s, int? maxChars = null)
    {
        var compact = maxChars is not null;
        string Cut(string t) => maxChars is { } max ? TextCut.Cut(t, max) : t;
        var o = new JsonObject { ["turn"] = s.Turn, ["kind"] = s.Kind.WireName() };
        if (!compact || (s.Text.Length > 0 && s.Text != s.Command)) o["text"] = Cut(s.Text);
        if (s.Command is not null) o["command"] = Cut(s.Command);
        if (s.Output is not null && (!compact || s.Output.Length > 0)) o["output"] = Cut(s.Output);
        if (s.ExitCode is not null) o["exit_code"] = s.ExitCode;
        if (s.ToolName is not null) o["tool"] = s.ToolName;
        if (s.CallId is not null && !compact) o["call_id"] = s.CallId;
        if (s.Path is not null) o["path"] = s.Path;
        if (s.ChangeKind is not null) o["change"] = s.ChangeKind;
        if (s.IsError) o["is_error"] = true;
        return o;
    }
}
