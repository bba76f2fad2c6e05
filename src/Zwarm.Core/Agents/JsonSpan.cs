using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Zwarm.Core.Agents;

/// <summary>
/// A JSON value inside one line, read on demand with <see cref="Utf8JsonReader"/>: no copy of the line, no
/// document, nothing allocated but the strings asked for. Values that are never asked for (a command's
/// multi-megabyte output) are only skipped over.
/// </summary>
internal readonly ref struct JsonSpan
{
    // Invalid UTF-8 throws, as in JsonElement.GetRawText.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Starts at the value's first token; ends with the value when _exact, else may run on past it (the rest of the enclosing line).
    private readonly ReadOnlySpan<byte> _json;
    private readonly bool _exact;

    private JsonSpan(ReadOnlySpan<byte> json, JsonTokenType kind, bool exact = false)
    {
        _json = json;
        Kind = kind;
        _exact = exact;
    }

    /// <summary>
    /// The value of <paramref name="length"/> bytes at <paramref name="start"/> of <paramref name="line"/> (found by a
    /// reader's pass over the line).
    /// </summary>
    public static JsonSpan At(ReadOnlySpan<byte> line, int start, int length, JsonTokenType kind)
        => new(line.Slice(start, length), kind, exact: true);

    /// <summary>The value's first token: StartObject, StartArray, String, Number, True, False or Null.</summary>
    public JsonTokenType Kind { get; }

    public bool IsObject => Kind == JsonTokenType.StartObject;
    public bool IsArray => Kind == JsonTokenType.StartArray;
    public bool IsString => Kind == JsonTokenType.String;
    public bool IsNumber => Kind == JsonTokenType.Number;
    public bool IsNull => Kind == JsonTokenType.None || Kind == JsonTokenType.Null;

    /// <summary>
    /// The single JSON value of a line, checked whole (syntax, depth, UTF-8) so that later reads cannot fail
    /// halfway. Returns false for invalid UTF-8; throws <see cref="JsonException"/> for invalid JSON or a blank line.
    /// </summary>
    public static bool TryParseLine(ReadOnlySpan<byte> line, out JsonSpan root)
    {
        root = default;
        if (!Utf8.IsValid(line)) return false;
        var reader = new JsonLineReader(line);
        if (!reader.Read()) return false;
        var value = reader.TakeValue();
        if (reader.Read()) return false; // unreachable: trailing content throws
        root = value.In(line);
        return true;
    }

    /// <summary>The value of an object's property (the first of that name).</summary>
    public bool TryGet(ReadOnlySpan<byte> name, out JsonSpan value) => Find(name, out value, [], out _, second: false) > 0;

    /// <summary>
    /// The value of an object's property, the last of that name (as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>).
    /// </summary>
    public bool TryGetLast(ReadOnlySpan<byte> name, out JsonSpan value)
    {
        value = default;
        if (!IsObject) return false;
        var reader = new JsonLineReader(_json);
        reader.Read();
        var found = default(JsonSlot);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            if (match) found = reader.TakeValue();
            else reader.Skip();
        }
        value = found.In(_json);
        return found.IsPresent;
    }

    /// <summary>Two properties in one pass, for objects with a large value in between (a command's output).</summary>
    public void Get(ReadOnlySpan<byte> name1, out JsonSpan value1, ReadOnlySpan<byte> name2, out JsonSpan value2)
        => Find(name1, out value1, name2, out value2, second: true);

    private int Find(ReadOnlySpan<byte> name1, out JsonSpan value1, ReadOnlySpan<byte> name2, out JsonSpan value2, bool second)
    {
        value1 = value2 = default;
        if (!IsObject) return 0;
        var wanted = second ? 2 : 1;
        var found = 0;
        var reader = new JsonLineReader(_json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var which = value1.Kind == JsonTokenType.None && reader.ValueTextEquals(name1) ? 1
                : second && value2.Kind == JsonTokenType.None && reader.ValueTextEquals(name2) ? 2 : 0;
            reader.Read();
            if (which == 0)
            {
                reader.Skip();
                continue;
            }
            var slot = reader.TakeValue();
            if (which == 1) value1 = slot.In(_json);
            else value2 = slot.In(_json);
            if (++found == wanted) break;
        }
        return found;
    }

    /// <summary>True when this is a string equal to <paramref name="utf8"/>.</summary>
    public bool ValueEquals(ReadOnlySpan<byte> utf8)
    {
        if (!IsString) return false;
        var reader = First();
        return reader.ValueTextEquals(utf8);
    }

    /// <summary>The string value (call only when <see cref="IsString"/>).</summary>
    public string GetString()
    {
        var reader = First();
        return reader.GetString()!;
    }

    /// <summary>The number as a double, when this is a number.</summary>
    public bool TryGetDouble(out double value)
    {
        value = 0;
        if (!IsNumber) return false;
        var reader = First();
        return reader.TryGetDouble(out value);
    }

    /// <summary>The value's JSON text as UTF-8 (escapes as written; a string with its quotes).</summary>
    public ReadOnlySpan<byte> Raw
    {
        get
        {
            if (_exact || Kind == JsonTokenType.None) return _json;
            var reader = new JsonLineReader(_json);
            reader.Read();
            reader.Skip();
            return _json[..reader.BytesConsumed];
        }
    }

    /// <summary>The integer value, when this is a number that fits.</summary>
    public bool TryGetInt64(out long value)
    {
        value = 0;
        if (!IsNumber) return false;
        var reader = First();
        return reader.TryGetInt64(out value);
    }

    /// <summary>The value's JSON text; throws <see cref="ArgumentException"/> for invalid UTF-8.</summary>
    public string GetRawText() => StrictUtf8.GetString(Raw);

    /// <summary>The elements of an array (none for anything else).</summary>
    public Enumerator EnumerateArray() => new(IsArray ? _json : default);

    /// <summary>The properties of an object (none for anything else); names are allocated.</summary>
    public Enumerator EnumerateObject() => new(IsObject ? _json : default);

    private Utf8JsonReader First()
    {
        var reader = new Utf8JsonReader(_json);
        reader.Read();
        return reader;
    }

    /// <summary>Walks the elements of an array or the properties of an object.</summary>
    internal ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _json;
        private JsonLineReader _reader;

        public Enumerator(ReadOnlySpan<byte> json)
        {
            _json = json;
            _reader = new JsonLineReader(json);
            if (!json.IsEmpty) _reader.Read();
        }

        /// <summary>The current element or property value.</summary>
        public JsonSpan Current { get; private set; }

        /// <summary>The current property's name (objects only).</summary>
        public string? Name { get; private set; }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_json.IsEmpty || !_reader.Read() || _reader.TokenType is JsonTokenType.EndArray or JsonTokenType.EndObject) return false;
            if (_reader.TokenType == JsonTokenType.PropertyName)
            {
                Name = _reader.GetString();
                _reader.Read();
            }
            Current = _reader.TakeValue().In(_json);
            return true;
        }
    }
}
