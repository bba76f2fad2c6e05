using System.Diagnostics;
using System.Globalization;
using System.Text;
using Zwarm.Core.Agents;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Hosts;

/// <summary>
/// Turns on a host over SSH (docs/hosts.md): the turn runs there detached, writing turn_N.out and turn_N.exit into a
/// per-session folder; a tiny local follower streams the output into the local turn file byte for byte (resuming by
/// offset after a drop) and finalises like a local wrapper.
/// </summary>
public sealed class SshExecutor(HostConfig host) : ITurnExecutor
{
    /// <summary>The host this executor runs turns on.</summary>
    public HostConfig Host { get; } = host;

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public async Task<TurnProcess> StartAsync(TurnStart s, CancellationToken ct)
    {
        var c = s.Command;
        var adapter = s.Session.Adapter;
        var script = new StringBuilder()
            .Append("sd=").Append(Ssh.Quote(Host.StateDir)).Append("; id=").Append(Ssh.Quote(s.Session.Id)).Append("; n=").Append(I(s.Turn))
            .Append("; wd=").Append(Ssh.Quote(c.WorkingDirectory)).Append("; exe=").Append(Ssh.Quote(c.FileName))
            .Append("; hn=").Append(Ssh.Quote(Host.Name)).Append("; an=").Append(Ssh.Quote(adapter)).Append('\n')
            .Append(RemoteScripts.Start).Append('\n');
        // Only what the host config forwards, and what the adapter sets for its agent; values travel on stdin, never argv.
        foreach (var name in Host.ForwardEnv)
            if (Environment.GetEnvironmentVariable(name) is { } v && IsName(name))
                script.Append("export ").Append(name).Append('=').Append(Ssh.Quote(v)).Append('\n');
        foreach (var (k, v) in c.Environment)
        {
            if (!IsName(k)) continue;
            script.Append(v is null ? $"unset {k}\n" : $"export {k}={Ssh.Quote(v)}\n");
        }
        script.Append("export ZWARM_SESSION_ID=\"$id\"\n");
        // Which machine's store the session belongs to, so orphans --host never claims another project's agents.
        script.Append("export ZWARM_STORE=")
            .Append(Ssh.Quote(StoreTag(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(s.SessionDir)))!)))
            .Append('\n');
        script.Append("setsid sh -c ").Append(Ssh.Quote(RemoteScripts.Wrapper)).Append(" zwarm-turn \"$d\" \"$n\" ")
            .Append(I(Math.Max(0, s.TimeoutSeconds))).Append(' ').Append(I(Math.Max(1, (int)Math.Ceiling(s.KillGraceSeconds))))
            .Append(' ').Append(Ssh.Quote(c.FileName));
        foreach (var a in c.Arguments) script.Append(' ').Append(Ssh.Quote(a));
        script.Append(" </dev/null >/dev/null 2>&1 &\np=$!\necho \"$p $(st \"$p\") $d\"\n");

        var files = new TurnFiles(s.SessionDir, s.Turn);
        Directory.CreateDirectory(files.TurnsDir);
        using (File.Open(files.Output, FileMode.Append)) { }
        var r = await Ssh.RunAsync(Host, script.ToString(), ct);
        if (!r.Ok) throw new ZwarmException($"could not start the turn on {Host.Name}: {await Ssh.ExplainAsync(Host, r, ct)}");
        var parts = r.Stdout.Trim().Split(' ', 3);
        if (parts.Length < 3 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid))
            throw new ZwarmException(
                $"could not start the turn on {Host.Name}: unexpected answer '{UntrustedText.Visible(r.Stdout.Trim())}'");
        var remote = new HostInfo
        {
            Name = Host.Name,
            Dir = parts[2],
            Pid = pid,
            PidStartTime = long.TryParse(parts[1], CultureInfo.InvariantCulture, out var st) ? st : null,
        };
        var (fpid, fstart) = StartFollower(s.Session.Id, s.SessionDir, s.Turn, remote, s.Supervisor);
        return new TurnProcess(fpid, fstart, remote);
    }

    /// <summary>The ZWARM_STORE tag of a remote turn: this machine's name and the store's path here.</summary>
    public static string StoreTag(string storeRoot) => $"{Environment.MachineName}:{Path.TrimEndingDirectorySeparator(storeRoot)}";

    /// <summary>Every process on the host tagged with a session: (pid, session id, store tag or null, command line).</summary>
    public async Task<IReadOnlyList<(int Pid, string SessionId, string? Store, string CommandLine)>> TaggedAsync(CancellationToken ct)
    {
        var r = await Ssh.RunAsync(Host, RemoteScripts.Tagged, ct);
        if (!r.Ok) throw new ZwarmException($"could not list the processes on {Host.Name}: {await Ssh.ExplainAsync(Host, r, ct)}");
        var list = new List<(int, string, string?, string)>();
        foreach (var line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t', 4);
            if (f.Length == 4 && int.TryParse(f[0], CultureInfo.InvariantCulture, out var pid) && SessionIds.IsFull(f[1]))
                list.Add((pid, f[1], f[2].Length == 0 ? null : f[2], UntrustedText.Visible(f[3].Trim())));
        }
        return list;
    }

    /// <summary>Stops processes on the host (SIGTERM, the grace, SIGKILL), each only while it is still tagged with its session.</summary>
    public async Task KillTaggedAsync(IEnumerable<(int Pid, string SessionId)> targets, double graceSeconds, CancellationToken ct)
    {
        var pairs = string.Join("\n", targets.Select(t => $"{I(t.Pid)} {t.SessionId}"));
        if (pairs.Length == 0) return;
        var script = $"g={I((long)Math.Ceiling(graceSeconds * 10))}; pairs={Ssh.Quote(pairs)}\n" + RemoteScripts.KillTagged;
        var r = await Ssh.RunAsync(Host, script, ct, timeout: TimeSpan.FromSeconds(Host.ConnectTimeoutSeconds + graceSeconds + 30));
        if (!r.Ok) throw new ZwarmException($"could not stop the processes on {Host.Name}: {await Ssh.ExplainAsync(Host, r, ct)}");
    }

    private static bool IsName(string k)
        => k.Length > 0 && !char.IsAsciiDigit(k[0]) && k.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');

    /// <summary>The remote command (for ssh's command line) running <paramref name="script"/> with the turn's coordinates.</summary>
    private static string RemoteCommand(string script, HostInfo remote, int turn)
        => $"sh -c {Ssh.Quote(script)} zwarm {Ssh.Quote(remote.Dir ?? "")} {I(turn)} {I(remote.Pid ?? 0)} " +
           $"{Ssh.Quote(remote.PidStartTime is { } t ? I(t) : "")}";

    private (int Pid, long? StartTime) StartFollower(
        string sessionId, string sessionDir, int turn, HostInfo remote, SupervisorCommand? supervisor)
    {
        var setsid = AgentExecutable.FindOnPath("setsid")
            ?? throw new ZwarmException("setsid not found (util-linux): zwarm needs it to start detached sessions");
        var psi = new ProcessStartInfo(setsid) { UseShellExecute = false, WorkingDirectory = sessionDir };
        foreach (var a in new[]
            {
                "sh", "-c", new TurnFiles(sessionDir, turn).ShellVariables() + RemoteScripts.Follower + "\n" + TurnLauncher.FinalizeStep,
                "zwarm-follow", sessionDir, I(turn),
                Ssh.Executable(),
            })
            psi.ArgumentList.Add(a);
        foreach (var a in Ssh.Argv(Host)) psi.ArgumentList.Add(a);
        psi.Environment["ZWARM_HOST_FOLLOW"] = RemoteCommand(RemoteScripts.Tail, remote, turn) + " f";
        // The follower is not the agent: it carries no session tag (orphans and kill find the agent's processes by it).
        psi.Environment.Remove("ZWARM_SESSION_ID");
        psi.Environment.Remove("ZWARM_STORE");
        TurnLauncher.SetSupervisor(psi, supervisor);
        using var p = Process.Start(psi) ?? throw new ZwarmException("could not start the follower of a remote turn");
        _ = sessionId;
        return (p.Id, ProcessInfo.StartTime(p.Id));
    }

    /// <inheritdoc/>
    public async Task TerminateAsync(SessionMeta meta, string sessionDir, double graceSeconds, CancellationToken ct)
    {
        await StopFollowerAsync(meta, ct);
        if (meta.Host is not { Pid: { } pid } remote) return; // never started there
        // One login: stop the turn there, then bring the rest of its output and its exit code here.
        var kill = $"p={I(pid)}; s={Ssh.Quote(remote.PidStartTime is { } t ? I(t) : "")}; " +
                   $"g={I((long)Math.Ceiling(graceSeconds * 10))}; id={Ssh.Quote(meta.Id)}\n"
                   + RemoteScripts.Kill + "\n";
        var r = await SyncAsync(
            meta, sessionDir, meta.Turn, kill, ct, TimeSpan.FromSeconds(Host.ConnectTimeoutSeconds + graceSeconds + 60));
        if (!r.Ok)
        {
            var why = await Ssh.ExplainAsync(Host, r, ct);
            // Nothing changed: the turn runs on and is followed again.
            await ResumeAsync(meta, sessionDir, null, ct);
            throw new ZwarmException($"could not kill session {meta.ShortId} on {Host.Name}: {why}; it is left running");
        }
    }

    /// <inheritdoc/>
    public async Task<string?> ForgetAsync(SessionMeta meta, CancellationToken ct)
    {
        if (meta.Host?.Dir is not { Length: > 0 } dir) return null; // no turn ever started there
        // Only a folder named after the session is removed: a meta.json edited by hand cannot aim this elsewhere.
        var script = $"d={Ssh.Quote(dir)}; id={Ssh.Quote(meta.Id)}\n" + RemoteScripts.Forget;
        var r = await Ssh.RunAsync(Host, script, ct);
        return r.Ok ? null : $"{Host.Name}:{UntrustedText.Visible(dir)} was left there: {await Ssh.ExplainAsync(Host, r, ct)}";
    }

    /// <summary>Stops the local follower of the current turn (pid + start time), and waits until it is gone.</summary>
    private static async Task StopFollowerAsync(SessionMeta meta, CancellationToken ct)
    {
        if (meta.Pid is not { } pid || !ProcessInfo.IsAlive(pid, meta.PidStartTime)) return;
        ProcessInfo.Signal(-pid, ProcessInfo.SigTerm);
        for (var i = 0; i < 40 && ProcessInfo.GroupAlive(pid); i++) await Task.Delay(50, ct);
        if (ProcessInfo.GroupAlive(pid)) ProcessInfo.Signal(-pid, ProcessInfo.SigKill);
    }

    /// <summary>
    /// Runs <paramref name="before"/> on the host, then brings the turn's output here (the bytes after the local file's
    /// end) and, when the turn is over, its exit code. The follower must not be running.
    /// </summary>
    private async Task<SshResult> SyncAsync(
        SessionMeta meta, string sessionDir, int turn, string before, CancellationToken ct, TimeSpan? timeout = null)
    {
        var remote = meta.Host!;
        var files = new TurnFiles(sessionDir, turn);
        SshResult r;
        await using (var fs = new FileStream(files.Output, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
            r = await Ssh.RunAsync(
                Host, before + RemoteCommand(RemoteScripts.Tail, remote, turn) + $" c {I(fs.Length)}\n", ct, fs, timeout);
        var status = r.Stderr.Split('\n').LastOrDefault(l => l.StartsWith("zwarm-status ", StringComparison.Ordinal));
        if (status is null) return r with { ExitCode = r.ExitCode == 0 ? 255 : r.ExitCode };
        var state = status.Split(' ', 3) is [_, _, var st] ? st.Trim() : "";
        if (state.StartsWith("exit:", StringComparison.Ordinal))
        {
            await File.WriteAllTextAsync(files.ExitTemp, state["exit:".Length..] + "\n", ct);
            File.Move(files.ExitTemp, files.Exit, overwrite: true);
        }
        return r with { ExitCode = 0 };
    }

    /// <inheritdoc/>
    public Task<TurnProcess?> ResumeAsync(SessionMeta meta, string sessionDir, SupervisorCommand? supervisor, CancellationToken ct)
    {
        var files = new TurnFiles(sessionDir, meta.Turn);
        if (meta.Host is not { Pid: not null } remote || remote.Dir is null) return Task.FromResult<TurnProcess?>(null);
        if (File.Exists(files.Exit) || File.Exists(files.HostVanished))
            return Task.FromResult<TurnProcess?>(null);
        var (pid, start) = StartFollower(meta.Id, sessionDir, meta.Turn, remote, supervisor);
        return Task.FromResult<TurnProcess?>(new TurnProcess(pid, start, remote));
    }

    /// <summary>
    /// Since when a remote turn's follower has not reached its host (its link file, StoreLayout.HostLinkFile), or null while it has.
    /// </summary>
    public static DateTimeOffset? DownSince(string linkFile)
    {
        try
        {
            var text = File.ReadAllText(linkFile).Trim();
            return long.TryParse(text, CultureInfo.InvariantCulture, out var epoch) ? DateTimeOffset.FromUnixTimeSeconds(epoch) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
