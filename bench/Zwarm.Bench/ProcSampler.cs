using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Zwarm.Bench;

/// <summary>
/// Samples /proc for the processes of given sessions (their environment carries ZWARM_SESSION_ID): memory of each
/// live one, CPU of each until it exits. This process becomes a child subreaper, so detached turn wrappers end as
/// its zombies, whose final CPU times are read before they are reaped: no short-lived `zwarm _finalize` escapes.
/// </summary>
internal sealed partial class ProcSampler : IDisposable
{
    private const int PrSetChildSubreaper = 36;
    private const int WNoHang = 1;
    private static readonly long PageSize = Environment.SystemPageSize;
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    private readonly HashSet<string> _sessions;
    private readonly string _agentComm;
    private readonly Dictionary<int, Proc> _procs = [];
    private readonly Dictionary<int, int> _ignored = [];

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, out int status, int options);

    /// <summary>One process seen: its command name when last seen and its CPU seconds so far.</summary>
    internal sealed class Proc
    {
        public string Comm { get; set; } = "";
        public double CpuSeconds { get; set; }
        public bool Agent { get; set; }
        public bool Done { get; set; }
    }

    /// <summary>Totals of one sample.</summary>
    internal sealed record Sample(TimeSpan At, long OwnedRss, long OwnedPss, long AgentRss, int Agents, int Finalizers, long FinalizerRss, int Owned);

    public ProcSampler(IEnumerable<string> sessionIds, string agentComm)
    {
        _sessions = sessionIds.ToHashSet();
        _agentComm = agentComm.Length > 15 ? agentComm[..15] : agentComm;
        if (Prctl(PrSetChildSubreaper, 1, 0, 0, 0) != 0) throw new InvalidOperationException($"prctl(PR_SET_CHILD_SUBREAPER) failed: {Marshal.GetLastPInvokeError()}");
    }

    public IReadOnlyDictionary<int, Proc> Processes => _procs;

    /// <summary>Reads every process once; returns the memory totals of this moment.</summary>
    public Sample Take(TimeSpan at)
    {
        long ownedRss = 0, ownedPss = 0, agentRss = 0, finalizerRss = 0;
        int agents = 0, finalizers = 0, owned = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || _ignored.GetValueOrDefault(pid) >= 8) continue;
            if (!_procs.TryGetValue(pid, out var p))
            {
                // Looked at again a few times: between fork and exec a new wrapper still has its parent's environment.
                // A child of one of ours is ours too: the wrapper clears the session tag before the finaliser, which
                // `flock` (the finaliser slot) starts as its child.
                var child = ReadStat(pid) is { } first && _procs.ContainsKey(first.Parent);
                if (!child && !IsOurs(pid)) { _ignored[pid] = _ignored.GetValueOrDefault(pid) + 1; continue; }
                _procs[pid] = p = new Proc();
            }
            if (p.Done || ReadStat(pid) is not { } stat) continue;
            p.Comm = stat.Comm;
            p.Agent = stat.Comm == _agentComm;
            p.CpuSeconds = stat.CpuTicks / TicksPerSecond;
            if (stat.State == 'Z')
            {
                p.Done = true;
                if (stat.Parent == Environment.ProcessId) WaitPid(pid, out _, WNoHang);
                continue;
            }
            var rss = Statm(pid);
            if (p.Agent) { agentRss += rss; agents++; continue; }
            ownedRss += rss;
            ownedPss += Pss(pid);
            owned++;
            if (stat.Comm != "zwarm") continue;
            finalizers++;
            finalizerRss += rss;
        }
        return new Sample(at, ownedRss, ownedPss, agentRss, agents, finalizers, finalizerRss, owned);
    }

    /// <summary>Reaps what is left of ours (zombies whose parent is this process) and stops being a subreaper.</summary>
    public void Dispose()
    {
        while (WaitPid(-1, out _, WNoHang) > 0) { }
        Prctl(PrSetChildSubreaper, 0, 0, 0, 0);
    }

    private bool IsOurs(int pid)
    {
        try
        {
            var env = File.ReadAllBytes($"/proc/{pid}/environ");
            var tag = "ZWARM_SESSION_ID="u8;
            foreach (var range in env.AsSpan().Split((byte)0))
            {
                var entry = env.AsSpan(range);
                if (entry.StartsWith(tag)) return _sessions.Contains(Encoding.ASCII.GetString(entry[tag.Length..]));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return false;
    }

    private readonly record struct Stat(string Comm, char State, int Parent, long CpuTicks);

    private static Stat? ReadStat(int pid)
    {
        try
        {
            var s = File.ReadAllText($"/proc/{pid}/stat");
            var open = s.IndexOf('(');
            var close = s.LastIndexOf(')');
            var f = s[(close + 2)..].Split(' ');
            // After the comm: [0] state, [1] ppid, … [11] utime, [12] stime (fields 3, 4, 14, 15).
            return new Stat(s[(open + 1)..close], f[0][0], int.Parse(f[1], CultureInfo.InvariantCulture),
                long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException) { return null; }
    }

    private static long Statm(int pid)
    {
        try { return long.Parse(File.ReadAllText($"/proc/{pid}/statm").Split(' ')[1], CultureInfo.InvariantCulture) * PageSize; }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException) { return 0; }
    }

    private static long Pss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                    return long.Parse(line[4..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException) { }
        return 0;
    }
}
