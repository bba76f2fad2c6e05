using System.Collections;
using System.Globalization;
using Tomlyn.Model;
using Zwarm.Core.Agents;

namespace Zwarm.Core.Config;

/// <summary>
/// Builds the effective configuration: defaults &lt; .zwarm/config.toml &lt; --config file (TOML or YAML) &lt; --set a.b=v &lt;
/// environment (ZWARM_SECTION_KEY). Unknown keys and ill-typed values are errors naming file, line and key.
/// </summary>
public static class ConfigLoader
{
    private const double MaxKillGrace = 3600;

    /// <summary>Loads the configuration of the project whose store is <paramref name="zwarmDir"/>.</summary>
    public static async Task<ZwarmConfig> LoadAsync(string zwarmDir, string? configFile = null, IEnumerable<string>? sets = null,
        IDictionary? environment = null, CancellationToken ct = default)
    {
        var projectDir = Path.GetDirectoryName(Path.GetFullPath(zwarmDir))!;
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var layout = new Sessions.StoreLayout(zwarmDir);
        Apply(values, await TomlDocument.LoadAsync(layout.ConfigFile, ct));
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new ZwarmException($"config file not found: {configFile}", ExitCodes.Usage);
            foreach (var (key, value, where) in await ExperimentConfig.ReadAsync(configFile, ct))
            {
                if (value is not null) values[key] = Check(key, value, where);
                else if (!ConfigSchema.Keys.Any(k => k.Key.StartsWith(key + ".", StringComparison.Ordinal)))
                {
                    // key: (empty) puts a key back to its default; an empty section is nothing.
                    Check(key, "", where, nullCheckOnly: true);
                    values.Remove(key);
                }
            }
        }
        foreach (var set in sets ?? [])
            ApplySet(values, set);
        ApplyEnvironment(values, environment ?? Environment.GetEnvironmentVariables());
        var settings = new Dictionary<string, TomlDocument>(StringComparer.OrdinalIgnoreCase);
        foreach (var adapter in AgentRegistry.Default.Adapters)
            settings[adapter.Name] = await TomlDocument.LoadAsync(layout.AdapterSettings(adapter.SettingsFile), ct);
        var config = FromValues(values, projectDir, settings);
        config.OverrideFile = configFile is null ? null : Path.GetFullPath(configFile);
        config.OverrideSets = sets?.ToList() ?? [];
        return config;
    }

    /// <summary>
    /// Loads the project's .env (next to .zwarm; variables already set win) into <paramref name="environment"/> (null: this
    /// process's, which agents inherit), then the configuration. The <see cref="DotEnv.Guarded"/> keys are taken from .env only
    /// with <c>[security] trust_dotenv = true</c> in the configuration proper; the ones left out are returned for a warning.
    /// </summary>
    public static async Task<(ZwarmConfig Config, IReadOnlyList<string> IgnoredDotEnvKeys)> LoadProjectAsync(
        string zwarmDir, string? configFile, IEnumerable<string>? sets, IDictionary? environment = null, CancellationToken ct = default)
    {
        var list = sets?.ToList() ?? [];
        var envFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(zwarmDir))!, ".env");
        var vars = File.Exists(envFile) ? DotEnv.Parse(await File.ReadAllTextAsync(envFile, ct)) : [];
        var env = environment ?? Environment.GetEnvironmentVariables();
        var trusted = false;
        if (vars.Keys.Any(k => DotEnv.Guarded.Contains(k) && env[k] is null))
            trusted = (await LoadAsync(zwarmDir, configFile, list, env, ct)).Get("security.trust_dotenv") is true;
        var ignored = DotEnv.Apply(vars, env, trusted, (k, v) =>
        {
            env[k] = v;
            if (environment is null) Environment.SetEnvironmentVariable(k, v);
        });
        return (await LoadAsync(zwarmDir, configFile, list, env, ct), ignored);
    }

    internal static ZwarmConfig FromValues(
        Dictionary<string, object?> values, string projectDir, IReadOnlyDictionary<string, TomlDocument>? adapterSettings = null)
    {
        foreach (var k in ConfigSchema.Keys)
            if (!values.ContainsKey(k.Key) && k.Default is not null) values[k.Key] = k.Default;
        return new ZwarmConfig(values, adapterSettings ?? new Dictionary<string, TomlDocument>(), projectDir);
    }

    private static void Apply(Dictionary<string, object?> values, TomlDocument doc)
    {
        foreach (var (key, value, where) in doc.Flatten())
            values[key] = Check(key, value, where);
    }

    private static void ApplySet(Dictionary<string, object?> values, string set)
    {
        var eq = set.IndexOf('=');
        if (eq <= 0) throw new ZwarmException($"--set {set}: expected key=value (e.g. executor.model=gpt-5.1-codex)", ExitCodes.Usage);
        var key = set[..eq].Trim();
        var raw = set[(eq + 1)..].Trim();
        values[key] = Check(key, ParseLoose(key, raw), "--set");
    }

    private static void ApplyEnvironment(Dictionary<string, object?> values, IDictionary env)
    {
        foreach (var k in ConfigSchema.Keys)
        {
            if (k.Kind is ConfigKind.Table or ConfigKind.TableList) continue;
            var name = "ZWARM_" + k.Key.Replace('.', '_').ToUpperInvariant();
            if (env[name] is string raw && raw.Length > 0)
                values[k.Key] = Check(k.Key, ParseLoose(k.Key, raw), $"environment {name}");
        }
    }

    private static object ParseLoose(string key, string raw)
    {
        var kind = ConfigSchema.Find(key)?.Kind;
        if (kind == ConfigKind.StringList)
            return raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"') return raw[1..^1];
        if (kind is ConfigKind.String) return raw;
        if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return l;
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        if (bool.TryParse(raw, out var b)) return b;
        return raw;
    }

    private static object? Check(string key, object value, string where, bool nullCheckOnly = false)
    {
        var spec = ConfigSchema.Find(key);
        if (spec is null)
        {
            var hint = ConfigSchema.Suggest(key) is { } s ? $" (did you mean '{s}'?)" : "";
            throw new ZwarmException($"{where}: unknown key '{key}'{hint}");
        }
        if (nullCheckOnly) return null;
        object? result = spec.Kind switch
        {
            ConfigKind.String => value is string str ? str : null,
            ConfigKind.Int => value is long or int ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null,
            ConfigKind.Float => value is long or int or double or float ? Convert.ToDouble(value, CultureInfo.InvariantCulture) : null,
            ConfigKind.Bool => value is bool ? value : null,
            ConfigKind.StringList => value switch
            {
                string[] arr => arr,
                TomlArray a when a.All(x => x is string) => a.Cast<string>().ToArray(),
                _ => null,
            },
            ConfigKind.TableList => value as TomlTableArray,
            ConfigKind.Table => value switch
            {
                long or double or string or bool => value,
                string[] arr => arr,
                TomlArray a when a.All(x => x is string) => a.Cast<string>().ToArray(),
                _ => null,
            },
            _ => null,
        };
        if (result is null)
            throw new ZwarmException($"{where}: bad value for '{key}': expected {Describe(spec.Kind)}, got {Show(value)}");
        if (spec.Kind is ConfigKind.Int && (long)result < 0)
            throw new ZwarmException($"{where}: bad value for '{key}': must not be negative");
        // Python zwarm's adapter names (codex_mcp, claude_code, …): each adapter lists its own.
        if (key == "executor.adapter" && result is string adapterName) result = AgentRegistry.Default.Canonical(adapterName);
        // Values are read as 64-bit but most are used as int: 4294967297 must not wrap to 1.
        if (spec.Kind is ConfigKind.Int && (long)result > int.MaxValue && key != "executor.token_budget")
            throw new ZwarmException($"{where}: bad value for '{key}': must be at most {int.MaxValue}, got {result}");
        if (result is double dv && (!double.IsFinite(dv) || dv < 0))
            throw new ZwarmException($"{where}: bad value for '{key}': must be a finite number, 0 or more, got {Show(value)}");
        if (key == "executor.kill_grace" && (double)result > MaxKillGrace)
            throw new ZwarmException($"{where}: bad value for '{key}': must be at most {MaxKillGrace} seconds, got {Show(value)}");
        if (key == "hooks" && result is TomlTableArray hooks) HookConfig.Validate(hooks, where);
        if (ConfigSchema.Choices(key) is { } choices && result is string choice && !choices.Contains(choice))
            throw new ZwarmException($"{where}: bad value for '{key}': expected {string.Join(" or ", choices)}, got \"{choice}\"");
        if (spec.Kind is ConfigKind.Table) CheckTableValue(key, spec, result, where);
        return result;
    }

    // [pricing."model"] input, output, cached_input: non-negative numbers; nothing else.
    private static void CheckTableValue(string key, ConfigKey spec, object value, string where)
    {
        if (spec.Key == "hosts")
        {
            Hosts.HostConfig.CheckValue(key, value, where);
            return;
        }
        if (spec.Key != "pricing") return;
        var rest = key[(spec.Key.Length + 1)..];
        var dot = rest.LastIndexOf('.');
        if (dot <= 0)
            throw new ZwarmException(
                $"{where}: bad value for '{key}': expected a table [pricing.\"{rest}\"] with input, output, cached_input");
        var field = rest[(dot + 1)..];
        if (field is not ("input" or "output" or "cached_input"))
            throw new ZwarmException($"{where}: unknown key '{key}' (expected input, output or cached_input)");
        if (value is not (long or double))
            throw new ZwarmException($"{where}: bad value for '{key}': expected a number, got {Show(value)}");
        var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (double.IsNaN(number) || double.IsInfinity(number) || number < 0)
            throw new ZwarmException($"{where}: bad value for '{key}': must not be negative");
    }

    private static string Describe(ConfigKind k) => k switch
    {
        ConfigKind.String => "a string",
        ConfigKind.Int => "an integer",
        ConfigKind.Float => "a number",
        ConfigKind.Bool => "true or false",
        ConfigKind.StringList => "a list of strings",
        ConfigKind.TableList => "[[tables]]",
        _ => "a value",
    };

    private static string Show(object v) => v switch
    {
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        TomlTable => "a table",
        TomlArray => "an array",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "null",
    };
}
