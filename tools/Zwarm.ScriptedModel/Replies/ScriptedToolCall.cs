using System.Text.Json;
using System.Text.Json.Nodes;

namespace Zwarm.ScriptedModel;

/// <summary>A tool call: a function call with JSON arguments, or a custom (freeform) call such as codex's <c>apply_patch</c>.</summary>
public sealed record ScriptedToolCall(string Name)
{
    /// <summary>Function arguments as a JSON object text (sent as a string to OpenAI, as an object to Claude).</summary>
    public string? ArgumentsJson { get; init; }

    /// <summary>Freeform input of a custom tool call (Responses <c>custom_tool_call</c>); other endpoints get <c>{"input": …}</c>.</summary>
    public string? Input { get; init; }

    /// <summary>
    /// Responses only: the namespace of a namespaced tool, e.g. <c>mcp__zwarm</c> (codex offers an MCP server's tools as
    /// one namespace; the call names the tool within it). Other endpoints ignore it.
    /// </summary>
    public string? Namespace { get; init; }

    /// <summary>Overrides the generated call id (<c>call_N</c> / <c>toolu_N</c>).</summary>
    public string? Id { get; init; }

    /// <summary>True for a custom (freeform) call.</summary>
    public bool IsCustom => Input is not null;

    /// <summary>A function call with arguments given as JSON object text.</summary>
    public static ScriptedToolCall Function(string name, string argumentsJson) => new(name) { ArgumentsJson = argumentsJson };

    /// <summary>A function call with arguments given as a JSON object.</summary>
    public static ScriptedToolCall Function(string name, JsonObject arguments) =>
        new(name) { ArgumentsJson = arguments.ToJsonString(WireJson.Options) };

    /// <summary>A custom (freeform) tool call, e.g. <c>apply_patch</c> with a patch text.</summary>
    public static ScriptedToolCall Custom(string name, string input) => new(name) { Input = input };

    /// <summary>The arguments as a JSON object (custom calls: <c>{"input": …}</c>).</summary>
    internal JsonObject ArgumentsObject() => IsCustom
        ? new JsonObject { ["input"] = Input }
        : JsonNode.Parse(ArgumentsText())!.AsObject();

    /// <summary>The arguments as JSON text (custom calls: <c>{"input": …}</c>).</summary>
    internal string ArgumentsText() => IsCustom
        ? ArgumentsObject().ToJsonString(WireJson.Options)
        : ArgumentsJson ?? "{}";

    internal void Validate()
    {
        if (string.IsNullOrEmpty(Name))
        {
            throw new ArgumentException("a tool call needs a name");
        }

        if (IsCustom && ArgumentsJson is not null)
        {
            throw new ArgumentException($"tool call {Name}: give either arguments or input, not both");
        }

        if (IsCustom)
        {
            return;
        }

        try
        {
            if (JsonNode.Parse(ArgumentsText()) is not JsonObject)
            {
                throw new ArgumentException($"tool call {Name}: arguments must be a JSON object");
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"tool call {Name}: arguments are not valid JSON: {e.Message}", e);
        }
    }
}
