using System.Globalization;
using System.Text;

namespace Zwarm.Core.Hosts;

/// <summary>What a probe of a host found; <see cref="Problem"/> is one line saying why it cannot be used, null when it can.</summary>
public sealed record HostStatus(
    HostConfig Host, string? Problem, double? Load, IReadOnlyDictionary<string, string?> AgentVersions, int Running)
{
    /// <summary>True when ssh got through and the remote command ran.</summary>
    public bool Reachable { get; init; }

    /// <summary>Slots left under max_running; null = no limit.</summary>
    public int? FreeSlots => Host.MaxRunning > 0 ? Math.Max(0, Host.MaxRunning - Running) : null;
}

/// <summary>One ssh call that tells whether a host can run turns: load, agent CLI versions, working and state folders.</summary>
public static class HostProbe
{
    private static readonly string[] Adapters = ["codex", "claude"];

    /// <summary>Probes <paramref name="host"/>; <paramref name="running"/> is how many of the store's sessions run there.</summary>
    public static async Task<HostStatus> RunAsync(HostConfig host, int running, CancellationToken ct)
    {
        var script = new StringBuilder()
            .Append("wd=").Append(Ssh.Quote(host.Dir ?? "")).Append("; sd=").Append(Ssh.Quote(host.StateDir)).Append('\n')
            .Append(RemoteScripts.Probe).Append('\n');
        foreach (var a in Adapters)
        {
            var cmd = Ssh.Quote(host.AgentCommand(a));
            script.Append(
                $"if command -v {cmd} >/dev/null 2>&1; then echo \"agent {a} +$({cmd} --version 2>/dev/null </dev/null | head -n 1)\"; " +
                $"else echo \"agent {a} -\"; fi\n");
        }
        SshResult r;
        try
        {
            r = await Ssh.RunAsync(host, script.ToString(), ct, timeout: TimeSpan.FromSeconds(host.ConnectTimeoutSeconds + 30));
        }
        catch (ZwarmException ex)
        {
            return new HostStatus(host, ex.Message, null, new Dictionary<string, string?>(), running);
        }
        if (!r.Ok) return new HostStatus(host, await Ssh.ExplainAsync(host, r, ct), null, new Dictionary<string, string?>(), running);
        double? load = null;
        var versions = new Dictionary<string, string?>(StringComparer.Ordinal);
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 2);
            var rest = parts.Length > 1 ? parts[1].Trim() : "";
            switch (parts[0])
            {
                case "load" when double.TryParse(rest, NumberStyles.Float, CultureInfo.InvariantCulture, out var l): load = l; break;
                case "agent":
                    var av = rest.Split(' ', 2);
                    // "+VERSION" when the command exists (its --version may print nothing), "-" when it does not.
                    versions[av[0]] = av.Length < 2 || !av[1].StartsWith('+') ? null
                        : av[1].Length > 1 ? UntrustedText.Visible(av[1][1..].Trim()) : "(no --version)";
                    break;
                default: facts[parts[0]] = rest; break;
            }
        }
        string? problem = null;
        if (facts.GetValueOrDefault("setsid") != "ok") problem = $"{host.Name}: setsid is missing on the host (install util-linux)";
        else if (facts.GetValueOrDefault("dir") is "missing") problem = $"{host.Name}: dir {host.Dir} does not exist on the host";
        else if (facts.GetValueOrDefault("dir") is "readonly") problem = $"{host.Name}: dir {host.Dir} is not writable on the host";
        else if (facts.GetValueOrDefault("state") != "ok")
            problem = $"{host.Name}: state_dir {host.StateDir} cannot be created or written on the host";
        else if (versions.Values.All(v => v is null))
            problem = $"{host.Name}: no agent CLI on the host (looked for {string.Join(", ", Adapters.Select(host.AgentCommand))}; " +
                $"set hosts.{host.Name}.codex or .claude)";
        return new HostStatus(host, problem, load, versions, running) { Reachable = true };
    }
}
