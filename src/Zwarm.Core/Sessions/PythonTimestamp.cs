using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Zwarm.Core.Sessions;

/// <summary>
/// A timestamp of meta.json as Python zwarm writes it (<c>datetime.now().isoformat()</c>: naive local time, microseconds
/// unless they are zero). It remembers the JSON it was read from, so a value nobody changed is written back byte for byte
/// (an empty string stays empty, a naive time never gains an offset).
/// </summary>
public readonly struct PythonTimestamp
{
    private PythonTimestamp(DateTimeOffset value, string? rawJson)
    {
        Value = value;
        RawJson = rawJson;
    }

    /// <summary>The instant (default for an empty or null value).</summary>
    public DateTimeOffset Value { get; }

    /// <summary>The JSON token this was read from; null when zwarm set the value.</summary>
    public string? RawJson { get; }

    /// <summary>A value read from meta.json.</summary>
    public static PythonTimestamp Read(DateTimeOffset value, string rawJson) => new(value, rawJson);

    /// <summary>This timestamp set to <paramref name="value"/>: unchanged (and its text kept) when it is the same instant.</summary>
    public PythonTimestamp With(DateTimeOffset value) => RawJson is not null && value.Equals(Value) ? this : new(value, null);

    /// <summary>Python's <c>isoformat()</c> of the local time of <paramref name="value"/>: <c>2026-12-01T22:25:26.123456</c>.</summary>
    public static string Format(DateTimeOffset value)
    {
        var local = value == default ? default : value.ToLocalTime().DateTime;
        var micro = local.Ticks % TimeSpan.TicksPerSecond / 10;
        var text = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return micro == 0 ? text : text + "." + micro.ToString("D6", CultureInfo.InvariantCulture);
    }
}

/// <summary>Reads any ISO 8601 (or epoch seconds) form into a <see cref="PythonTimestamp"/> and writes it the Python way.</summary>
public sealed class PythonTimestampConverter : JsonConverter<PythonTimestamp>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override PythonTimestamp Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return PythonTimestamp.Read(default, "null");
            case JsonTokenType.Number:
                return PythonTimestamp.Read(IsoTimestamp.FromEpochSeconds(reader.GetDouble()), Encoding.UTF8.GetString(raw));
            case JsonTokenType.String:
                var rawJson = "\"" + Encoding.UTF8.GetString(raw) + "\"";
                if (reader.TryGetDateTimeOffset(out var fast) && !reader.ValueIsEscaped) return PythonTimestamp.Read(fast, rawJson);
                var s = reader.GetString()!;
                if (s.Trim().Length == 0) return PythonTimestamp.Read(default, rawJson);
                return IsoTimestamp.TryParse(s, out var v)
                    ? PythonTimestamp.Read(v, rawJson)
                    : throw new JsonException($"not an ISO 8601 timestamp: '{s}'");
            default:
                throw new JsonException($"expected a timestamp, got {reader.TokenType}");
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, PythonTimestamp value, JsonSerializerOptions options)
    {
        if (value.RawJson is { } raw) writer.WriteRawValue(raw, skipInputValidation: true);
        else writer.WriteStringValue(PythonTimestamp.Format(value.Value));
    }
}
