using System.Text.Json.Nodes;

namespace Zwarm.ScriptedModel;

/// <summary>One request the server received, with what answered it.</summary>
public sealed record RecordedRequest
{
    /// <summary>Position in arrival order, from 0.</summary>
    public required int Index { get; init; }

    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>Path without the query, e.g. <c>/v1/messages</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Query string including <c>?</c>, or empty.</summary>
    public required string Query { get; init; }

    /// <summary>Request headers (case-insensitive names, repeated values joined with <c>", "</c>).</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>Raw request body.</summary>
    public required string Body { get; init; }

    /// <summary>Parsed body, or null when it is not JSON.</summary>
    public JsonNode? Json { get; init; }

    /// <summary>The endpoint, or null for other paths.</summary>
    public Endpoint? Endpoint { get; init; }

    /// <summary>The body's <c>stream</c> flag.</summary>
    public bool Stream { get; init; }

    /// <summary>The body's <c>model</c>.</summary>
    public string? Model { get; init; }

    /// <summary>The reply that answered, or null (queue exhausted, unknown path).</summary>
    public ScriptedReply? Reply { get; init; }

    /// <summary>Position of that reply among the replies enqueued for the endpoint, from 0.</summary>
    public int? ReplyIndex { get; init; }

    /// <summary>The user's prompt: codex's last <c>user</c> message not starting with <c>&lt;</c>, Claude's last user text that is not a <c>&lt;system-reminder&gt;</c>, Chat's last user message.</summary>
    public string? LastUserPrompt { get; init; }

    /// <summary>Tool results sent back to the model, in request order.</summary>
    public IReadOnlyList<ToolOutput> ToolOutputs { get; init; } = [];

    /// <summary>Names of the tools offered in <c>tools</c> (Responses tools without a name are listed by type).</summary>
    public IReadOnlyList<string> OfferedTools { get; init; } = [];

    /// <summary>Codex <c>session-id</c> or Claude <c>X-Claude-Code-Session-Id</c> header.</summary>
    public string? SessionId { get; init; }

    /// <summary>The tool output for a call id, or null.</summary>
    public ToolOutput? ToolOutputFor(string callId) => ToolOutputs.FirstOrDefault(o => o.CallId == callId);
}

/// <summary>A tool result in a request: codex <c>function_call_output</c>/<c>custom_tool_call_output</c>, Claude <c>tool_result</c>, Chat <c>tool</c> message.</summary>
public sealed record ToolOutput(string CallId, string Output, bool IsError);
