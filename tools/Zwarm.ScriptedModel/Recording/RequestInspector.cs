using System.Text;
using System.Text.Json.Nodes;

namespace Zwarm.ScriptedModel;

/// <summary>Reads prompts, tool outputs and offered tools out of request bodies, per endpoint.</summary>
internal static class RequestInspector
{
    public static string? LastUserPrompt(Endpoint endpoint, JsonNode? body) => endpoint switch
    {
        Endpoint.Responses => ResponsesPrompt(body?["input"] as JsonArray),
        Endpoint.Messages => MessagesPrompt(body?["messages"] as JsonArray),
        _ => ChatPrompt(body?["messages"] as JsonArray),
    };

    public static IReadOnlyList<ToolOutput> ToolOutputs(Endpoint endpoint, JsonNode? body) => endpoint switch
    {
        Endpoint.Responses => ResponsesOutputs(body?["input"] as JsonArray),
        Endpoint.Messages => MessagesOutputs(body?["messages"] as JsonArray),
        _ => ChatOutputs(body?["messages"] as JsonArray),
    };

    public static IReadOnlyList<string> OfferedTools(Endpoint endpoint, JsonNode? body)
    {
        if (body?["tools"] is not JsonArray tools)
        {
            return [];
        }

        return [.. tools.OfType<JsonObject>().Select(t => endpoint switch
        {
            Endpoint.Chat => Str(t["function"]?["name"]) ?? Str(t["name"]),
            _ => Str(t["name"]) ?? Str(t["type"]),
        }).OfType<string>()];
    }

    private static string? ResponsesPrompt(JsonArray? input)
    {
        if (input is null)
        {
            return null;
        }

        // Codex injects context as user messages that start with '<' (<environment_context>, ...).
        return input.OfType<JsonObject>()
            .Where(i => Str(i["role"]) == "user" && (Str(i["type"]) ?? "message") == "message")
            .Select(i => ContentText(i["content"]))
            .LastOrDefault(t => t.Length > 0 && !t.StartsWith('<'));
    }

    private static string? MessagesPrompt(JsonArray? messages)
    {
        if (messages is null)
        {
            return null;
        }

        foreach (var message in messages.OfType<JsonObject>().Reverse().Where(m => Str(m["role"]) == "user"))
        {
            var text = message["content"] switch
            {
                JsonValue v => Str(v),
                JsonArray blocks => blocks.OfType<JsonObject>()
                    .Where(b => Str(b["type"]) == "text")
                    .Select(b => Str(b["text"]) ?? "")
                    .LastOrDefault(t => !t.StartsWith("<system-reminder>", StringComparison.Ordinal)),
                _ => null,
            };
            if (text is not null)
            {
                return text;
            }
        }

        return null;
    }

    private static string? ChatPrompt(JsonArray? messages) => messages?.OfType<JsonObject>()
        .Where(m => Str(m["role"]) == "user")
        .Select(m => ContentText(m["content"]))
        .LastOrDefault();

    private static List<ToolOutput> ResponsesOutputs(JsonArray? input) =>
    [
        .. (input ?? []).OfType<JsonObject>()
            .Where(i => Str(i["type"]) is "function_call_output" or "custom_tool_call_output")
            .Select(i => new ToolOutput(Str(i["call_id"]) ?? "", ContentText(i["output"]), false)),
    ];

    private static List<ToolOutput> MessagesOutputs(JsonArray? messages) =>
    [
        .. (messages ?? []).OfType<JsonObject>()
            .Where(m => Str(m["role"]) == "user")
            .SelectMany(m => m["content"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(b => Str(b["type"]) == "tool_result")
            .Select(b => new ToolOutput(
                Str(b["tool_use_id"]) ?? "",
                ContentText(b["content"]),
                b["is_error"] is JsonValue e && e.TryGetValue(out bool isError) && isError)),
    ];

    private static List<ToolOutput> ChatOutputs(JsonArray? messages) =>
    [
        .. (messages ?? []).OfType<JsonObject>()
            .Where(m => Str(m["role"]) == "tool")
            .Select(m => new ToolOutput(Str(m["tool_call_id"]) ?? "", ContentText(m["content"]), false)),
    ];

    /// <summary>A string content, or the concatenated <c>text</c> of an array of content parts.</summary>
    private static string ContentText(JsonNode? content)
    {
        if (content is JsonValue)
        {
            return Str(content) ?? "";
        }

        var text = new StringBuilder();
        foreach (var part in (content as JsonArray ?? []).OfType<JsonObject>())
        {
            text.Append(Str(part["text"]));
        }

        return text.ToString();
    }

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
