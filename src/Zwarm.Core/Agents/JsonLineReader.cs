using System.Buffers;
using System.Text.Json;

namespace Zwarm.Core.Agents;

/// <summary>
/// A forward <see cref="Utf8JsonReader"/> over one line that steps over long string values of properties itself: the
/// reader checks a string with escapes one byte at a time, this finds its end with vectorised searches between the
/// escapes (checking the same rules: no control characters, only JSON's escapes), then carries the reader's state
/// past it. Everything else, and any string it does not like, is left to the reader, so a line is accepted or
/// rejected exactly as the reader alone would.
/// </summary>
internal ref struct JsonLineReader
{
    // Below this many bytes left in the line a value is not worth the detour.
    private const int MinFastBytes = 128;
    private static readonly SearchValues<byte> StringStops =
        SearchValues.Create([(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b)]);
    private static readonly SearchValues<byte> Separators = SearchValues.Create(" \t\r\n:"u8);

    private readonly ReadOnlySpan<byte> _line;
    private Utf8JsonReader _reader;
    private int _base;           // where _reader's buffer starts in _line
    private int _stringStart;    // >= 0: the current token is a string this found, at this index (its opening quote)
    private int _stringEnd;      // just past its closing quote
    private bool _stringEscaped;

    public JsonLineReader(ReadOnlySpan<byte> line, JsonReaderOptions options = default)
    {
        _line = line;
        _reader = new Utf8JsonReader(line, options);
        _stringStart = -1;
    }

    /// <summary>The line being read.</summary>
    public readonly ReadOnlySpan<byte> Line => _line;

    public readonly JsonTokenType TokenType => _stringStart >= 0 ? JsonTokenType.String : _reader.TokenType;

    /// <summary>Index in the line of the current token's first byte (a string's opening quote).</summary>
    public readonly int TokenStart => _stringStart >= 0 ? _stringStart : _base + (int)_reader.TokenStartIndex;

    /// <summary>Index in the line just past the last token read.</summary>
    public readonly int BytesConsumed => _base + (int)_reader.BytesConsumed;

    public readonly int CurrentDepth => _reader.CurrentDepth;

    /// <summary>The raw text of a string or property name without its quotes, escapes as written.</summary>
    public readonly ReadOnlySpan<byte> ValueSpan => _stringStart >= 0 ? _line[(_stringStart + 1)..(_stringEnd - 1)] : _reader.ValueSpan;

    public readonly bool ValueIsEscaped => _stringStart >= 0 ? _stringEscaped : _reader.ValueIsEscaped;

    /// <summary>
    /// The name of the property the reader is on, unescaped into <paramref name="buffer"/> when it has escapes (empty
    /// when too long for it).
    /// </summary>
    public readonly ReadOnlySpan<byte> PropertyName(Span<byte> buffer)
    {
        if (!_reader.ValueIsEscaped) return _reader.ValueSpan;
        if (_reader.ValueSpan.Length > buffer.Length) return default;
        return buffer[.._reader.CopyString(buffer)];
    }

    /// <summary>As <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/>.</summary>
    public readonly bool ValueTextEquals(ReadOnlySpan<byte> utf8)
        => _stringStart >= 0 ? Found().ValueTextEquals(utf8) : _reader.ValueTextEquals(utf8);

    /// <summary>As <see cref="Utf8JsonReader.GetString"/>.</summary>
    public readonly string? GetString() => _stringStart >= 0 ? Found().GetString() : _reader.GetString();

    public bool Read()
    {
        _stringStart = -1;
        if (_reader.TokenType == JsonTokenType.PropertyName && _line.Length - BytesConsumed >= MinFastBytes && StepOverString())
            return true;
        return _reader.Read();
    }

    /// <summary>
    /// Skips the children of the current object or array (the value of a property name), as <see cref="Utf8JsonReader.Skip"/>.
    /// </summary>
    public void Skip()
    {
        if (TokenType == JsonTokenType.PropertyName) Read();
        if (TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
        var depth = CurrentDepth;
        do
        {
            if (!Read()) throw new JsonException("unexpected end of the line");
        }
        while (depth < CurrentDepth);
    }

    /// <summary>Where the current value lies (reading past it): its first token, start and length.</summary>
    public JsonSlot TakeValue()
    {
        var kind = TokenType;
        var start = TokenStart;
        var escaped = kind == JsonTokenType.String && ValueIsEscaped;
        Skip();
        return new JsonSlot(kind, start, BytesConsumed - start, escaped);
    }

    // A reader on the string this found.
    private readonly Utf8JsonReader Found()
    {
        var r = new Utf8JsonReader(_line[_stringStart.._stringEnd]);
        r.Read();
        return r;
    }

    // The value after the current property name, when it is a string found here: the reader is moved past it.
    private bool StepOverString()
    {
        var at = BytesConsumed;
        var rest = _line[at..];
        var q = rest.IndexOfAnyExcept(Separators);
        if (q is < 0 or > 16 || rest[q] != (byte)'"') return false;
        var length = StringLength(rest[(q + 1)..], out var escaped);
        if (length < 0) return false;
        // The reader takes an empty string from a copy of what came before the quote, then the rest of the line.
        Span<byte> stand = stackalloc byte[q + 2];
        rest[..q].CopyTo(stand);
        stand[q] = stand[q + 1] = (byte)'"';
        var probe = new Utf8JsonReader(stand, isFinalBlock: false, _reader.CurrentState);
        if (!probe.Read() || probe.TokenType != JsonTokenType.String) return false;
        var end = at + q + length + 2;
        _reader = new Utf8JsonReader(_line[end..], isFinalBlock: true, probe.CurrentState);
        _base = end;
        _stringStart = at + q;
        _stringEnd = end;
        _stringEscaped = escaped;
        return true;
    }

    // The length of a JSON string's body up to its closing quote; -1 when it breaks a rule (the reader then reports it).
    private static int StringLength(ReadOnlySpan<byte> s, out bool escaped)
    {
        escaped = false;
        var i = 0;
        while (true)
        {
            var k = s[i..].IndexOfAny(StringStops);
            if (k < 0) return -1;
            i += k;
            var b = s[i];
            if (b == (byte)'"') return i;
            if (b != (byte)'\\' || i + 1 >= s.Length) return -1;
            escaped = true;
            switch (s[i + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    i += 2;
                    break;
                case (byte)'u' when i + 6 <= s.Length && IsHex(s[i + 2]) && IsHex(s[i + 3]) && IsHex(s[i + 4]) && IsHex(s[i + 5]):
                    i += 6;
                    break;
                default:
                    return -1;
            }
        }
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);
}

/// <summary>
/// Where a value lies in a line: its first token, its start and length (the whole value), and for a string whether it
/// has escapes.
/// </summary>
internal readonly record struct JsonSlot(JsonTokenType Kind, int Start, int Length, bool Escaped)
{
    public bool IsPresent => Kind != JsonTokenType.None;

    /// <summary>The value in <paramref name="line"/> (absent, reading as null, when there is none).</summary>
    public JsonSpan In(ReadOnlySpan<byte> line) => IsPresent ? JsonSpan.At(line, Start, Length, Kind) : default;
}
