using System.Globalization;
using Microsoft.Extensions.AI;
using Tomlyn.Model;
using Zwarm.Core.Sessions;
using Zwarm.Orchestration.Tools;

namespace Zwarm.Orchestration.Watchers;

/// <summary>What a watcher decides before a step.</summary>
internal enum WatcherAction
{
    /// <summary>Nothing to say.</summary>
    Continue,

    /// <summary>Inject a "[WATCHER: name] …" message and go on.</summary>
    Nudge,

    /// <summary>Stop and hand control back (resumable).</summary>
    Pause,

    /// <summary>Stop the run.</summary>
    Abort,
}

/// <summary>A watcher's decision and its message.</summary>
internal sealed record WatcherVerdict(WatcherAction Action, string? Message = null)
{
    /// <summary>Nothing to say.</summary>
    public static WatcherVerdict Continue { get; } = new(WatcherAction.Continue);

    /// <summary>Parses "continue|nudge|pause|abort".</summary>
    public static WatcherAction? ParseAction(string? s) => s?.Trim().ToLowerInvariant() switch
    {
        "continue" => WatcherAction.Continue,
        "nudge" or "warn" => WatcherAction.Nudge,
        "pause" => WatcherAction.Pause,
        "abort" or "stop" => WatcherAction.Abort,
        _ => null,
    };
}

/// <summary>One tool call of the run as watchers see it.</summary>
internal sealed record ToolCallRecord(int Step, string Name, string ArgumentsJson, bool Success, string Short, string ResultJson);

/// <summary>What watchers look at before a step.</summary>
internal sealed class WatchContext
{
    /// <summary>The step about to run (numbering continues across resumes).</summary>
    public required int Step { get; init; }

    /// <summary>Steps already taken in this run (or pilot turn).</summary>
    public required int StepsThisRun { get; init; }

    /// <summary>The step limit of this run (or pilot turn).</summary>
    public required int MaxSteps { get; init; }

    /// <summary>Every tool call of this run, oldest first.</summary>
    public required IReadOnlyList<ToolCallRecord> Calls { get; init; }

    /// <summary>Messages added since the watchers last ran (the model's text, calls and results).</summary>
    public required IReadOnlyList<ChatMessage> NewMessages { get; init; }

    /// <summary>The tools' context (sessions of this instance, allowed dirs, manager).</summary>
    public required ToolContext Tools { get; init; }

    /// <summary>The step at which one of this instance's sessions last finished (or the run started).</summary>
    public required int LastFinishStep { get; init; }

    /// <summary>LLM tokens used by the instance so far.</summary>
    public required long LlmTokens { get; init; }

    private List<SessionMeta>? _sessions;

    /// <summary>This instance's sessions, read once per step.</summary>
    public async Task<List<SessionMeta>> SessionsAsync(CancellationToken ct) => _sessions ??= await Tools.MySessionsAsync(ct);
}

/// <summary>A watcher's [[watchers.watchers]] config table, read forgivingly.</summary>
internal sealed class WatcherSettings(IReadOnlyDictionary<string, object>? values)
{
    private readonly IReadOnlyDictionary<string, object> _values = values ?? new Dictionary<string, object>();

    public double Number(string key, double fallback) =>
        _values.TryGetValue(key, out var v) && v is long or int or double or float
            ? Convert.ToDouble(v, CultureInfo.InvariantCulture)
            : fallback;

    public int Int(string key, int fallback) => (int)Number(key, fallback);

    public bool Bool(string key, bool fallback) => _values.TryGetValue(key, out var v) && v is bool b ? b : fallback;

    public string? String(string key) => _values.TryGetValue(key, out var v) ? v as string : null;

    public IReadOnlyList<string> Strings(string key) => _values.TryGetValue(key, out var v) switch
    {
        true when v is TomlArray a => [.. a.OfType<string>()],
        true when v is string s => [s],
        true when v is IEnumerable<string> e => [.. e],
        _ => [],
    };

    public IReadOnlyList<IReadOnlyDictionary<string, object>> Tables(string key) => _values.TryGetValue(key, out var v) switch
    {
        true when v is TomlTableArray t
            => [.. t.Select(x => (IReadOnlyDictionary<string, object>)x.ToDictionary(kv => kv.Key, kv => kv.Value))],
        true when v is TomlArray a
            => [.. a.OfType<TomlTable>().Select(x => (IReadOnlyDictionary<string, object>)x.ToDictionary(kv => kv.Key, kv => kv.Value))],
        _ => [],
    };
}

/// <summary>A check that runs before every step and may continue, nudge, pause or abort.</summary>
internal abstract class Watcher(string name)
{
    /// <summary>The name used in config and in "[WATCHER: name]".</summary>
    public string Name { get; } = name;

    /// <summary>Looks at the run so far.</summary>
    public abstract ValueTask<WatcherVerdict> CheckAsync(WatchContext ctx, CancellationToken ct);

    /// <summary>A nudge.</summary>
    protected static WatcherVerdict Nudge(string message) => new(WatcherAction.Nudge, message);
}
