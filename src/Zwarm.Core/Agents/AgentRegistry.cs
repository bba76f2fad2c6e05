using Zwarm.Core.Config;

namespace Zwarm.Core.Agents;

/// <summary>The adapters zwarm knows, and the model registry built from them.</summary>
public sealed class AgentRegistry
{
    /// <summary>The built-in adapters. One line per adapter.</summary>
    public static AgentRegistry Default { get; } = new(
    [
        new Codex.CodexAdapter(),
        new Claude.ClaudeAdapter(),
    ]);

    private readonly Dictionary<string, IAgentAdapter> _byName;

    /// <summary>A registry over the given adapters.</summary>
    public AgentRegistry(IEnumerable<IAgentAdapter> adapters)
    {
        _byName = adapters.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);
        Models = new ModelRegistry(_byName.Values.SelectMany(a => a.Models));
    }

    /// <summary>The adapters' names, in registration order (the choices of executor.adapter and of the tools' adapter argument).</summary>
    public IReadOnlyList<string> Names => _byName.Values.Select(a => a.Name).ToList();

    /// <summary>
    /// The adapter name an adapter name or alias (Python zwarm's codex_mcp, claude_code, …) stands for; the input when unknown.
    /// </summary>
    public string Canonical(string nameOrAlias)
        => _byName.Values.FirstOrDefault(a => a.Name.Equals(nameOrAlias, StringComparison.OrdinalIgnoreCase)
                                              || a.Aliases.Contains(nameOrAlias, StringComparer.OrdinalIgnoreCase))?.Name ?? nameOrAlias;

    /// <summary>All adapters.</summary>
    public IReadOnlyCollection<IAgentAdapter> Adapters => _byName.Values;

    /// <summary>Models and prices of every adapter.</summary>
    public ModelRegistry Models { get; }

    /// <summary>The adapter with this name; a clear error otherwise.</summary>
    public IAgentAdapter Get(string name) => _byName.TryGetValue(name, out var a)
        ? a
        : throw new ZwarmException($"unknown adapter '{name}': expected {string.Join(" or ", _byName.Keys)}", ExitCodes.Usage);

    /// <summary>True when an adapter with this name exists.</summary>
    public bool TryGet(string name, out IAgentAdapter adapter) => _byName.TryGetValue(name, out adapter!);

    /// <summary>
    /// Chooses adapter and model for a new session: explicit --model &gt; the adapter's toml model &gt;
    /// executor.model &gt; adapter default; the adapter is inferred from an explicit model when not given.
    /// </summary>
    /// <remarks>
    /// An explicit model must be one the adapter knows (or one priced in config); otherwise it is refused with the close names,
    /// unless <paramref name="forceModel"/>, which passes it to the adapter as given.
    /// </remarks>
    public (IAgentAdapter Adapter, string Model) Choose(
        string? adapterName, string? explicitModel, ZwarmConfig config, bool forceModel = false)
    {
        ModelInfo? known = explicitModel is null ? null : Models.Find(explicitModel);
        var name = adapterName ?? known?.Adapter ?? config.Executor.Adapter;
        var adapter = Get(name);
        if (explicitModel is not null)
        {
            if (known is not null && known.Adapter.Equals(adapter.Name, StringComparison.OrdinalIgnoreCase)) return (adapter, known.Name);
            if (forceModel || config.Prices.ContainsKey(explicitModel.Trim())) return (adapter, explicitModel);
            throw new ZwarmException(
                known is null ? Unknown(explicitModel) : OfAnotherAdapter(explicitModel, known, adapter), ExitCodes.Usage);
        }
        if (config.AdapterToml(adapter.Name).Table.TryGetValue("model", out var m) && m is string tomlModel && tomlModel.Length > 0)
            return (adapter, tomlModel);
        if (config.Executor.Model is { Length: > 0 } execModel)
        {
            var k = Models.Find(execModel);
            if (k is null || k.Adapter.Equals(adapter.Name, StringComparison.OrdinalIgnoreCase)) return (adapter, k?.Name ?? execModel);
        }
        return (adapter, adapter.DefaultModel);
    }

    private const string Force = "--force-model uses it anyway";

    private string Unknown(string model)
    {
        var names = Models.All.SelectMany(m => m.Aliases.Prepend(m.Name)).Distinct(StringComparer.OrdinalIgnoreCase);
        var close = Spelling.Nearest(model, names, 4);
        var hint = close.Count > 0 ? $"did you mean {string.Join(", ", close)}?" : "zwarm models lists the known ones";
        return $"unknown model '{model}' ({hint}); {Force}";
    }

    private string OfAnotherAdapter(string model, ModelInfo known, IAgentAdapter adapter)
    {
        var own = string.Join(", ", Models.All
            .Where(m => m.Adapter.Equals(adapter.Name, StringComparison.OrdinalIgnoreCase))
            .Select(m => m.Name));
        return $"model '{model}' ({known.Name}) is a {known.Adapter} model, not {adapter.Name}; {adapter.Name} models: {own}; {Force}";
    }
}
