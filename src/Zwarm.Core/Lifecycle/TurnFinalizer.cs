using System.Globalization;
using Zwarm.Core.Agents;
using Zwarm.Core.Events;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;

namespace Zwarm.Core.Lifecycle;

/// <summary>What a finished turn left: its parsed output, exit code and the outcome decided from them.</summary>
internal sealed record TurnEnd(TurnParseResult Parse, int? ExitCode, bool TimedOut, TurnOutcome Outcome);

/// <summary>
/// The end of a turn: parses its turn file and exit code into an outcome, and writes it into the session — the
/// conversation it added, usage and cost as per-turn deltas (never double counted), the agent session id, the status —
/// with the event that says how it ended. Finalisation and kill both end a turn through here.
/// </summary>
internal sealed class TurnFinalizer(SessionManager sessions)
{
    private FileSessionStore Store => sessions.Store;
    private DateTimeOffset Now => sessions.Now;

    /// <summary>
    /// Records the end of a turn: exit code, parsed reply/tool summaries, usage (per-turn, never double counted),
    /// agent session id and the final status. Idempotent: does nothing unless the session is running that turn.
    /// A timed-out turn leaves no process tagged with the session alive. With <paramref name="unsavedOk"/> (reads), a
    /// store that cannot be written (read-only, full) gives the session finalised in memory and
    /// <see cref="SessionManager.WriteProblem"/> says why.
    /// </summary>
    public async Task<SessionMeta?> FinalizeAsync(string id, int turn, bool unsavedOk, CancellationToken ct)
    {
        var before = await Store.GetAsync(id, ct);
        // A session marked lost with its host is finalised for real once its turn's end arrived.
        var lost = sessions.Hosts.LostButOver(before);
        if ((before.Status != SessionStatus.Running && !lost) || before.Turn != turn) return null;
        var end = await ReadTurnEndAsync(before, turn, ct);
        if (end.TimedOut && before.Host is null)
        {
            var grace = (await sessions.Settings.ForAsync(before, ct)).Executor.KillGraceSeconds;
            await sessions.Terminator.TerminateTaggedAsync(id, grace, ct);
        }
        var checkpoint = await sessions.Isolation.CheckpointAsync(before, turn, end.Parse.Reply, ct);
        var rateLimited = end.Outcome.Status == SessionStatus.Failed && end.Parse.RateLimited && !end.TimedOut;
        DateTimeOffset? retryAt = rateLimited
            ? sessions.RateLimits.RetryTime(end.Parse, Store.TurnFile(id, turn), before.RateLimitRetries, Now)
            : null;
        var park = rateLimited && sessions.Config.Executor.OnRateLimit == "wait";
        var costBefore = sessions.Budget.CostOf(before);
        var tokensBefore = before.TotalTokens;
        var applied = false;
        try
        {
            var after = await Store.UpdateAsync(id, m =>
            {
                var lostHere = lost && m.ErrorKind == HostTurns.UnreachableKind;
                if ((m.Status != SessionStatus.Running && !lostHere) || m.Turn != turn) return false;
                applied = true;
                RecordTurnEnd(m, turn, end, end.Outcome);
                WorktreeIsolation.RecordCheckpoint(m, m.TurnRecordFor(turn), checkpoint);
                sessions.RateLimits.Mark(m, turn, rateLimited, retryAt, park);
                return true;
            },
            // The event is written before the lock is let go: `wait` (and spawn --wait) settle on the lock, so a
            // script that waited for the session finds the event saying how its turn ended.
            m => RecordFinish(m, end.Outcome, end.TimedOut, rateLimited, park), ct);
            if (!applied) return after;
            sessions.Budget.RecordCrossing(after, costBefore, tokensBefore);
            if (park) sessions.RateLimits.ScheduleWake(after.RetryAt!.Value);
            return after;
        }
        catch (StoreWriteException ex) when (unsavedOk)
        {
            sessions.WriteProblem = ex.Message;
            RecordTurnEnd(before, turn, end, end.Outcome);
            return before;
        }
    }

    private void RecordFinish(SessionMeta m, TurnOutcome outcome, bool timedOut, bool rateLimited, bool parked)
    {
        if (rateLimited)
        {
            var until = m.RetryAt is { } r ? $"until {SessionManager.Clock(r)}" : "";
            sessions.RecordEvent(m, EventNames.RateLimited, parked
                ? $"rate limited {until}, will retry: {m.Error}"
                : $"rate limited {until} (executor.on_rate_limit = fail): {m.Error}");
        }
        else if (timedOut) sessions.RecordEvent(m, EventNames.TimedOut, outcome.Error);
        else sessions.RecordEvent(m, outcome.Status == SessionStatus.Completed ? EventNames.Completed : EventNames.Failed, outcome.Error);
    }

    /// <summary>Parses turn <paramref name="turn"/>'s file and exit code and decides its outcome.</summary>
    public async Task<TurnEnd> ReadTurnEndAsync(SessionMeta meta, int turn, CancellationToken ct)
    {
        var adapter = sessions.Agents.Get(meta.Adapter);
        var parser = new ConversationSteps(adapter.CreateParser(collectTrajectory: true));
        await TurnReader.ParseFileAsync(Store.TurnFile(meta.Id, turn), parser, ct);
        var parse = parser.Result;
        var exitCode = ReadExitCode(meta.Id, turn);
        var rec = meta.Turns?.Find(t => t.Turn == turn);
        // The limit the turn was started with (recorded at launch), not whatever the finalising process was given.
        var timeout = rec?.TimeoutSeconds ?? (await sessions.Settings.ForAsync(meta, ct)).Executor.TimeoutSeconds;
        // timeout(1) exits 124 when its SIGTERM ended the agent, 137 when it had to SIGKILL: 137 alone may be a kill -9 by hand.
        var ran = rec?.StartedAt is { } started ? Now - started : TimeSpan.MaxValue;
        var timedOut = timeout > 0 && (exitCode == 124 || (exitCode == 137 && ran >= TimeSpan.FromSeconds(timeout)));
        var outcome = TurnOutcome.Decide(parse, exitCode, timedOut, timeout);
        // A run that failed before printing any event (bad flag, refused as root) explains itself on stderr.
        if (outcome.Status == SessionStatus.Failed && parse.Error is null && !timedOut
            && LastTextLine(Store.TurnFile(meta.Id, turn)) is { } said)
            outcome = outcome with { Error = $"{outcome.Error}: {said}" };
        return new TurnEnd(parse, exitCode, timedOut, outcome);
    }

    /// <summary>
    /// Writes the end of turn <paramref name="turn"/> into <paramref name="m"/>: usage, cost, agent session id, the
    /// conversation it added, and <paramref name="outcome"/>. Finalisation and kill both end a turn through here.
    /// </summary>
    public void RecordTurnEnd(SessionMeta m, int turn, TurnEnd end, TurnOutcome outcome)
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
            var prevCost = m.Turns!.Where(t => t.Turn < turn && t.CostReported is not null).OrderBy(t => t.Turn).LastOrDefault()
                ?.CostReported;
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
                StepKind.ToolCall =>
                    $"{step.ToolName ?? "tool"}: {TextCut.Cut(step.Command ?? step.Text, ConversationSteps.ToolCallShown)}",
                StepKind.FileChange => $"{step.ChangeKind ?? "edit"} {step.Path ?? step.Text}",
                _ => null,
            };
            if (summary is not null) m.Messages.Add(SessionManager.Message("tool", summary, turn, now));
            else if (step.Kind == StepKind.Message && hasMessageSteps)
                m.Messages.Add(SessionManager.Message("assistant", step.Text, turn, now));
        }
        if (!hasMessageSteps)
            foreach (var text in parse.AssistantMessages) m.Messages.Add(SessionManager.Message("assistant", text, turn, now));
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
            var lines = System.Text.Encoding.UTF8.GetString(buf)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var line = lines.LastOrDefault(l => !l.StartsWith('{')
                && !l.StartsWith("Reading additional input from stdin", StringComparison.Ordinal));
            return line is null ? null : TextCut.Cut(line, 300);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The exit code the turn's wrapper recorded; null while it runs, or when it died before writing one.</summary>
    public int? ReadExitCode(string id, int turn)
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
}
