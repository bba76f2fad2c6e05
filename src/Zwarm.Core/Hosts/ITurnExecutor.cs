using Zwarm.Core.Agents;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Hosts;

/// <summary>One turn to start: the session, its local folder, the agent's command and the limits it runs under.</summary>
public sealed record TurnStart(SessionMeta Session, string SessionDir, int Turn, AgentCommand Command, int TimeoutSeconds,
    double KillGraceSeconds, SupervisorCommand? Supervisor);

/// <summary>
/// The local process that stands for a running turn (the wrapper, or a remote turn's follower) with its start time,
/// and where the turn really runs when that is another machine.
/// </summary>
public sealed record TurnProcess(int Pid, long? StartTime, HostInfo? Remote = null);

/// <summary>
/// Where turns run: this machine (<see cref="LocalExecutor"/>), a host over SSH (<see cref="SshExecutor"/>), later a
/// cluster (docs/kubernetes.md). The session manager keeps the rules (status, queue, budgets); an executor only starts,
/// stops and re-attaches processes, and makes the turn's output and exit code appear in the local session folder.
/// </summary>
public interface ITurnExecutor
{
    /// <summary>Starts the turn detached and returns without waiting for the agent.</summary>
    Task<TurnProcess> StartAsync(TurnStart start, CancellationToken ct);

    /// <summary>Stops every process of the session's current turn (SIGTERM, the grace, SIGKILL), then brings its output here.</summary>
    Task TerminateAsync(SessionMeta meta, string sessionDir, double graceSeconds, CancellationToken ct);

    /// <summary>
    /// Re-attaches a running turn whose local process is gone (zwarm killed, a reboot): the new local process, or null
    /// when the turn is over and can be finalised.
    /// </summary>
    Task<TurnProcess?> ResumeAsync(SessionMeta meta, string sessionDir, SupervisorCommand? supervisor, CancellationToken ct);

    /// <summary>
    /// Removes what a removed session kept where its turns ran, beyond the local store (a host's per-session folder):
    /// null when nothing is left, else one line saying what was left and why. Its turns are over.
    /// </summary>
    Task<string?> ForgetAsync(SessionMeta meta, CancellationToken ct);
}

/// <summary>Turns on this machine: the per-turn shell wrapper of <see cref="TurnLauncher"/>.</summary>
public sealed class LocalExecutor : ITurnExecutor
{
    /// <summary>The one instance.</summary>
    public static LocalExecutor Instance { get; } = new();

    /// <inheritdoc/>
    public Task<TurnProcess> StartAsync(TurnStart s, CancellationToken ct)
    {
        var (pid, start) = TurnLauncher.Start(
            s.Session.Id, s.SessionDir, s.Turn, s.Command, s.TimeoutSeconds, s.KillGraceSeconds, s.Supervisor);
        return Task.FromResult(new TurnProcess(pid, start));
    }

    /// <inheritdoc/>
    public async Task TerminateAsync(SessionMeta meta, string sessionDir, double graceSeconds, CancellationToken ct)
    {
        // The recorded pid is only trusted with its start time: a reused pid is never signalled.
        var group = meta.Pid is { } pid && ProcessInfo.IsAlive(pid, meta.PidStartTime) ? pid : (int?)null;
        List<int> Targets() => ProcessInfo.Tagged().Where(t => t.SessionId == meta.Id).Select(t => t.Pid).ToList();
        // Zombies do not count: a killed wrapper's agent lingers as one until init reaps it, which made every kill wait out the grace.
        bool AnyAlive() => (group is { } g && ProcessInfo.GroupAlive(g)) || Targets().Count > 0;

        if (group is { } g0) ProcessInfo.Signal(-g0, ProcessInfo.SigTerm);
        foreach (var p in Targets()) ProcessInfo.Signal(p, ProcessInfo.SigTerm);
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (deadline.Elapsed.TotalSeconds < graceSeconds && AnyAlive()) await Task.Delay(50, ct);
        for (var i = 0; i < 20 && AnyAlive(); i++)
        {
            if (group is { } g1) ProcessInfo.Signal(-g1, ProcessInfo.SigKill);
            foreach (var p in Targets()) ProcessInfo.Signal(p, ProcessInfo.SigKill);
            await Task.Delay(50, ct);
        }
    }

    /// <inheritdoc/>
    public Task<TurnProcess?> ResumeAsync(SessionMeta meta, string sessionDir, SupervisorCommand? supervisor, CancellationToken ct)
        => Task.FromResult<TurnProcess?>(null); // a local turn whose wrapper is gone is over

    /// <inheritdoc/>
    public Task<string?> ForgetAsync(SessionMeta meta, CancellationToken ct) => Task.FromResult<string?>(null); // all in the store
}
