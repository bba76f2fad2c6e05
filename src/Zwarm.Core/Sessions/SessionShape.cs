using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;

namespace Zwarm.Core.Sessions;

/// <summary>The JSON shapes of a session every interface prints (CLI --json, MCP resources) and the derived facts in them.</summary>
public static class SessionShape
{
    /// <summary>
    /// The JSON of a session: meta.json fields (snake_case) plus short_id, cost, total_tokens and runtime_seconds
    /// (of a running session: until <paramref name="now"/>, default the system clock).
    /// </summary>
    public static JsonObject Full(SessionMeta m, ModelRegistry models, ZwarmConfig? config, DateTimeOffset? now = null) =>
        ToNode(m, models, config, now, summary: false);

    /// <summary>The compact JSON of a session: the full shape without messages and turns.</summary>
    public static JsonObject Summary(SessionMeta m, ModelRegistry models, ZwarmConfig? config, DateTimeOffset? now = null) =>
        ToNode(m, models, config, now, summary: true);

    private static JsonObject ToNode(SessionMeta m, ModelRegistry models, ZwarmConfig? config, DateTimeOffset? now, bool summary)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer)) Write(w, m, models, config, now ?? DateTimeOffset.Now, summary);
        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }

    private static readonly string[] Derived = ["short_id", "cost", "total_tokens", "runtime_seconds"];

    /// <summary>
    /// Writes the <see cref="Full"/> (or, with <paramref name="summary"/>, the <see cref="Summary"/>) shape of a session: its
    /// meta.json fields in their order (unknown fields of a newer or older zwarm included), then the derived ones; then
    /// <paramref name="more"/> writes the fields a command adds before the object is closed.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, SessionMeta m, ModelRegistry models, ZwarmConfig? config, DateTimeOffset now,
        bool summary, Action<Utf8JsonWriter>? more = null)
    {
        using var doc = JsonSerializer.SerializeToDocument(m, SessionJsonContext.Default.SessionMeta);
        writer.WriteStartObject();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (summary && (p.NameEquals("messages"u8) || p.NameEquals("turns"u8))) continue;
            if (Derived.Contains(p.Name)) continue;
            p.WriteTo(writer);
        }
        writer.WriteString("short_id"u8, m.ShortId);
        if (SessionFacts.Cost(m, models, config) is { } c) writer.WriteNumber("cost"u8, Math.Round((decimal)c, 6));
        else writer.WriteNull("cost"u8);
        writer.WriteNumber("total_tokens"u8, m.TotalTokens);
        writer.WriteNumber("runtime_seconds"u8, Math.Round(SessionFacts.SessionRuntime(m, now).TotalSeconds, 3));
        more?.Invoke(writer);
        writer.WriteEndObject();
    }

    /// <summary>
    /// A writer of <see cref="Summary"/> shapes straight to a <see cref="Utf8JsonWriter"/>, one session at a time (ls --json
    /// over thousands of sessions: no node per session, nothing held); the same fields, in the same order, as <see cref="Summary"/>
    /// (a whole session's unknown fields come last).
    /// </summary>
    public static SummaryWriter Summaries(ModelRegistry models, ZwarmConfig? config, DateTimeOffset now) => new(models, config, now);
}

/// <summary>The <c>conflicts</c> field of a session in <c>ls --json</c>: the sessions and whether main touch its files too.</summary>
public sealed record SessionConflicts(IReadOnlyList<string> WithSessions, bool WithMain);

/// <summary>Writes the summary JSON of sessions one by one (see <see cref="SessionShape.Summaries"/>).</summary>
public sealed class SummaryWriter
{
    private static readonly string[] Left = ["messages", "turns", "short_id", "cost", "total_tokens", "runtime_seconds", "conflicts"];
    private readonly JsonTypeInfo<SessionMeta> _info;
    private SessionConflicts? _conflicts;

    // CreateJsonPropertyInfo resolves the property's type through the options' resolver: SessionJsonContext (source
    // generated) holds every type added below (string, decimal?, long, double, SessionConflicts), so no reflection runs.
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage(
        "Trimming", "IL2026", Justification = "Added property types are in SessionJsonContext.")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage(
        "AOT", "IL3050", Justification = "Added property types are in SessionJsonContext.")]
    internal SummaryWriter(ModelRegistry models, ZwarmConfig? config, DateTimeOffset now)
    {
        // The on-disk shape without the big fields (and without the [JsonIgnore] C# properties named like the added ones), plus the derived
        // ones Summary appends (and conflicts when there are some).
        var options = new JsonSerializerOptions(SessionJson.SerializerOptions)
        {
            TypeInfoResolver = SessionJsonContext.Default.WithAddedModifier(ti =>
            {
                if (ti.Type != typeof(SessionMeta)) return;
                for (var i = ti.Properties.Count - 1; i >= 0; i--)
                    if (Left.Contains(ti.Properties[i].Name)) ti.Properties.RemoveAt(i);
                void Add<T>(string name, Func<SessionMeta, T> get, bool skipNull = false)
                {
                    var p = ti.CreateJsonPropertyInfo(typeof(T), name);
                    p.Get = o => get((SessionMeta)o);
                    if (skipNull) p.ShouldSerialize = (_, v) => v is not null;
                    ti.Properties.Add(p);
                }
                Add("short_id", m => m.ShortId);
                Add("cost", m => SessionFacts.Cost(m, models, config) is { } c ? Math.Round((decimal)c, 6) : (decimal?)null);
                Add("total_tokens", m => m.TotalTokens);
                Add("runtime_seconds", m => Math.Round(SessionFacts.SessionRuntime(m, now).TotalSeconds, 3));
                Add("conflicts", _ => _conflicts, skipNull: true);
            }),
        };
        _info = (JsonTypeInfo<SessionMeta>)options.GetTypeInfo(typeof(SessionMeta));
    }

    /// <summary>Writes one session's summary object; <paramref name="conflicts"/> adds the conflicts field.</summary>
    public void Write(Utf8JsonWriter writer, SessionMeta meta, SessionConflicts? conflicts = null)
    {
        _conflicts = conflicts;
        JsonSerializer.Serialize(writer, meta, _info);
        _conflicts = null;
    }
}
