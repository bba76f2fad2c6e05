using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Zwarm.ScriptedModel;

/// <summary>Compact JSON as the real APIs write it (no escaping of <c>'</c>, <c>&lt;</c> or non-ASCII).</summary>
internal static class WireJson
{
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonNode node) => node.ToJsonString(Options);
}
