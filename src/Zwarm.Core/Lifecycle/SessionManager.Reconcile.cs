using System.Globalization;
using Zwarm.Core.Agents;
using Zwarm.Core.Events;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

public sealed partial class SessionManager
{
    /// <summary>How long a running session may have no recorded pid before it counts as vanished (start in progress).</summary>
    private static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(30);

    /// <summary>Every session, newest first, after reconciling running ones whose process is gone.</summary>
    public Task<IReadOnlyList<SessionEntry>> ListAsync(CancellationToken ct = default) => ListCoreAsync(pump: true, ct);

    /// <summary>
    /// Like <see cref="ListAsync"/> but reads only what a listing needs: sessions come without messages, turns and
    /// unknown fields (<see cref="SessionMeta.IsSummary"/>), except those reconciled on the way, which are whole.
    /// </summary>
    public Task<IReadOnlyList<SessionEntry>> ListSummariesAsync(CancellationToken ct = default) => ListCoreAsync(pump: true, ct, summaries: true);

    private async Task<IReadOnlyList<SessionEntry>> ListCoreAsync(bool pump, CancellationToken ct, bool summaries = false)
    {
        var entries = (await Store.ListAsync(summaries, ct)).ToList();
        var changed = false;
        for (var i = 0; i < entries.Count; i++)
        {
            var m = entries[i].Meta;
            if (m is null || !NeedsReconcile(m)) continue;
            var (updated, ended) = await ReconcileAsync(m, ct);
            if (updated is not null) entries[i] = entries[i] with { Meta = updated };
            changed |= ended;
        }
        if (pump && WriteProblem is null && (changed || entries.Any(e => e.Meta is { Status: SessionStatus.Pending })))
        {
            try
            {
                await PumpQueueAsync(ct);
                if (entries.Any(e => e.Meta?.Status == SessionStatus.Pending)) entries = (await Store.ListAsync(summaries, ct)).ToList();
            }
            catch (StoreWriteException ex)
            {
                WriteProblem = ex.Message;
            }
        }
        return entries;
    }

    /// <summary>One session (full id or unique prefix), reconciled.</summary>
    public async Task<SessionMeta> GetAsync(string idOrPrefix, CancellationToken ct = default)
    {
        var meta = await Store.GetAsync(idOrPrefix, ct);
        if (NeedsReconcile(meta)) meta = (await ReconcileAsync(meta, ct)).Meta ?? meta;
        return meta;
    }

    /// <summary>A running session, or one marked lost with its host (it may have come back).</summary>
    private static bool NeedsReconcile(SessionMeta m)
        => m.Status == SessionStatus.Running || (m.Status == SessionStatus.Failed && m.ErrorKind == HostUnreachableKind && m.Host is not null);

    /// <summary>
    /// Brings one session up to date with its processes: a remote turn whose follower is gone gets a new one, a host out
    /// of reach too long marks it lost, a turn whose process is gone is finalised. Ended: the session left running.
    /// </summary>
    private async Task<(SessionMeta? Meta, bool Ended)> ReconcileAsync(SessionMeta m, CancellationToken ct)
    {
        if (m.Host is not null && m.Pid is not null)
        {
            if (LostButOver(m)) return (await FinalizeTurnAsync(m.Id, m.Turn, unsavedOk: true, ct), true);
            var followed = ProcessInfo.IsAlive(m.Pid, m.PidStartTime);
            if (!followed && await ReattachAsync(m, ct) is { } reattached) return (reattached, false);
            if (m.Status != SessionStatus.Running) return (null, false);
            if (HostLost(m)) return (await MarkHostLostAsync(m, ct), true);
            if (followed) return (null, false);
        }
        if (m.Status != SessionStatus.Running || IsTurnAlive(m)) return (null, false);
        return (await FinalizeTurnAsync(m.Id, m.Turn, unsavedOk: true, ct), true);
    }

    /// <summary>
    /// Why the last read could not record what it reconciled (e.g. "read-only file system: cannot lock …"); the
    /// sessions it returned are reconciled in memory. Null when every write went through.
    /// </summary>
    public string? WriteProblem { get; private set; }

    /// <summary>
    /// True while the turn's wrapper process (pid + start time) is alive, or it is still being started, or — the wrapper
    /// killed — an agent process of the turn runs on: a process tagged with the session in the wrapper's (setsid) session.
    /// </summary>
    public bool IsTurnAlive(SessionMeta m)
    {
        if (m.Pid is null)
        {
            // Being started: alive while the starting zwarm is, or once its agent runs (it died after the fork).
            if (m.LauncherPid is { } launcher && m.LauncherStartTime is not null)
                return ProcessInfo.IsAlive(launcher, m.LauncherStartTime) || ProcessInfo.Tagged().Any(t => t.SessionId == m.Id);
            return Now - m.UpdatedAt < StartGrace;
        }
        if (m.Host is not null) return ProcessInfo.IsAlive(m.Pid, m.PidStartTime) && !HostLost(m);
        if (ProcessInfo.IsAlive(m.Pid, m.PidStartTime)) return true;
        return m.PidStartTime is not null && AgentProcesses(m.Id, m.Pid.Value).Count > 0;
    }

    /// <summary>Live processes tagged with the session that belong to the (setsid) session of wrapper <paramref name="wrapperPid"/>.</summary>
    private static List<int> AgentProcesses(string id, int wrapperPid)
        => ProcessInfo.Tagged().Where(t => t.SessionId == id && ProcessInfo.SessionOf(t.Pid) == wrapperPid).Select(t => t.Pid).ToList();

    /// <summary>
    /// Records the end of a turn: exit code, parsed reply/tool summaries, usage (per-turn, never double counted),
    /// agent session id and the final status. Idempotent: does nothing unless the session is running that turn.
    /// A timed-out turn leaves no process tagged with the session alive.
    /// </summary>
    public Task<SessionMeta?> FinalizeTurnAsync(string id, int turn, CancellationToken ct = default) => FinalizeTurnAsync(id, turn, false, ct);

    /// <summary>
    /// <see cref="FinalizeTurnAsync(string, int, CancellationToken)"/>; with <paramref name="unsavedOk"/> (reads), a store
    /// that cannot be written (read-only, full) gives the session reconciled in memory and <see cref="WriteProblem"/> says why.
    /// </summary>
    private async Task<SessionMeta?> FinalizeTurnAsync(string id, int turn, bool unsavedOk, CancellationToken ct)
    {
        var before = await Store.GetAsync(id, ct);
        // A session marked lost with its host is finalised for real once its turn's end arrived.
        var lost = LostButOver(before);
        if ((before.Status != SessionStatus.Running && !lost) || before.Turn != turn) return null;
        var end = await ReadTurnEndAsync(before, turn, ct);
        if (end.TimedOut && before.Host is null) await TerminateTaggedAsync(id, (await ConfigForAsync(before, ct)).Executor.KillGraceSeconds, ct);
        var checkpoint = await CheckpointAsync(before, turn, end.Parse.Reply, ct);
        var rateLimited = end.Outcome.Status == SessionStatus.Failed && end.Parse.RateLimited && !end.TimedOut;
        DateTimeOffset? retryAt = rateLimited ? RetryTime(end.Parse, Store.TurnFile(id, turn), before.RateLimitRetries, Now) : null;
        var park = rateLimited && Config.Executor.OnRateLimit == "wait";
        var costBefore = CostOf(before);
        var tokensBefore = before.TotalTokens;
        var applied = false;
        try
        {
            var after = await Store.UpdateAsync(id, m =>
            {
                if ((m.Status != SessionStatus.Running && !(lost && m.ErrorKind == HostUnreachableKind)) || m.Turn != turn) return false;
                applied = true;
                RecordTurnEnd(m, turn, end, end.Outcome);
                RecordCheckpoint(m, m.TurnRecordFor(turn), checkpoint);
                MarkRateLimit(m, turn, rateLimited, retryAt, park);
                return true;
            }, ct);
            if (!applied) return after;
            RecordFinish(after, end.Outcome, end.TimedOut, rateLimited, park);
            RecordBudgetCrossing(after, costBefore, tokensBefore);
            if (park) ScheduleWake(after.RetryAt!.Value);
            return after;
        }
        catch (StoreWriteException ex) when (unsavedOk)
        {
            WriteProblem = ex.Message;
            RecordTurnEnd(before, turn, end, end.Outcome);
            return before;
        }
    }

    private void MarkRateLimit(SessionMeta m, int turn, bool rateLimited, DateTimeOffset? retryAt, bool park)
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
    private void Park(SessionMeta m, int turn, DateTimeOffset retryAt)
    {
        m.Status = SessionStatus.Pending;
        m.QueuedReason = $"rate limited until {Clock(retryAt)}";
        m.Pid = null;
        m.PidStartTime = null;
        m.Turn = turn + 1;
        var next = m.TurnRecordFor(turn + 1);
        next.Resume = m.AgentSessionId is null ? "replay" : "native";
        next.Extra ??= [];
        next.Extra["retry_of"] = System.Text.Json.JsonSerializer.SerializeToElement(turn, SessionJsonContext.Default.Int32);
    }

    private DateTimeOffset RetryTime(TurnParseResult parse, string turnFile, int retriesSoFar, DateTimeOffset now)
    {
        // A wall-clock reset ("try again at 12:40 AM") is read against when the agent said it, not when this runs.
        var said = File.Exists(turnFile) ? new DateTimeOffset(File.GetLastWriteTime(turnFile)) : now;
        if (parse.RetryHint?.Resolve(said) is { } stated) return stated;
        var baseSeconds = Math.Max(1, Config.Executor.RateLimitBackoffSeconds);
        var seconds = Math.Min(baseSeconds * Math.Pow(2, Math.Min(retriesSoFar, 20)), Math.Max(baseSeconds, 3600));
        return now + TimeSpan.FromSeconds(seconds);
    }

    private void RecordFinish(SessionMeta m, TurnOutcome outcome, bool timedOut, bool rateLimited, bool parked)
    {
        if (rateLimited)
        {
            var until = m.RetryAt is { } r ? $"until {Clock(r)}" : "";
            RecordEvent(m, EventNames.RateLimited, parked ? $"rate limited {until}, will retry: {m.Error}" : $"rate limited {until} (executor.on_rate_limit = fail): {m.Error}");
        }
        else if (timedOut) RecordEvent(m, EventNames.TimedOut, outcome.Error);
        else RecordEvent(m, outcome.Status == SessionStatus.Completed ? EventNames.Completed : EventNames.Failed, outcome.Error);
    }

    private void RecordBudgetCrossing(SessionMeta m, double? costBefore, long tokensBefore)
    {
        var usd = Config.Executor.CostBudgetUsd;
        var tokens = Config.Executor.TokenBudget;
        var cost = CostOf(m);
        var crossedCost = usd > 0 && cost >= usd && !(costBefore >= usd);
        var crossedTokens = tokens > 0 && m.TotalTokens >= tokens && tokensBefore < tokens;
        if ((crossedCost || crossedTokens) && OverBudget(m) is { } over) RecordEvent(m, EventNames.BudgetExceeded, over);
    }

    /// <summary>
    /// A detached timer for a parked session: <c>setsid sh -c 'sleep N; zwarm _pump'</c>, a few hundred kB while it
    /// sleeps, then one zwarm run that starts what is due. Not a daemon: any zwarm command after the time pumps too.
    /// </summary>
    private void ScheduleWake(DateTimeOffset at)
    {
        try
        {
            File.WriteAllText(Path.Combine(Store.SessionsDir, ParkedMarker), "");
        }
        catch (IOException)
        {
        }
        if (Supervisor is null) return;
        var setsid = AgentExecutable.FindOnPath("setsid");
        if (setsid is null) return;
        var seconds = (int)Math.Ceiling(Math.Max(0, (at - Now).TotalSeconds)) + 1;
        var psi = new System.Diagnostics.ProcessStartInfo(setsid) { UseShellExecute = false, WorkingDirectory = Config.ProjectDir };
        foreach (var a in new[] { "sh", "-c", "sleep \"$1\"; shift; exec \"$@\" >/dev/null 2>&1", "zwarm-wake", seconds.ToString(CultureInfo.InvariantCulture), Supervisor.Executable })
            psi.ArgumentList.Add(a);
        if (Supervisor.Dll is not null) psi.ArgumentList.Add(Supervisor.Dll);
        psi.ArgumentList.Add("_pump");
        psi.Environment["ZWARM_DIR"] = Store.Root;
        foreach (var k in new[] { "ZWARM_SESSION_ID", "ZWARM_STORE" }) psi.Environment.Remove(k);
        try
        {
            using var p = System.Diagnostics.Process.Start(psi);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException)
        {
            // The next zwarm command after the time pumps instead.
        }
    }

    /// <summary>Marks the store as holding rate-limited sessions, so any zwarm command checks whether one is due.</summary>
    internal const string ParkedMarker = ".rate-limited";

    /// <summary>Starts parked (rate-limited) sessions whose time has come; cheap when none is parked.</summary>
    public async Task PumpIfDueAsync(CancellationToken ct = default)
    {
        var marker = Path.Combine(Store.SessionsDir, ParkedMarker);
        if (!File.Exists(marker)) return;
        var entries = await ListCoreAsync(pump: true, ct, summaries: true);
        if (!entries.Any(e => e.Meta is { Status: SessionStatus.Pending, RetryAt: not null }))
        {
            try { File.Delete(marker); } catch (IOException) { }
        }
    }

    /// <summary>What a finished turn left: its parsed output, exit code and the outcome decided from them.</summary>
    private sealed record TurnEnd(TurnParseResult Parse, int? ExitCode, bool TimedOut, TurnOutcome Outcome);

    private async Task<TurnEnd> ReadTurnEndAsync(SessionMeta meta, int turn, CancellationToken ct)
    {
        var adapter = Agents.Get(meta.Adapter);
        var parser = new ConversationSteps(adapter.CreateParser(collectTrajectory: true));
        await TurnReader.ParseFileAsync(Store.TurnFile(meta.Id, turn), parser, ct);
        var parse = parser.Result;
        var exitCode = ReadExitCode(meta.Id, turn);
        var rec = meta.Turns?.Find(t => t.Turn == turn);
        // The limit the turn was started with (recorded at launch), not whatever the finalising process was given.
        var timeout = rec?.TimeoutSeconds ?? (await ConfigForAsync(meta, ct)).Executor.TimeoutSeconds;
        // timeout(1) exits 124 when its SIGTERM ended the agent, 137 when it had to SIGKILL: 137 alone may be a kill -9 by hand.
        var ran = rec?.StartedAt is { } started ? Now - started : TimeSpan.MaxValue;
        var timedOut = timeout > 0 && (exitCode == 124 || (exitCode == 137 && ran >= TimeSpan.FromSeconds(timeout)));
        var outcome = TurnOutcome.Decide(parse, exitCode, timedOut, timeout);
        // A run that failed before printing any event (bad flag, refused as root) explains itself on stderr.
        if (outcome.Status == SessionStatus.Failed && parse.Error is null && !timedOut && LastTextLine(Store.TurnFile(meta.Id, turn)) is { } said)
            outcome = outcome with { Error = $"{outcome.Error}: {said}" };
        return new TurnEnd(parse, exitCode, timedOut, outcome);
    }

    /// <summary>
    /// Writes the end of turn <paramref name="turn"/> into <paramref name="m"/>: usage, cost, agent session id, the
    /// conversation it added, and <paramref name="outcome"/>. Finalisation and kill both end a turn through here.
    /// </summary>
    private void RecordTurnEnd(SessionMeta m, int turn, TurnEnd end, TurnOutcome outcome)
    {
        var parse = end.Parse;
        var now = Now;
        var rec = m.TurnRecordFor(turn);
        var previous = m.Turns!.Where(t => t.Turn < turn && t.UsageReported is not null).OrderBy(t => t.Turn).LastOrDefault();
        var delta = new Dictionary<string, long>();
        foreach (var (k, v) in parse.Usage)
            delta[k] = parse.UsageIsCumulative && previous?.UsageReported is { } prev ? Math.Max(0, v - prev.GetValueOrDefault(k)) : v;
        if (!delta.ContainsKey("total_tokens") && (delta.ContainsKey("input_tokens") || delta.ContainsKey("output_tokens")))
            delta["total_tokens"] = delta.GetValueOrDefault("input_tokens") + delta.GetValueOrDefault("output_tokens");
        foreach (var (k, v) in delta) m.TokenUsage[k] = m.TokenUsage.GetValueOrDefault(k) + v;
        rec.Usage = delta;
        rec.UsageReported = parse.Usage.Count > 0 ? new Dictionary<string, long>(parse.Usage) : null;
        if (parse.CostUsd is { } cost)
        {
            var prevCost = m.Turns!.Where(t => t.Turn < turn && t.CostReported is not null).OrderBy(t => t.Turn).LastOrDefault()?.CostReported;
            rec.CostReported = cost;
            rec.CostUsd = parse.CostIsCumulative && prevCost is { } pc ? Math.Max(0, cost - pc) : cost;
            m.CostUsd = (m.CostUsd ?? 0) + rec.CostUsd;
        }
        if (parse.AgentSessionId is { } sid)
        {
            if (m.AgentSessionId is null) m.AgentSessionId = sid;
            else if (m.AgentSessionId != sid) m.AgentSessionIdLatest = sid;
        }
        AppendConversation(m, parse, turn, now);
        m.Status = outcome.Status;
        m.Error = outcome.Error;
        m.ExitCode = end.ExitCode;
        m.UpdatedAt = now;
        rec.ExitCode = end.ExitCode;
        rec.FinishedAt = now;
        rec.Status = outcome.Status.ToWire();
        rec.Error = outcome.Error;
        rec.TimedOut = end.TimedOut;
        rec.MalformedLines = parse.MalformedLines;
    }

    private static void AppendConversation(SessionMeta m, TurnParseResult parse, int turn, DateTimeOffset now)
    {
        var hasMessageSteps = parse.Steps.Any(s => s.Kind == StepKind.Message);
        foreach (var step in parse.Steps)
        {
            var summary = step.Kind switch
            {
                StepKind.Command => $"$ {step.Command ?? step.Text}" + (step.ExitCode is { } c ? $" (exit {c})" : ""),
                // A shell tool call (Claude's Bash) is summarised by its command, not by its raw JSON input.
                StepKind.ToolCall => $"{step.ToolName ?? "tool"}: {Truncate(step.Command ?? step.Text, 300)}",
                StepKind.FileChange => $"{step.ChangeKind ?? "edit"} {step.Path ?? step.Text}",
                _ => null,
            };
            if (summary is not null) m.Messages.Add(Message("tool", summary, turn, now));
            else if (step.Kind == StepKind.Message && hasMessageSteps) m.Messages.Add(Message("assistant", step.Text, turn, now));
        }
        if (!hasMessageSteps)
            foreach (var text in parse.AssistantMessages) m.Messages.Add(Message("assistant", text, turn, now));
    }

    /// <summary>
    /// Keeps of each step only what <see cref="AppendConversation"/> uses: tool outputs are dropped as soon as they are
    /// parsed and tool-call inputs cut short, so finalising a transcript of hundreds of MB takes bounded memory.
    /// </summary>
    internal sealed class ConversationSteps : ITurnParser
    {
        private const int ToolCallChars = 1000; // AppendConversation shows 300
        private readonly ITurnParser inner;
        private int _trimmed;

        public ConversationSteps(ITurnParser inner)
        {
            this.inner = inner;
            // Outputs are never decoded when the parser can skip them; the trimming below covers any other parser.
            (inner as IDropsOutputs)?.DropOutputs();
        }

        public TurnParseResult Result => inner.Result;

        public void Feed(ReadOnlySpan<byte> line)
        {
            inner.Feed(line);
            var steps = inner.Result.Steps;
            for (; _trimmed < steps.Count; _trimmed++)
            {
                var s = steps[_trimmed];
                if (s.Kind == StepKind.ToolOutput) steps[_trimmed] = s with { Text = "", Output = null };
                else if (s.Output is not null || (s.Kind == StepKind.ToolCall && s.Text.Length > ToolCallChars))
                    steps[_trimmed] = s with { Output = null, Text = s.Kind == StepKind.ToolCall && s.Text.Length > ToolCallChars ? s.Text[..ToolCallChars] : s.Text };
            }
        }
    }

    /// <summary>The last non-JSON line of a turn file (read from its tail only), e.g. an agent's stderr complaint.</summary>
    internal static string? LastTextLine(string path)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var len = (int)Math.Min(fs.Length, 8192);
            fs.Seek(-len, SeekOrigin.End);
            var buf = new byte[len];
            fs.ReadExactly(buf);
            var lines = System.Text.Encoding.UTF8.GetString(buf).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var line = lines.LastOrDefault(l => !l.StartsWith('{') && !l.StartsWith("Reading additional input from stdin", StringComparison.Ordinal));
            return line is null ? null : Truncate(line, 300);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    private int? ReadExitCode(string id, int turn)
    {
        var path = Store.Layout.ExitFile(id, turn);
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) ? c : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The trajectory of a session across turns, parsed streaming from the turn files.</summary>
    public async Task<IReadOnlyList<TrajectoryStep>> TrajectoryAsync(SessionMeta meta, CancellationToken ct = default)
    {
        var steps = new List<TrajectoryStep>();
        var adapter = Agents.Get(meta.Adapter);
        for (var t = 1; t <= meta.Turn; t++)
        {
            var parser = adapter.CreateParser(collectTrajectory: true);
            await TurnReader.ParseFileAsync(Store.TurnFile(meta.Id, t), parser, ct);
            steps.AddRange(parser.Result.Steps.Select(s => s with { Turn = t }));
        }
        return steps;
    }
}
