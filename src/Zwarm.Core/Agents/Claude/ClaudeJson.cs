using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Zwarm.Core.Agents.Claude;

/// <summary>Small, allocation-aware readers over the JSON of one stream-json line.</summary>
internal static class ClaudeJson
{
    /// <summary>A string property, or null when missing or not a string.</summary>
    public static string? Str(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>True only when the property is the JSON literal true.</summary>
    public static bool True(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    /// <summary>An integer property, or null.</summary>
    public static long? Long(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;

    /// <summary>A numeric property, or null.</summary>
    public static double? Double(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) ? d : null;

    /// <summary>A property of the given kind.</summary>
    public static bool TryGet(JsonElement obj, string name, JsonValueKind kind, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind == kind) return true;
        value = default;
        return false;
    }

    /// <summary>True when the property is a string equal to <paramref name="expected"/> (no allocation).</summary>
    public static bool Is(JsonElement obj, string name, string expected)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.ValueEquals(expected);

    /// <summary>
    /// The text of a tool_result <c>content</c> (a string, or an array of text/image blocks); with
    /// <paramref name="maxChars"/> only a prefix is decoded, so a huge output never becomes a huge string.
    /// </summary>
    public static string ContentText(JsonElement content, int? maxChars = null)
    {
        if (content.ValueKind == JsonValueKind.String) return maxChars is { } m ? Prefix(content, m) : content.GetString() ?? "";
        if (content.ValueKind != JsonValueKind.Array) return "";
        var sb = new StringBuilder();
        foreach (var block in content.EnumerateArray())
        {
            if (maxChars is { } max && sb.Length >= max) break;
            if (sb.Length > 0) sb.Append('\n');
            if (TryGet(block, "text", JsonValueKind.String, out var text))
                sb.Append(maxChars is { } m ? Prefix(text, m - sb.Length) : text.GetString());
            else if (Is(block, "type", "image")) sb.Append("[image]");
        }
        return sb.ToString();
    }

    /// <summary>At most <paramref name="maxChars"/> characters of a string value, decoding only that much of it.</summary>
    public static string Prefix(JsonElement str, int maxChars)
    {
        if (str.ValueKind != JsonValueKind.String || maxChars <= 0) return "";
        var body = JsonMarshal.GetRawUtf8Value(str)[1..^1];
        // Escapes and multi-byte characters only make the raw text longer than the decoded one, by at most
        // 6 bytes per UTF-16 char (\uXXXX), so that much raw text always holds maxChars characters.
        if (body.Length <= maxChars) return str.GetString() ?? "";
        var cut = SafeCut(body, Math.Min(body.Length, maxChars * 6));
        var quoted = new byte[cut + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        body[..cut].CopyTo(quoted.AsSpan(1));
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        var s = reader.GetString() ?? "";
        if (cut == body.Length && s.Length <= maxChars) return s;
        if (s.Length > maxChars) s = s[..(char.IsHighSurrogate(s[maxChars - 1]) ? maxChars - 1 : maxChars)];
        return s + "…";
    }

    /// <summary>At most <paramref name="maxChars"/> characters of any value's raw JSON text.</summary>
    public static string RawPrefix(JsonElement value, int maxChars)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length <= maxChars) return Encoding.UTF8.GetString(raw);
        return Encoding.UTF8.GetString(raw[..SafeCut(raw, maxChars)]) + "…";
    }

    /// <summary>
    /// The longest prefix of raw JSON string bytes, at most <paramref name="limit"/> long, that ends on a whole character and a whole
    /// escape.
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
        => int.TryParse(Encoding.ASCII.GetString(hex), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var c) && c is >= 0xD800 and <= 0xDBFF;

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
