using System.Text.Json.Nodes;

namespace Zwarm.ScriptedModel;

/// <summary>Formats replies as OpenAI Responses API SSE (what codex reads), or as one response object when not streaming.</summary>
internal sealed class ResponsesFormatter(ReplyContext ctx)
{
    private readonly List<SseEvent> _events = [];
    private readonly JsonArray _output = [];
    private readonly string _responseId = ctx.Ids.NextId("resp");

    public static WireReply Format(ScriptedReply reply, ReplyContext ctx) => reply switch
    {
        HttpErrorReply error => ErrorBodies.Reply(Endpoint.Responses, error),
        TextReply text => new ResponsesFormatter(ctx).Complete(text.Reasoning, text.Text, [], text.Usage),
        ToolCallsReply calls => new ResponsesFormatter(ctx).Complete(calls.Reasoning, calls.Preamble, calls.Calls, calls.Usage),
        StreamFailureReply failure => new ResponsesFormatter(ctx).Fail(failure),
        _ => throw new ArgumentOutOfRangeException(nameof(reply), reply.GetType().Name, "unknown reply kind"),
    };

    private WireReply Complete(string? reasoning, string? text, IReadOnlyList<ScriptedToolCall> calls, ScriptedUsage? usage)
    {
        Created();
        if (reasoning is not null)
        {
            Reasoning(reasoning);
        }

        if (text is not null)
        {
            Message(text);
        }

        foreach (var call in calls)
        {
            if (call.IsCustom)
            {
                CustomCall(call);
            }
            else
            {
                FunctionCall(call);
            }
        }

        var response = Response("completed");
        response["usage"] = Usage(usage ?? ScriptedUsage.Default);
        if (!ctx.Stream)
        {
            response["output"] = _output.DeepClone();
            return new JsonWireReply(200, response);
        }

        Add("response.completed", ("response", response));
        return new StreamWireReply(_events);
    }

    private WireReply Fail(StreamFailureReply failure)
    {
        var message = failure.Message ?? ErrorBodies.StreamFailureMessage;
        if (!ctx.Stream)
        {
            return ErrorBodies.OpenAiNonStreaming(failure);
        }

        Created();
        if (failure.PartialText is not null)
        {
            Message(failure.PartialText);
        }

        if (failure.Mode == StreamFailureMode.Failed)
        {
            var response = Response("failed");
            response["error"] = new JsonObject { ["code"] = failure.Code ?? "server_error", ["message"] = message };
            Add("response.failed", ("response", response));
        }

        return new StreamWireReply(_events);
    }

    private void Created()
    {
        Add("response.created", ("response", Response("in_progress")));
    }

    private JsonObject Response(string status) => new()
    {
        ["id"] = _responseId,
        ["object"] = "response",
        ["created_at"] = ctx.UnixSeconds,
        ["status"] = status,
        ["model"] = ctx.Model,
    };

    private void Reasoning(string summary)
    {
        var index = _output.Count;
        var id = ctx.Ids.NextId("rs");
        Add("response.output_item.added", ("output_index", index),
            ("item", new JsonObject { ["type"] = "reasoning", ["id"] = id, ["summary"] = new JsonArray() }));
        (string, JsonNode?)[] at = [("item_id", id), ("output_index", index), ("summary_index", 0)];
        Add("response.reasoning_summary_part.added", [.. at, ("part", SummaryPart(""))]);
        Add("response.reasoning_summary_text.delta", [.. at, ("delta", summary)]);
        Add("response.reasoning_summary_text.done", [.. at, ("text", summary)]);
        Add("response.reasoning_summary_part.done", [.. at, ("part", SummaryPart(summary))]);
        Done(index, new JsonObject
        {
            ["type"] = "reasoning",
            ["id"] = id,
            ["summary"] = new JsonArray(SummaryPart(summary)),
            ["encrypted_content"] = null,
        });
    }

    private void Message(string text)
    {
        var index = _output.Count;
        var id = ctx.Ids.NextId("msg");
        Add("response.output_item.added", ("output_index", index), ("item", MessageItem(id, "in_progress", null)));
        (string, JsonNode?)[] at = [("item_id", id), ("output_index", index), ("content_index", 0)];
        Add("response.content_part.added", [.. at, ("part", TextPart(""))]);
        foreach (var delta in TextChunks.Words(text))
        {
            Add("response.output_text.delta", [.. at, ("delta", delta)]);
        }

        Add("response.output_text.done", [.. at, ("text", text)]);
        Add("response.content_part.done", [.. at, ("part", TextPart(text))]);
        Done(index, MessageItem(id, "completed", text));
    }

    private void FunctionCall(ScriptedToolCall call)
    {
        var index = _output.Count;
        var n = ctx.Ids.Next("call");
        var id = $"fc_{n}";
        var arguments = call.ArgumentsText();
        Add("response.output_item.added", ("output_index", index), ("item", FunctionItem(id, call, n, "", "in_progress")));
        foreach (var delta in TextChunks.Halves(arguments))
        {
            Add("response.function_call_arguments.delta", ("item_id", id), ("output_index", index), ("delta", delta));
        }

        Add("response.function_call_arguments.done", ("item_id", id), ("output_index", index), ("arguments", arguments));
        Done(index, FunctionItem(id, call, n, arguments, "completed"));
    }

    private void CustomCall(ScriptedToolCall call)
    {
        var index = _output.Count;
        var n = ctx.Ids.Next("call");
        var id = $"ctc_{n}";
        Add("response.output_item.added", ("output_index", index), ("item", CustomItem(id, call, n, "", "in_progress")));
        foreach (var delta in TextChunks.Halves(call.Input!))
        {
            Add("response.custom_tool_call_input.delta", ("item_id", id), ("output_index", index), ("delta", delta));
        }

        Add("response.custom_tool_call_input.done", ("item_id", id), ("output_index", index), ("input", call.Input));
        Done(index, CustomItem(id, call, n, call.Input!, "completed"));
    }

    private void Done(int index, JsonObject item)
    {
        _output.Add(item.DeepClone());
        Add("response.output_item.done", ("output_index", index), ("item", item));
    }

    private void Add(string type, params (string Key, JsonNode? Value)[] fields)
    {
        var data = new JsonObject { ["type"] = type, ["sequence_number"] = _events.Count };
        foreach (var (key, value) in fields)
        {
            // Field tuples are reused across events; a node can only have one parent.
            data[key] = value?.Parent is null ? value : value.DeepClone();
        }

        _events.Add(SseEvent.Named(data));
    }

    private static JsonObject MessageItem(string id, string status, string? text) => new()
    {
        ["type"] = "message",
        ["id"] = id,
        ["role"] = "assistant",
        ["status"] = status,
        ["content"] = text is null ? new JsonArray() : new JsonArray(TextPart(text)),
    };

    private static JsonObject FunctionItem(string id, ScriptedToolCall call, int n, string arguments, string status)
    {
        var item = new JsonObject
        {
            ["type"] = "function_call",
            ["id"] = id,
            ["call_id"] = call.Id ?? $"call_{n}",
            ["name"] = call.Name,
            ["arguments"] = arguments,
            ["status"] = status,
        };
        if (call.Namespace is not null) item["namespace"] = call.Namespace;
        return item;
    }

    private static JsonObject CustomItem(string id, ScriptedToolCall call, int n, string input, string status) => new()
    {
        ["type"] = "custom_tool_call",
        ["id"] = id,
        ["call_id"] = call.Id ?? $"call_{n}",
        ["name"] = call.Name,
        ["input"] = input,
        ["status"] = status,
    };

    private static JsonObject TextPart(string text) =>
        new() { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() };

    private static JsonObject SummaryPart(string text) => new() { ["type"] = "summary_text", ["text"] = text };

    private static JsonObject Usage(ScriptedUsage usage) => new()
    {
        ["input_tokens"] = usage.InputTokens,
        ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.CachedTokens },
        ["output_tokens"] = usage.OutputTokens,
        ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = usage.ReasoningTokens },
        ["total_tokens"] = usage.InputTokens + usage.OutputTokens,
    };
}
