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
    private const int SummaryCommandMax = 200;

    private bool OnItemCompleted(JsonSpan e)
    {
        if (!Item(e, out var item, out var type)) return false;
        string? id = null;
        if (_collect ? !Str(item, "id"u8, out id) : !IsStrOrAbsent(item, "id"u8)) return false;
        if (type.ValueEquals("agent_message"u8)) return OnAgentMessage(item);
        if (type.ValueEquals("reasoning"u8)) return OnReasoning(item);
        if (type.ValueEquals("command_execution"u8)) return OnCommand(item, id);
        if (type.ValueEquals("file_change"u8)) return OnFileChange(item, id);
        if (type.ValueEquals("mcp_tool_call"u8)) return OnMcpToolCall(item, id);
        if (type.ValueEquals("web_search"u8)) return OnWebSearch(item, id);
        if (type.ValueEquals("todo_list"u8)) return OnTodoList(item, id);
        if (type.ValueEquals("error"u8)) return OnErrorItem(item);
        return true;
    }

    private static bool Item(JsonSpan e, out JsonSpan item, out JsonSpan type)
    {
        type = default;
        return e.TryGet("item"u8, out item) && item.IsObject && item.TryGet("type"u8, out type) && type.IsString;
    }

    private bool OnAgentMessage(JsonSpan item)
    {
        if (!Str(item, "text"u8, out var text) || text is null) return false;
        Result.AssistantMessages.Add(text);
        if (_collect) Result.Steps.Add(new TrajectoryStep(StepKind.Message, text));
        return true;
    }

    private bool OnReasoning(JsonSpan item)
    {
        if (!_collect) return item.TryGet("text"u8, out var t) && t.IsString;
        if (!Str(item, "text"u8, out var text) || text is null) return false;
        Result.Steps.Add(new TrajectoryStep(StepKind.Reasoning, text));
        return true;
    }

    private bool OnCommand(JsonSpan item, string? id)
    {
        // exit_code and status follow the (possibly huge) output: look both up in one pass.
        item.Get("exit_code"u8, out var exitValue, "status"u8, out var statusValue);
        if (!Str(item, "command"u8, out var command) || command is null || !IsStrOrAbsent(item, "aggregated_output"u8)
            || !Int(exitValue, out var exitCode) || !(statusValue.IsNull || statusValue.IsString))
            return false;
        var status = statusValue.IsString ? statusValue.GetString() : null;
        string? output = null;
        if (_collect) Str(item, "aggregated_output"u8, out output);
        var failed = status == "failed" || exitCode is not null and not 0;
        var outcome = exitCode is { } code ? $"exit {code}" : status ?? "no exit code";
        Result.ToolSummaries.Add($"$ {Shorten(command)} → {outcome}");
        if (_collect)
            Result.Steps.Add(new TrajectoryStep(StepKind.Command, command)
                { Command = command, Output = output, ExitCode = exitCode, IsError = failed, CallId = id });
        return true;
    }

    private bool OnFileChange(JsonSpan item, string? id)
    {
        if (!item.TryGet("changes"u8, out var changes) || !changes.IsArray
            || !Str(item, "status"u8, out var status))
            return false;
        var list = new List<(string Path, string Kind)>();
        foreach (var c in changes.EnumerateArray())
        {
            if (!c.IsObject || !Str(c, "path"u8, out var path) || path is null || !Str(c, "kind"u8, out var kind))
                return false;
            list.Add((path, kind ?? "update"));
        }
        if (list.Count == 0) return true;
        var failed = status == "failed";
        Result.ToolSummaries.Add("file_change " + string.Join(", ", list.Select(c => $"{c.Kind} {c.Path}")) + (failed ? " (failed)" : ""));
        if (_collect)
            foreach (var (path, kind) in list)
                Result.Steps.Add(new TrajectoryStep(StepKind.FileChange, $"{kind} {path}")
                    { Path = path, ChangeKind = kind, IsError = failed, CallId = id });
        return true;
    }

    private bool OnMcpToolCall(JsonSpan item, string? id)
    {
        if (!Str(item, "server"u8, out var server) || !Str(item, "tool"u8, out var tool) || tool is null || !Str(item, "status"u8, out var status))
            return false;
        string? error = null;
        if (item.TryGet("error"u8, out var err) && !err.IsNull)
        {
            if (!err.IsObject || !Str(err, "message"u8, out error)) return false;
            error ??= "failed";
        }
        var failed = status == "failed" || error is not null;
        var name = string.IsNullOrEmpty(server) ? tool : $"{server}.{tool}";
        // Read everything before recording anything: a string that fails to decode makes the line malformed.
        var args = _collect && item.TryGet("arguments"u8, out var a) && !a.IsNull ? a.GetRawText() : "";
        var output = _collect ? McpResultText(item) ?? error : null;
        Result.ToolSummaries.Add($"mcp tool {name}" + (failed ? " → failed" + (error is null ? "" : ": " + error) : ""));
        if (!_collect) return true;
        Result.Steps.Add(new TrajectoryStep(StepKind.ToolCall, args) { ToolName = name, CallId = id });
        if (output is not null || failed)
            Result.Steps.Add(new TrajectoryStep(StepKind.ToolOutput, output ?? "") { ToolName = name, CallId = id, Output = output, IsError = failed });
        return true;
    }

    // Text blocks of an MCP result joined; structured or other content as raw JSON.
    private static string? McpResultText(JsonSpan item)
    {
        if (!item.TryGet("result"u8, out var result) || result.IsNull) return null;
        if (!result.TryGet("content"u8, out var content) || !content.IsArray) return result.GetRawText();
        var texts = new List<string>();
        foreach (var block in content.EnumerateArray())
            if (block.TryGet("text"u8, out var t) && t.IsString) texts.Add(t.GetString());
        if (texts.Count > 0) return string.Join("\n", texts);
        return result.TryGet("structured_content"u8, out var sc) && !sc.IsNull ? sc.GetRawText() : result.GetRawText();
    }

    private bool OnWebSearch(JsonSpan item, string? id)
    {
        if (!Str(item, "query"u8, out var query)) return false;
        Result.ToolSummaries.Add(string.IsNullOrEmpty(query) ? "web search" : $"web search {query}");
        if (_collect) Result.Steps.Add(new TrajectoryStep(StepKind.ToolCall, query ?? "") { ToolName = "web_search", CallId = id });
        return true;
    }

    private bool OnTodoList(JsonSpan item, string? id)
    {
        if (!item.TryGet("items"u8, out var items) || !items.IsArray) return false;
        var text = _collect ? new StringBuilder() : null;
        int done = 0, total = 0;
        foreach (var todo in items.EnumerateArray())
        {
            if (!todo.IsObject || !Str(todo, "text"u8, out var t) || t is null) return false;
            var completed = todo.TryGet("completed"u8, out var c) && c.Kind == JsonTokenType.True;
            total++;
            if (completed) done++;
            text?.Append(text.Length > 0 ? "\n" : "").Append(completed ? "[x] " : "[ ] ").Append(t);
        }
        Result.ToolSummaries.Add($"todo list {done}/{total} done");
        if (text is not null) Result.Steps.Add(new TrajectoryStep(StepKind.ToolCall, text.ToString()) { ToolName = "todo_list", CallId = id });
        return true;
    }

    private bool OnErrorItem(JsonSpan item)
    {
        if (!Str(item, "message"u8, out var message) || message is null) return false;
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

    private static string Shorten(string command)
    {
        var nl = command.IndexOf('\n');
        var cut = Math.Min(nl < 0 ? command.Length : nl, SummaryCommandMax);
        return cut == command.Length ? command : command[..cut] + "…";
    }
}
