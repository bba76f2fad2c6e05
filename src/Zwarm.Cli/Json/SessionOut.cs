using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli.Json;

/// <summary>
/// A session in a --json contract: its shape (<see cref="SessionShape.Write"/>: meta.json fields, then short_id, cost,
/// total_tokens, runtime_seconds), full or summary, plus the fields a command adds (<see cref="Shaper"/>); or a session
/// folder that could not be read (id, short_id, unreadable).
/// </summary>
[JsonConverter(typeof(SessionOutConverter))]
internal sealed class SessionOut
{
    private readonly Action<Utf8JsonWriter> _write;

    private SessionOut(Action<Utf8JsonWriter> write) => _write = write;

    /// <summary>Writes the object.</summary>
    public void WriteTo(Utf8JsonWriter writer) => _write(writer);

    /// <summary>A session folder whose meta.json could not be read.</summary>
    public static SessionOut Unreadable(string id, string? problem) =>
        new(w => JsonSerializer.Serialize(w, new UnreadableJson(id, id[..8], problem), CliJsonContext.Default.UnreadableJson));

    /// <summary>The shape of a session, with the fields <paramref name="more"/> adds.</summary>
    internal static SessionOut Of(Shaper shaper, SessionMeta m, bool summary, Action<Utf8JsonWriter>? more) =>
        new(w => SessionShape.Write(w, m, shaper.Models, shaper.Config, shaper.Now, summary, more));

    /// <summary>Makes the sessions' shapes at one moment (runtimes of running sessions count up to <see cref="Now"/>).</summary>
    internal sealed record Shaper(ModelRegistry Models, ZwarmConfig? Config, DateTimeOffset Now)
    {
        /// <summary>Every field of a session, messages and turns included.</summary>
        public SessionOut Full(SessionMeta m) => Of(this, m, false, null);

        /// <summary>A session without messages and turns.</summary>
        public SessionOut Summary(SessionMeta m) => Of(this, m, true, null);

        /// <summary><see cref="Full"/> plus the fields of <paramref name="more"/> (an object contract), after the session's.</summary>
        public SessionOut Full<T>(SessionMeta m, T more, JsonTypeInfo<T> info) =>
            Of(this, m, false, w => JsonOut.WriteMembers(w, more, info));

        /// <summary><see cref="Summary"/> plus the fields of <paramref name="more"/> (an object contract), after the session's.</summary>
        public SessionOut Summary<T>(SessionMeta m, T more, JsonTypeInfo<T> info) =>
            Of(this, m, true, w => JsonOut.WriteMembers(w, more, info));
    }

    /// <summary>The shaper of <paramref name="manager"/>'s sessions at <paramref name="now"/>.</summary>
    public static Shaper Shapes(SessionManager manager, DateTimeOffset now) => new(manager.Agents.Models, manager.Config, now);
}

/// <summary>Writes a <see cref="SessionOut"/>; never reads one (the contracts are output only).</summary>
internal sealed class SessionOutConverter : JsonConverter<SessionOut>
{
    /// <inheritdoc/>
    public override SessionOut Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("session JSON is output only");

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, SessionOut value, JsonSerializerOptions options) => value.WriteTo(writer);
}
