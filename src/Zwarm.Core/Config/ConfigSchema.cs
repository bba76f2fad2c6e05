namespace Zwarm.Core.Config;

/// <summary>The kinds of value a config key can hold.</summary>
public enum ConfigKind
{
    /// <summary>A TOML string.</summary>
    String,
    /// <summary>A TOML integer.</summary>
    Int,
    /// <summary>A TOML number; an integer is accepted too.</summary>
    Float,
    /// <summary>true or false.</summary>
    Bool,
    /// <summary>An array of strings.</summary>
    StringList,
    /// <summary>An array of tables ([[x]]).</summary>
    TableList,
    /// <summary>A table whose keys are names the user picks ([x.NAME]).</summary>
    Table,
}

/// <summary>One known key of config.toml with its kind, default and meaning.</summary>
public sealed record ConfigKey(string Key, ConfigKind Kind, object? Default, string Help);

/// <summary>Every key zwarm understands in .zwarm/config.toml (SPEC §6). The single source for defaults, validation and docs.</summary>
public static class ConfigSchema
{
    /// <summary>All keys.</summary>
    public static IReadOnlyList<ConfigKey> Keys { get; } =
    [
        new("executor.adapter", ConfigKind.String, "codex",
            "default agent for new sessions: " + string.Join(" | ", Agents.AgentRegistry.Default.Names)),
        new("executor.model", ConfigKind.String, null, "default model when neither --model nor the adapter's toml sets one"),
        new("executor.sandbox", ConfigKind.String, "workspace-write",
            "codex sandbox mode: read-only | workspace-write (edit the working dir; Python zwarm's default) | danger-full-access; " +
            "\"\" = codex's own default"),
        new("executor.timeout", ConfigKind.Int, 0L,
            "per-turn time limit in seconds (0 = none); an overrunning turn is killed and marked failed"),
        new("executor.max_running", ConfigKind.Int, 0L, "most sessions running at once (0 = no limit); extra sessions wait as pending"),
        new("executor.kill_grace", ConfigKind.Float, 2.0, "seconds between SIGTERM and SIGKILL when killing a session"),
        new("executor.max_depth", ConfigKind.Int, 2L,
            "how many levels of sessions may nest: a session's agent that runs zwarm (or zwarm mcp) starts sessions one level " +
            "deeper; a start beyond this is refused (0 = no limit)"),
        new("executor.token_budget", ConfigKind.Int, 0L, "per-session token budget (0 = none); a session over it gets no further turns"),
        new("executor.cost_budget_usd", ConfigKind.Float, 0.0,
            "per-session cost budget in USD (0 = none); a session over it gets no further turns"),
        new("executor.on_rate_limit", ConfigKind.String, "fail",
            "when an agent hits its provider's rate or usage limit: fail | wait (back to pending, retried by itself at the reset)"),
        new("executor.rate_limit_backoff", ConfigKind.Float, 60.0,
            "seconds to wait after a rate limit whose reset the agent does not state; doubled for each repeat (at most 1 hour)"),
        new("executor.isolation", ConfigKind.String, "none",
            "none: sessions work in their working dir | worktree: each session gets its own git worktree and branch (spawn --worktree)"),
        new("executor.worktree_copy", ConfigKind.StringList, Array.Empty<string>(),
            "untracked files copied into a new worktree, relative to the repository root, e.g. [\".env\"]"),
        new("orchestrator.model", ConfigKind.String, "gpt-5.1", "model of the orchestrating LLM"),
        new("orchestrator.base_url", ConfigKind.String, null, "OpenAI-compatible endpoint (…/v1); empty = OpenAI"),
        new("orchestrator.api_key_env", ConfigKind.String, "OPENAI_API_KEY", "environment variable holding the API key"),
        new("orchestrator.max_steps", ConfigKind.Int, 50L, "most LLM steps of one orchestrate run"),
        new("orchestrator.max_steps_per_turn", ConfigKind.Int, 60L, "most LLM steps per pilot turn"),
        new("orchestrator.parallel_delegations", ConfigKind.Int, 4L, "most sessions an instance keeps running at once"),
        new("orchestrator.allowed_dirs", ConfigKind.StringList, Array.Empty<string>(),
            "directories delegated sessions may work in (default: the project dir)"),
        new("orchestrator.budget_usd", ConfigKind.Float, 0.0,
            "cost budget in USD of one orchestrate/pilot instance (0 = none): delegate and converse are refused beyond it"),
        new("orchestrator.on_exit", ConfigKind.String, "keep",
            "at orchestrate's exit, sessions it started that still run: keep (listed) | kill"),
        new("orchestrator.bash_sandbox", ConfigKind.String, "auto",
            "the bash tool's OS sandbox: auto (codex sandbox when codex is installed, else none with a warning) | codex (required) | none"),
        new("orchestrator.compaction.max_tokens", ConfigKind.Int, 100000L, "context size the orchestrator's messages are kept under"),
        new("orchestrator.compaction.threshold_pct", ConfigKind.Float, 0.85, "compact when the context exceeds this share of max_tokens"),
        new("orchestrator.compaction.target_pct", ConfigKind.Float, 0.7, "compact down to this share of max_tokens"),
        new("orchestrator.compaction.keep_first_n", ConfigKind.Int, 2L, "messages always kept at the start"),
        new("orchestrator.compaction.keep_last_n", ConfigKind.Int, 10L, "messages always kept at the end"),
        new("watchers.enabled", ConfigKind.Bool, true, "run watchers before each orchestrator step"),
        new("watchers.message_role", ConfigKind.String, "user", "role of the messages watchers inject: user | system"),
        new("watchers.watchers", ConfigKind.TableList, null, "[[watchers.watchers]] name, enabled, config"),
        new("telemetry.enabled", ConfigKind.Bool, false, "export OpenTelemetry traces"),
        new("telemetry.endpoint", ConfigKind.String, null, "OTLP endpoint (also OTEL_EXPORTER_OTLP_ENDPOINT)"),
        new("telemetry.service_name", ConfigKind.String, "zwarm", "service.name of exported traces"),
        new("events.max_bytes", ConfigKind.Int, 10485760L, "size at which .zwarm/events.jsonl is rotated to events.1.jsonl (0 = never)"),
        new("events.keep", ConfigKind.Int, 3L, "rotated event logs kept (events.1.jsonl … events.N.jsonl)"),
        new("hooks", ConfigKind.TableList, null,
            "[[hooks]] on = [events], and one of run = \"shell command\", url = \"http://…\", notify = true; timeout = seconds"),
        new("security.trust_dotenv", ConfigKind.Bool, false,
            "let the project's .env set the agent executable, sandbox, bypass flags and orchestrator URL"),
        // One per adapter, from the adapters themselves.
        .. Agents.AgentRegistry.Default.Adapters.Select(a => new ConfigKey($"adapters.{a.Name}.command", ConfigKind.String, null,
            $"path of the {a.Name} executable (default: {a.Name} on PATH, then node_modules/.bin)")),
        new("pricing", ConfigKind.Table, null, "[pricing.\"model\"] input, output, cached_input: USD per million tokens"),
        new("hosts", ConfigKind.Table, null,
            "[hosts.NAME] ssh = \"user@host\", port, identity_file, known_hosts, dir, state_dir, max_running, lost_after, " +
            "forward_env = [..], codex, claude: a machine sessions run on over SSH (docs/hosts.md)"),
    ];

    private static readonly Dictionary<string, ConfigKey> ByKey = Keys.ToDictionary(k => k.Key, StringComparer.Ordinal);

    /// <summary>Finds a key, or a table key that owns it (e.g. pricing.x.input → pricing).</summary>
    public static ConfigKey? Find(string key)
    {
        if (ByKey.TryGetValue(key, out var k)) return k;
        foreach (var t in Keys)
            if (t.Kind == ConfigKind.Table && key.StartsWith(t.Key + ".", StringComparison.Ordinal)) return t;
        return null;
    }

    /// <summary>The values a string key accepts, or null when any string goes.</summary>
    public static IReadOnlyList<string>? Choices(string key) => key switch
    {
        "executor.adapter" => Agents.AgentRegistry.Default.Names,
        "orchestrator.on_exit" => ["keep", "kill"],
        "orchestrator.bash_sandbox" => ["auto", "codex", "none"],
        "executor.on_rate_limit" => ["fail", "wait"],
        _ => null,
    };

    /// <summary>The closest known key, for "did you mean" hints.</summary>
    public static string? Suggest(string key) => Spelling.Closest(key, Keys.Select(k => k.Key), lengthDivisor: 4);
}
