using System.Text.Json.Nodes;

namespace Zwarm.ScriptedModel;

/// <summary>Formats replies as OpenAI Chat Completions: one <c>chat.completion</c>, or data-only <c>chat.completion.chunk</c> SSE ending in <c>[DONE]</c>.</summary>
internal sealed class ChatFormatter(ReplyContext ctx)
{
    private readonly List<SseEvent> _events = [];
    private readonly string _id = ctx.Ids.NextId("chatcmpl", "-");
    private bool _roleSent;

    public static WireReply Format(ScriptedReply reply, ReplyContext ctx) => reply switch
    {
        HttpErrorReply error => ErrorBodies.Reply(Endpoint.Chat, error, ctx.Now),
        TextReply text => new ChatFormatter(ctx).Complete(text.Text, [], text.Usage),
        ToolCallsReply calls => new ChatFormatter(ctx).Complete(calls.Preamble, calls.Calls, calls.Usage),
        StreamFailureReply failure => new ChatFormatter(ctx).Fail(failure),
        _ => throw new ArgumentOutOfRangeException(nameof(reply), reply.GetType().Name, "unknown reply kind"),
    };

    private WireReply Complete(string? text, IReadOnlyList<ScriptedToolCall> calls, ScriptedUsage? usage)
    {
        usage ??= ScriptedUsage.Default;
        var finishReason = calls.Count > 0 ? "tool_calls" : "stop";
        var ids = calls.Select(c => c.Id ?? ctx.Ids.NextId("call")).ToList();
        if (!ctx.Stream)
        {
            var message = new JsonObject { ["role"] = "assistant", ["content"] = text };
            if (calls.Count > 0)
            {
                message["tool_calls"] = new JsonArray([.. calls.Select((c, i) => ToolCall(ids[i], c.Name, c.ArgumentsText()))]);
            }

            var completion = Envelope("chat.completion");
            completion["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["finish_reason"] = finishReason,
                ["logprobs"] = null,
            });
            completion["usage"] = Usage(usage);
            return new JsonWireReply(200, completion);
        }

        if (text is not null)
        {
            Text(text);
        }

        for (var i = 0; i < calls.Count; i++)
        {
            var header = ToolCall(ids[i], calls[i].Name, "");
            header.Insert(0, "index", i);
            Chunk(new JsonObject { ["tool_calls"] = new JsonArray(header) }, toolCall: true);
            foreach (var part in TextChunks.Halves(calls[i].ArgumentsText()))
            {
                var delta = new JsonObject { ["index"] = i, ["function"] = new JsonObject { ["arguments"] = part } };
                Chunk(new JsonObject { ["tool_calls"] = new JsonArray(delta) });
            }
        }

        Chunk(new JsonObject(), finishReason: finishReason);
        if (ctx.IncludeUsage)
        {
            var chunk = Envelope("chat.completion.chunk");
            chunk["choices"] = new JsonArray();
            chunk["usage"] = Usage(usage);
            _events.Add(SseEvent.DataOnly(chunk));
        }

        _events.Add(new SseEvent(null, "[DONE]"));
        return new StreamWireReply(_events);
    }

    private WireReply Fail(StreamFailureReply failure)
    {
        var message = failure.Message ?? ErrorBodies.StreamFailureMessage;
        if (!ctx.Stream)
        {
            return ErrorBodies.OpenAiNonStreaming(failure);
        }

        Text(failure.PartialText ?? "");
        if (failure.Mode == StreamFailureMode.Failed)
        {
            _events.Add(SseEvent.DataOnly(ErrorBodies.OpenAi(500, message, failure.Code)));
        }

        return new StreamWireReply(_events);
    }

    private void Text(string text)
    {
        Chunk(new JsonObject { ["content"] = "" });
        foreach (var delta in TextChunks.Words(text))
        {
            Chunk(new JsonObject { ["content"] = delta });
        }
    }

    private void Chunk(JsonObject delta, string? finishReason = null, bool toolCall = false)
    {
        if (!_roleSent)
        {
            _roleSent = true;
            delta.Insert(0, "role", "assistant");
            if (toolCall)
            {
                delta.Insert(1, "content", null);
            }
        }

        var chunk = Envelope("chat.completion.chunk");
        chunk["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["finish_reason"] = finishReason,
        });
        _events.Add(SseEvent.DataOnly(chunk));
    }

    private JsonObject Envelope(string objectType) => new()
    {
        ["id"] = _id,
        ["object"] = objectType,
        ["created"] = ctx.UnixSeconds,
        ["model"] = ctx.Model,
    };

    private static JsonObject ToolCall(string id, string name, string arguments) => new()
    {
        ["id"] = id,
        ["type"] = "function",
        ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments },
    };

    private static JsonObject Usage(ScriptedUsage usage) => new()
    {
        ["prompt_tokens"] = usage.InputTokens,
        ["completion_tokens"] = usage.OutputTokens,
        ["total_tokens"] = usage.InputTokens + usage.OutputTokens,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.CachedTokens },
    };
}
