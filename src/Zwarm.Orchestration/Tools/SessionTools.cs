using System.ComponentModel;
using System.Text.Json.Nodes;
using Zwarm.Core;
using Zwarm.Core.Agents;
using Zwarm.Core.Events;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Orchestration.Telemetry;
using Zwarm.Core.Text;

namespace Zwarm.Orchestration.Tools;

/// <summary>
/// delegate, converse, check_session, peek_session, list_sessions, end_session: thin wrappers over <see cref="SessionManager"/>.
/// </summary>
internal sealed partial class SessionTools(ToolContext ctx)
{
    private const string SessionIdText = "session id or a unique prefix of it (8 characters are enough)";

    private SessionManager Manager => ctx.Manager;

    [Tool("delegate", Order = 1)]
    [Description("Start a coding-agent session in the background on a well-scoped, self-contained task; "
        + "returns at once with its session_id. The agent sees only the task text: include goal, files, constraints and how to verify.")]
    public async Task<ToolOutcome> DelegateAsync(
        [Description("complete instructions for the agent")] string task,
        [Description("which agent CLI (default from config, or inferred from model)"), Schema("""{"enum":@ADAPTERS@}""")]
        string? adapter = null,
        [Description("model name or alias (default from config)")] string? model = null,
        [Description("folder to work in, absolute or relative to the project "
            + "(must be inside the allowed directories; default the project)")]
        string? working_dir = null,
        [Description("worktree: the session works in its own git worktree and branch, so parallel sessions never edit the same files; "
            + "its changes are merged later by the user (default from config executor.isolation)")]
        [Schema("""{"enum":["none","worktree"]}""")]
        string? isolation = null,
        [Description("run on another machine over SSH: a host the user configured ([hosts.NAME]) "
            + "or auto (the least loaded with a free slot); working_dir is then a path on that host (default its dir). "
            + "Leave it out to run here")]
        string? host = null,
        CancellationToken ct = default)
    {
        adapter = adapter?.ToLowerInvariant();
        if (adapter is not null && !Manager.Agents.TryGet(adapter, out _))
            throw new ToolFailure(
                $"unknown adapter '{adapter}'",
                $"use one of: {string.Join(", ", Manager.Agents.Adapters.Select(x => x.Name))} (or leave adapter out)");
        if (host is not null && host != "auto" && !Manager.Config.Hosts.ContainsKey(host))
            throw new ToolFailure($"unknown host '{host}'", Manager.Config.Hosts.Count == 0
                ? "no host is configured: leave host out to run here"
                : $"use one of: {string.Join(", ", Manager.Config.Hosts.Keys.Order(StringComparer.Ordinal))}, or auto (or leave host out)");
        // On a host the working dir is a path there: allowed_dirs guard this machine's folders.
        var dir = host is null ? CheckWorkingDir(working_dir) : working_dir;
        bool? worktree = isolation?.ToLowerInvariant() switch
        {
            null or "" => null,
            "worktree" => true,
            "none" => false,
            var other => throw new ToolFailure($"unknown isolation '{other}'", "use none or worktree (or leave isolation out)"),
        };
        var mine = await ctx.MySessionsAsync(ct);
        CheckBudget(mine, "delegate");
        var active = mine.Count(m => m.Status is SessionStatus.Running or SessionStatus.Pending);
        var limit = Manager.Config.Orchestrator.ParallelDelegations;
        if (limit > 0 && active >= limit)
            throw new ToolFailure($"pool full: {active} of your sessions are running (orchestrator.parallel_delegations = {limit})",
                "wait: sleep, then check_session the ones that finish (or end_session one you no longer need) before delegating more");
        using var span = ZwarmTelemetry.StartSession(ctx.ActorId, adapter, model);
        SessionMeta meta;
        try
        {
            meta = await Manager.StartAsync(
                new StartRequest(task)
                {
                    Adapter = adapter, Model = model, WorkingDir = dir, Source = ctx.Source, Worktree = worktree, Host = host,
                },
                ct);
        }
        catch (ZwarmException ex)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            throw new ToolFailure(
                $"could not start the session: {ex.Message}",
                "fix the arguments (adapter, model, working_dir) or tell the user what is missing");
        }
        span?.SetTag("zwarm.session.id", meta.Id);
        span?.SetTag("zwarm.session.model", meta.Model);
        var o = Identity(meta);
        o["working_dir"] = meta.WorkingDir;
        if (meta.Host is { } on) o["host"] = on.Name;
        if (meta.Worktree is { } wt) o["branch"] = wt.Branch;
        if (meta.Status == SessionStatus.Pending)
            o["note"] = $"queued until a slot is free ({meta.QueuedReason ?? "executor.max_running"})";
        o["next"] = "the session works in the background: sleep, then peek_session or check_session";
        return ToolOutcome.Ok(o, $"started {meta.ShortId} ({meta.Adapter}/{meta.Model}, {meta.Status.ToWire()})");
    }

    [Tool("converse", Order = 2)]
    [Description("Send a follow-up message to a finished session (a new turn; the agent keeps its context). "
        + "Refused while the session is still running.")]
    public async Task<ToolOutcome> ConverseAsync(
        [Description(SessionIdText)] string session_id,
        [Description("the follow-up instruction or question")] string message,
        CancellationToken ct = default)
    {
        var before = await GetAsync(session_id, ct);
        CheckBudget(await ctx.MySessionsAsync(ct), "converse");
        SessionMeta meta;
        try
        {
            meta = await Manager.ContinueAsync(before.Id, message, ct);
        }
        catch (SessionRefusedException ex)
        {
            // Core says why; the advice is the orchestrator's own.
            throw new ToolFailure(ex.Why, ex.Reason switch
            {
                Refusal.Busy => "wait for it to finish (sleep, then check_session), then converse; or end_session it and delegate again",
                Refusal.Killed => "start a new session with delegate (include what the old one achieved)",
                _ => "its budget is spent: delegate a new session if the work must go on",
            });
        }
        catch (ZwarmException ex)
        {
            throw new ToolFailure(ex.Message, "check_session to see its state; delegate a new session if this one cannot continue");
        }
        var o = Identity(meta);
        o["turn"] = meta.Turn;
        o["next"] = "the new turn runs in the background: sleep, then check_session";
        return ToolOutcome.Ok(o, $"sent to {meta.ShortId} (turn {meta.Turn}, {meta.Status.ToWire()})");
    }

    [Tool("check_session", Order = 3)]
    [Description("Full status of a session: status, the agent's complete last reply, error, tokens, runtime. "
        + "Use it when a session has finished.")]
    public async Task<ToolOutcome> CheckAsync([Description(SessionIdText)] string session_id, CancellationToken ct = default)
    {
        var m = await GetAsync(session_id, ct);
        var reply = SessionFacts.CurrentTurnReply(m);
        var o = Identity(m);
        o["turn"] = m.Turn;
        o["task"] = TextCut.Cut(m.Task, 600);
        o["last_reply"] = reply;
        o["error"] = m.Error;
        o["exit_code"] = m.ExitCode;
        o["tokens"] = new JsonObject
        {
            ["input"] = m.TokenUsage.GetValueOrDefault("input_tokens"),
            ["output"] = m.TokenUsage.GetValueOrDefault("output_tokens"),
            ["total"] = m.TotalTokens,
        };
        o["runtime_seconds"] = Math.Round(Runtime(m).TotalSeconds, 1);
        o["working_dir"] = m.WorkingDir;
        if (m.Status is SessionStatus.Running or SessionStatus.Pending) o["next"] = "still working: sleep, then check again";
        ctx.MarkSeen(m);
        return ToolOutcome.Ok(o, $"{m.ShortId} {m.Status.ToWire()}" + (reply is null ? "" : $": {TextCut.OneLine(reply, 70)}"));
    }

    [Tool("peek_session", Order = 4)]
    [Description("Quick look at a session: status, the start of its last reply and its latest steps. Cheap; use it while a session runs.")]
    public async Task<ToolOutcome> PeekAsync([Description(SessionIdText)] string session_id, CancellationToken ct = default)
    {
        var m = await GetAsync(session_id, ct);
        var o = Identity(m);
        o["turn"] = m.Turn;
        o["runtime_seconds"] = Math.Round(Runtime(m).TotalSeconds, 1);
        o["reply_preview"] = SessionFacts.CurrentTurnReply(m) is { } r ? TextCut.Cut(r, 300) : null;
        if (m.Error is not null) o["error"] = TextCut.Cut(m.Error, 300);
        var steps = await Manager.TrajectoryAsync(m, ct);
        o["latest_steps"] = new JsonArray([.. steps.TakeLast(3).Select(s => (JsonNode)Text.StepLine(s, 120))]);
        o["needs_attention"] = ctx.NeedsAttention(m);
        return ToolOutcome.Ok(o, $"{m.ShortId} {m.Status.ToWire()} (turn {m.Turn}, {steps.Count} steps)");
    }

    [Tool("get_trajectory", Order = 5)]
    [Description("The steps a session took (reasoning, commands with exit codes, file changes, messages). Summarised unless full is true.")]
    public async Task<ToolOutcome> TrajectoryAsync(
        [Description(SessionIdText)] string session_id,
        [Description("untruncated steps (long)")] bool full = false,
        CancellationToken ct = default)
    {
        var m = await GetAsync(session_id, ct);
        var steps = await Manager.TrajectoryAsync(m, ct);
        var shown = full ? steps : steps.TakeLast(40).ToList();
        var budget = full ? 60_000 : 12_000;
        var list = new JsonArray();
        foreach (var s in shown)
        {
            var line = StepJson.ToJson(s, full ? 4000 : 200);
            budget -= line.ToJsonString().Length;
            if (budget < 0) break;
            list.Add((JsonNode)line);
        }
        var o = Identity(m);
        o["total_steps"] = steps.Count;
        o["omitted"] = steps.Count - list.Count;
        o["steps"] = list;
        return ToolOutcome.Ok(o, $"{m.ShortId}: {steps.Count} steps" + (list.Count < steps.Count ? $" ({list.Count} shown)" : ""));
    }

    [Tool("list_sessions", Order = 6)]
    [Description("All sessions with status, model, task and needs_attention (finished and not yet read with check_session).")]
    public async Task<ToolOutcome> ListAsync(
        [Description("only sessions with this status"), Schema("""{"enum":["pending","running","completed","failed","killed"]}""")]
        string? status = null,
        CancellationToken ct = default)
    {
        SessionStatus? filter = null;
        if (status is { } s)
            filter = SessionStatusExtensions.ParseWire(s)
                ?? throw new ToolFailure($"unknown status '{s}'", "use pending, running, completed, failed or killed, or leave status out");
        var all = (await Manager.ListAsync(ct)).Where(e => e.Meta is not null).Select(e => e.Meta!).ToList();
        var chosen = all.Where(m => filter is null || m.Status == filter)
            .OrderByDescending(m => m.Source == ctx.Source).ThenByDescending(m => m.UpdatedAt).Take(50).ToList();
        var conflicts = chosen.Any(m => m.Worktree is not null) ? await Manager.ConflictsAsync(all, ct) : [];
        var list = new JsonArray();
        foreach (var m in chosen)
        {
            var o = Identity(m);
            if (m.Worktree is { } wt)
            {
                o["branch"] = wt.Branch;
                if (m.MergedInto is { } into) o["merged_into"] = into;
                var (others, main) = Zwarm.Core.Isolation.Conflicts.For(m.Id, conflicts);
                if (others.Count > 0 || main)
                    o["conflicts"] = new JsonObject
                    {
                        ["with_sessions"] = new JsonArray(others.Select(x => (JsonNode?)x).ToArray()),
                        ["with_main"] = main,
                        ["files"] = new JsonArray(conflicts
                            .Where(c => c.Sessions.Contains(m.Id))
                            .Select(c => c.Path)
                            .Distinct()
                            .Select(x => (JsonNode?)x)
                            .ToArray()),
                    };
            }
            o["turn"] = m.Turn;
            o["task"] = TextCut.OneLine(m.Task, 100);
            o["tokens"] = m.TotalTokens;
            o["needs_attention"] = ctx.NeedsAttention(m);
            if (m.QueuedReason is not null) o["queued_reason"] = m.QueuedReason;
            if (m.RetryAt is { } retry) o["retry_at"] = retry.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            if (m.ErrorKind is not null) o["error_kind"] = m.ErrorKind;
            o["mine"] = m.Source == ctx.Source;
            list.Add((JsonNode)o);
        }
        var attention = chosen.Count(ctx.NeedsAttention);
        var counts = chosen.GroupBy(m => m.Status.ToWire()).Select(g => $"{g.Count()} {g.Key}");
        var summary = $"{chosen.Count} session{(chosen.Count == 1 ? "" : "s")}" + (chosen.Count > 0 ? $": {string.Join(", ", counts)}" : "")
            + (attention > 0 ? $" ({attention} need{(attention == 1 ? "s" : "")} attention)" : "");
        return ToolOutcome.Ok(new JsonObject { ["count"] = chosen.Count, ["needs_attention"] = attention, ["sessions"] = list }, summary);
    }

    [Tool("end_session", Order = 7)]
    [Description("Stop a session you started (kills it if running); delete: true also removes its record.")]
    public async Task<ToolOutcome> EndAsync(
        [Description(SessionIdText)] string session_id,
        [Description("why, for the record")] string? reason = null,
        [Description("also remove the session's folder")] bool delete = false,
        CancellationToken ct = default)
    {
        var m = await GetAsync(session_id, ct);
        if (ctx.Mode != OrchestratorMode.Pilot && m.Source != ctx.Source)
            throw new ToolFailure(
                $"session {m.ShortId} was not started by {(ctx.Mode == OrchestratorMode.Mcp ? "this client" : "this run")} " +
                $"(source {m.Source})",
                "you can only end sessions you delegated; leave the others alone");
        var killed = false;
        if (!m.Status.IsFinished())
        {
            m = (await Manager.KillAsync(m.Id, ct)).Session;
            killed = true;
        }
        if (delete) await Manager.DeleteAsync(m.Id, ct);
        var o = Identity(m);
        o["killed"] = killed;
        o["deleted"] = delete;
        if (reason is not null) o["reason"] = reason;
        var what = (killed, delete) switch
        {
            (true, true) => "killed and deleted", (true, false) => "killed", (false, true) => "deleted",
            _ => "already " + m.Status.ToWire(),
        };
        return ToolOutcome.Ok(o, $"{what} {m.ShortId}");
    }

    /// <summary>orchestrator.budget_usd: what this instance's sessions cost so far counts against it; beyond it, no new work.</summary>
    private void CheckBudget(IReadOnlyList<SessionMeta> mine, string what)
    {
        var budget = Manager.Config.Orchestrator.BudgetUsd;
        if (budget <= 0) return;
        var spent = mine.Sum(m => Manager.CostOf(m) ?? 0);
        if (spent < budget) return;
        var figures = $"your {mine.Count} session{(mine.Count == 1 ? "" : "s")} cost ${SessionManager.Usd(spent)} " +
            $"of a budget of ${SessionManager.Usd(budget)} (orchestrator.budget_usd)";
        if (!ctx.BudgetEventWritten)
        {
            ctx.BudgetEventWritten = true;
            Manager.RecordEvent(new ZwarmEvent
            {
                Event = EventNames.BudgetExceeded, Reason = $"orchestrator instance {ctx.ActorId}: {figures}; {what} refused",
                CostUsd = Math.Round(spent, 6),
            });
        }
        throw new ToolFailure($"budget exhausted: {figures}; {what} refused",
            "stop delegating: summarise what the sessions achieved and finish (exit), or ask the user to raise orchestrator.budget_usd");
    }

    private async Task<SessionMeta> GetAsync(string id, CancellationToken ct)
    {
        try
        {
            return await Manager.GetAsync(SessionIds.Validate(id), ct);
        }
        catch (ZwarmException ex)
        {
            throw new ToolFailure(ex.Message, "use list_sessions to see the session ids (a unique prefix is enough)");
        }
    }

    private string? CheckWorkingDir(string? requested)
    {
        // Without working_dir: the project, or the first allowed directory when the project itself is not allowed.
        if (requested is null)
            return ctx.IsAllowed(ctx.ProjectDir) ? null : CheckWorkingDir(ctx.AllowedDirs[0]);
        // Checked on the real path: a symlink inside the project that points elsewhere does not make elsewhere allowed.
        var full = Zwarm.Core.RealPath.Resolve(Path.Combine(ctx.ProjectDir, requested));
        if (!ctx.IsAllowed(full))
            throw new ToolFailure($"working_dir {full} is outside the allowed directories",
                $"use one of {string.Join(", ", ctx.AllowedDirs)} or a folder inside them (orchestrator.allowed_dirs)");
        if (!Directory.Exists(full))
            throw new ToolFailure(
                $"working_dir {full} does not exist", "choose an existing folder, or leave working_dir out to use the project directory");
        return full;
    }

    private TimeSpan Runtime(SessionMeta m) => SessionFacts.TurnRuntime(m, ctx.Time.GetLocalNow());

    internal static JsonObject Identity(SessionMeta m) => new()
    {
        ["session_id"] = m.Id,
        ["short_id"] = m.ShortId,
        ["status"] = m.Status.ToWire(),
        ["adapter"] = m.Adapter,
        ["model"] = m.Model,
    };
}
