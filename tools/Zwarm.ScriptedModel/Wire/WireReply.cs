using System.Text.Json.Nodes;

namespace Zwarm.ScriptedModel;

/// <summary>What goes on the wire for one request.</summary>
internal abstract record WireReply;

/// <summary>A 200 <c>text/event-stream</c> of events, written and flushed one by one.</summary>
internal sealed record StreamWireReply(IReadOnlyList<SseEvent> Events) : WireReply;

/// <summary>A JSON body with a status code.</summary>
internal sealed record JsonWireReply(int Status, string Body) : WireReply
{
    /// <summary>Extra response headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public JsonWireReply(int status, JsonNode body)
        : this(status, WireJson.Write(body))
    {
    }
}

/// <summary>The connection is dropped without a response.</summary>
internal sealed record AbortWireReply : WireReply;

/// <summary>One SSE event; <see cref="Name"/> null writes a data-only event.</summary>
internal sealed record SseEvent(string? Name, string Data)
{
    public static SseEvent Named(JsonObject data) => new(data["type"]!.GetValue<string>(), WireJson.Write(data));

    public static SseEvent DataOnly(JsonNode data) => new(null, WireJson.Write(data));

    public string Frame() => Name is null ? $"data: {Data}\n\n" : $"event: {Name}\ndata: {Data}\n\n";
}
