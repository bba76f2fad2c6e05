using System.Buffers;
using System.Globalization;
using System.Text.Json;
using static Zwarm.Core.Agents.Claude.ClaudeJson;

namespace Zwarm.Core.Agents.Claude;

/// <summary>
/// Streaming parser of Claude Code's <c>--output-format stream-json</c> (and of the single <c>json</c> result
/// object). One JSON document per line, nothing of a line kept beyond what the result needs.
/// </summary>
internal sealed partial class ClaudeParser(bool collectTrajectory) : ITurnParser, IDropsOutputs
{
    // A Bash failure states its exit code at the start of its output: this much is decoded when outputs are dropped.
    private const int ExitCodeScanChars = 160;
    private const int BriefChars = 120;
    private const int MaxPendingCalls = 4096;
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 256 };
    private static readonly string[] UsageKeys = ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"];
    private static readonly string[] BriefKeys = ["command", "file_path", "notebook_path", "pattern", "path", "url", "query", "description"];

    private readonly TurnParseResult _result = new();
    private readonly Dictionary<string, string> _pendingCalls = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deniedCalls = new(StringComparer.Ordinal);
    private bool _idFromInit;
    private string? _textMessageId;  // message.id whose text the last assistant message holds, while nothing came between
    private string? _lastTextBlock;
    private string? _apiError;       // the text of a synthetic "API Error" assistant line
    private bool _dropOutputs;

    /// <inheritdoc />
    public void DropOutputs() => _dropOutputs = true;

    /// <inheritdoc />
    public TurnParseResult Result => _result;

    /// <inheritdoc />
    public void Feed(ReadOnlySpan<byte> line)
    {
        _result.Lines++;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(line.Length, 1));
        try
        {
            line.CopyTo(buffer);
            using var doc = JsonDocument.Parse(buffer.AsMemory(0, line.Length), Options);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) _result.MalformedLines++;
            else Dispatch(doc.RootElement);
        }
        // Not JSON, or JSON of an unexpected shape (e.g. invalid UTF-8 inside a string): counted, never fatal.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _result.MalformedLines++;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Dispatch(JsonElement root)
    {
        if (!TryGet(root, "type", JsonValueKind.String, out var type)) return;
        var isSystem = type.ValueEquals("system");
        if (isSystem && !_idFromInit && Is(root, "subtype", "init") && Str(root, "session_id") is { Length: > 0 } id)
        {
            _result.AgentSessionId = id;
            _idFromInit = true;
        }
        else if (_result.AgentSessionId is null && Str(root, "session_id") is { Length: > 0 } sid) _result.AgentSessionId = sid;

        if (isSystem) OnSystem(root);
        else if (type.ValueEquals("assistant")) OnAssistant(root);
        else if (type.ValueEquals("user")) OnUser(root);
        else if (type.ValueEquals("result")) OnResult(root);
        // stream_event (partial messages) repeats what the complete assistant lines carry; other types are unknown.
    }

    private void OnSystem(JsonElement root)
    {
        if (!collectTrajectory) return;
        if (Is(root, "subtype", "api_retry"))
        {
            var status = Long(root, "error_status") is { } s ? $", status {s}" : "";
            var error = Str(root, "error") is { Length: > 0 } e ? $" ({e})" : "";
            var delay = Long(root, "retry_delay_ms") is { } d ? $", next try in {d} ms" : "";
            AddStep(new TrajectoryStep(StepKind.Retry, $"retrying: attempt {Long(root, "attempt")}/{Long(root, "max_retries")}{status}{error}{delay}"));
        }
        else if (Is(root, "subtype", "permission_denied"))
        {
            var callId = Str(root, "tool_use_id");
            if (callId is not null) _deniedCalls.Add(callId);
            var tool = Str(root, "tool_name") ?? "tool";
            AddStep(new TrajectoryStep(StepKind.Error, $"permission denied: {tool}: {Str(root, "message")}") { ToolName = tool, CallId = callId, IsError = true });
        }
    }

    private void OnAssistant(JsonElement root)
    {
        if (!TryGet(root, "message", JsonValueKind.Object, out var message)) return;
        message.TryGetProperty("content", out var content);
        if (True(root, "is_api_error_message") || Is(message, "model", "<synthetic>"))
        {
            // Claude Code reports a failed API call as a made-up assistant message; it is the error, not a reply.
            _apiError = ContentText(content);
            if (!_result.CompletionEvent) _result.Error = _apiError;
            if (Is(root, "error", "rate_limit") || Long(root, "api_error_status") == 429) NoteRateLimit(_apiError);
            AddStep(new TrajectoryStep(StepKind.Error, _apiError) { IsError = true });
            return;
        }
        var messageId = Str(message, "id");
        var subagent = TryGet(root, "parent_tool_use_id", JsonValueKind.String, out _);
        if (content.ValueKind == JsonValueKind.String)
        {
            OnText(messageId, content.GetString() ?? "", subagent);
            return;
        }
        if (content.ValueKind != JsonValueKind.Array) return;
        foreach (var block in content.EnumerateArray())
        {
            if (Is(block, "type", "text")) OnText(messageId, Str(block, "text") ?? "", subagent);
            else if (Is(block, "type", "tool_use") || Is(block, "type", "server_tool_use") || Is(block, "type", "mcp_tool_use")) OnToolUse(block);
            else if (Is(block, "type", "thinking")) OnThinking(Str(block, "thinking") ?? "");
            else if (Is(block, "type", "redacted_thinking")) OnThinking("[redacted thinking]");
        }
    }

    private void OnText(string? messageId, string text, bool subagent)
    {
        if (text.Length == 0) return;
        if (subagent)
        {
            // A sub-agent's words belong to its Task call, not to the session's replies.
            AddStep(new TrajectoryStep(StepKind.Message, "(subagent) " + text));
            return;
        }
        var messages = _result.AssistantMessages;
        if (messageId is not null && messageId == _textMessageId && messages.Count > 0)
        {
            // Claude Code prints one line per content block: consecutive text blocks of one API message are one message.
            messages[^1] += text;
            if (collectTrajectory && _result.Steps.Count > 0 && _result.Steps[^1].Kind == StepKind.Message)
                _result.Steps[^1] = _result.Steps[^1] with { Text = messages[^1] };
        }
        else
        {
            messages.Add(text);
            AddStep(new TrajectoryStep(StepKind.Message, text));
        }
        _textMessageId = messageId;
        _lastTextBlock = text;
    }

    private void OnThinking(string text)
    {
        _textMessageId = null;
        if (text.Length > 0) AddStep(new TrajectoryStep(StepKind.Reasoning, text));
    }

    private void OnToolUse(JsonElement block)
    {
        _textMessageId = null;
        var name = Str(block, "name") ?? "tool";
        var callId = Str(block, "id");
        if (!collectTrajectory) return;
        block.TryGetProperty("input", out var input);
        if (callId is not null)
        {
            if (_pendingCalls.Count >= MaxPendingCalls) _pendingCalls.Clear();
            _pendingCalls[callId] = name;
        }
        var command = name == "Bash" ? Str(input, "command") : null;
        var text = input.ValueKind == JsonValueKind.Undefined ? "" : input.GetRawText();
        _result.Steps.Add(new TrajectoryStep(StepKind.ToolCall, text) { ToolName = name, CallId = callId, Command = command });
    }

    private void OnUser(JsonElement root)
    {
        if (!TryGet(root, "message", JsonValueKind.Object, out var message)
            || !TryGet(message, "content", JsonValueKind.Array, out var content)) return;
        foreach (var block in content.EnumerateArray())
            if (Is(block, "type", "tool_result")) OnToolResult(block);
    }

    private void OnToolResult(JsonElement block)
    {
        if (!collectTrajectory) return;
        var callId = Str(block, "tool_use_id");
        var isError = True(block, "is_error");
        var name = callId is not null && _pendingCalls.Remove(callId, out var called) ? called : "tool";
        block.TryGetProperty("content", out var content);
        // A caller that drops outputs gets the step without decoding the output; the exit code is at its start.
        var output = _dropOutputs ? "" : ContentText(content);
        _result.Steps.Add(new TrajectoryStep(StepKind.ToolOutput, output)
        {
            Output = _dropOutputs ? null : output, IsError = isError, CallId = callId, ToolName = name,
            ExitCode = name == "Bash" ? BashExitCode(_dropOutputs ? ContentText(content, ExitCodeScanChars) : output, isError) : null,
        });
    }

    private void OnResult(JsonElement root)
    {
        var failed = True(root, "is_error") || Str(root, "subtype") is { } sub && sub.StartsWith("error", StringComparison.Ordinal);
        var text = Str(root, "result");
        _result.CompletionEvent = !failed;
        if (failed)
        {
            _result.Error = NonEmpty(text) ?? NonEmpty(Errors(root)) ?? _apiError ?? FailureReason(root);
            if (Long(root, "api_error_status") == 429 || Is(root, "api_error_type", "rate_limit_error")) NoteRateLimit(_result.Error);
            // The synthetic API-error line already made this step; other failures (json output, max turns, resume errors) did not.
            if (_apiError is null) AddStep(new TrajectoryStep(StepKind.Error, _result.Error) { IsError = true });
        }
        else
        {
            _result.Error = null;
            _result.RateLimited = false;
            // With --output-format json, or when the last text came only as partial events, the result is the reply.
            if (!string.IsNullOrWhiteSpace(text) && text != _lastTextBlock && text != _result.Reply)
            {
                _result.AssistantMessages.Add(text);
                AddStep(new TrajectoryStep(StepKind.Message, text));
                _lastTextBlock = text;
                _textMessageId = null;
            }
        }
        if (TryGet(root, "usage", JsonValueKind.Object, out var usage)) SetUsage(usage);
        if (Double(root, "total_cost_usd") is { } cost)
        {
            _result.CostUsd = cost;
            _result.CostIsCumulative = true;
        }
        if (collectTrajectory && TryGet(root, "permission_denials", JsonValueKind.Array, out var denials))
            foreach (var d in denials.EnumerateArray())
            {
                var callId = Str(d, "tool_use_id");
                if (callId is not null && !_deniedCalls.Add(callId)) continue;
                var tool = Str(d, "tool_name") ?? "tool";
                d.TryGetProperty("tool_input", out var input);
                _result.Steps.Add(new TrajectoryStep(StepKind.Error, $"permission denied: {tool}: {Brief(input)}") { ToolName = tool, CallId = callId, IsError = true });
            }
    }

    // Captured (tests/fixtures/agents/claude/11–13): a 429 is a synthetic assistant message with "error":"rate_limit" and
    // a result with "api_error_status":429; the text states no reset. A subscription's "usage limit reached|<epoch>" does.
    private void NoteRateLimit(string? text)
    {
        _result.RateLimited = true;
        if (text is not null) _result.RetryHint = RetryHint.FromText(text) ?? _result.RetryHint;
    }

    private void SetUsage(JsonElement usage)
    {
        // result.usage covers the API calls of this process run only (after --resume too); assistant lines carry partial numbers.
        var u = _result.Usage;
        u.Clear();
        foreach (var key in UsageKeys)
            if (Long(usage, key) is { } n) u[key] = n;
        u["total_tokens"] = u.GetValueOrDefault("input_tokens") + u.GetValueOrDefault("output_tokens");
        _result.UsageIsCumulative = false;
    }

    private void AddStep(TrajectoryStep step)
    {
        if (collectTrajectory) _result.Steps.Add(step);
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static string? Errors(JsonElement root)
        => TryGet(root, "errors", JsonValueKind.Array, out var errors)
            ? string.Join("; ", errors.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()))
            : null;

    private static string FailureReason(JsonElement root)
    {
        var reason = NonEmpty(Str(root, "terminal_reason")) ?? NonEmpty(Str(root, "subtype")) ?? "error";
        var status = Long(root, "api_error_status") is { } s ? $", HTTP {s}" : "";
        return reason == "error_max_turns" || reason == "max_turns"
            ? $"claude stopped: reached the maximum number of turns ({Long(root, "num_turns")})"
            : $"claude reported an error ({reason}{status})";
    }

    /// <summary>What a tool call is about, in one short line (Bash: the command; file tools: the path).</summary>
    private static string Brief(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object) return "";
        foreach (var key in BriefKeys)
            if (TryGet(input, key, JsonValueKind.String, out var v)) return OneLine(Prefix(v, BriefChars));
        return OneLine(RawPrefix(input, BriefChars));
    }

    private static int? BashExitCode(string output, bool isError)
    {
        if (!isError) return 0;
        var m = ExitCodePattern().Match(output);
        return m.Success && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\A(?:Error: )?Exit code (\d+)")]
    private static partial System.Text.RegularExpressions.Regex ExitCodePattern();
}
