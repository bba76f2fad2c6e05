using System.Globalization;

namespace Zwarm.Core.Hosts;

/// <summary>One <c>[hosts.NAME]</c> table: a machine sessions run on over SSH (docs/hosts.md).</summary>
public sealed record HostConfig(string Name, string Ssh)
{
    /// <summary>SSH port; null = ssh's own (22 or ~/.ssh/config).</summary>
    public int? Port { get; init; }

    /// <summary>Private key file; null = the SSH agent and ssh's defaults.</summary>
    public string? IdentityFile { get; init; }

    /// <summary>known_hosts file checked strictly (an unknown or changed key is refused).</summary>
    public string KnownHosts { get; init; } = "~/.ssh/known_hosts";

    /// <summary>Remote working root: the default working dir of sessions there; null = none (spawn needs -d).</summary>
    public string? Dir { get; init; }

    /// <summary>Remote folder of per-session state, relative to the remote home unless absolute.</summary>
    public string StateDir { get; init; } = ".zwarm-host";

    /// <summary>Sessions running at once on this host (0 = no limit).</summary>
    public int MaxRunning { get; init; }

    /// <summary>Seconds without contact before running sessions are marked failed: host unreachable.</summary>
    public double LostAfterSeconds { get; init; } = 600;

    /// <summary>Seconds ssh waits for the connection.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 10;

    /// <summary>Local environment variables the remote agent gets; nothing else is forwarded.</summary>
    public IReadOnlyList<string> ForwardEnv { get; init; } = [];

    /// <summary>Agent commands on the host by adapter name (default: the adapter's name on the remote PATH).</summary>
    public IReadOnlyDictionary<string, string> AgentCommands { get; init; } = new Dictionary<string, string>();

    /// <summary>The agent command for an adapter on this host.</summary>
    public string AgentCommand(string adapter) => AgentCommands.GetValueOrDefault(adapter) ?? adapter;

    private static readonly string[] Fields =
        [
            "ssh", "port", "identity_file", "known_hosts", "dir", "state_dir", "max_running", "lost_after", "connect_timeout",
            "forward_env", "codex", "claude",
        ];

    /// <summary>Validates one flattened value <c>hosts.NAME.field</c> (ConfigLoader's table check).</summary>
    internal static void CheckValue(string key, object value, string where)
    {
        var rest = key["hosts.".Length..];
        var dot = rest.LastIndexOf('.');
        if (dot <= 0)
            throw new ZwarmException($"{where}: bad value for '{key}': expected a table [hosts.{rest}] with ssh = \"user@host\"");
        var name = rest[..dot].Trim('"');
        var field = rest[(dot + 1)..];
        if (!Fields.Contains(field))
            throw new ZwarmException($"{where}: unknown key '{key}' (a host has {string.Join(", ", Fields)})");
        if (name.Length == 0 || name == "auto" || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ZwarmException($"{where}: bad host name '{name}': letters, digits, '-', '_' and '.' only, and not 'auto'");
        var ok = field switch
        {
            "port" => value is long p && p is > 0 and < 65536,
            "max_running" or "connect_timeout" => value is long n && n >= 0 && n <= int.MaxValue,
            "lost_after" => value is long or double
                && Convert.ToDouble(value, CultureInfo.InvariantCulture) is var d && double.IsFinite(d) && d > 0,
            "forward_env" => value is string[] or string,
            _ => value is string s && s.Length > 0,
        };
        if (!ok)
        {
            var expected = field switch
            {
                "port" => "a port number (1-65535)",
                "max_running" or "connect_timeout" => "a whole number, 0 or more",
                "lost_after" => "a number of seconds above 0",
                "forward_env" => "a list of variable names",
                _ => "a non-empty string",
            };
            throw new ZwarmException($"{where}: bad value for '{key}': expected {expected}");
        }
    }

    /// <summary>Every configured host from the flattened effective values; a table without <c>ssh</c> is an error.</summary>
    internal static Dictionary<string, HostConfig> Read(IEnumerable<KeyValuePair<string, object?>> values)
    {
        var fields = new Dictionary<string, Dictionary<string, object>>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            if (!key.StartsWith("hosts.", StringComparison.Ordinal) || value is null) continue;
            var rest = key["hosts.".Length..];
            var dot = rest.LastIndexOf('.');
            if (dot <= 0) continue;
            var name = rest[..dot].Trim('"');
            if (!fields.TryGetValue(name, out var f)) fields[name] = f = new Dictionary<string, object>(StringComparer.Ordinal);
            f[rest[(dot + 1)..]] = value;
        }
        var hosts = new Dictionary<string, HostConfig>(StringComparer.Ordinal);
        foreach (var (name, f) in fields)
        {
            string? Str(string k) => f.GetValueOrDefault(k) as string;
            var ssh = Str("ssh") ?? throw new ZwarmException($"[hosts.{name}] needs ssh = \"user@host\"");
            var agents = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var a in (string[])["codex", "claude"])
                if (Str(a) is { } cmd) agents[a] = cmd;
            hosts[name] = new HostConfig(name, ssh)
            {
                Port = f.GetValueOrDefault("port") is long p ? (int)p : null,
                IdentityFile = Str("identity_file"),
                KnownHosts = Str("known_hosts") ?? "~/.ssh/known_hosts",
                Dir = Str("dir"),
                StateDir = Str("state_dir") ?? ".zwarm-host",
                MaxRunning = f.GetValueOrDefault("max_running") is long m ? (int)m : 0,
                LostAfterSeconds = f.GetValueOrDefault("lost_after") is { } l ? Convert.ToDouble(l, CultureInfo.InvariantCulture) : 600,
                ConnectTimeoutSeconds = f.GetValueOrDefault("connect_timeout") is long c && c > 0 ? (int)c : 10,
                ForwardEnv = f.GetValueOrDefault("forward_env") switch
                {
                    string[] list => list,
                    string s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    _ => [],
                },
                AgentCommands = agents,
            };
        }
        return hosts;
    }
}
