using System.Runtime.InteropServices;

namespace Zwarm.Core.Lifecycle;

/// <summary>Process facts from the OS: start time (so a reused pid is never mistaken), liveness, signals, tags.</summary>
public static partial class ProcessInfo
{
    /// <summary>SIGTERM.</summary>
    public const int SigTerm = 15;

    /// <summary>SIGKILL.</summary>
    public const int SigKill = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint SysGetEuid();

    /// <summary>True when running as root.</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? SysGetEuid() == 0 : false;

    /// <summary>Start time of a process (Linux: /proc/pid/stat field 22, clock ticks since boot); null when it does not exist.</summary>
    public static long? StartTime(int pid)
    {
        if (pid <= 0) return null;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Field 2 (comm) is in parentheses and may contain spaces: split after the last ')'.
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            // fields[0] is field 3 (state); field 22 is fields[19].
            if (fields[0] == "Z") return null; // a zombie has exited
            return long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException
                                       or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="pid"/> is alive and (if given) started at <paramref name="startTime"/>.</summary>
    public static bool IsAlive(int? pid, long? startTime)
    {
        if (pid is not > 0) return false;
        var st = StartTime(pid.Value);
        if (st is null) return false;
        return startTime is null || st == startTime;
    }

    /// <summary>Sends a signal to a process (or a process group with a negative id); false when it does not exist.</summary>
    public static bool Signal(int pid, int signal) => SysKill(pid, signal) == 0;

    /// <summary>Process group id of a process (field 5 of stat), or null.</summary>
    public static int? ProcessGroup(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException
                                       or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Session id of a process (field 6 of stat: the pid of the session leader, e.g. a turn's wrapper), or null.</summary>
    public static int? SessionOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException
                                       or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// True while a live process belongs to group <paramref name="pgid"/>. An exited member not yet reaped (a zombie,
    /// e.g. an agent orphaned by its killed wrapper, waiting for init) does not count, though kill(-pgid, 0) still finds it.
    /// </summary>
    public static bool GroupAlive(int pgid)
    {
        if (pgid <= 0 || !Signal(-pgid, 0)) return false;
        IEnumerable<string> dirs;
        try { dirs = Directory.EnumerateDirectories("/proc"); }
        catch (IOException) { return true; }
        return dirs.Any(dir => int.TryParse(Path.GetFileName(dir), out var pid) && ProcessGroup(pid) == pgid && StartTime(pid) is not null);
    }

    /// <summary>
    /// True while a live (not zombie) process other than this one belongs to session <paramref name="sid"/> — read from
    /// /proc/PID/stat, which (unlike environ) stays readable while a process is in the middle of exec.
    /// </summary>
    public static bool SessionAlive(int sid)
    {
        if (sid <= 0) return false;
        IEnumerable<string> dirs;
        try { dirs = Directory.EnumerateDirectories("/proc"); }
        catch (IOException) { return true; }
        var self = Environment.ProcessId;
        return dirs.Any(dir => int.TryParse(Path.GetFileName(dir), out var pid) && pid != self && SessionOf(pid) == sid
                               && StartTime(pid) is not null);
    }

    /// <summary>Command line of a process for display, or "".</summary>
    public static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return ""; }
    }

    /// <summary>Every live process whose environment carries <c>ZWARM_SESSION_ID</c>, with that id.</summary>
    public static IEnumerable<(int Pid, string SessionId)> Tagged() => TaggedWithStore().Select(t => (t.Pid, t.SessionId));

    /// <summary>
    /// Every live process whose environment carries <c>ZWARM_SESSION_ID</c>, with that id and the store it was started
    /// from (<c>ZWARM_STORE</c>; null for processes started before that tag existed). A hook's process carries the
    /// session's id too (<c>ZWARM_EVENT</c> marks it) but is not the session's: a hook outlives nothing and is killed
    /// by nothing but its own timeout. An empty id tags nothing.
    /// </summary>
    public static IEnumerable<(int Pid, string SessionId, string? Store)> TaggedWithStore()
    {
        var self = Environment.ProcessId;
        IEnumerable<string> dirs;
        try { dirs = Directory.EnumerateDirectories("/proc"); }
        catch (IOException) { yield break; }
        foreach (var dir in dirs)
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == self) continue;
            string? id = null, store = null;
            try
            {
                var env = File.ReadAllBytes(Path.Combine(dir, "environ"));
                id = FindTag(env, Tag);
                if (id is "" || (id is not null && FindTag(env, HookTag) is not null)) id = null;
                if (id is not null) store = FindTag(env, StoreTag);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
            if (id is not null && StartTime(pid) is not null) yield return (pid, id, store);
        }
    }

    private static readonly byte[] Tag = "ZWARM_SESSION_ID="u8.ToArray();
    private static readonly byte[] StoreTag = "ZWARM_STORE="u8.ToArray();
    private static readonly byte[] HookTag = "ZWARM_EVENT="u8.ToArray();

    private static string? FindTag(ReadOnlySpan<byte> env, ReadOnlySpan<byte> tag)
    {
        while (!env.IsEmpty)
        {
            var end = env.IndexOf((byte)0);
            var entry = end < 0 ? env : env[..end];
            if (entry.StartsWith(tag)) return System.Text.Encoding.UTF8.GetString(entry[tag.Length..]);
            if (end < 0) break;
            env = env[(end + 1)..];
        }
        return null;
    }
}
