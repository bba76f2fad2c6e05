using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Zwarm.Core.Sessions;

/// <summary>
/// Reads ISO 8601 timestamps with or without an offset and writes them with an offset: for the fields zwarm adds
/// (per-turn records). The fields Python zwarm knows use <see cref="PythonTimestamp"/>.
/// </summary>
public sealed class FlexibleTimestampConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
            return IsoTimestamp.FromEpochSeconds(reader.GetDouble());
        // The fast ISO 8601 path covers what zwarm writes (and reads a naive time as local, like AssumeLocal below).
        if (reader.TryGetDateTimeOffset(out var iso)) return iso;
        var s = reader.GetString();
        if (string.IsNullOrEmpty(s)) return default;
        if (IsoTimestamp.TryParse(s, out var v)) return v;
        throw new JsonException($"not an ISO 8601 timestamp: '{s}'");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        => writer.WriteStringValue(value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture));
}
