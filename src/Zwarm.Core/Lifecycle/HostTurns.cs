using System.Globalization;
using Zwarm.Core.Config;
using Zwarm.Core.Events;
using Zwarm.Core.Hosts;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>
/// Sessions on a [hosts.NAME] over SSH: where a session's turns run, choosing a host (--host auto), probing hosts, a new
/// follower for a remote turn whose local one is gone, and a host out of reach (noted, then marked lost, then finalised
/// for real once the turn's end arrives).
/// </summary>
internal sealed class HostTurns(SessionManager sessions)
{
    /// <summary>error_kind of a session whose host could not be reached for longer than its lost_after.</summary>
    public const string UnreachableKind = "host_unreachable";

    private FileSessionStore Store => sessions.Store;
    private ZwarmConfig Config => sessions.Config;
    private DateTimeOffset Now => sessions.Now;

    /// <summary>Where the session's turns run.</summary>
    public ITurnExecutor ExecutorFor(SessionMeta m) => m.Host is { } h ? new SshExecutor(ConfigFor(h.Name)) : LocalExecutor.Instance;

    /// <summary>A configured host; a clear error naming the fix when there is none by that name.</summary>
    public HostConfig ConfigFor(string name) => Config.Hosts.TryGetValue(name, out var h) ? h
        : throw new ZwarmException($"host '{name}' is not configured (add [hosts.{name}] to .zwarm/config.toml)");

    /// <summary>The agent command on the session's host, or null for a local session.</summary>
    public string? RemoteAgent(SessionMeta m) => m.Host is { } h ? ConfigFor(h.Name).AgentCommand(m.Adapter) : null;

    /// <summary>A configured host by name, or for "auto" the reachable one with a free slot and the lowest load.</summary>
    public async Task<HostConfig> ResolveAsync(string wanted, CancellationToken ct)
    {
        if (wanted != "auto") return ConfigFor(wanted);
        if (Config.Hosts.Count == 0)
            throw new ZwarmException("--host auto: no host is configured (add [hosts.NAME] to .zwarm/config.toml)", ExitCodes.Usage);
        var statuses = await ProbeAsync(ct);
        var reachable = statuses.Where(s => s.Problem is null).ToList();
        if (reachable.Count == 0)
            throw new ZwarmException("--host auto: no host can be used: " + string.Join("; ", statuses.Select(s => s.Problem)));
        // A free slot first, then the lowest load, then the fewest running sessions, then the name.
        var best = reachable.OrderBy(s => s.FreeSlots is 0 ? 1 : 0).ThenBy(s => s.Load ?? double.MaxValue)
            .ThenBy(s => s.Running).ThenBy(s => s.Host.Name, StringComparer.Ordinal).First();
        return best.Host;
    }

    /// <summary>The remote working dir: -d (relative to the host's dir) or the host's dir; always absolute.</summary>
    public static string RemoteWorkingDir(HostConfig host, StartRequest request)
    {
        var d = request.WorkingDir;
        if (d is null)
            return host.Dir ?? throw new ZwarmException(
                $"host {host.Name} has no dir: give the remote working directory with -d, or set hosts.{host.Name}.dir", ExitCodes.Usage);
        if (d.StartsWith('/')) return d;
        if (host.Dir is null)
            throw new ZwarmException(
                $"-d {d}: a relative directory needs hosts.{host.Name}.dir to be set; give an absolute remote path", ExitCodes.Usage);
        return host.Dir.TrimEnd('/') + "/" + d;
    }

    /// <summary>Every configured host probed at once: reachability, load, agent versions, running sessions, free slots.</summary>
    public async Task<IReadOnlyList<HostStatus>> ProbeAsync(CancellationToken ct)
    {
        var running = (await Store.ListAsync(summaries: true, ct))
            .Where(e => e.Meta is { Status: SessionStatus.Running, Host: not null })
            .GroupBy(e => e.Meta!.Host!.Name).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var probes = Config.Hosts.Values.OrderBy(h => h.Name, StringComparer.Ordinal)
            .Select(h => HostProbe.RunAsync(h, running.GetValueOrDefault(h.Name), ct));
        return await Task.WhenAll(probes);
    }

    /// <summary>One host's status (`zwarm hosts check NAME`).</summary>
    public async Task<HostStatus> CheckAsync(string name, CancellationToken ct)
    {
        var host = ConfigFor(name);
        var running = (await Store.ListAsync(summaries: true, ct))
            .Count(e => e.Meta is { Status: SessionStatus.Running } m && m.Host?.Name == name);
        return await HostProbe.RunAsync(host, running, ct);
    }

    /// <summary>
    /// A running remote session whose local follower is gone (zwarm or the machine went down): a new follower picks up
    /// where the local turn file ends. Null when the turn is over and can be finalised.
    /// </summary>
    public async Task<SessionMeta?> ReattachAsync(SessionMeta m, CancellationToken ct)
    {
        if (m.Host is null || !Config.Hosts.ContainsKey(m.Host.Name)) return null;
        if (m.Host.Pid is null && m.Pid is null) return null; // never started there: the usual start grace applies
        var full = m.IsSummary ? await Store.GetAsync(m.Id, ct) : m;
        var resumed = await ExecutorFor(full).ResumeAsync(full, Store.SessionDir(m.Id), sessions.Supervisor, ct);
        if (resumed is null) return null;
        return await Store.UpdateAsync(m.Id, x =>
        {
            if (x.Turn != m.Turn || x.Status is not (SessionStatus.Running or SessionStatus.Failed)) return false;
            x.Pid = resumed.Pid;
            x.PidStartTime = resumed.StartTime;
            x.TurnRecordFor(x.Turn).Pid = resumed.Pid;
            x.TurnRecordFor(x.Turn).PidStartTime = resumed.StartTime;
            return true;
        }, ct);
    }

    /// <summary>"host gpu1 unreachable since 12:00:03" while the follower of a running remote turn cannot reach it, else null.</summary>
    public string? Note(SessionMeta m)
    {
        if (m.Host is null || m.Status != SessionStatus.Running) return null;
        return SshExecutor.DownSince(Store.Layout.HostLinkFile(m.Id, m.Turn)) is { } since
            ? $"host {m.Host.Name} unreachable since {since.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)}"
            : null;
    }

    /// <summary>True when a remote session's host has been out of reach for longer than its lost_after.</summary>
    public bool Lost(SessionMeta m)
        => m.Host is { } h && Config.Hosts.TryGetValue(h.Name, out var hc)
           && SshExecutor.DownSince(Store.Layout.HostLinkFile(m.Id, m.Turn)) is { } since
           && (Now - since).TotalSeconds > hc.LostAfterSeconds;

    /// <summary>A lost session whose turn turned out to be over (the follower got its end): finalised for real.</summary>
    public bool LostButOver(SessionMeta m)
        => m is { Status: SessionStatus.Failed, ErrorKind: UnreachableKind, Host: not null }
           && (File.Exists(Store.Layout.ExitFile(m.Id, m.Turn)) || File.Exists(Store.Layout.HostVanishedFile(m.Id, m.Turn)));

    /// <summary>Marks a running remote session failed: host unreachable (reversible: its follower keeps trying).</summary>
    public async Task<SessionMeta> MarkLostAsync(SessionMeta m, CancellationToken ct)
    {
        var applied = false;
        var after = await Store.UpdateAsync(m.Id, x =>
        {
            if (x.Status != SessionStatus.Running || x.Turn != m.Turn) return false;
            applied = true;
            var since = SshExecutor.DownSince(Store.Layout.HostLinkFile(x.Id, x.Turn));
            x.Status = SessionStatus.Failed;
            x.ErrorKind = UnreachableKind;
            var at = since?.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            x.Error = $"host unreachable: {x.Host!.Name} not reached since {at}";
            x.UpdatedAt = Now;
            var rec = x.TurnRecordFor(x.Turn);
            rec.Status = "failed";
            rec.Error = x.Error;
            return true;
        }, ct);
        if (applied) sessions.RecordEvent(after, EventNames.Failed, after.Error);
        return after;
    }
}
