using Zwarm.Core.Config;

namespace Zwarm.Core.Agents;

/// <summary>Canonical model names, aliases and prices; case-insensitive alias and prefix matching (SPEC §4).</summary>
public sealed class ModelRegistry
{
    private readonly List<ModelInfo> _models;

    /// <summary>A registry over the given models.</summary>
    public ModelRegistry(IEnumerable<ModelInfo> models) => _models = models.ToList();

    /// <summary>All models.</summary>
    public IReadOnlyList<ModelInfo> All => _models;

    /// <summary>Finds a model by canonical name, alias, or unique prefix (case-insensitive).</summary>
    public ModelInfo? Find(string nameOrAlias)
    {
        var q = nameOrAlias.Trim();
        var exact = _models.Find(m => m.Name.Equals(q, StringComparison.OrdinalIgnoreCase)
                                      || m.Aliases.Any(a => a.Equals(q, StringComparison.OrdinalIgnoreCase)));
        if (exact is not null) return exact;
        var prefix = _models.Where(m => m.Name.StartsWith(q, StringComparison.OrdinalIgnoreCase)).ToList();
        if (prefix.Count == 1) return prefix[0];
        // Dated or suffixed variants (claude-sonnet-4-5-20250929) price like their base model.
        return _models.Where(m => q.StartsWith(m.Name, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(m => m.Name.Length).FirstOrDefault();
    }

    /// <summary>Price of a model: config [pricing] first, then the table; null when unknown.</summary>
    public ModelPrice? PriceOf(string model, IReadOnlyDictionary<string, ModelPrice>? overrides = null)
    {
        if (overrides is not null && overrides.TryGetValue(model, out var p)) return p;
        var info = Find(model);
        if (info is not null && overrides is not null && overrides.TryGetValue(info.Name, out var p2)) return p2;
        return info?.Price;
    }

    /// <summary>
    /// Price of the orchestrator's own LLM (orchestrate, pilot): [pricing] and the agents' models first, then the
    /// well-known chat models below; null when unknown.
    /// </summary>
    public ModelPrice? PriceOfLlm(string model, IReadOnlyDictionary<string, ModelPrice>? overrides = null)
        => PriceOf(model, overrides) ?? LlmPrices.GetValueOrDefault(model);

    /// <summary>Chat models an orchestrator commonly runs on (USD per million tokens: input, output, cached input).</summary>
    private static readonly Dictionary<string, ModelPrice> LlmPrices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-5.1"] = new(1.25, 10, 0.125),
        ["gpt-5"] = new(1.25, 10, 0.125),
        ["gpt-5-mini"] = new(0.25, 2, 0.025),
        ["gpt-4.1"] = new(2, 8, 0.5),
        ["gpt-4.1-mini"] = new(0.4, 1.6, 0.1),
        ["gpt-4o"] = new(2.5, 10, 1.25),
        ["gpt-4o-mini"] = new(0.15, 0.6, 0.075),
    };

    /// <summary>Cost of a session in USD: the agent-reported cost when present, else the price of its model; null when unknown.</summary>
    public double? CostOf(Sessions.SessionMeta m, IReadOnlyDictionary<string, ModelPrice>? overrides = null)
    {
        if (m.CostUsd is { } reported) return reported;
        var price = PriceOf(m.Model, overrides);
        return price is null ? null : Cost(price, m.TokenUsage);
    }

    /// <summary>Estimated cost in USD of a usage: cached input priced separately from the rest of the input.</summary>
    public static double Cost(ModelPrice price, IReadOnlyDictionary<string, long> usage)
    {
        var input = usage.GetValueOrDefault("input_tokens");
        var cached = usage.GetValueOrDefault("cached_input_tokens") + usage.GetValueOrDefault("cache_read_input_tokens");
        var cacheWrite = usage.GetValueOrDefault("cache_creation_input_tokens");
        var output = usage.GetValueOrDefault("output_tokens");
        // Codex counts cached tokens inside input_tokens; Claude reports them separately.
        var uncached = usage.ContainsKey("cached_input_tokens") ? Math.Max(0, input - cached) : input + cacheWrite;
        return (uncached * price.Input + cached * price.CachedInput + output * price.Output) / 1_000_000.0;
    }
}
