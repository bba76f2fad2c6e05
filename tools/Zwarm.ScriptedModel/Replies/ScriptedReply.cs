namespace Zwarm.ScriptedModel;

/// <summary>One scripted answer to a model request; formatted per endpoint and per <c>stream</c> flag.</summary>
public abstract record ScriptedReply
{
    /// <summary>How many consecutive requests this reply serves (retries consume replies); 0 means forever.</summary>
    public int Times { get; init; } = 1;

    /// <summary>Delay in milliseconds before each event after the first (before the body when not streaming).</summary>
    public int DelayMs { get; init; }

    /// <summary>When set, the reply only serves requests whose last user prompt contains this text (ordinal).</summary>
    public string? When { get; init; }

    /// <summary>A plain text answer.</summary>
    public static TextReply Answer(string text, ScriptedUsage? usage = null) => new(text) { Usage = usage };

    /// <summary>One or more tool calls in one response.</summary>
    public static ToolCallsReply ToolCalls(params ScriptedToolCall[] calls) => new(calls);

    /// <summary>A non-200 HTTP answer with the endpoint's JSON error body (or <paramref name="body"/> verbatim).</summary>
    public static HttpErrorReply HttpError(int status, string? message = null, string? body = null) =>
        new(status) { Message = message, Body = body };

    /// <summary>A 200 stream that reports an in-stream error (<c>response.failed</c> / <c>event: error</c>).</summary>
    public static StreamFailureReply StreamFailed(string? code = null, string? message = null) =>
        new(StreamFailureMode.Failed) { Code = code, Message = message };

    /// <summary>A 200 stream that ends without its terminal event.</summary>
    public static StreamFailureReply StreamTruncated(string? partialText = null) =>
        new(StreamFailureMode.Truncate) { PartialText = partialText };

    /// <summary>A body sent verbatim (as application/json) with <paramref name="status"/>, e.g. a completion without choices or not JSON at all.</summary>
    public static RawBodyReply RawBody(string body, int status = 200) => new(status, body);

    /// <summary>Throws <see cref="ArgumentException"/> when the reply cannot be formatted.</summary>
    internal virtual void Validate()
    {
        if (Times < 0)
        {
            throw new ArgumentException($"times must be >= 0 (0 = forever), got {Times}");
        }

        if (DelayMs < 0)
        {
            throw new ArgumentException($"delayMs must be >= 0, got {DelayMs}");
        }
    }
}

/// <summary>Assistant text, optionally preceded by reasoning (Responses summary / Claude thinking).</summary>
public sealed record TextReply(string Text) : ScriptedReply
{
    /// <summary>Reasoning summary (codex) or thinking text (claude) sent before the text; ignored by Chat.</summary>
    public string? Reasoning { get; init; }

    /// <summary>Token usage to report; a default is used when null.</summary>
    public ScriptedUsage? Usage { get; init; }
}

/// <summary>Tool calls, optionally preceded by reasoning and a preamble text.</summary>
public sealed record ToolCallsReply(IReadOnlyList<ScriptedToolCall> Calls) : ScriptedReply
{
    /// <summary>Text sent before the calls (codex prints it as an earlier agent_message).</summary>
    public string? Preamble { get; init; }

    /// <summary>Reasoning summary (codex) or thinking text (claude) sent first; ignored by Chat.</summary>
    public string? Reasoning { get; init; }

    /// <summary>Token usage to report; a default is used when null.</summary>
    public ScriptedUsage? Usage { get; init; }

    internal override void Validate()
    {
        base.Validate();
        if (Calls.Count == 0)
        {
            throw new ArgumentException("tool_calls needs at least one call");
        }

        foreach (var call in Calls)
        {
            call.Validate();
        }
    }
}

/// <summary>An HTTP error status with a JSON error body shaped for the endpoint.</summary>
public sealed record HttpErrorReply(int Status) : ScriptedReply
{
    /// <summary>The error message inside the generated body.</summary>
    public string? Message { get; init; }

    /// <summary>A raw body sent verbatim instead of the generated one.</summary>
    public string? Body { get; init; }

    internal override void Validate()
    {
        base.Validate();
        if (Status is < 400 or > 599)
        {
            throw new ArgumentException($"http_error status must be 400..599, got {Status}");
        }
    }
}

/// <summary>A body written verbatim with a status, whatever the endpoint and the stream flag.</summary>
public sealed record RawBodyReply(int Status, string Body) : ScriptedReply;

/// <summary>How a scripted stream fails.</summary>
public enum StreamFailureMode
{
    /// <summary>An in-stream error event: <c>response.failed</c>, Anthropic <c>error</c>, or a Chat error chunk.</summary>
    Failed,

    /// <summary>The stream just ends before its terminal event (no <c>response.completed</c> / <c>message_stop</c> / <c>[DONE]</c>).</summary>
    Truncate,
}

/// <summary>A 200 stream that fails; non-streaming requests get an HTTP error (failed) or a dropped connection (truncate).</summary>
public sealed record StreamFailureReply(StreamFailureMode Mode) : ScriptedReply
{
    /// <summary>Error code (Responses <c>error.code</c>, Anthropic <c>error.type</c>, Chat <c>error.code</c>).</summary>
    public string? Code { get; init; }

    /// <summary>Error message.</summary>
    public string? Message { get; init; }

    /// <summary>Text sent as a complete item/block before the failure.</summary>
    public string? PartialText { get; init; }
}
