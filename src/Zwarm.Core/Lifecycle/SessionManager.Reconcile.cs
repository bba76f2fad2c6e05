using System.Globalization;
using Zwarm.Core.Agents;
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
            if (m is null || m.Status != SessionStatus.Running || IsTurnAlive(m)) continue;
            var updated = await FinalizeTurnAsync(m.Id, m.Turn, unsavedOk: true, ct);
            if (updated is not null) entries[i] = entries[i] with { Meta = updated };
            changed = true;
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
        if (meta.Status == SessionStatus.Running && !IsTurnAlive(meta))
            meta = await FinalizeTurnAsync(meta.Id, meta.Turn, unsavedOk: true, ct) ?? meta;
        return meta;
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
        if (before.Status != SessionStatus.Running || before.Turn != turn) return null;
        var end = await ReadTurnEndAsync(before, turn, ct);
        if (end.TimedOut) await TerminateTaggedAsync(id, (await ConfigForAsync(before, ct)).Executor.KillGraceSeconds, ct);
        var checkpoint = await CheckpointAsync(before, turn, end.Parse.Reply, ct);
        try
        {
            return await Store.UpdateAsync(id, m =>
            {
                if (m.Status != SessionStatus.Running || m.Turn != turn) return false;
                RecordTurnEnd(m, turn, end, end.Outcome);
                RecordCheckpoint(m, m.TurnRecordFor(turn), checkpoint);
                return true;
            }, ct);
        }
        catch (StoreWriteException ex) when (unsavedOk)
        {
            WriteProblem = ex.Message;
            RecordTurnEnd(before, turn, end, end.Outcome);
            return before;
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
    internal sealed class ConversationSteps(ITurnParser inner) : ITurnParser
    {
        private const int ToolCallChars = 1000; // AppendConversation shows 300
        private int _trimmed;

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
        var path = Path.Combine(Store.SessionDir(id), "turns", $"turn_{turn}.exit");
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
