using System.Text.Json.Nodes;

namespace Zwarm.ScriptedModel;

/// <summary>Formats replies as Anthropic Messages SSE (named events, what claude reads), or as one message object when not streaming.</summary>
internal sealed class MessagesFormatter(ReplyContext ctx)
{
    /// <summary>base64("fake-signature"): Claude echoes thinking blocks back with their signature.</summary>
    public const string ThinkingSignature = "ZmFrZS1zaWduYXR1cmU=";

    private readonly List<SseEvent> _events = [];
    private readonly JsonArray _content = [];
    private readonly string _messageId = ctx.Ids.NextId("msg");

    public static WireReply Format(ScriptedReply reply, ReplyContext ctx) => reply switch
    {
        HttpErrorReply error => ErrorBodies.Reply(Endpoint.Messages, error, ctx.Now),
        TextReply text => new MessagesFormatter(ctx).Complete(text.Reasoning, text.Text, [], text.Usage),
        ToolCallsReply calls => new MessagesFormatter(ctx).Complete(calls.Reasoning, calls.Preamble, calls.Calls, calls.Usage),
        StreamFailureReply failure => new MessagesFormatter(ctx).Fail(failure),
        _ => throw new ArgumentOutOfRangeException(nameof(reply), reply.GetType().Name, "unknown reply kind"),
    };

    private WireReply Complete(string? thinking, string? text, IReadOnlyList<ScriptedToolCall> calls, ScriptedUsage? usage)
    {
        usage ??= ScriptedUsage.Default;
        Start(usage);
        if (thinking is not null)
        {
            Thinking(thinking);
        }

        if (text is not null)
        {
            Text(text);
        }

        foreach (var call in calls)
        {
            ToolUse(call);
        }

        var stopReason = calls.Count > 0 ? "tool_use" : "end_turn";
        if (!ctx.Stream)
        {
            var message = Message(stopReason, InputUsage(usage, usage.OutputTokens));
            message["content"] = _content.DeepClone();
            return new JsonWireReply(200, message);
        }

        Add("message_delta",
            ("delta", new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = null }),
            ("usage", new JsonObject { ["output_tokens"] = usage.OutputTokens }));
        Add("message_stop");
        return new StreamWireReply(_events);
    }

    private WireReply Fail(StreamFailureReply failure)
    {
        var type = failure.Code ?? "overloaded_error";
        var message = failure.Message ?? (failure.Code is null ? "Overloaded" : ErrorBodies.StreamFailureMessage);
        if (!ctx.Stream)
        {
            return failure.Mode == StreamFailureMode.Failed
                ? new JsonWireReply(ErrorBodies.AnthropicStatus(type), ErrorBodies.Anthropic(type, message))
                : new AbortWireReply();
        }

        Start(ScriptedUsage.Default);
        if (failure.PartialText is not null)
        {
            Text(failure.PartialText);
        }

        if (failure.Mode == StreamFailureMode.Failed)
        {
            _events.Add(SseEvent.Named(ErrorBodies.Anthropic(type, message)));
        }

        return new StreamWireReply(_events);
    }

    private void Start(ScriptedUsage usage)
    {
        Add("message_start", ("message", Message(null, InputUsage(usage, 1))));
        Add("ping");
    }

    private JsonObject Message(string? stopReason, JsonObject usage) => new()
    {
        ["id"] = _messageId,
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = ctx.Model,
        ["content"] = new JsonArray(),
        ["stop_reason"] = stopReason,
        ["stop_sequence"] = null,
        ["usage"] = usage,
    };

    private void Thinking(string thinking)
    {
        var index = Block(new JsonObject { ["type"] = "thinking", ["thinking"] = "", ["signature"] = "" });
        // One delta, as the fixtures: Claude prints a system/thinking_tokens line per thinking_delta.
        Delta(index, new JsonObject { ["type"] = "thinking_delta", ["thinking"] = thinking });

        Delta(index, new JsonObject { ["type"] = "signature_delta", ["signature"] = ThinkingSignature });
        Stop(index, new JsonObject { ["type"] = "thinking", ["thinking"] = thinking, ["signature"] = ThinkingSignature });
    }

    private void Text(string text)
    {
        var index = Block(new JsonObject { ["type"] = "text", ["text"] = "" });
        foreach (var delta in TextChunks.Words(text))
        {
            Delta(index, new JsonObject { ["type"] = "text_delta", ["text"] = delta });
        }

        Stop(index, new JsonObject { ["type"] = "text", ["text"] = text });
    }

    private void ToolUse(ScriptedToolCall call)
    {
        var id = call.Id ?? ctx.Ids.NextId("toolu");
        var index = Block(new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = call.Name, ["input"] = new JsonObject() });
        foreach (var part in TextChunks.Halves(call.ArgumentsText()))
        {
            Delta(index, new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = part });
        }

        Stop(index, new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = call.Name, ["input"] = call.ArgumentsObject() });
    }

    private int Block(JsonObject start)
    {
        var index = _content.Count;
        _content.Add(null);
        Add("content_block_start", ("index", index), ("content_block", start));
        return index;
    }

    private void Delta(int index, JsonObject delta) => Add("content_block_delta", ("index", index), ("delta", delta));

    private void Stop(int index, JsonObject complete)
    {
        _content[index] = complete;
        Add("content_block_stop", ("index", index));
    }

    private void Add(string type, params (string Key, JsonNode? Value)[] fields)
    {
        var data = new JsonObject { ["type"] = type };
        foreach (var (key, value) in fields)
        {
            // Field tuples are reused across events; a node can only have one parent.
            data[key] = value?.Parent is null ? value : value.DeepClone();
        }

        _events.Add(SseEvent.Named(data));
    }

    private static JsonObject InputUsage(ScriptedUsage usage, int outputTokens) => new()
    {
        ["input_tokens"] = usage.InputTokens,
        ["cache_creation_input_tokens"] = usage.CacheCreationTokens,
        ["cache_read_input_tokens"] = usage.CachedTokens,
        ["output_tokens"] = outputTokens,
    };
}
