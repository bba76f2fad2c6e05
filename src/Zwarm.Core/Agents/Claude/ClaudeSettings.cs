using System.Globalization;
using Tomlyn.Model;
using Zwarm.Core.Config;

namespace Zwarm.Core.Agents.Claude;

/// <summary>
/// The settings of <c>.zwarm/claude.toml</c>, validated: an unknown key or a value of the wrong type is an
/// error naming file, line and key. Each setting maps to one Claude Code flag.
/// </summary>
internal sealed record ClaudeSettings
{
    /// <summary>Values Claude Code has accepted for --permission-mode (2.1.x lists all but "default", which older versions used).</summary>
    public static readonly string[] PermissionModes = ["acceptEdits", "auto", "bypassPermissions", "default", "dontAsk", "manual", "plan"];

    private static readonly string[] KnownKeys =
        [
            "model", "full_danger", "permission_mode", "allowed_tools", "disallowed_tools", "add_dir", "append_system_prompt", "max_turns",
            "mcp_config",
        ];

    /// <summary>The model named in the file (the session's model already reflects it).</summary>
    public string? Model { get; init; }

    /// <summary>Pass --dangerously-skip-permissions.</summary>
    public bool FullDanger { get; init; }

    /// <summary>--permission-mode.</summary>
    public string? PermissionMode { get; init; }

    /// <summary>--allowedTools values.</summary>
    public IReadOnlyList<string> AllowedTools { get; init; } = [];

    /// <summary>--disallowedTools values.</summary>
    public IReadOnlyList<string> DisallowedTools { get; init; } = [];

    /// <summary>--add-dir directories (~ expanded, relative ones resolved against the project dir).</summary>
    public IReadOnlyList<string> AddDirs { get; init; } = [];

    /// <summary>--append-system-prompt.</summary>
    public string? AppendSystemPrompt { get; init; }

    /// <summary>--max-turns.</summary>
    public long? MaxTurns { get; init; }

    /// <summary>--mcp-config files (relative ones resolved against the project dir) or inline JSON.</summary>
    public IReadOnlyList<string> McpConfigs { get; init; } = [];

    /// <summary>True when the run bypasses permission checks, which Claude Code refuses as root unless IS_SANDBOX=1.</summary>
    public bool BypassesPermissions => FullDanger || PermissionMode == "bypassPermissions";

    /// <summary>Reads and validates the document; relative paths are resolved against <paramref name="projectDir"/>.</summary>
    public static ClaudeSettings Parse(TomlDocument doc, string projectDir)
    {
        var t = doc.Table;
        foreach (var key in t.Keys)
        {
            if (Array.IndexOf(KnownKeys, key) >= 0) continue;
            var hint = Suggest(key) is { } s ? $" (did you mean '{s}'?)" : "";
            throw new ZwarmException($"{doc.Where(t, key)}: unknown key '{key}'{hint}");
        }
        var mode = Str(doc, "permission_mode");
        if (mode is not null && Array.IndexOf(PermissionModes, mode) < 0)
        {
            var hint = Suggest(mode, PermissionModes) is { } s ? $" (did you mean '{s}'?)" : "";
            throw new ZwarmException(
                $"{doc.Where(t, "permission_mode")}: bad value for 'permission_mode': \"{mode}\"{hint}; " +
                $"expected one of {string.Join(", ", PermissionModes)}");
        }
        var maxTurns = Int(doc, "max_turns");
        if (maxTurns is < 1)
            throw new ZwarmException($"{doc.Where(t, "max_turns")}: bad value for 'max_turns': must be at least 1, got {maxTurns}");
        return new ClaudeSettings
        {
            Model = Str(doc, "model"),
            FullDanger = t.TryGetValue("full_danger", out var fd)
                && (fd as bool? ?? throw BadValue(doc, "full_danger", "true or false", fd)),
            PermissionMode = mode,
            AllowedTools = List(doc, "allowed_tools"),
            DisallowedTools = List(doc, "disallowed_tools"),
            AddDirs = List(doc, "add_dir").Select(d => ResolvePath(d, projectDir)).ToList(),
            AppendSystemPrompt = Str(doc, "append_system_prompt"),
            MaxTurns = maxTurns,
            McpConfigs = List(doc, "mcp_config").Select(c => c.TrimStart().StartsWith('{') ? c : ResolvePath(c, projectDir)).ToList(),
        };
    }

    /// <summary>The Claude Code flags these settings stand for, in a stable order.</summary>
    public List<string> Flags()
    {
        var args = new List<string>();
        if (FullDanger) args.Add("--dangerously-skip-permissions");
        if (PermissionMode is not null) args.AddRange(["--permission-mode", PermissionMode]);
        // Variadic flags: each value is its own argument, so a tool pattern may contain spaces ("Bash(git log:*)").
        if (AllowedTools.Count > 0) args.AddRange(["--allowedTools", .. AllowedTools]);
        if (DisallowedTools.Count > 0) args.AddRange(["--disallowedTools", .. DisallowedTools]);
        if (AddDirs.Count > 0) args.AddRange(["--add-dir", .. AddDirs]);
        if (McpConfigs.Count > 0) args.AddRange(["--mcp-config", .. McpConfigs]);
        if (AppendSystemPrompt is not null) args.AddRange(["--append-system-prompt", AppendSystemPrompt]);
        if (MaxTurns is { } n) args.AddRange(["--max-turns", n.ToString(CultureInfo.InvariantCulture)]);
        return args;
    }

    private static string ResolvePath(string path, string projectDir)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            path = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..];
        return Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(projectDir, path));
    }

    private static string? Str(TomlDocument doc, string key)
        => !doc.Table.TryGetValue(key, out var v) ? null : v as string ?? throw BadValue(doc, key, "a string", v);

    private static long? Int(TomlDocument doc, string key)
        => !doc.Table.TryGetValue(key, out var v) ? null : v as long? ?? throw BadValue(doc, key, "an integer", v);

    private static List<string> List(TomlDocument doc, string key)
    {
        if (!doc.Table.TryGetValue(key, out var v)) return [];
        return v switch
        {
            string s => [s],
            TomlArray a when a.All(x => x is string) => a.Cast<string>().ToList(),
            _ => throw BadValue(doc, key, "a string or a list of strings", v),
        };
    }

    private static ZwarmException BadValue(TomlDocument doc, string key, string expected, object? got)
        => new($"{doc.Where(doc.Table, key)}: bad value for '{key}': expected {expected}, got {Show(got)}");

    private static string Show(object? v) => v switch
    {
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        TomlTable => "a table",
        TomlArray => "an array",
        TomlTableArray => "an array of tables",
        null => "nothing",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "?",
    };

    /// <summary>The closest of <paramref name="candidates"/> (default: the known keys), for "did you mean" hints.</summary>
    internal static string? Suggest(string key, IReadOnlyList<string>? candidates = null)
        => Spelling.Closest(key, candidates ?? KnownKeys);
}
