using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Zwarm.Cli.Json;

/// <summary>
/// The one way --json output is written: a source-generated contract (<see cref="CliJsonContext"/>) through a
/// <see cref="Utf8JsonWriter"/> with one encoder. The encoder is the relaxed one: quotes, backslashes and every control
/// character are escaped (agent text cannot drive a terminal through JSON), non-ASCII text stays readable and HTML
/// characters (&lt; &gt; &amp; ' +) are left as they are — the output goes to terminals and programs, never into a page.
/// </summary>
internal static class JsonOut
{
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Indented by two spaces: a command's --json document.</summary>
    public static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = Encoder };

    /// <summary>One line: a JSON Lines event.</summary>
    public static readonly JsonWriterOptions Line = new() { Indented = false, Encoder = Encoder };

    /// <summary>Writes <paramref name="value"/> indented, with a newline.</summary>
    public static void Write<T>(TextWriter w, T value, JsonTypeInfo<T> info) => w.WriteLine(ToText(value, info, Indented));

    /// <summary>Writes <paramref name="value"/> on one line (a JSON Lines event) and flushes, for streams read while they grow.</summary>
    public static void WriteEvent<T>(TextWriter w, T value, JsonTypeInfo<T> info)
    {
        w.WriteLine(ToText(value, info, Line));
        w.Flush();
    }

    /// <summary>The one-line JSON of <paramref name="value"/> (a request body).</summary>
    public static string ToLine<T>(T value, JsonTypeInfo<T> info) => ToText(value, info, Line);

    /// <summary>A writer of --json output into <paramref name="buffer"/> (a stream written a piece at a time, as ls does).</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> buffer) => new(buffer, Indented);

    /// <summary>
    /// Writes the properties of <paramref name="value"/> (an object contract) into the object <paramref name="writer"/> is in:
    /// the fields a command adds to a session's.
    /// </summary>
    public static void WriteMembers<T>(Utf8JsonWriter writer, T value, JsonTypeInfo<T> info)
    {
        using var doc = JsonSerializer.SerializeToDocument(value, info);
        foreach (var p in doc.RootElement.EnumerateObject()) p.WriteTo(writer);
    }

    private static string ToText<T>(T value, JsonTypeInfo<T> info, JsonWriterOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, options)) JsonSerializer.Serialize(writer, value, info);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
