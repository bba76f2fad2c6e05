using System.Diagnostics;
using System.Globalization;
using Zwarm.Core.Agents;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>
/// Starts one turn detached: a POSIX shell wrapper in a new session (setsid, SIGHUP-proof) runs the agent with
/// stdin from /dev/null and stdout+stderr appended to the turn file, records the exit code, then runs zwarm once
/// to finalise the status. The wrapper costs ~1 MB per running turn instead of a .NET runtime.
/// </summary>
public static class TurnLauncher
{
    // After the turn's file names (TurnFiles.ShellVariables): $1 session dir, $2 turn, $3 timeout seconds (0 = none),
    // $4 kill grace, then the agent's argv. The finaliser waits for a slot (flock; -o: sessions it starts from the queue
    // do not inherit the lock; -w: a stuck slot is left to reconciliation on read).
    internal const string WrapperScript = """
        d="$1"; n="$2"; t="$3"; g="$4"; shift 4
        exec </dev/null >>"$out" 2>&1
        if [ "$t" -gt 0 ]; then timeout -k "$g" "$t" "$@"; else "$@"; fi
        c=$?
        printf '%s\n' "$c" > "$code_tmp" && mv -f "$code_tmp" "$code"
        """ + "\n" + FinalizeStep;

    // Runs zwarm _finalize "$d" "$n" once, if the starter said how ($ZWARM_SELF); shared with the remote turns' follower.
    internal const string FinalizeStep = """
        unset ZWARM_SESSION_ID ZWARM_STORE ZWARM_DEPTH
        if [ -n "$ZWARM_SELF" ]; then
          set -- "$ZWARM_SELF" ${ZWARM_SELF_DLL:+"$ZWARM_SELF_DLL"} _finalize "$d" "$n"
          if [ "${ZWARM_FINALIZE_SLOTS:-0}" -gt 0 ] && command -v flock >/dev/null 2>&1; then
            set -- flock -o -w 600 "$fin_lock$(($$ % ZWARM_FINALIZE_SLOTS)).lock" "$@"
          fi
          exec "$@" >/dev/null 2>>"$suplog"
        fi
        """;

    /// <summary>Starts the wrapper; returns its pid (= the process group) and start time without waiting for the agent.</summary>
    public static (int Pid, long? StartTime) Start(string sessionId, string sessionDir, int turn, AgentCommand command,
        int timeoutSeconds, double killGraceSeconds, SupervisorCommand? supervisor)
    {
        var files = new TurnFiles(sessionDir, turn);
        Directory.CreateDirectory(files.TurnsDir);
        using (File.Open(files.Output, FileMode.Append)) { }
        var setsid = AgentExecutable.FindOnPath("setsid")
            ?? throw new ZwarmException("setsid not found (util-linux): zwarm needs it to start detached sessions");
        var psi = new ProcessStartInfo(setsid)
        {
            UseShellExecute = false,
            WorkingDirectory = command.WorkingDirectory,
        };
        foreach (var a in new[] { "sh", "-c", files.ShellVariables() + WrapperScript, "zwarm-turn", sessionDir,
                     turn.ToString(CultureInfo.InvariantCulture),
                     Math.Max(0, timeoutSeconds).ToString(CultureInfo.InvariantCulture),
                     Math.Max(1, (int)Math.Ceiling(killGraceSeconds)).ToString(CultureInfo.InvariantCulture), command.FileName })
            psi.ArgumentList.Add(a);
        foreach (var a in command.Arguments) psi.ArgumentList.Add(a);
        foreach (var (k, v) in command.Environment)
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        psi.Environment["ZWARM_SESSION_ID"] = sessionId;
        // A session spawned by a hook is the new session's, not a hook's (ProcessInfo.Tagged skips hook processes).
        psi.Environment.Remove("ZWARM_EVENT");
        // Which store the session belongs to, so `orphans` in one project never claims another project's agents.
        psi.Environment["ZWARM_STORE"] = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(sessionDir)));
        SetSupervisor(psi, supervisor);
        if (!Directory.Exists(command.WorkingDirectory))
            throw new ZwarmException($"working directory does not exist: {command.WorkingDirectory}");
        using var process = Process.Start(psi) ?? throw new ZwarmException("could not start the agent wrapper");
        var pid = process.Id;
        return (pid, ProcessInfo.StartTime(pid));
    }

    /// <summary>Tells a wrapper (or a remote turn's follower) how to run zwarm _finalize when the turn ends.</summary>
    internal static void SetSupervisor(ProcessStartInfo psi, SupervisorCommand? supervisor)
    {
        psi.Environment.Remove("ZWARM_SELF");
        psi.Environment.Remove("ZWARM_SELF_DLL");
        if (supervisor is null) return;
        psi.Environment["ZWARM_SELF"] = supervisor.Executable;
        if (supervisor.Dll is not null) psi.Environment["ZWARM_SELF_DLL"] = supervisor.Dll;
        // Turns that end together must not each start a .NET runtime at once (~45 MB and ~0.3 s of CPU apiece): the
        // wrapper queues on one of this many slot locks (flock), so at most one finaliser per CPU runs at a time.
        psi.Environment["ZWARM_FINALIZE_SLOTS"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>How the per-turn wrapper invokes zwarm to finalise a turn: an executable, optionally with a dll (dotnet zwarm.dll).</summary>
public sealed record SupervisorCommand(string Executable, string? Dll = null)
{
    /// <summary>
    /// The running zwarm itself: its apphost, native binary or .NET tool shim runs it alone; the dotnet host needs the
    /// dll (`dotnet zwarm.dll`, `dotnet tool run zwarm`). Hosted elsewhere (tests), the zwarm program next to this
    /// assembly; null when there is none.
    /// </summary>
    public static SupervisorCommand? FromCurrentProcess()
    {
        var exe = Environment.ProcessPath;
        var dll = Path.Combine(AppContext.BaseDirectory, "zwarm.dll");
        if (System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == "zwarm" && exe is not null)
            // A tool's shim lives outside the tool's folder and takes no dll: taking it for dotnet broke every tool install.
            return !IsDotnetHost(exe) ? new SupervisorCommand(exe) : File.Exists(dll) ? new SupervisorCommand(exe, dll) : null;
        var appHost = Path.Combine(AppContext.BaseDirectory, "zwarm");
        if (File.Exists(appHost)) return new SupervisorCommand(appHost);
        return File.Exists(dll) && exe is not null && IsDotnetHost(exe) ? new SupervisorCommand(exe, dll) : null;
    }

    private static bool IsDotnetHost(string exe)
        => Path.GetFileNameWithoutExtension(exe).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
}
