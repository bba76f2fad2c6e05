using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Zwarm.Core.Sessions;

/// <summary>Source-generated JSON metadata for the on-disk format (snake_case, indent 2).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    IndentSize = 2,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(SessionMeta))]
[JsonSerializable(typeof(List<SessionMeta>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
public sealed partial class SessionJsonContext : JsonSerializerContext;

/// <summary>Reading and writing meta.json.</summary>
public static class SessionJson
{
    private static readonly JsonSerializerOptions Options = new(SessionJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly SessionJsonContext Context = new(Options);

    /// <summary>Serialises a session as meta.json bytes.</summary>
    public static byte[] Serialize(SessionMeta meta) => JsonSerializer.SerializeToUtf8Bytes(meta, Context.SessionMeta);

    /// <summary>Parses meta.json bytes; throws <see cref="JsonException"/> when they are not a session.</summary>
    public static SessionMeta Deserialize(ReadOnlySpan<byte> utf8)
        => JsonSerializer.Deserialize(utf8, Context.SessionMeta) ?? throw new JsonException("meta.json is null");

    // A listing needs neither the conversation nor per-turn records nor unknown fields: the reader skips them
    // without materialising anything, which is most of a meta.json's bytes.
    private static readonly string[] NotInSummary = ["messages", "turns"];

    private static readonly JsonTypeInfo<SessionMeta> SummaryInfo = (JsonTypeInfo<SessionMeta>)new JsonSerializerOptions(Options)
    {
        TypeInfoResolver = SessionJsonContext.Default.WithAddedModifier(ti =>
        {
            if (ti.Type != typeof(SessionMeta)) return;
            for (var i = ti.Properties.Count - 1; i >= 0; i--)
                if (ti.Properties[i].IsExtensionData || NotInSummary.Contains(ti.Properties[i].Name)) ti.Properties.RemoveAt(i);
        }),
    }.GetTypeInfo(typeof(SessionMeta));

    /// <summary>Parses the fields a listing needs (no messages, turns or unknown fields); never write the result back.</summary>
    public static SessionMeta DeserializeSummary(ReadOnlySpan<byte> utf8)
    {
        var meta = JsonSerializer.Deserialize(utf8, SummaryInfo) ?? throw new JsonException("meta.json is null");
        meta.IsSummary = true;
        return meta;
    }

    /// <summary>Options with the on-disk naming, for callers that print sessions as JSON.</summary>
    public static JsonSerializerOptions SerializerOptions => Options;
}
