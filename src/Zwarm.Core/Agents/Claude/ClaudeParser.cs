using System.Globalization;
using System.Text;
using System.Text.Json;
using static Zwarm.Core.Agents.Claude.ClaudeJson;

namespace Zwarm.Core.Agents.Claude;

/// <summary>
/// Streaming parser of Claude Code's <c>--output-format stream-json</c> (and of the single <c>json</c> result
/// object). One JSON document per line, each read in place in one forward pass (<see cref="ClaudeEvent"/>); nothing
/// of a line is kept beyond what the result needs.
/// </summary>
internal sealed partial class ClaudeParser(bool collectTrajectory) : ITurnParser, IDropsOutputs
{
    // A Bash failure states its exit code at the start of its output: this much is decoded when outputs are dropped.
    private const int ExitCodeScanChars = 160;
    private const int BriefChars = 120;
    private const int MaxPendingCalls = 4096;
    private static readonly string[] UsageKeys =
        ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"];
    private static readonly byte[][] UsageKeysUtf8 = [.. UsageKeys.Select(Encoding.UTF8.GetBytes)];
    private static readonly byte[][] BriefKeys =
        [.. new[] { "command", "file_path", "notebook_path", "pattern", "path", "url", "query", "description" }
            .Select(Encoding.UTF8.GetBytes)];

    private readonly TurnParseResult _result = new();
    private readonly Dictionary<string, string> _pendingCalls = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deniedCalls = new(StringComparer.Ordinal);
    private readonly List<ClaudeBlock> _blocks = [];
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
        try
        {
            if (!ClaudeEvent.TryRead(line, _blocks, out var e)) _result.MalformedLines++;
            else Dispatch(in e);
        }
        // Not JSON, or JSON of an unexpected shape (e.g. invalid UTF-8 inside a string): counted, never fatal.
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _result.MalformedLines++;
        }
    }

    private void Dispatch(in ClaudeEvent e)
    {
        var type = e[ClaudeField.Type];
        if (!type.IsString) return;
        var isSystem = type.ValueEquals("system"u8);
        if (isSystem && !_idFromInit && Is(e[ClaudeField.Subtype], "init"u8) && Str(e[ClaudeField.SessionId]) is { Length: > 0 } id)
        {
            _result.AgentSessionId = id;
            _idFromInit = true;
        }
        else if (_result.AgentSessionId is null && Str(e[ClaudeField.SessionId]) is { Length: > 0 } sid) _result.AgentSessionId = sid;

        if (isSystem) OnSystem(in e);
        else if (type.ValueEquals("assistant"u8)) OnAssistant(in e);
        else if (type.ValueEquals("user"u8)) OnUser(in e);
        else if (type.ValueEquals("result"u8)) OnResult(in e);
        // stream_event (partial messages) repeats what the complete assistant lines carry; other types are unknown.
    }

    private void OnSystem(in ClaudeEvent e)
    {
        if (!collectTrajectory) return;
        if (Is(e[ClaudeField.Subtype], "api_retry"u8))
        {
            var status = Long(e[ClaudeField.ErrorStatus]) is { } s ? $", status {s}" : "";
            var error = Str(e[ClaudeField.Error]) is { Length: > 0 } err ? $" ({err})" : "";
            var delay = Long(e[ClaudeField.RetryDelayMs]) is { } d ? $", next try in {d} ms" : "";
            var attempt = $"{Long(e[ClaudeField.Attempt])}/{Long(e[ClaudeField.MaxRetries])}";
            AddStep(new TrajectoryStep(StepKind.Retry, $"retrying: attempt {attempt}{status}{error}{delay}"));
        }
        else if (Is(e[ClaudeField.Subtype], "permission_denied"u8))
        {
            var callId = Str(e[ClaudeField.ToolUseId]);
            if (callId is not null) _deniedCalls.Add(callId);
            var tool = Str(e[ClaudeField.ToolName]) ?? "tool";
            AddStep(new TrajectoryStep(StepKind.Error, $"permission denied: {tool}: {Str(e[ClaudeField.Message])}")
                { ToolName = tool, CallId = callId, IsError = true });
        }
    }

    private void OnAssistant(in ClaudeEvent e)
    {
        if (!e[ClaudeField.Message].IsObject) return;
        var content = e[ClaudeField.Content];
        if (True(e[ClaudeField.IsApiErrorMessage]) || Is(e[ClaudeField.Model], "<synthetic>"u8))
        {
            // Claude Code reports a failed API call as a made-up assistant message; it is the error, not a reply.
            _apiError = ContentText(content);
            if (!_result.CompletionEvent) _result.Error = _apiError;
            if (Is(e[ClaudeField.Error], "rate_limit"u8) || Long(e[ClaudeField.ApiErrorStatus]) == 429) NoteRateLimit(_apiError);
            AddStep(new TrajectoryStep(StepKind.Error, _apiError) { IsError = true });
            return;
        }
        var messageId = Str(e[ClaudeField.MessageId]);
        var subagent = e[ClaudeField.ParentToolUseId].IsString;
        if (content.IsString)
        {
            OnText(messageId, content.GetString(), subagent);
            return;
        }
        if (!content.IsArray) return;
        foreach (var block in _blocks)
        {
            var type = e[block, BlockField.Type];
            if (Is(type, "text"u8)) OnText(messageId, Str(e[block, BlockField.Text]) ?? "", subagent);
            else if (Is(type, "tool_use"u8) || Is(type, "server_tool_use"u8) || Is(type, "mcp_tool_use"u8)) OnToolUse(in e, in block);
            else if (Is(type, "thinking"u8)) OnThinking(Str(e[block, BlockField.Thinking]) ?? "");
            else if (Is(type, "redacted_thinking"u8)) OnThinking("[redacted thinking]");
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

    private void OnToolUse(in ClaudeEvent e, in ClaudeBlock block)
    {
        _textMessageId = null;
        var name = Str(e[block, BlockField.Name]) ?? "tool";
        var callId = Str(e[block, BlockField.Id]);
        if (!collectTrajectory) return;
        var input = e[block, BlockField.Input];
        if (callId is not null)
        {
            if (_pendingCalls.Count >= MaxPendingCalls) _pendingCalls.Clear();
            _pendingCalls[callId] = name;
        }
        var command = name == "Bash" ? Str(input, "command"u8) : null;
        var text = input.Kind == JsonTokenType.None ? "" : input.GetRawText();
        _result.Steps.Add(new TrajectoryStep(StepKind.ToolCall, text) { ToolName = name, CallId = callId, Command = command });
    }

    private void OnUser(in ClaudeEvent e)
    {
        if (!e[ClaudeField.Message].IsObject || !e[ClaudeField.Content].IsArray) return;
        foreach (var block in _blocks)
            if (Is(e[block, BlockField.Type], "tool_result"u8)) OnToolResult(in e, in block);
    }

    private void OnToolResult(in ClaudeEvent e, in ClaudeBlock block)
    {
        if (!collectTrajectory) return;
        var callId = Str(e[block, BlockField.ToolUseId]);
        var isError = True(e[block, BlockField.IsError]);
        var name = callId is not null && _pendingCalls.Remove(callId, out var called) ? called : "tool";
        var content = e[block, BlockField.Content];
        // A caller that drops outputs gets the step without decoding the output; the exit code is at its start.
        var output = _dropOutputs ? "" : ContentText(content);
        _result.Steps.Add(new TrajectoryStep(StepKind.ToolOutput, output)
        {
            Output = _dropOutputs ? null : output, IsError = isError, CallId = callId, ToolName = name,
            ExitCode = name == "Bash" ? BashExitCode(_dropOutputs ? ContentText(content, ExitCodeScanChars) : output, isError) : null,
        });
    }

    private void OnResult(in ClaudeEvent e)
    {
        var failed = True(e[ClaudeField.IsError])
                     || Str(e[ClaudeField.Subtype]) is { } sub && sub.StartsWith("error", StringComparison.Ordinal);
        var text = Str(e[ClaudeField.Result]);
        _result.CompletionEvent = !failed;
        if (failed)
        {
            _result.Error = NonEmpty(text) ?? NonEmpty(Errors(e[ClaudeField.Errors])) ?? _apiError ?? FailureReason(in e);
            if (Long(e[ClaudeField.ApiErrorStatus]) == 429 || Is(e[ClaudeField.ApiErrorType], "rate_limit_error"u8))
                NoteRateLimit(_result.Error);
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
        if (e[ClaudeField.Usage] is { IsObject: true } usage) SetUsage(usage);
        if (Double(e[ClaudeField.TotalCostUsd]) is { } cost)
        {
            _result.CostUsd = cost;
            _result.CostIsCumulative = true;
        }
        if (collectTrajectory && e[ClaudeField.PermissionDenials] is { IsArray: true } denials)
            foreach (var d in denials.EnumerateArray())
            {
                var callId = Str(d, "tool_use_id"u8);
                if (callId is not null && !_deniedCalls.Add(callId)) continue;
                var tool = Str(d, "tool_name"u8) ?? "tool";
                d.TryGetLast("tool_input"u8, out var input);
                _result.Steps.Add(new TrajectoryStep(StepKind.Error, $"permission denied: {tool}: {Brief(input)}")
                    { ToolName = tool, CallId = callId, IsError = true });
            }
    }

    // Captured (tests/fixtures/agents/claude/11–13): a 429 is a synthetic assistant message with "error":"rate_limit" and
    // a result with "api_error_status":429; the text states no reset. A subscription's "usage limit reached|<epoch>" does.
    private void NoteRateLimit(string? text)
    {
        _result.RateLimited = true;
        if (text is not null) _result.RetryHint = RetryHint.FromText(text) ?? _result.RetryHint;
    }

    private void SetUsage(JsonSpan usage)
    {
        // result.usage covers the API calls of this process run only (after --resume too); assistant lines carry partial numbers.
        var u = _result.Usage;
        u.Clear();
        for (var i = 0; i < UsageKeys.Length; i++)
            if (Long(usage, UsageKeysUtf8[i]) is { } n) u[UsageKeys[i]] = n;
        u["total_tokens"] = u.GetValueOrDefault("input_tokens") + u.GetValueOrDefault("output_tokens");
        _result.UsageIsCumulative = false;
    }

    private void AddStep(TrajectoryStep step)
    {
        if (collectTrajectory) _result.Steps.Add(step);
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static string? Errors(JsonSpan errors)
    {
        if (!errors.IsArray) return null;
        var texts = new List<string>();
        foreach (var error in errors.EnumerateArray())
            if (error.IsString) texts.Add(error.GetString());
        return string.Join("; ", texts);
    }

    private static string FailureReason(in ClaudeEvent e)
    {
        var reason = NonEmpty(Str(e[ClaudeField.TerminalReason])) ?? NonEmpty(Str(e[ClaudeField.Subtype])) ?? "error";
        var status = Long(e[ClaudeField.ApiErrorStatus]) is { } s ? $", HTTP {s}" : "";
        return reason == "error_max_turns" || reason == "max_turns"
            ? $"claude stopped: reached the maximum number of turns ({Long(e[ClaudeField.NumTurns])})"
            : $"claude reported an error ({reason}{status})";
    }

    /// <summary>What a tool call is about, in one short line (Bash: the command; file tools: the path).</summary>
    private static string Brief(JsonSpan input)
    {
        if (!input.IsObject) return "";
        // The first of BriefKeys whose (last) value is a string, found in one pass over the input.
        var raw = input.Raw;
        Span<JsonSlot> values = stackalloc JsonSlot[BriefKeys.Length];
        var reader = new JsonLineReader(raw);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = BriefKey(in reader);
            reader.Read();
            if (key >= 0) values[key] = reader.TakeValue();
            else reader.Skip();
        }
        foreach (var v in values)
            if (v.Kind == JsonTokenType.String) return OneLine(Prefix(v.In(raw), BriefChars));
        return OneLine(RawPrefix(input, BriefChars));
    }

    private static int BriefKey(in JsonLineReader reader)
    {
        for (var i = 0; i < BriefKeys.Length; i++)
            if (reader.ValueTextEquals(BriefKeys[i])) return i;
        return -1;
    }

    private static int? BashExitCode(string output, bool isError)
    {
        if (!isError) return 0;
        var m = ExitCodePattern().Match(output);
        return m.Success && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code)
            ? code : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\A(?:Error: )?Exit code (\d+)")]
    private static partial System.Text.RegularExpressions.Regex ExitCodePattern();
}
