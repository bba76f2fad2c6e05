using System.Diagnostics;
using System.Text;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Faults.Tests;

/// <summary>
/// One project on its own small tmpfs, a shell agent that speaks codex's event stream, and a session manager over the
/// store for setting up and checking (the faults themselves hit the real zwarm program).
/// </summary>
internal sealed class FaultWorker : IDisposable
{
    private readonly List<string> _log;

    private FaultWorker(string mount, string zwarm, List<string> log)
    {
        Mount = mount;
        Zwarm = zwarm;
        _log = log;
        Project = Path.Combine(mount, "project");
        Agent = Path.Combine(mount, "agent.sh");
    }

    public string Mount { get; }
    public string Project { get; }
    public string Agent { get; }
    public string Zwarm { get; }
    public string ZwarmDir => Path.Combine(Project, ".zwarm");
    public SessionManager Manager { get; private set; } = null!;

    // The agent: last argument "<reply> <seconds>"; prints a thread, waits, replies, completes.
    private const string AgentScript = """
        #!/bin/sh
        for a; do p="$a"; done
        set -- $p
        reply="${1:-none}"; pause="${2:-0}"
        case "$pause" in *[!0-9.]*) pause=0 ;; esac
        printf '{"type":"thread.started","thread_id":"th-%s"}\n' "$$"
        printf '{"type":"turn.started"}\n'
        sleep "$pause"
        printf '{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"%s"}}\n' "$reply"
        printf '{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":2}}\n'
        """;

    public static async Task<FaultWorker> CreateAsync(int index, string zwarm, List<string> log)
    {
        var mount = Directory.CreateTempSubdirectory($"zwarm-faults-{index}-").FullName;
        if (Run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount) != 0) throw new InvalidOperationException("cannot mount a tmpfs");
        var w = new FaultWorker(mount, zwarm, log);
        Directory.CreateDirectory(w.ZwarmDir);
        await File.WriteAllTextAsync(w.Agent, AgentScript.Replace("\r", "") + "\n");
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(w.Agent, (UnixFileMode)0b111_101_101);
        await File.WriteAllTextAsync(
            Path.Combine(w.ZwarmDir, "config.toml"), $"[executor]\nkill_grace = 0.3\n[adapters.codex]\ncommand = \"{w.Agent}\"\n");
        var config = await ConfigLoader.LoadAsync(w.ZwarmDir, null, null, new Dictionary<string, string>());
        w.Manager = new SessionManager(new FileSessionStore(w.ZwarmDir), config, AgentRegistry.Default, supervisor: null);
        return w;
    }

    /// <summary>A manager whose turns are finalised by <paramref name="supervisor"/> (the wrapper runs it), for _finalize faults.</summary>
    public SessionManager Supervised(SupervisorCommand supervisor) => new(Manager.Store, Manager.Config, AgentRegistry.Default, supervisor);

    public void Log(string line) { lock (_log) _log.Add(line); }

    /// <summary>
    /// Starts zwarm with <paramref name="args"/> and SIGKILLs it after <paramref name="killAfterMs"/> (if still running).
    /// </summary>
    public async Task<(bool Killed, int Exit)> RunKilledAsync(int killAfterMs, CancellationToken ct, params string[] args)
    {
        using var p = Start(args);
        var exited = p.WaitForExitAsync(ct);
        if (await Task.WhenAny(exited, Task.Delay(killAfterMs, ct)) == exited) return (false, p.ExitCode);
        ProcessInfo.Signal(p.Id, ProcessInfo.SigKill);
        await p.WaitForExitAsync(ct);
        return (true, p.ExitCode);
    }

    /// <summary>Runs zwarm to the end (30 s at most).</summary>
    public async Task<(int Exit, string Out, string Err)> RunAsync(CancellationToken ct, params string[] args)
    {
        using var p = Start(args, redirect: true);
        var o = p.StandardOutput.ReadToEndAsync(ct);
        var e = p.StandardError.ReadToEndAsync(ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(true);
            throw new TimeoutException($"zwarm {string.Join(' ', args)} did not exit in 30 s");
        }
        return (p.ExitCode, await o, await e);
    }

    private Process Start(string[] args, bool redirect = false)
    {
        var psi = new ProcessStartInfo(Zwarm)
        {
            WorkingDirectory = Project, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("ZWARM_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(k);
        var p = Process.Start(psi)!;
        p.StandardInput.Close();
        if (!redirect)
        {
            _ = p.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            _ = p.StandardError.BaseStream.CopyToAsync(Stream.Null);
        }
        return p;
    }

    public void Fill()
    {
        // Unbuffered: nothing is left to flush (and fail) when the stream is disposed on a full disk.
        using var fs = new FileStream(Path.Combine(Mount, "filler"), FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[64 * 1024];
        try { while (true) fs.Write(block); } catch (IOException) { }
        try { fs.Write(new byte[1]); fs.Flush(); } catch (IOException) { }
    }

    public void Unfill() => File.Delete(Path.Combine(Mount, "filler"));

    /// <summary>
    /// Remounts read-only (fails while a file on it is open for writing, e.g. by a finaliser just ending: retried for
    /// up to 30 s) or read-write.
    /// </summary>
    public async Task<bool> ReadOnlyAsync(bool on)
    {
        for (var i = 0; i < 600; i++)
        {
            if (Run("mount", "-o", on ? "remount,ro" : "remount,rw", Mount) == 0) return true;
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>Live processes tagged with a session of this store.</summary>
    public List<(int Pid, string SessionId)> Tagged()
        => ProcessInfo.TaggedWithStore()
            .Where(t => t.Store is { } s && Path.TrimEndingDirectorySeparator(s) == Path.TrimEndingDirectorySeparator(ZwarmDir))
            .Select(t => (t.Pid, t.SessionId)).ToList();

    internal static int Run(params string[] args)
    {
        var psi = new ProcessStartInfo(args[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args[1..]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode;
    }

    public void Dispose()
    {
        foreach (var (pid, _) in Tagged()) ProcessInfo.Signal(pid, ProcessInfo.SigKill);
        Run("umount", "-l", Mount);
        try { Directory.Delete(Mount, recursive: true); } catch (IOException) { }
    }
}
