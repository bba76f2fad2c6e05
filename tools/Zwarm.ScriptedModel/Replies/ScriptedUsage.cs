namespace Zwarm.ScriptedModel;

/// <summary>Token usage reported with a reply, mapped to each API's usage fields.</summary>
public sealed record ScriptedUsage(int InputTokens, int OutputTokens)
{
    /// <summary>Cached input tokens (Responses <c>cached_tokens</c>, Anthropic <c>cache_read_input_tokens</c>, Chat <c>prompt_tokens_details.cached_tokens</c>).</summary>
    public int CachedTokens { get; init; }

    /// <summary>Anthropic <c>cache_creation_input_tokens</c>.</summary>
    public int CacheCreationTokens { get; init; }

    /// <summary>Responses <c>output_tokens_details.reasoning_tokens</c>.</summary>
    public int ReasoningTokens { get; init; }

    /// <summary>The usage reported when a reply does not give one.</summary>
    public static ScriptedUsage Default { get; } = new(100, 20);
}
