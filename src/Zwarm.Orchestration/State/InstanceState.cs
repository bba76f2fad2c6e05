using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Zwarm.Core.Sessions;

namespace Zwarm.Orchestration.State;

/// <summary>A saved copy of the message list: after a pilot turn (T1, T2, …), at the start (root), or at an orchestrate stop.</summary>
internal sealed record Checkpoint(
    string Label, string? Parent, int Turn, int Step, DateTimeOffset CreatedAt, string? Note, List<ChatMessage> Messages);

/// <summary>
/// The state folder of one instance: orchestrator/messages.json (the message list), state.json (progress),
/// events.jsonl (what happened, one JSON object a line) and checkpoints/&lt;label&gt;.json.
/// </summary>
internal sealed class InstanceState
{
    private readonly TimeProvider _time;
    private readonly Lock _eventsGate = new();  // one line at a time; a short synchronous append, so no async gate to dispose

    private InstanceState(string dir, TimeProvider time)
    {
        Dir = dir;
        _time = time;
    }

    /// <summary>The instance folder.</summary>
    public string Dir { get; }

    /// <summary>The message list (system prompt first).</summary>
    public List<ChatMessage> Messages { get; private set; } = [];

    /// <summary>Steps, turns, usage, the current checkpoint, sessions already read.</summary>
    public InstanceProgress Progress { get; private set; } = new();

    public string MessagesPath => Path.Combine(Dir, "orchestrator", "messages.json");
    public string ProgressPath => Path.Combine(Dir, "state.json");
    public string EventsPath => EventsFileOf(Dir);

    /// <summary>The event log of the instance whose state folder is <paramref name="instanceDir"/>.</summary>
    public static string EventsFileOf(string instanceDir) => Path.Combine(instanceDir, "events.jsonl");
    public string CheckpointsDir => Path.Combine(Dir, "checkpoints");

    /// <summary>Opens (and creates) the folder, loading whatever was saved.</summary>
    public static async Task<InstanceState> OpenAsync(string dir, TimeProvider? time = null, CancellationToken ct = default)
    {
        var state = new InstanceState(dir, time ?? TimeProvider.System);
        Directory.CreateDirectory(Path.Combine(dir, "orchestrator"));
        Directory.CreateDirectory(state.CheckpointsDir);
        if (File.Exists(state.MessagesPath))
        {
            var node = JsonNode.Parse(await File.ReadAllBytesAsync(state.MessagesPath, ct)) as JsonArray ?? [];
            state.Messages = MessageCodec.FromJson(node);
        }
        if (File.Exists(state.ProgressPath))
            state.Progress = JsonSerializer.Deserialize(
                await File.ReadAllBytesAsync(state.ProgressPath, ct), InstanceJsonContext.Default.InstanceProgress) ?? new();
        return state;
    }

    /// <summary>Writes messages.json and state.json atomically.</summary>
    public async Task SaveAsync(CancellationToken ct = default)
    {
        var messages = Encoding.UTF8.GetBytes(MessageCodec.ToJson(Messages).ToJsonString(Indented));
        await AtomicFile.WriteAsync(MessagesPath, messages, ct);
        await AtomicFile.WriteAsync(
            ProgressPath, JsonSerializer.SerializeToUtf8Bytes(Progress, InstanceJsonContext.Default.InstanceProgress), ct);
    }

    /// <summary>Replaces the message list (after :goto or compaction).</summary>
    public void ReplaceMessages(IEnumerable<ChatMessage> messages) => Messages = [.. messages];

    /// <summary>Appends one event line: {"ts", "kind", …fields}.</summary>
    public Task EventAsync(string kind, JsonObject? fields = null, CancellationToken ct = default)
    {
        var line = new JsonObject { ["ts"] = _time.GetLocalNow().ToString("O"), ["kind"] = kind };
        foreach (var (k, v) in fields ?? []) line[k] = v?.DeepClone();
        var bytes = Encoding.UTF8.GetBytes(line.ToJsonString() + "\n");
        ct.ThrowIfCancellationRequested();
        lock (_eventsGate)
        {
            using var fs = new FileStream(EventsPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            fs.Write(bytes);
        }
        return Task.CompletedTask;
    }

    /// <summary>Every event, oldest first; unreadable lines are skipped.</summary>
    public static async Task<List<JsonObject>> ReadEventsAsync(string eventsPath, CancellationToken ct = default)
    {
        var list = new List<JsonObject>();
        if (!File.Exists(eventsPath)) return list;
        foreach (var line in await File.ReadAllLinesAsync(eventsPath, ct))
        {
            if (line.Length == 0) continue;
            try
            {
                if (JsonNode.Parse(line) is JsonObject o) list.Add(o);
            }
            catch (JsonException)
            {
                // A line cut by a crash: skip it.
            }
        }
        return list;
    }

    /// <summary>Saves the current messages as a checkpoint and makes it current.</summary>
    public async Task<Checkpoint> CheckpointAsync(string label, string? parent, string? note, CancellationToken ct = default)
    {
        var cp = new Checkpoint(label, parent, Progress.Turns, Progress.Steps, _time.GetLocalNow(), note, [.. Messages]);
        var o = new JsonObject
        {
            ["label"] = cp.Label, ["parent"] = cp.Parent, ["turn"] = cp.Turn, ["step"] = cp.Step,
            ["created_at"] = cp.CreatedAt.ToString("O"), ["note"] = cp.Note, ["messages"] = MessageCodec.ToJson(cp.Messages),
        };
        await AtomicFile.WriteAsync(CheckpointPath(label), Encoding.UTF8.GetBytes(o.ToJsonString(Indented)), ct);
        Progress.Checkpoint = label;
        return cp;
    }

    /// <summary>Every checkpoint, oldest first.</summary>
    public async Task<List<Checkpoint>> CheckpointsAsync(CancellationToken ct = default)
    {
        var list = new List<Checkpoint>();
        if (!Directory.Exists(CheckpointsDir)) return list;
        foreach (var file in Directory.EnumerateFiles(CheckpointsDir, "*.json"))
            if (await ReadCheckpointAsync(file, ct) is { } cp) list.Add(cp);
        return [.. list.OrderBy(c => c.CreatedAt).ThenBy(c => c.Label, StringComparer.Ordinal)];
    }

    /// <summary>One checkpoint by label, or null.</summary>
    public Task<Checkpoint?> CheckpointAsync(string label, CancellationToken ct = default)
    {
        var path = CheckpointPath(label);
        return File.Exists(path) ? ReadCheckpointAsync(path, ct) : Task.FromResult<Checkpoint?>(null);
    }

    private string CheckpointPath(string label)
    {
        if (label.Length == 0 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw new ArgumentException($"bad checkpoint label '{label}'", nameof(label));
        return Path.Combine(CheckpointsDir, label + ".json");
    }

    private static async Task<Checkpoint?> ReadCheckpointAsync(string path, CancellationToken ct)
    {
        try
        {
            if (JsonNode.Parse(await File.ReadAllBytesAsync(path, ct)) is not JsonObject o) return null;
            return new Checkpoint(o["label"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(path), o["parent"]?.GetValue<string>(),
                o["turn"]?.GetValue<int>() ?? 0, o["step"]?.GetValue<int>() ?? 0,
                DateTimeOffset.Parse(
                    o["created_at"]?.GetValue<string>() ?? "1970-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
                o["note"]?.GetValue<string>(), MessageCodec.FromJson(o["messages"] as JsonArray ?? []));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
