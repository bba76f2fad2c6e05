using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Zwarm.Core.Config;
using Zwarm.Orchestration.State;

namespace Zwarm.Orchestration.Context;

/// <summary>What a compaction did.</summary>
internal sealed record CompactionResult(List<ChatMessage> Messages, int Removed, int TokensBefore, int TokensAfter);

/// <summary>
/// Context compaction (SPEC §6 [orchestrator.compaction]): when the estimated context passes threshold_pct of
/// max_tokens, the oldest middle messages are dropped until it is under target_pct, keeping the first keep_first_n
/// and last keep_last_n. An assistant message with tool calls and the tool results answering it are one unit: they are
/// kept or dropped together, so no call is ever separated from its result. A note replaces what was dropped.
/// </summary>
internal static partial class Compactor
{
    private const string NoteMarker = "[zwarm: context compacted]";

    [GeneratedRegex(@"sessions started earlier: ([0-9a-f, ]+)")]
    private static partial Regex EarlierSessions();

    /// <summary>Rough token count of one message (4 characters a token, plus overhead).</summary>
    public static int Estimate(ChatMessage m)
    {
        var chars = 0;
        foreach (var c in m.Contents)
            chars += c switch
            {
                TextContent t => t.Text.Length,
                TextReasoningContent r => r.Text.Length,
                FunctionCallContent f => f.Name.Length + MessageCodec.ArgumentsJson(f.Arguments).Length + 10,
                FunctionResultContent r => MessageCodec.ResultText(r.Result).Length,
                _ => 0,
            };
        return chars / 4 + 4;
    }

    /// <summary>Estimated tokens of a list.</summary>
    public static int Estimate(IEnumerable<ChatMessage> messages) => messages.Sum(Estimate);

    /// <summary>The compacted list, or null when under the threshold or nothing can be dropped.</summary>
    public static CompactionResult? Compact(IReadOnlyList<ChatMessage> messages, CompactionConfig config, bool force = false)
    {
        var sizes = messages.Select(Estimate).ToArray();
        var total = sizes.Sum();
        if (config.MaxTokens <= 0 || (!force && total <= config.MaxTokens * config.ThresholdPct)) return null;
        var units = Units(messages);
        var unitOf = new int[messages.Count];
        for (var u = 0; u < units.Count; u++)
            for (var i = units[u].Start; i <= units[u].End; i++) unitOf[i] = u;
        var firstKeptUnits = messages.Count == 0 ? 0 : unitOf[Math.Clamp(config.KeepFirstN, 1, messages.Count) - 1] + 1;
        var tailStart = Math.Max(0, messages.Count - Math.Max(1, config.KeepLastN));
        var lastKeptUnit = unitOf[Math.Min(tailStart, messages.Count - 1)];
        if (lastKeptUnit <= firstKeptUnits) return null;

        var target = (int)(config.MaxTokens * config.TargetPct);
        var dropped = new List<int>();
        var current = total;
        for (var u = firstKeptUnits; u < lastKeptUnit && current > target; u++)
        {
            dropped.Add(u);
            for (var i = units[u].Start; i <= units[u].End; i++) current -= sizes[i];
        }
        if (dropped.Count == 0) return null;
        var droppedIndexes = dropped.SelectMany(u => Enumerable.Range(units[u].Start, units[u].End - units[u].Start + 1)).ToHashSet();
        var note = Note(messages.Where((_, i) => droppedIndexes.Contains(i)).ToList());
        var result = new List<ChatMessage>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (i == units[dropped[0]].Start) result.Add(note);
            if (!droppedIndexes.Contains(i)) result.Add(messages[i]);
        }
        return new CompactionResult(result, droppedIndexes.Count, total, Estimate(result));
    }

    /// <summary>Index ranges: an assistant message with calls plus the tool messages after it, or a single message.</summary>
    internal static List<(int Start, int End)> Units(IReadOnlyList<ChatMessage> messages)
    {
        var units = new List<(int, int)>();
        for (var i = 0; i < messages.Count; i++)
        {
            var end = i;
            if (messages[i].Role == ChatRole.Assistant && messages[i].Contents.OfType<FunctionCallContent>().Any())
                while (end + 1 < messages.Count && messages[end + 1].Role == ChatRole.Tool) end++;
            else if (messages[i].Role == ChatRole.Tool)
                // A result without its call (should not happen): keep it attached to whatever came before.
                while (end + 1 < messages.Count && messages[end + 1].Role == ChatRole.Tool) end++;
            units.Add((i, end));
            i = end;
        }
        return units;
    }

    private static ChatMessage Note(List<ChatMessage> dropped)
    {
        var calls = dropped.SelectMany(m => m.Contents).OfType<FunctionCallContent>().GroupBy(c => c.Name)
            .Select(g => g.Count() == 1 ? g.Key : $"{g.Key}×{g.Count()}").ToList();
        var sessions = new List<string>();
        foreach (var m in dropped)
        {
            foreach (var r in m.Contents.OfType<FunctionResultContent>())
                if (TryParse(MessageCodec.ResultText(r.Result)) is { } o && o["short_id"]?.GetValue<string>() is { } sid
                    && !sessions.Contains(sid))
                    sessions.Add(sid);
            if (m.Text?.StartsWith(NoteMarker, StringComparison.Ordinal) == true
                && EarlierSessions().Match(m.Text) is { Success: true } match)
                sessions.InsertRange(0, match.Groups[1].Value
                    .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Where(s => !sessions.Contains(s)));
        }
        var text = $"{NoteMarker} {dropped.Count} earlier messages were removed to stay within the context limit"
            + (calls.Count > 0 ? $" (tool calls: {string.Join(", ", calls)})" : "") + "."
            + (sessions.Count > 0 ? $" sessions started earlier: {string.Join(", ", sessions)}." : "")
            + " Sessions keep their full state: use list_sessions and check_session to recover details.";
        return new ChatMessage(ChatRole.User, text);
    }

    private static JsonObject? TryParse(string s)
    {
        try
        {
            return JsonNode.Parse(s) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
