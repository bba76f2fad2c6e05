using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Zwarm.Core.Agents.Claude;

/// <summary>Small, allocation-aware readers over the values of one stream-json line.</summary>
internal static class ClaudeJson
{
    /// <summary>A string value, or null when missing or not a string.</summary>
    public static string? Str(JsonSpan v) => v.IsString ? v.GetString() : null;

    /// <summary>A string property (the last of that name), or null when missing or not a string.</summary>
    public static string? Str(JsonSpan obj, ReadOnlySpan<byte> name) => obj.TryGetLast(name, out var v) ? Str(v) : null;

    /// <summary>True only when the value is the JSON literal true.</summary>
    public static bool True(JsonSpan v) => v.Kind == JsonTokenType.True;

    /// <summary>An integer value, or null.</summary>
    public static long? Long(JsonSpan v) => v.TryGetInt64(out var l) ? l : null;

    /// <summary>An integer property, or null.</summary>
    public static long? Long(JsonSpan obj, ReadOnlySpan<byte> name) => obj.TryGetLast(name, out var v) ? Long(v) : null;

    /// <summary>A numeric value, or null.</summary>
    public static double? Double(JsonSpan v) => v.TryGetDouble(out var d) ? d : null;

    /// <summary>True when the value is a string equal to <paramref name="expected"/> (no allocation).</summary>
    public static bool Is(JsonSpan v, ReadOnlySpan<byte> expected) => v.ValueEquals(expected);

    /// <summary>True when the property is a string equal to <paramref name="expected"/>.</summary>
    public static bool Is(JsonSpan obj, ReadOnlySpan<byte> name, ReadOnlySpan<byte> expected)
        => obj.TryGetLast(name, out var v) && v.ValueEquals(expected);

    /// <summary>
    /// The text of a tool_result <c>content</c> (a string, or an array of text/image blocks); with
    /// <paramref name="maxChars"/> only a prefix is decoded, so a huge output never becomes a huge string.
    /// </summary>
    public static string ContentText(JsonSpan content, int? maxChars = null)
    {
        if (content.IsString) return maxChars is { } m ? Prefix(content, m) : content.GetString();
        if (!content.IsArray) return "";
        var sb = new StringBuilder();
        foreach (var block in content.EnumerateArray())
        {
            if (maxChars is { } max && sb.Length >= max) break;
            if (sb.Length > 0) sb.Append('\n');
            if (block.TryGetLast("text"u8, out var text) && text.IsString)
                sb.Append(maxChars is { } m ? Prefix(text, m - sb.Length) : text.GetString());
            else if (Is(block, "type"u8, "image"u8)) sb.Append("[image]");
        }
        return sb.ToString();
    }

    /// <summary>At most <paramref name="maxChars"/> characters of a string value, decoding only that much of it.</summary>
    public static string Prefix(JsonSpan str, int maxChars) => str.IsString ? Prefix(str.Raw, maxChars) : "";

    /// <summary>At most <paramref name="maxChars"/> characters of a string value, decoding only that much of it.</summary>
    public static string Prefix(JsonElement str, int maxChars)
        => str.ValueKind == JsonValueKind.String ? Prefix(JsonMarshal.GetRawUtf8Value(str), maxChars) : "";

    /// <summary>At most <paramref name="maxChars"/> characters of any value's raw JSON text.</summary>
    public static string RawPrefix(JsonSpan value, int maxChars) => RawPrefix(value.Raw, maxChars);

    /// <summary>At most <paramref name="maxChars"/> characters of any value's raw JSON text.</summary>
    public static string RawPrefix(JsonElement value, int maxChars) => RawPrefix(JsonMarshal.GetRawUtf8Value(value), maxChars);

    // A string's JSON text (with its quotes).
    private static string Prefix(ReadOnlySpan<byte> quoted, int maxChars)
    {
        if (maxChars <= 0) return "";
        var body = quoted[1..^1];
        // Escapes and multi-byte characters only make the raw text longer than the decoded one, by at most
        // 6 bytes per UTF-16 char (\uXXXX), so that much raw text always holds maxChars characters.
        if (body.Length <= maxChars) return Decode(quoted);
        var cut = SafeCut(body, Math.Min(body.Length, maxChars * 6));
        var s = Decode(quoted[..(cut + 1)], closed: false);
        if (cut == body.Length && s.Length <= maxChars) return s;
        if (s.Length > maxChars) s = s[..(char.IsHighSurrogate(s[maxChars - 1]) ? maxChars - 1 : maxChars)];
        return s + "…";
    }

    // The string whose JSON text is quoted (or, unless closed, its opening quote and body, the closing quote added).
    private static string Decode(ReadOnlySpan<byte> quoted, bool closed = true)
    {
        if (!closed)
        {
            var buffer = quoted.Length < 1024 ? stackalloc byte[quoted.Length + 1] : new byte[quoted.Length + 1];
            quoted.CopyTo(buffer);
            buffer[^1] = (byte)'"';
            return Decode(buffer);
        }
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        return reader.GetString() ?? "";
    }

    private static string RawPrefix(ReadOnlySpan<byte> raw, int maxChars)
    {
        if (raw.Length <= maxChars) return Encoding.UTF8.GetString(raw);
        return Encoding.UTF8.GetString(raw[..SafeCut(raw, maxChars)]) + "…";
    }

    /// <summary>
    /// The longest prefix of raw JSON string bytes, at most <paramref name="limit"/> long, that ends on a whole character
    /// and a whole escape.
    /// </summary>
    private static int SafeCut(ReadOnlySpan<byte> raw, int limit)
    {
        var i = 0;
        while (i < limit)
        {
            var b = raw[i];
            int len;
            if (b == (byte)'\\')
            {
                len = i + 1 < raw.Length && raw[i + 1] == (byte)'u' ? 6 : 2;
                // A UTF-16 surrogate pair is two \u escapes; never split it.
                if (len == 6 && i + 12 <= raw.Length && IsHighSurrogateEscape(raw.Slice(i + 2, 4)) && raw[i + 6] == (byte)'\\') len = 12;
            }
            else len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            if (i + len > limit) break;
            i += len;
        }
        return i;
    }

    private static bool IsHighSurrogateEscape(ReadOnlySpan<byte> hex)
        => int.TryParse(Encoding.ASCII.GetString(hex), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var c)
           && c is >= 0xD800 and <= 0xDBFF;

    /// <summary>Text on one line: newlines and tabs become spaces, runs of spaces collapse, ends trimmed.</summary>
    public static string OneLine(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }
}
