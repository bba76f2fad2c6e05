using System.Collections;

namespace Zwarm.Core.Config;

/// <summary>Reads a project's .env file (KEY=VALUE lines, # comments, optional quotes, optional 'export ').</summary>
public static class DotEnv
{
    /// <summary>Parses .env text into variables.</summary>
    public static Dictionary<string, string> Parse(string text)
    {
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0]) value = value[1..^1];
            vars[key] = value;
        }
        return vars;
    }

    /// <summary>The variable that turns <see cref="Guarded"/> keys on for .env; .env itself can never set it.</summary>
    public const string TrustKey = "ZWARM_SECURITY_TRUST_DOTENV";

    /// <summary>
    /// Variables a project's .env may set only with <c>[security] trust_dotenv = true</c>: they choose the agent executable
    /// (its command, PATH, NODE_OPTIONS), its sandbox or bypass flags, or where requests go (base URLs).
    /// </summary>
    public static IReadOnlySet<string> Guarded { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ZWARM_ADAPTERS_CODEX_COMMAND", "ZWARM_ADAPTERS_CLAUDE_COMMAND", "ZWARM_AGENTS_DIR", "PATH", "NODE_OPTIONS",
        "ZWARM_EXECUTOR_SANDBOX", "ZWARM_ORCHESTRATOR_BASH_SANDBOX", "IS_SANDBOX",
        "ZWARM_ORCHESTRATOR_BASE_URL", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL",
        TrustKey,
    };

    /// <summary>
    /// Sets the variables of <paramref name="vars"/> that <paramref name="environment"/> does not already have (through
    /// <paramref name="set"/>); <see cref="Guarded"/> ones only when <paramref name="trusted"/>. Returns the guarded ones it left out.
    /// </summary>
    public static List<string> Apply(
        IReadOnlyDictionary<string, string> vars, IDictionary environment, bool trusted, Action<string, string> set)
    {
        var ignored = new List<string>();
        foreach (var (k, v) in vars)
        {
            if (environment[k] is not null) continue;
            if (Guarded.Contains(k) && (!trusted || k == TrustKey))
            {
                if (!trusted) ignored.Add(k);
                continue;
            }
            set(k, v);
        }
        return ignored;
    }
}
