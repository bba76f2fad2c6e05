using System.Text;
using System.Text.Json;

namespace Zwarm.Core.Agents.Codex;

/// <summary>
/// Items of <c>item.completed</c>. Only the completed state makes steps and summaries. A todo_list becomes
/// a ToolCall step named "todo_list" whose text is the checklist ("[x] done", "[ ] open"); an mcp_tool_call
/// becomes a ToolCall (arguments) and a ToolOutput (result text or error); a web_search a ToolCall named
/// "web_search"; an error item a non-fatal Error step that does not set the turn's error.
/// </summary>
internal sealed partial class CodexParser
{
    private bool OnItemCompleted(in CodexEvent item)
    {
        if (!Item(in item, out var type)) return false;
        string? id = null;
        if (_collect ? !Str(item[CodexField.ItemId], out id) : !IsStrOrAbsent(item[CodexField.ItemId])) return false;
        if (type.ValueEquals("agent_message"u8)) return OnAgentMessage(in item);
        if (type.ValueEquals("reasoning"u8)) return OnReasoning(in item);
        if (type.ValueEquals("command_execution"u8)) return OnCommand(in item, id);
        if (type.ValueEquals("file_change"u8)) return OnFileChange(in item, id);
        if (type.ValueEquals("mcp_tool_call"u8)) return OnMcpToolCall(in item, id);
        if (type.ValueEquals("web_search"u8)) return OnWebSearch(in item, id);
        if (type.ValueEquals("todo_list"u8)) return OnTodoList(in item, id);
        if (type.ValueEquals("error"u8)) return OnErrorItem(in item);
        return true;
    }

    private static bool Item(in CodexEvent e, out JsonSpan type)
    {
        type = e[CodexField.ItemType];
        return e[CodexField.Item].IsObject && type.IsString;
    }

    private bool OnAgentMessage(in CodexEvent item)
    {
        if (!Str(item[CodexField.Text], out var text) || text is null) return false;
        Result.AssistantMessages.Add(text);
        if (_collect) Result.Steps.Add(new TrajectoryStep(StepKind.Message, text));
        return true;
    }

    private bool OnReasoning(in CodexEvent item)
    {
        if (!_collect) return item[CodexField.Text].IsString;
        if (!Str(item[CodexField.Text], out var text) || text is null) return false;
        Result.Steps.Add(new TrajectoryStep(StepKind.Reasoning, text));
        return true;
    }

    private bool OnCommand(in CodexEvent item, string? id)
    {
        var statusValue = item[CodexField.Status];
        var outputValue = item[CodexField.AggregatedOutput];
        if (!Str(item[CodexField.Command], out var command) || command is null || !IsStrOrAbsent(outputValue)
            || !Int(item[CodexField.ExitCode], out var exitCode) || !(statusValue.IsNull || statusValue.IsString))
            return false;
        var status = statusValue.IsString ? statusValue.GetString() : null;
        string? output = null;
        // The output is the one large value of a line: decoded only for a caller that keeps it.
        if (_collect && !_dropOutputs) Str(outputValue, out output);
        var failed = status == "failed" || exitCode is not null and not 0;
        if (_collect)
            Result.Steps.Add(new TrajectoryStep(StepKind.Command, command)
                { Command = command, Output = output, ExitCode = exitCode, IsError = failed, CallId = id });
        return true;
    }

    private bool OnFileChange(in CodexEvent item, string? id)
    {
        var changes = item[CodexField.Changes];
        if (!changes.IsArray || !Str(item[CodexField.Status], out var status))
            return false;
        var list = new List<(string Path, string Kind)>();
        foreach (var c in changes.EnumerateArray())
        {
            if (!c.IsObject) return false;
            c.Get("path"u8, out var pathValue, "kind"u8, out var kindValue);
            if (!Str(pathValue, out var path) || path is null || !Str(kindValue, out var kind))
                return false;
            list.Add((path, kind ?? "update"));
        }
        if (list.Count == 0) return true;
        var failed = status == "failed";
        if (_collect)
            foreach (var (path, kind) in list)
                Result.Steps.Add(new TrajectoryStep(StepKind.FileChange, $"{kind} {path}")
                    { Path = path, ChangeKind = kind, IsError = failed, CallId = id });
        return true;
    }

    private bool OnMcpToolCall(in CodexEvent item, string? id)
    {
        if (!Str(item[CodexField.Server], out var server) || !Str(item[CodexField.Tool], out var tool) || tool is null
            || !Str(item[CodexField.Status], out var status))
            return false;
        string? error = null;
        if (item[CodexField.ItemError] is { IsNull: false } err)
        {
            if (!err.IsObject || !Str(err, "message"u8, out error)) return false;
            error ??= "failed";
        }
        var failed = status == "failed" || error is not null;
        var name = string.IsNullOrEmpty(server) ? tool : $"{server}.{tool}";
        // Read everything before recording anything: a string that fails to decode makes the line malformed.
        var args = _collect && item[CodexField.Arguments] is { IsNull: false } a ? a.GetRawText() : "";
        var result = item[CodexField.Result];
        var output = !_collect ? null
            : _dropOutputs ? (result.IsNull ? null : "") ?? (error is null ? null : "")
            : McpResultText(result) ?? error;
        if (!_collect) return true;
        Result.Steps.Add(new TrajectoryStep(StepKind.ToolCall, args) { ToolName = name, CallId = id });
        if (output is not null || failed)
            Result.Steps.Add(
                new TrajectoryStep(StepKind.ToolOutput, output ?? "") { ToolName = name, CallId = id, Output = output, IsError = failed });
        return true;
    }

    // Text blocks of an MCP result joined; structured or other content as raw JSON.
    private static string? McpResultText(JsonSpan result)
    {
        if (result.IsNull) return null;
        result.Get("content"u8, out var content, "structured_content"u8, out var sc);
        if (!content.IsArray) return result.GetRawText();
        var texts = new List<string>();
        foreach (var block in content.EnumerateArray())
            if (block.TryGet("text"u8, out var t) && t.IsString) texts.Add(t.GetString());
        if (texts.Count > 0) return string.Join("\n", texts);
        return !sc.IsNull ? sc.GetRawText() : result.GetRawText();
    }

    private bool OnWebSearch(in CodexEvent item, string? id)
    {
        if (!Str(item[CodexField.Query], out var query)) return false;
        if (_collect) Result.Steps.Add(new TrajectoryStep(StepKind.ToolCall, query ?? "") { ToolName = "web_search", CallId = id });
        return true;
    }

    private bool OnTodoList(in CodexEvent item, string? id)
    {
        var items = item[CodexField.Items];
        if (!items.IsArray) return false;
        var text = _collect ? new StringBuilder() : null;
        foreach (var todo in items.EnumerateArray())
        {
            if (!todo.IsObject) return false;
            todo.Get("text"u8, out var textValue, "completed"u8, out var c);
            if (!Str(textValue, out var t) || t is null) return false;
            var completed = c.Kind == JsonTokenType.True;
            text?.Append(text.Length > 0 ? "\n" : "").Append(completed ? "[x] " : "[ ] ").Append(t);
        }
        if (text is not null)
            Result.Steps.Add(new TrajectoryStep(StepKind.ToolCall, text.ToString()) { ToolName = "todo_list", CallId = id });
        return true;
    }

    private bool OnErrorItem(in CodexEvent item)
    {
        if (!Str(item[CodexField.ItemMessage], out var message) || message is null) return false;
        if (_collect) Result.Steps.Add(new TrajectoryStep(StepKind.Error, message));
        return true;
    }

    // An integer value: true with null when absent or null, false for another type.
    private static bool Int(JsonSpan p, out int? value)
    {
        value = null;
        if (p.IsNull) return true;
        if (!p.TryGetInt64(out var v) || v is < int.MinValue or > int.MaxValue) return false;
        value = (int)v;
        return true;
    }
}
