using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Lifecycle;

/// <summary>A temp project whose codex is the fake agent, and a manager over it (no supervisor: reconciliation finalises).</summary>
internal sealed class LifecycleProject : IDisposable
{
    private readonly TempDir _dir = new TempDir();

    private LifecycleProject() { }

    public string Path => _dir.Path;

    public SessionManager Manager { get; private set; } = null!;

    public static async Task<LifecycleProject> CreateAsync(params string[] sets)
    {
        var p = new LifecycleProject();
        Directory.CreateDirectory(p._dir.Zwarm);
        await File.WriteAllTextAsync(System.IO.Path.Combine(p._dir.Zwarm, "config.toml"),
            $"[adapters.codex]\ncommand = \"{Repo.FakeAgent}\"\n[executor]\nkill_grace = 0.5\n");
        var config = await ConfigLoader.LoadAsync(p._dir.Zwarm, null, sets, new Dictionary<string, string>());
        p.Manager = new SessionManager(new FileSessionStore(p._dir.Zwarm), config, AgentRegistry.Default, supervisor: null);
        return p;
    }

    /// <summary>A manager over the same store as another zwarm process would have it: no --set of the test.</summary>
    public async Task<SessionManager> OtherManagerAsync()
    {
        var config = await ConfigLoader.LoadAsync(_dir.Zwarm, null, null, new Dictionary<string, string>());
        return new SessionManager(new FileSessionStore(_dir.Zwarm), config, AgentRegistry.Default, supervisor: null);
    }

    public Task<SessionMeta> SpawnAsync(string prompt)
        => Manager.StartAsync(new StartRequest(prompt), TestContext.Current.CancellationToken);

    /// <summary>Polls (with reconciliation) until the session is finished.</summary>
    public async Task<SessionMeta> UntilFinishedAsync(string id, int timeoutMs = 60_000)
    {
        var r = await Manager.WaitAsync([id], TimeSpan.FromMilliseconds(timeoutMs), false, TestContext.Current.CancellationToken);
        if (r.TimedOut) throw new TimeoutException($"session {id} still {r.Sessions[0].Status} after {timeoutMs} ms");
        return r.Sessions[0];
    }

    public static Task<bool> EventuallyAsync(Func<bool> condition, int timeoutMs = 30_000) =>
        Eventually.HoldsAsync(condition, TimeSpan.FromMilliseconds(timeoutMs), TestContext.Current.CancellationToken);

    public void Dispose()
    {
        // Leave no process behind, whatever a test did.
        foreach (var (pid, sid) in ProcessInfo.Tagged().ToList())
            if (Directory.Exists(System.IO.Path.Combine(_dir.Zwarm, "sessions", sid))) ProcessInfo.Signal(pid, ProcessInfo.SigKill);
        _dir.Dispose();
    }
}
