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
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal?))]
[JsonSerializable(typeof(SessionConflicts))]
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

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    };

    /// <summary>
    /// Parses the fields a listing needs (no messages, turns or unknown fields); never write the result back. One forward
    /// <see cref="Utf8JsonReader"/> pass over the top-level object skips <c>messages</c> and <c>turns</c> without
    /// materialising them; only the remaining properties (a few hundred bytes) reach the serializer.
    /// </summary>
    public static SessionMeta DeserializeSummary(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return Summary(JsonSerializer.Deserialize(utf8, SummaryInfo));
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Min(utf8.Length, 1 << 16) + 2);
        var kept = rented.AsSpan();
        try
        {
            var n = 0;
            kept[n++] = (byte)'{';
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex;
                var skip = reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("turns"u8);
                reader.Read();
                reader.Skip();
                if (skip) continue;
                var property = utf8[start..(int)reader.BytesConsumed];
                if (n + property.Length + 2 > kept.Length)
                {
                    var bigger = System.Buffers.ArrayPool<byte>.Shared.Rent((n + property.Length) * 2 + 2);
                    kept[..n].CopyTo(bigger);
                    System.Buffers.ArrayPool<byte>.Shared.Return(rented);
                    rented = bigger;
                    kept = rented.AsSpan();
                }
                if (n > 1) kept[n++] = (byte)',';
                property.CopyTo(kept[n..]);
                n += property.Length;
            }
            if (reader.TokenType != JsonTokenType.EndObject) throw new JsonException("meta.json is not a JSON object");
            if (reader.Read()) throw new JsonException("meta.json has content after its object");
            kept[n++] = (byte)'}';
            return Summary(JsonSerializer.Deserialize(kept[..n], SummaryInfo));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static SessionMeta Summary(SessionMeta? meta)
    {
        if (meta is null) throw new JsonException("meta.json is null");
        meta.IsSummary = true;
        return meta;
    }

    /// <summary>Options with the on-disk naming, for callers that print sessions as JSON.</summary>
    public static JsonSerializerOptions SerializerOptions => Options;
}
