using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Hosts;

/// <summary>
/// A temp project with test SSH servers as [hosts.h1], [hosts.h2] … whose codex is the fake agent, and a manager over
/// it (no supervisor: reconciliation on read finalises, the followers only stream).
/// </summary>
internal sealed class HostProject : IAsyncDisposable
{
    private readonly TempDir _dir = new();

    private HostProject(SshHosts ssh) => Ssh = ssh;

    public SshHosts Ssh { get; }

    public SessionManager Manager { get; private set; } = null!;

    public string ZwarmDir => _dir.Zwarm;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts <paramref name="servers"/> sshd (127.0.0.2, 127.0.0.3, …) and configures a host per server.</summary>
    public static async Task<HostProject> CreateAsync(int servers = 1, string[]? hostExtra = null, string? toml = null)
    {
        var ssh = await SshHosts.StartAsync(Ct, Enumerable.Range(2, servers).Select(i => $"127.0.0.{i}").ToArray());
        var p = new HostProject(ssh);
        Directory.CreateDirectory(p._dir.Zwarm);
        var config = $"[adapters.codex]\ncommand = \"{Repo.FakeAgent}\"\n[executor]\nkill_grace = 0.5\n" + (toml ?? "")
                     + string.Concat(Enumerable.Range(0, servers)
                         .Select(i => "\n" + ssh.HostToml($"h{i + 1}", i, Repo.FakeAgent, hostExtra ?? [])));
        await File.WriteAllTextAsync(Path.Combine(p._dir.Zwarm, "config.toml"), config, Ct);
        await p.ReloadAsync();
        return p;
    }

    /// <summary>A new manager over the store, as the next zwarm command would have it.</summary>
    public async Task ReloadAsync()
    {
        var config = await ConfigLoader.LoadAsync(_dir.Zwarm, null, null, new Dictionary<string, string>(), Ct);
        Manager = new SessionManager(new FileSessionStore(_dir.Zwarm), config, AgentRegistry.Default, supervisor: null);
    }

    public Task<SessionMeta> SpawnAsync(string prompt, string host = "h1")
        => Manager.StartAsync(new StartRequest(prompt) { Host = host }, Ct);

    public async Task<SessionMeta> UntilFinishedAsync(string id, int timeoutMs = 30_000)
    {
        var r = await Manager.WaitAsync([id], TimeSpan.FromMilliseconds(timeoutMs), false, Ct);
        if (r.TimedOut)
            throw new TimeoutException(
                $"session {id} still {r.Sessions[0].Status.ToWire()} after {timeoutMs} ms\n{Diagnostics(r.Sessions[0])}");
        return r.Sessions[0];
    }

    /// <summary>The local turn file's bytes.</summary>
    public byte[] LocalTurn(string id, int turn) => File.ReadAllBytes(Manager.Store.TurnFile(id, turn));

    /// <summary>The remote turn_N.out's bytes (the "host" is this machine).</summary>
    public static byte[] RemoteTurn(SessionMeta m, int turn) => File.ReadAllBytes(Path.Combine(m.Host!.Dir!, $"turn_{turn}.out"));

    public string Diagnostics(SessionMeta m)
    {
        var dir = Manager.Store.SessionDir(m.Id);
        var turns = Path.Combine(dir, "turns");
        var files = Directory.Exists(turns)
            ? string.Join("\n", Directory.GetFiles(turns).Select(f => $"{Path.GetFileName(f)}: {Tail(f)}"))
            : "";
        return $"status {m.Status.ToWire()}, error {m.Error}, host {m.Host?.Name} pid {m.Host?.Pid} dir {m.Host?.Dir}\n{files}";
    }

    private static string Tail(string f)
    {
        var t = File.ReadAllText(f);
        return t.Length > 600 ? "…" + t[^600..] : t;
    }

    public async ValueTask DisposeAsync()
    {
        // Leave no agent nor follower behind, whatever a test did.
        var sessions = Path.Combine(_dir.Zwarm, "sessions");
        foreach (var (pid, sid) in ProcessInfo.Tagged().ToList())
            if (Directory.Exists(Path.Combine(sessions, sid))) ProcessInfo.Signal(pid, ProcessInfo.SigKill);
        if (Directory.Exists(sessions))
            foreach (var e in await Manager.Store.ListAsync(summaries: true, CancellationToken.None))
                if (e.Meta is { Pid: { } pid } m && ProcessInfo.IsAlive(pid, m.PidStartTime)) ProcessInfo.Signal(-pid, ProcessInfo.SigKill);
        await Ssh.DisposeAsync();
        _dir.Dispose();
    }
}
