using System.Globalization;
using Tomlyn.Model;

namespace Zwarm.Core.Config;

/// <summary>Settings of the executor (sessions).</summary>
public sealed record ExecutorConfig(
    string Adapter, string? Model, string? Sandbox, int TimeoutSeconds, int MaxRunning, double KillGraceSeconds, long TokenBudget)
{
    /// <summary>Per-session cost budget in USD (0 = none).</summary>
    public double CostBudgetUsd { get; init; }

    /// <summary>"fail" or "wait": what a rate-limited turn does.</summary>
    public string OnRateLimit { get; init; } = "fail";

    /// <summary>Base wait in seconds after a rate limit without a stated reset.</summary>
    public double RateLimitBackoffSeconds { get; init; } = 60;

    /// <summary>How many levels of sessions may nest (a session's agent starting sessions is one level deeper); 0 = no limit.</summary>
    public int MaxDepth { get; init; } = 2;

    /// <summary>"none" (sessions share the working dir) or "worktree" (each gets its own git worktree).</summary>
    public string Isolation { get; init; } = "none";

    /// <summary>Untracked files copied from the repository into a new worktree (paths relative to its root).</summary>
    public IReadOnlyList<string> WorktreeCopy { get; init; } = [];
}

/// <summary>The event log.</summary>
public sealed record EventsConfig(long MaxBytes, int Keep);

/// <summary>Context compaction of the orchestrator's messages.</summary>
public sealed record CompactionConfig(int MaxTokens, double ThresholdPct, double TargetPct, int KeepFirstN, int KeepLastN);

/// <summary>Settings of the orchestrating LLM.</summary>
public sealed record OrchestratorConfig(
    string Model, string? BaseUrl, string ApiKeyEnv, int MaxSteps, int MaxStepsPerTurn, int ParallelDelegations,
    IReadOnlyList<string> AllowedDirs, CompactionConfig Compaction)
{
    /// <summary>Cost budget in USD of one instance (0 = none).</summary>
    public double BudgetUsd { get; init; }

    /// <summary>At orchestrate's exit, sessions it started that still run: "keep" (listed) or "kill".</summary>
    public string OnExit { get; init; } = "keep";

    /// <summary>The bash tool's OS sandbox: "auto", "codex" or "none".</summary>
    public string BashSandbox { get; init; } = "auto";
}

/// <summary>One configured watcher.</summary>
public sealed record WatcherEntry(string Name, bool Enabled, IReadOnlyDictionary<string, object> Config);

/// <summary>Watchers that run before each orchestrator step.</summary>
public sealed record WatchersConfig(bool Enabled, string MessageRole, IReadOnlyList<WatcherEntry> Watchers);

/// <summary>OpenTelemetry export settings.</summary>
public sealed record TelemetryConfig(bool Enabled, string? Endpoint, string ServiceName);

/// <summary>Price of a model in USD per million tokens.</summary>
public sealed record ModelPrice(double Input, double Output, double CachedInput);

/// <summary>The effective zwarm configuration after all layers (SPEC §6).</summary>
public sealed class ZwarmConfig
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    private readonly IReadOnlyDictionary<string, TomlDocument> _adapterSettings;

    internal ZwarmConfig(
        IReadOnlyDictionary<string, object?> values, IReadOnlyDictionary<string, TomlDocument> adapterSettings, string projectDir)
    {
        _values = values;
        _adapterSettings = adapterSettings;
        ProjectDir = projectDir;
        Executor = new ExecutorConfig(
            Str("executor.adapter")!, Str("executor.model"), Str("executor.sandbox"), (int)Int("executor.timeout"),
            (int)Int("executor.max_running"), Float("executor.kill_grace"), Int("executor.token_budget"))
        {
            CostBudgetUsd = Float("executor.cost_budget_usd"),
            OnRateLimit = Str("executor.on_rate_limit")!,
            RateLimitBackoffSeconds = Float("executor.rate_limit_backoff"),
            Isolation = Str("executor.isolation") ?? "none",
            MaxDepth = (int)Int("executor.max_depth"),
            WorktreeCopy = List("executor.worktree_copy"),
        };
        Orchestrator = new OrchestratorConfig(Str("orchestrator.model")!, Str("orchestrator.base_url"), Str("orchestrator.api_key_env")!,
            (int)Int("orchestrator.max_steps"), (int)Int("orchestrator.max_steps_per_turn"), (int)Int("orchestrator.parallel_delegations"),
            List("orchestrator.allowed_dirs"),
            new CompactionConfig((int)Int("orchestrator.compaction.max_tokens"), Float("orchestrator.compaction.threshold_pct"),
                Float("orchestrator.compaction.target_pct"), (int)Int("orchestrator.compaction.keep_first_n"),
                (int)Int("orchestrator.compaction.keep_last_n")))
        {
            BudgetUsd = Float("orchestrator.budget_usd"),
            OnExit = Str("orchestrator.on_exit")!,
            BashSandbox = Str("orchestrator.bash_sandbox")!,
        };
        Events = new EventsConfig(Int("events.max_bytes"), (int)Int("events.keep"));
        Hooks = _values.GetValueOrDefault("hooks") is TomlTableArray hooks ? HookConfig.Read(hooks) : [];
        Watchers = new WatchersConfig(Bool("watchers.enabled"), Str("watchers.message_role")!, ReadWatchers());
        Telemetry = new TelemetryConfig(Bool("telemetry.enabled"), Str("telemetry.endpoint"), Str("telemetry.service_name")!);
        Prices = ReadPrices();
        Hosts = Zwarm.Core.Hosts.HostConfig.Read(_values);
    }

    /// <summary>[hosts.NAME] machines sessions run on over SSH, by name.</summary>
    public IReadOnlyDictionary<string, Zwarm.Core.Hosts.HostConfig> Hosts { get; }

    /// <summary>The project folder (parent of .zwarm).</summary>
    public string ProjectDir { get; }

    /// <summary>The --config file layered over config.toml (absolute), or null.</summary>
    public string? OverrideFile { get; internal set; }

    /// <summary>The --set values layered over the files, in order.</summary>
    public IReadOnlyList<string> OverrideSets { get; internal set; } = [];

    /// <summary>[executor]</summary>
    public ExecutorConfig Executor { get; }

    /// <summary>[orchestrator]</summary>
    public OrchestratorConfig Orchestrator { get; }

    /// <summary>[events]</summary>
    public EventsConfig Events { get; }

    /// <summary>[[hooks]]</summary>
    public IReadOnlyList<HookConfig> Hooks { get; }

    /// <summary>[watchers]</summary>
    public WatchersConfig Watchers { get; }

    /// <summary>[telemetry]</summary>
    public TelemetryConfig Telemetry { get; }

    /// <summary>[pricing] entries that extend the model registry's price table.</summary>
    public IReadOnlyDictionary<string, ModelPrice> Prices { get; }

    /// <summary>
    /// An adapter's settings file (<see cref="Agents.IAgentAdapter.SettingsFile"/>: codex.toml, claude.toml, …); empty when absent.
    /// </summary>
    public TomlDocument AdapterToml(string adapter)
        => _adapterSettings.TryGetValue(adapter, out var doc) ? doc : TomlDocument.Empty($"{adapter}.toml");

    /// <summary>Configured executable of an adapter, or null for the default.</summary>
    public string? AdapterCommand(string adapter) => _values.GetValueOrDefault($"adapters.{adapter}.command") as string;

    /// <summary>Every effective value by dotted key (defaults included), in key order.</summary>
    public IEnumerable<KeyValuePair<string, object?>> Entries => _values.OrderBy(kv => kv.Key, StringComparer.Ordinal);

    /// <summary>Raw effective value of a dotted key.</summary>
    public object? Get(string key) => _values.GetValueOrDefault(key);

    /// <summary>The defaults alone, for a project without .zwarm/.</summary>
    public static ZwarmConfig Defaults(string projectDir) => ConfigLoader.FromValues(new Dictionary<string, object?>(), projectDir);

    private string? Str(string key) => _values.GetValueOrDefault(key) is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;
    private long Int(string key) => Convert.ToInt64(_values[key], CultureInfo.InvariantCulture);
    private double Float(string key) => Convert.ToDouble(_values[key], CultureInfo.InvariantCulture);
    private bool Bool(string key) => Convert.ToBoolean(_values[key], CultureInfo.InvariantCulture);
    private List<string> List(string key) => _values.GetValueOrDefault(key) switch
    {
        IEnumerable<string> s => s.ToList(),
        TomlArray a => a.Select(x => Convert.ToString(x, CultureInfo.InvariantCulture) ?? "").ToList(),
        _ => [],
    };

    private List<WatcherEntry> ReadWatchers()
    {
        var list = new List<WatcherEntry>();
        if (_values.GetValueOrDefault("watchers.watchers") is TomlTableArray arr)
            foreach (var t in arr)
                list.Add(new WatcherEntry(t.TryGetValue("name", out var n) ? n?.ToString() ?? "" : "",
                    !t.TryGetValue("enabled", out var e) || e is not bool b || b,
                    t.TryGetValue("config", out var c) && c is TomlTable ct
                        ? ct.ToDictionary(kv => kv.Key, kv => kv.Value)
                        : new Dictionary<string, object>()));
        return list;
    }

    private Dictionary<string, ModelPrice> ReadPrices()
    {
        var prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in _values)
        {
            if (!key.StartsWith("pricing.", StringComparison.Ordinal)) continue;
            var rest = key["pricing.".Length..];
            var dot = rest.LastIndexOf('.');
            if (dot <= 0) continue;
            var model = rest[..dot].Trim('"');
            var field = rest[(dot + 1)..];
            var v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            var p = prices.GetValueOrDefault(model) ?? new ModelPrice(0, 0, 0);
            prices[model] = field switch
            {
                "input" => p with { Input = v },
                "output" => p with { Output = v },
                "cached_input" => p with { CachedInput = v },
                _ => p,
            };
        }
        return prices;
    }
}
