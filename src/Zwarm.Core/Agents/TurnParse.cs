namespace Zwarm.Core.Agents;

/// <summary>
/// Streaming parser of one turn's raw output. Fed one line at a time (without the newline), so transcripts
/// of any size parse in bounded memory. Unknown events are ignored; malformed lines are counted, never fatal.
/// </summary>
public interface ITurnParser
{
    /// <summary>Consumes one line of the agent's output (stdout and stderr are interleaved in the file).</summary>
    void Feed(ReadOnlySpan<byte> line);

    /// <summary>What the lines fed so far amount to.</summary>
    TurnParseResult Result { get; }
}

/// <summary>A parser that can leave tool outputs undecoded (their steps keep no output text) for a caller that drops them.</summary>
internal interface IDropsOutputs
{
    /// <summary>From now on, tool outputs are skipped over, not decoded: the steps are the same, with empty outputs.</summary>
    void DropOutputs();
}

/// <summary>The parse of one turn.</summary>
public sealed class TurnParseResult
{
    /// <summary>Every assistant text of the turn, in order; the last one is the reply.</summary>
    public List<string> AssistantMessages { get; } = [];

    /// <summary>The final assistant reply of the turn, if any.</summary>
    public string? Reply => AssistantMessages.Count > 0 ? AssistantMessages[^1] : null;

    /// <summary>Ordered steps; only filled when the parser was created with trajectory collection on.</summary>
    public List<TrajectoryStep> Steps { get; } = [];

    /// <summary>The agent reported that the turn completed (codex turn.completed, claude result without is_error).</summary>
    public bool CompletionEvent { get; set; }

    /// <summary>The turn's error message, if the agent reported one.</summary>
    public string? Error { get; set; }

    /// <summary>The agent's own session/thread id reported by this run.</summary>
    public string? AgentSessionId { get; set; }

    /// <summary>Token usage as reported by the agent (keys: input_tokens, output_tokens, cached_input_tokens, …).</summary>
    public Dictionary<string, long> Usage { get; } = [];

    /// <summary>True when <see cref="Usage"/> is cumulative over the agent's thread (codex), not per run.</summary>
    public bool UsageIsCumulative { get; set; }

    /// <summary>Cost in USD reported by the agent, if any.</summary>
    public double? CostUsd { get; set; }

    /// <summary>True when <see cref="CostUsd"/> is cumulative over resumes (claude total_cost_usd).</summary>
    public bool CostIsCumulative { get; set; }

    /// <summary>True when the turn failed because the agent hit its provider's rate or usage limit.</summary>
    public bool RateLimited { get; set; }

    /// <summary>When the agent said the limit resets, if it did.</summary>
    public RetryHint? RetryHint { get; set; }

    /// <summary>Lines that were not JSON objects (e.g. stderr text, truncated writes).</summary>
    public int MalformedLines { get; set; }

    /// <summary>All lines seen.</summary>
    public long Lines { get; set; }
}
