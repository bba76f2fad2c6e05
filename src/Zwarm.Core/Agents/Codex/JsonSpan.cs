using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Zwarm.Core.Agents.Codex;

/// <summary>
/// A JSON value inside one line, read on demand with <see cref="Utf8JsonReader"/>: no copy of the line, no
/// document, nothing allocated but the strings asked for. Values that are never asked for (a command's
/// multi-megabyte output) are only skipped over.
/// </summary>
internal readonly ref struct JsonSpan
{
    // Starts at the value's first token; may run on past the value's end (the rest of the enclosing line).
    private readonly ReadOnlySpan<byte> _json;

    private JsonSpan(ReadOnlySpan<byte> json, JsonTokenType kind)
    {
        _json = json;
        Kind = kind;
    }

    /// <summary>
    /// The value whose first token starts at <paramref name="start"/> of <paramref name="line"/> (found by a reader's pass over the line).
    /// </summary>
    public static JsonSpan At(ReadOnlySpan<byte> line, int start, JsonTokenType kind) => new(line[start..], kind);

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
        var reader = new Utf8JsonReader(line);
        if (!reader.Read()) return false;
        var start = (int)reader.TokenStartIndex;
        var kind = reader.TokenType;
        reader.Skip();
        if (reader.Read()) return false; // unreachable: trailing content throws
        root = new JsonSpan(line[start..], kind);
        return true;
    }

    /// <summary>The value of an object's property (the first of that name).</summary>
    public bool TryGet(ReadOnlySpan<byte> name, out JsonSpan value) => Find(name, out value, [], out _, second: false) > 0;

    /// <summary>Two properties in one pass, for objects with a large value in between (a command's output).</summary>
    public void Get(ReadOnlySpan<byte> name1, out JsonSpan value1, ReadOnlySpan<byte> name2, out JsonSpan value2)
        => Find(name1, out value1, name2, out value2, second: true);

    private int Find(ReadOnlySpan<byte> name1, out JsonSpan value1, ReadOnlySpan<byte> name2, out JsonSpan value2, bool second)
    {
        value1 = value2 = default;
        if (!IsObject) return 0;
        var wanted = second ? 2 : 1;
        var found = 0;
        var reader = new Utf8JsonReader(_json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var which = value1.Kind == JsonTokenType.None && reader.ValueTextEquals(name1) ? 1
                : second && value2.Kind == JsonTokenType.None && reader.ValueTextEquals(name2) ? 2 : 0;
            reader.Read();
            if (which == 1) value1 = new JsonSpan(_json[(int)reader.TokenStartIndex..], reader.TokenType);
            if (which == 2) value2 = new JsonSpan(_json[(int)reader.TokenStartIndex..], reader.TokenType);
            if (which > 0 && ++found == wanted) break;
            reader.Skip();
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

    /// <summary>The integer value, when this is a number that fits.</summary>
    public bool TryGetInt64(out long value)
    {
        value = 0;
        if (!IsNumber) return false;
        var reader = First();
        return reader.TryGetInt64(out value);
    }

    /// <summary>The value's JSON text.</summary>
    public string GetRawText()
    {
        var reader = First();
        reader.Skip();
        return Encoding.UTF8.GetString(_json[..(int)reader.BytesConsumed]);
    }

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
        private Utf8JsonReader _reader;

        public Enumerator(ReadOnlySpan<byte> json)
        {
            _json = json;
            _reader = new Utf8JsonReader(json);
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
            Current = new JsonSpan(_json[(int)_reader.TokenStartIndex..], _reader.TokenType);
            _reader.Skip();
            return true;
        }
    }
}
