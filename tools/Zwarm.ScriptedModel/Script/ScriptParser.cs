using System.Text.Json;
using System.Text.Json.Nodes;

namespace Zwarm.ScriptedModel;

/// <summary>Parses the JSON script format (see README.md) into endpoint/reply pairs; rejects unknown keys so typos fail loudly.</summary>
internal static class ScriptParser
{
    private static readonly Dictionary<string, Endpoint> Sections = new()
    {
        ["responses"] = Endpoint.Responses,
        ["messages"] = Endpoint.Messages,
        ["chat"] = Endpoint.Chat,
    };

    private static readonly string[] EntryKeys =
        ["text", "tool_calls", "http_error", "stream_failure", "preamble", "reasoning", "usage", "times", "delayMs", "when", "comment"];

    public static IReadOnlyList<(Endpoint Endpoint, ScriptedReply Reply)> ParseFile(string path) =>
        Parse(File.ReadAllText(path), path);

    public static IReadOnlyList<(Endpoint Endpoint, ScriptedReply Reply)> Parse(string json, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON: {e.Message}", e);
        }

        var top = Obj(root, source, [.. Sections.Keys, "comment"]);
        var script = new List<(Endpoint, ScriptedReply)>();
        foreach (var (name, endpoint) in Sections)
        {
            if (top[name] is null)
            {
                continue;
            }

            if (top[name] is not JsonArray entries)
            {
                throw new InvalidDataException($"{source}: {name} must be an array of replies");
            }

            for (var i = 0; i < entries.Count; i++)
            {
                var where = $"{source}: {name}[{i}]";
                try
                {
                    var reply = Entry(Obj(entries[i], where, EntryKeys), where);
                    reply.Validate();
                    script.Add((endpoint, reply));
                }
                catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or InvalidDataException)
                {
                    throw new InvalidDataException(e.Message.StartsWith(where, StringComparison.Ordinal) ? e.Message : $"{where}: {e.Message}", e);
                }
            }
        }

        return script;
    }

    private static ScriptedReply Entry(JsonObject entry, string where)
    {
        string[] kinds = [.. new[] { "text", "tool_calls", "http_error", "stream_failure" }.Where(k => entry[k] is not null)];
        if (kinds.Length == 0)
        {
            throw new InvalidDataException($"{where}: needs one of text, tool_calls, http_error, stream_failure");
        }

        if (kinds.Length > 1)
        {
            throw new InvalidDataException($"{where}: give only one of {string.Join(", ", kinds)}");
        }

        ScriptedReply reply = kinds.FirstOrDefault() switch
        {
            "tool_calls" => new ToolCallsReply(ToolCalls(entry["tool_calls"], where))
            {
                Preamble = Str(entry, "preamble"),
                Reasoning = Str(entry, "reasoning"),
                Usage = Usage(entry["usage"], where),
            },
            "http_error" => HttpError(Obj(entry["http_error"], $"{where}.http_error", ["status", "message", "body"])),
            "stream_failure" => StreamFailure(Obj(entry["stream_failure"], $"{where}.stream_failure", ["mode", "code", "message", "text"]), where),
            _ => new TextReply(Str(entry, "text")!)
            {
                Reasoning = Str(entry, "reasoning"),
                Usage = Usage(entry["usage"], where),
            },
        };
        if (reply is HttpErrorReply or StreamFailureReply)
        {
            foreach (var key in new[] { "preamble", "reasoning", "usage" }.Where(k => entry[k] is not null))
            {
                throw new InvalidDataException($"{where}: {key} does not apply to {kinds[0]}");
            }
        }
        else if (reply is TextReply && entry["preamble"] is not null)
        {
            throw new InvalidDataException($"{where}: preamble is only for tool_calls (use text alone for a text answer)");
        }

        return reply with
        {
            Times = Int(entry, "times") ?? 1,
            DelayMs = Int(entry, "delayMs") ?? 0,
            When = Str(entry, "when"),
        };
    }

    private static ScriptedToolCall[] ToolCalls(JsonNode? node, string where)
    {
        if (node is not JsonArray calls)
        {
            throw new InvalidDataException($"{where}: tool_calls must be an array");
        }

        return [.. calls.Select((c, i) =>
        {
            var call = Obj(c, $"{where}.tool_calls[{i}]", ["name", "namespace", "args", "input", "id"]);
            if (call["args"] is { } args and not JsonObject)
            {
                throw new InvalidDataException($"{where}.tool_calls[{i}]: args must be a JSON object");
            }

            return new ScriptedToolCall(Str(call, "name") ?? throw new InvalidDataException($"{where}.tool_calls[{i}]: name is required"))
            {
                ArgumentsJson = call["args"] is JsonObject a ? WireJson.Write(a) : null,
                Input = Str(call, "input"),
                Id = Str(call, "id"),
                Namespace = Str(call, "namespace"),
            };
        })];
    }

    private static HttpErrorReply HttpError(JsonObject error) => new(Int(error, "status") ?? throw new InvalidDataException("http_error.status is required"))
    {
        Message = Str(error, "message"),
        Body = error["body"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? raw) => raw,
            var body => WireJson.Write(body),
        },
    };

    private static StreamFailureReply StreamFailure(JsonObject failure, string where) => new(Str(failure, "mode") switch
    {
        "failed" => StreamFailureMode.Failed,
        "truncate" => StreamFailureMode.Truncate,
        var mode => throw new InvalidDataException($"{where}.stream_failure: mode must be \"failed\" or \"truncate\", got {mode ?? "nothing"}"),
    })
    {
        Code = Str(failure, "code"),
        Message = Str(failure, "message"),
        PartialText = Str(failure, "text"),
    };

    private static ScriptedUsage? Usage(JsonNode? node, string where)
    {
        if (node is null)
        {
            return null;
        }

        var usage = Obj(node, $"{where}.usage", ["input_tokens", "output_tokens", "cached_tokens", "cache_creation_tokens", "reasoning_tokens"]);
        return new ScriptedUsage(Int(usage, "input_tokens") ?? 0, Int(usage, "output_tokens") ?? 0)
        {
            CachedTokens = Int(usage, "cached_tokens") ?? 0,
            CacheCreationTokens = Int(usage, "cache_creation_tokens") ?? 0,
            ReasoningTokens = Int(usage, "reasoning_tokens") ?? 0,
        };
    }

    private static JsonObject Obj(JsonNode? node, string where, string[] allowed)
    {
        if (node is not JsonObject obj)
        {
            throw new InvalidDataException($"{where}: expected a JSON object");
        }

        var unknown = obj.Select(p => p.Key).FirstOrDefault(k => !allowed.Contains(k));
        return unknown is null ? obj : throw new InvalidDataException($"{where}: unknown key \"{unknown}\" (expected one of {string.Join(", ", allowed)})");
    }

    private static string? Str(JsonObject obj, string key) => obj[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw new InvalidDataException($"{key} must be a string"),
    };

    private static int? Int(JsonObject obj, string key) => obj[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out int n) => n,
        _ => throw new InvalidDataException($"{key} must be an integer"),
    };
}
