using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Zwarm.Orchestration.State;

/// <summary>
/// Converts the orchestrator's messages to and from the OpenAI chat format used on disk
/// (orchestrator/messages.json): role, content, tool_calls, tool_call_id, plus "reasoning" when the model sent some.
/// </summary>
internal static class MessageCodec
{
    /// <summary>One message as an OpenAI chat message object.</summary>
    public static JsonObject ToJson(ChatMessage message)
    {
        var o = new JsonObject { ["role"] = message.Role.Value };
        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        var results = message.Contents.OfType<FunctionResultContent>().ToList();
        if (results.Count > 0)
        {
            o["tool_call_id"] = results[0].CallId;
            o["content"] = ResultText(results[0].Result);
            return o;
        }
        var text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
        o["content"] = calls.Count > 0 && text.Length == 0 ? null : text;
        if (calls.Count > 0)
        {
            o["tool_calls"] = new JsonArray([.. calls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.CallId,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = ArgumentsJson(c.Arguments) },
            })]);
        }
        var reasoning = string.Concat(message.Contents.OfType<TextReasoningContent>().Select(r => r.Text));
        if (reasoning.Length > 0) o["reasoning"] = reasoning;
        return o;
    }

    /// <summary>A message read back from its OpenAI chat form; a tool message becomes one function result.</summary>
    public static ChatMessage FromJson(JsonObject o)
    {
        var role = new ChatRole(o["role"]?.GetValue<string>() ?? "user");
        var content = o["content"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        if (role == ChatRole.Tool)
            return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(o["tool_call_id"]?.GetValue<string>() ?? "", content ?? "")]);
        var contents = new List<AIContent>();
        if (o["reasoning"] is JsonValue r && r.TryGetValue(out string? reasoning) && reasoning.Length > 0)
            contents.Add(new TextReasoningContent(reasoning));
        if (!string.IsNullOrEmpty(content)) contents.Add(new TextContent(content));
        foreach (var call in (o["tool_calls"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var fn = call["function"];
            contents.Add(new FunctionCallContent(call["id"]?.GetValue<string>() ?? "", fn?["name"]?.GetValue<string>() ?? "",
                ParseArguments(fn?["arguments"]?.GetValue<string>())));
        }
        return new ChatMessage(role, contents);
    }

    /// <summary>The whole list as a JSON array.</summary>
    public static JsonArray ToJson(IEnumerable<ChatMessage> messages) => new([.. messages.Select(m => (JsonNode)ToJson(m))]);

    /// <summary>The whole list from a JSON array.</summary>
    public static List<ChatMessage> FromJson(JsonArray array) => [.. array.OfType<JsonObject>().Select(FromJson)];

    /// <summary>
    /// The model's answer as one assistant message (text, reasoning and calls), rebuilt from its parts so the list in
    /// memory is exactly what is saved; function results of the same response are dropped (we run tools ourselves).
    /// </summary>
    public static ChatMessage Assistant(ChatResponse response)
    {
        var contents = new List<AIContent>();
        var reasoning = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        if (reasoning.Length > 0) contents.Add(new TextReasoningContent(reasoning));
        var text = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextContent>().Select(t => t.Text));
        if (text.Length > 0) contents.Add(new TextContent(text));
        foreach (var call in response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
            contents.Add(new FunctionCallContent(call.CallId, call.Name, Normalize(call.Arguments)));
        return new ChatMessage(ChatRole.Assistant, contents);
    }

    /// <summary>A tool message carrying one result.</summary>
    public static ChatMessage ToolResult(string callId, string resultJson)
        => new(ChatRole.Tool, [new FunctionResultContent(callId, resultJson)]);

    /// <summary>The text of a tool message's result ("" for other messages).</summary>
    public static string ToolResultText(ChatMessage m) => ResultText(m.Contents.OfType<FunctionResultContent>().FirstOrDefault()?.Result);

    /// <summary>Arguments as compact JSON object text.</summary>
    public static string ArgumentsJson(IDictionary<string, object?>? args)
    {
        var o = new JsonObject();
        foreach (var (k, v) in args ?? new Dictionary<string, object?>())
            o[k] = v switch
            {
                null => null,
                JsonElement e => JsonNode.Parse(e.GetRawText()),
                JsonNode n => n.DeepClone(),
                string str => str,
                bool b => b,
                int i => i,
                long l => l,
                double d => d,
                _ => JsonSerializer.SerializeToNode(v, AIJsonUtilities.DefaultOptions.GetTypeInfo(v.GetType())),
            };
        return o.ToJsonString();
    }

    /// <summary>The text of a function result (results are JSON strings already).</summary>
    public static string ResultText(object? result) => result switch
    {
        null => "",
        string s => s,
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText(),
        _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions.GetTypeInfo(result.GetType())),
    };

    private static Dictionary<string, object?> Normalize(IDictionary<string, object?>? args) => ParseArguments(ArgumentsJson(args));

    private static Dictionary<string, object?> ParseArguments(string? json)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json)) return result;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return result;
            foreach (var p in doc.RootElement.EnumerateObject()) result[p.Name] = p.Value.Clone();
        }
        catch (JsonException)
        {
            // Malformed arguments from the model: the tool sees none and answers with a hint.
            result["_raw"] = JsonSerializer.SerializeToElement(json, Zwarm.Core.Sessions.SessionJsonContext.Default.String);
        }
        return result;
    }
}
