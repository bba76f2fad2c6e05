using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;

namespace Zwarm.Orchestration.Tools;

/// <summary>wait_for_sessions: block until given sessions finish, reporting progress while waiting.</summary>
internal sealed partial class SessionTools
{
    /// <summary>Most seconds one wait may last.</summary>
    public const int MaxWaitSeconds = 300;

    /// <summary>How long a wait lasts when timeout_seconds is not given.</summary>
    public const int DefaultWaitSeconds = 60;

    // A progress notification at least this often, so a client sees the wait is alive.
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);

    [Tool("wait_for_sessions", Order = 9, Modes = ToolModes.Mcp)]
    [Description("Wait until the given sessions finish (or the first of them with any: true), "
        + "at most timeout_seconds (1 to 300, default 60); "
        + "returns as soon as they do, with each session's status and the start of its last reply.")]
    public async Task<ToolOutcome> WaitAsync(
        [Description("session ids or unique prefixes"), Schema("""{"minItems":1}""")] IReadOnlyList<string> session_ids,
        [Description("return when the first of them finishes (default: when all have)")] bool any = false,
        [Description("most seconds to wait, 1 to 300 (default 60)"), Schema("""{"minimum":1,"maximum":300}""")]
        double? timeout_seconds = null,
        ToolProgressSink? progress = null,
        CancellationToken ct = default)
    {
        var requested = session_ids;
        if (requested.Count == 0)
            throw new ToolFailure(
                "missing argument 'session_ids'",
                $"call {ToolCatalog.Signature("wait_for_sessions")} with a list of session ids (list_sessions shows them)");
        var timeout = timeout_seconds ?? DefaultWaitSeconds;
        if (double.IsNaN(timeout) || timeout < 1 || timeout > MaxWaitSeconds)
            throw new ToolFailure(
                $"timeout_seconds must be between 1 and {MaxWaitSeconds}, got {timeout.ToString(CultureInfo.InvariantCulture)}",
                $"wait in chunks of at most {MaxWaitSeconds} s and peek_session in between");
        var ids = new List<string>();
        foreach (var id in requested)
        {
            var m = await GetAsync(id, ct);
            if (!ids.Contains(m.Id)) ids.Add(m.Id);
        }

        var start = ctx.Time.GetTimestamp();
        var lastReport = TimeSpan.MinValue;
        var lastDone = -1;
        List<SessionMeta> metas;
        bool timedOut;
        while (true)
        {
            metas = [];
            foreach (var id in ids) metas.Add(await Manager.GetAsync(id, ct));
            var done = metas.Count(m => m.Status.IsFinished());
            var elapsed = ctx.Time.GetElapsedTime(start);
            var finished = done == metas.Count || (any && done > 0);
            timedOut = !finished && elapsed.TotalSeconds >= timeout;
            if (progress is not null && !finished && !timedOut && (done != lastDone || elapsed - lastReport >= Heartbeat))
            {
                await progress.Report(new ToolProgress(Math.Round(elapsed.TotalSeconds, 1), timeout, Progress(metas, done, elapsed)), ct);
                lastReport = elapsed;
                lastDone = done;
            }
            if (finished || timedOut) break;
            var left = TimeSpan.FromSeconds(timeout) - elapsed;
            await Task.Delay(left < ctx.SleepPoll ? left : ctx.SleepPoll, ctx.Time, ct);
        }

        var waited = Math.Round(ctx.Time.GetElapsedTime(start).TotalSeconds, 1);
        var list = new JsonArray();
        foreach (var m in metas)
        {
            var o = Identity(m);
            o["turn"] = m.Turn;
            o["reply_preview"] = m.Status.IsFinished() && SessionFacts.CurrentTurnReply(m) is { } r ? TextCut.Cut(r, 300) : null;
            if (m.Error is not null) o["error"] = TextCut.Cut(m.Error, 300);
            list.Add((JsonNode)o);
        }
        var doneCount = metas.Count(m => m.Status.IsFinished());
        var result = new JsonObject
        {
            ["timed_out"] = timedOut,
            ["waited_seconds"] = waited,
            ["finished"] = doneCount,
            ["running"] = metas.Count - doneCount,
            ["sessions"] = list,
            ["next"] = timedOut ? "still working: wait_for_sessions again, or peek_session to see what they do"
                : "check_session each finished session for its full reply",
        };
        var what = string.Join(", ", metas.Select(m => $"{m.ShortId} {m.Status.ToWire()}"));
        return ToolOutcome.Ok(
            result, (timedOut ? $"timed out after {waited.ToString("0.#", CultureInfo.InvariantCulture)}s: " : "") + what);
    }

    private static string Progress(List<SessionMeta> metas, int done, TimeSpan elapsed)
    {
        var waiting = metas.Where(m => !m.Status.IsFinished()).Select(m => $"{m.ShortId} {m.Status.ToWire()}");
        return $"{done} of {metas.Count} finished after {elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s; " +
            $"waiting on {string.Join(", ", waiting)}";
    }
}
