using System.Text.Json;

namespace Zwarm.Core.Agents.Codex;

/// <summary>
/// Streaming parser of <c>codex exec --json</c> output: one JSON event per line, codex's stderr text
/// interleaved. Each line is read in place in one forward pass (<see cref="CodexEvent"/>); nothing of a line is kept
/// but the strings the result needs (command outputs only when the trajectory is collected and outputs are kept).
/// </summary>
internal sealed partial class CodexParser(bool collectTrajectory) : ITurnParser, IDropsOutputs
{
    private const string ReconnectPrefix = "Reconnecting...";
    private readonly bool _collect = collectTrajectory;
    private bool _turnFailed;
    private string? _lastErrorEvent;
    private bool _dropOutputs;

    /// <inheritdoc/>
    public void DropOutputs() => _dropOutputs = true;

    /// <inheritdoc/>
    public TurnParseResult Result { get; } = new();

    /// <inheritdoc/>
    public void Feed(ReadOnlySpan<byte> line)
    {
        Result.Lines++;
        var start = line.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0) return;
        try
        {
            // stderr text ("WARNING: …", "Reading additional input from stdin...") is not an object: malformed.
            if (line[start] != (byte)'{' || !System.Text.Unicode.Utf8.IsValid(line)) Result.MalformedLines++;
            else
            {
                var e = CodexEvent.Read(line);
                if (!OnEvent(in e)) Result.MalformedLines++;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Invalid JSON, or an unpaired surrogate escape in a string that was read.
            Result.MalformedLines++;
        }
    }

    // Returns false when the line is not a well-formed codex event (missing or ill-typed fields).
    private bool OnEvent(in CodexEvent e)
    {
        var type = e[CodexField.Type];
        if (!type.IsString)
            return false;
        if (type.ValueEquals("item.completed"u8)) return OnItemCompleted(in e);
        // Started/updated states are superseded by item.completed of the same id: checked, not recorded.
        if (type.ValueEquals("item.started"u8) || type.ValueEquals("item.updated"u8)) return Item(in e, out _);
        if (type.ValueEquals("thread.started"u8)) return OnThreadStarted(e);
        if (type.ValueEquals("turn.completed"u8)) return OnTurnCompleted(e);
        if (type.ValueEquals("turn.failed"u8)) return OnTurnFailed(e);
        if (type.ValueEquals("error"u8)) return OnError(e);
        return true;
    }

    private bool OnThreadStarted(in CodexEvent e)
    {
        if (!Str(e[CodexField.ThreadId], out var id) || id is null) return false;
        Result.AgentSessionId = id;
        return true;
    }

    private bool OnTurnCompleted(in CodexEvent e)
    {
        // Usage is read leniently: an odd usage field must not make a completed turn look unfinished.
        if (e[CodexField.Usage] is { IsObject: true } usage)
        {
            // Codex reports the thread's running total; the lifecycle takes differences between turns.
            Result.Usage.Clear();
            for (var p = usage.EnumerateObject(); p.MoveNext();)
                if (p.Current.TryGetInt64(out var n)) Result.Usage[p.Name!] = n;
            Result.Usage.TryAdd(
                "total_tokens", Result.Usage.GetValueOrDefault("input_tokens") + Result.Usage.GetValueOrDefault("output_tokens"));
            Result.UsageIsCumulative = true;
        }
        Result.CompletionEvent = true;
        return true;
    }

    private bool OnTurnFailed(in CodexEvent e)
    {
        string? message = null;
        if (e[CodexField.Error] is { IsNull: false } error)
            if (!error.IsObject || !Str(error, "message"u8, out message)) return false;
        message ??= "turn failed";
        _turnFailed = true;
        Result.Error = Readable(message);
        NoteRateLimit(message);
        // The same text usually arrived just before as a top-level error event: one step is enough.
        if (_collect && message != _lastErrorEvent) Result.Steps.Add(new TrajectoryStep(StepKind.Error, message));
        return true;
    }

    private bool OnError(in CodexEvent e)
    {
        if (!Str(e[CodexField.Message], out var message) || message is null) return false;
        if (message.StartsWith(ReconnectPrefix, StringComparison.Ordinal))
        {
            if (_collect) Result.Steps.Add(new TrajectoryStep(StepKind.Retry, message));
            return true;
        }
        _lastErrorEvent = message;
        if (!_turnFailed)
        {
            Result.Error = Readable(message);
            NoteRateLimit(message);
        }
        if (_collect) Result.Steps.Add(new TrajectoryStep(StepKind.Error, message));
        return true;
    }

    // Captured (tests/fixtures/agents/codex/10–11): "exceeded retry limit, last status: 429 Too Many Requests, …" and
    // "You’ve hit your usage limit. … or try again at 12:40 AM." (the reset in local time, to the minute).
    private void NoteRateLimit(string message)
    {
        if (!message.Contains("429 Too Many Requests", StringComparison.Ordinal)
            && !message.Contains("usage limit", StringComparison.OrdinalIgnoreCase)
            && !message.Contains("rate_limit", StringComparison.Ordinal)
            && !message.Contains("usage_limit_reached", StringComparison.Ordinal))
            return;
        Result.RateLimited = true;
        Result.RetryHint = RetryHint.FromText(message) ?? Result.RetryHint;
    }

    // Codex prints a non-retried HTTP error as the raw response body; the session error keeps its message only.
    internal static string Readable(string message)
    {
        if (message.Length < 2 || message[0] != '{') return message;
        try
        {
            using var doc = JsonDocument.Parse(message);
            if (doc.RootElement.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.Object
                && err.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
            {
                var type = err.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? $" ({t.GetString()})" : "";
                return m.GetString() + type;
            }
        }
        catch (JsonException)
        {
        }
        return message;
    }

    // A string property: true with null when absent or null, false when present with another type.
    private static bool Str(JsonSpan obj, ReadOnlySpan<byte> name, out string? value)
    {
        value = null;
        return !obj.TryGet(name, out var p) || Str(p, out value);
    }

    // A string value: true with null when absent or null, false for another type.
    private static bool Str(JsonSpan p, out string? value)
    {
        value = null;
        if (p.IsNull) return true;
        if (!p.IsString) return false;
        value = p.GetString();
        return true;
    }

    // Like Str, without reading the value (large command outputs when the trajectory is not wanted).
    private static bool IsStrOrAbsent(JsonSpan p) => p.IsString || p.IsNull;
}
