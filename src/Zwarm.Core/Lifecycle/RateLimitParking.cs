using System.Globalization;
using Zwarm.Core.Agents;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>
/// A turn that hit the agent's rate limit: marked rate limited with the time it may retry (stated by the agent, else
/// exponential backoff), and with executor.on_rate_limit = "wait" parked as the pending next turn, woken by a detached
/// timer or by any zwarm command after that time.
/// </summary>
internal sealed class RateLimitParking(SessionManager sessions)
{
    /// <summary>Marks the store as holding rate-limited sessions, so any zwarm command checks whether one is due.</summary>
    internal const string ParkedMarker = ".rate-limited";

    private FileSessionStore Store => sessions.Store;

    /// <summary>Records (or clears) the rate limit of a turn; with <paramref name="park"/>, queues its retry.</summary>
    public void Mark(SessionMeta m, int turn, bool rateLimited, DateTimeOffset? retryAt, bool park)
    {
        if (rateLimited)
        {
            m.ErrorKind = "rate_limited";
            m.RetryAt = retryAt;
            m.RateLimitRetries++;
            var rec = m.TurnRecordFor(turn);
            rec.Extra ??= [];
            rec.Extra["error_kind"] = System.Text.Json.JsonSerializer.SerializeToElement("rate_limited", SessionJsonContext.Default.String);
        }
        else
        {
            m.ErrorKind = null;
            m.RetryAt = null;
            m.RateLimitRetries = 0;
        }
        if (park) Park(m, turn, retryAt!.Value);
    }

    // The retry is the next turn, resumed natively in the same conversation (replayed when the agent gave no id).
    private static void Park(SessionMeta m, int turn, DateTimeOffset retryAt)
    {
        m.Status = SessionStatus.Pending;
        m.QueuedReason = $"rate limited until {SessionManager.Clock(retryAt)}";
        m.Pid = null;
        m.PidStartTime = null;
        m.Turn = turn + 1;
        var next = m.TurnRecordFor(turn + 1);
        next.Resume = m.AgentSessionId is null ? "replay" : "native";
        next.Extra ??= [];
        next.Extra["retry_of"] = System.Text.Json.JsonSerializer.SerializeToElement(turn, SessionJsonContext.Default.Int32);
    }

    /// <summary>When a rate-limited turn may be retried: the time the agent stated, else exponential backoff.</summary>
    public DateTimeOffset RetryTime(TurnParseResult parse, string turnFile, int retriesSoFar, DateTimeOffset now)
    {
        // A wall-clock reset ("try again at 12:40 AM") is read against when the agent said it, not when this runs.
        var said = File.Exists(turnFile) ? new DateTimeOffset(File.GetLastWriteTime(turnFile)) : now;
        if (parse.RetryHint?.Resolve(said) is { } stated) return stated;
        var baseSeconds = Math.Max(1, sessions.Config.Executor.RateLimitBackoffSeconds);
        var seconds = Math.Min(baseSeconds * Math.Pow(2, Math.Min(retriesSoFar, 20)), Math.Max(baseSeconds, 3600));
        return now + TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// A detached timer for a parked session: <c>setsid sh -c 'sleep N; zwarm _pump'</c>, a few hundred kB while it
    /// sleeps, then one zwarm run that starts what is due. Not a daemon: any zwarm command after the time pumps too.
    /// </summary>
    public void ScheduleWake(DateTimeOffset at)
    {
        try
        {
            File.WriteAllText(Path.Combine(Store.SessionsDir, ParkedMarker), "");
        }
        catch (IOException)
        {
        }
        if (sessions.Supervisor is not { } supervisor) return;
        var setsid = AgentExecutable.FindOnPath("setsid");
        if (setsid is null) return;
        var seconds = (int)Math.Ceiling(Math.Max(0, (at - sessions.Now).TotalSeconds)) + 1;
        var psi = new System.Diagnostics.ProcessStartInfo(setsid)
        {
            UseShellExecute = false,
            WorkingDirectory = sessions.Config.ProjectDir,
        };
        var script = "sleep \"$1\"; shift; exec \"$@\" >/dev/null 2>&1";
        foreach (var a in new[] { "sh", "-c", script, "zwarm-wake", seconds.ToString(CultureInfo.InvariantCulture), supervisor.Executable })
            psi.ArgumentList.Add(a);
        if (supervisor.Dll is not null) psi.ArgumentList.Add(supervisor.Dll);
        psi.ArgumentList.Add("_pump");
        psi.ArgumentList.Add(Store.Root);
        foreach (var k in new[] { "ZWARM_SESSION_ID", "ZWARM_STORE", SessionNesting.Variable }) psi.Environment.Remove(k);
        try
        {
            using var p = System.Diagnostics.Process.Start(psi);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException)
        {
            // The next zwarm command after the time pumps instead.
        }
    }

    /// <summary>Starts parked (rate-limited) sessions whose time has come; cheap when none is parked.</summary>
    public async Task PumpIfDueAsync(CancellationToken ct)
    {
        var marker = Path.Combine(Store.SessionsDir, ParkedMarker);
        if (!File.Exists(marker)) return;
        var entries = await sessions.Reconciler.ListAsync(pump: true, ct, summaries: true);
        if (!entries.Any(e => e.Meta is { Status: SessionStatus.Pending, RetryAt: not null }))
        {
            try { File.Delete(marker); } catch (IOException) { }
        }
    }
}
