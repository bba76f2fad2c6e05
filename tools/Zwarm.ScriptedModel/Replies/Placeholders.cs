using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Zwarm.ScriptedModel;

/// <summary>
/// <c>{{tool_output:PATH}}</c> in a reply's text, preamble or tool arguments is replaced, when the reply is served, by
/// the value at PATH (dotted keys, array indices: <c>sessions.0.status</c>) in the newest tool output of the request
/// that has it. An output is searched as JSON, and so is any JSON text inside it (an MCP result wraps the tool's JSON
/// in a text block). A script can so pass an id that a tool returned on to the next call.
/// </summary>
internal static partial class Placeholders
{
    [GeneratedRegex(@"\{\{tool_output:([A-Za-z0-9_.\-]+)\}\}")]
    private static partial Regex Pattern();

    /// <summary>The reply with its placeholders filled; an unknown one stays and is reported to <paramref name="problem"/>.</summary>
    public static ScriptedReply Fill(ScriptedReply reply, IReadOnlyList<ToolOutput> outputs, Action<string> problem)
    {
        string Sub(string text) => Pattern().Replace(text, m =>
        {
            if (Find(outputs, m.Groups[1].Value) is { } value) return value;
            problem($"placeholder {m.Value}: no tool output in the request has '{m.Groups[1].Value}'");
            return m.Value;
        });

        return reply switch
        {
            TextReply t when Pattern().IsMatch(t.Text) => t with { Text = Sub(t.Text) },
            ToolCallsReply c when c.Calls.Any(x => Pattern().IsMatch(x.ArgumentsJson ?? x.Input ?? "")) || Pattern().IsMatch(c.Preamble ?? "") => c with
            {
                Preamble = c.Preamble is null ? null : Sub(c.Preamble),
                Calls = [.. c.Calls.Select(x => x.IsCustom ? x with { Input = Sub(x.Input!) }
                    : x.ArgumentsJson is null ? x : x with { ArgumentsJson = FillJson(x.ArgumentsJson, Sub) })],
            },
            _ => reply,
        };
    }

    // Strings inside the arguments are filled one by one, so a value with quotes stays valid JSON.
    private static string FillJson(string json, Func<string, string> sub)
    {
        var node = JsonNode.Parse(json);
        return Walk(node, sub)?.ToJsonString(WireJson.Options) ?? "null";
    }

    private static JsonNode? Walk(JsonNode? node, Func<string, string> sub) => node switch
    {
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Walk(kv.Value, sub)))),
        JsonArray a => new JsonArray([.. a.Select(x => Walk(x, sub))]),
        JsonValue v when v.TryGetValue(out string? s) => JsonValue.Create(sub(s)),
        _ => node?.DeepClone(),
    };

    private static string? Find(IReadOnlyList<ToolOutput> outputs, string path)
    {
        for (var i = outputs.Count - 1; i >= 0; i--)
            foreach (var candidate in Documents(outputs[i].Output, depth: 0))
                if (At(candidate, path) is { } hit) return hit;
        return null;
    }

    /// <summary>
    /// Every JSON value that starts at a '{' or '[' of the output (codex puts text around an MCP result, claude may
    /// add a note after it), then every JSON text found in their strings.
    /// </summary>
    private static IEnumerable<JsonNode> Documents(string text, int depth)
    {
        if (depth > 3) yield break;
        var tries = 0;
        for (var start = text.IndexOfAny(['{', '[']); start >= 0 && tries < 20; start = text.IndexOfAny(['{', '['], start + 1), tries++)
        {
            if (TryParseAt(text, start, out var root, out var length))
            {
                yield return root;
                foreach (var s in Strings(root))
                    foreach (var inner in Documents(s, depth + 1))
                        yield return inner;
                start += length - 1;
            }
        }
    }

    private static bool TryParseAt(string text, int start, out JsonNode root, out int length)
    {
        root = null!;
        length = 0;
        try
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text[start..]);
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true });
            if (JsonNode.Parse(ref reader) is not { } node) return false;
            root = node;
            length = System.Text.Encoding.UTF8.GetCharCount(bytes.AsSpan(0, (int)reader.BytesConsumed));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static IEnumerable<string> Strings(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(kv => kv.Value is null ? [] : Strings(kv.Value)),
        JsonArray a => a.SelectMany(x => x is null ? [] : Strings(x)),
        JsonValue v when v.TryGetValue(out string? s) => [s],
        _ => [],
    };

    private static string? At(JsonNode node, string path)
    {
        JsonNode? current = node;
        foreach (var key in path.Split('.'))
        {
            current = current switch
            {
                JsonObject o => o[key],
                JsonArray a when int.TryParse(key, out var n) && n >= 0 && n < a.Count => a[n],
                _ => null,
            };
            if (current is null) return null;
        }
        return current is JsonValue v && v.TryGetValue(out string? s) ? s : current.ToJsonString(WireJson.Options);
    }
}
