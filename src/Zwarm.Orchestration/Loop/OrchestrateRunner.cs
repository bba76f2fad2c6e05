using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Zwarm.Core;
using Zwarm.Core.Sessions;
using Zwarm.Orchestration.Llm;
using Zwarm.Orchestration.State;
using Zwarm.Orchestration.Telemetry;
using Zwarm.Orchestration.Watchers;
using Zwarm.Core.Text;

namespace Zwarm.Orchestration.Loop;

/// <summary>What to run: a new task, or a resumed instance (optionally with more instructions).</summary>
internal sealed record OrchestrateRequest
{
    public string? Task { get; init; }
    public int? MaxSteps { get; init; }
    public bool Resume { get; init; }
    public string? Instance { get; init; }
    public string? Name { get; init; }
}

/// <summary>
/// zwarm orchestrate: the LLM completes a task by delegating to sessions, up to max_steps, until exit(summary).
/// Exit codes: 0 completed, 1 aborted or failed, 3 paused or out of steps (resumable), 130 interrupted.
/// </summary>
internal sealed class OrchestrateRunner(OrchestratorServices services)
{
    public async Task<RunResult> RunAsync(OrchestrateRequest request, CancellationToken ct)
    {
        var config = services.Manager.Config.Orchestrator;
        var maxSteps = request.MaxSteps ?? config.MaxSteps;
        if (maxSteps <= 0) throw new ZwarmException("--max-steps must be at least 1", ExitCodes.Usage);
        var task = string.IsNullOrWhiteSpace(request.Task) ? null : request.Task.Trim();
        if (!request.Resume && task is null)
            throw new ZwarmException("no task: give it with --task, --task-file or on stdin", ExitCodes.Usage);

        var run = await RunContext.OpenAsync(
            services, OrchestratorMode.Orchestrate, request.Resume, request.Instance, request.Name, task, ct);
        var id = run.Instance.Id;
        var resumeHint = $"zwarm orchestrate --resume --instance {id}";
        using var span = ZwarmTelemetry.StartRun("orchestrate", id, run.Llm.Model);
        if (request.Resume)
        {
            var repaired = StepEngine.RepairDanglingCalls(run.State.Messages);
            run.State.Messages.Add(new ChatMessage(ChatRole.User, Prompts.Resumed(await run.SessionLinesAsync(ct), task)));
            await run.State.SaveAsync(ct);
            await run.State.EventAsync(
                "run_resumed", new JsonObject { ["step"] = run.State.Progress.Steps, ["repaired_calls"] = repaired, ["task"] = task }, ct);
        }
        else
        {
            run.State.Messages.AddRange([
                new ChatMessage(
                    ChatRole.System,
                    Prompts.Orchestrate(run.Tools.ProjectDir, run.Tools.AllowedDirs, config.ParallelDelegations, run.Project)),
                new ChatMessage(ChatRole.User, Prompts.Task(task!)),
            ]);
            await run.State.SaveAsync(ct);
            await run.State.EventAsync(
                "run_started", new JsonObject { ["mode"] = InstanceKinds.Orchestrate, ["task"] = task, ["model"] = run.Llm.Model }, ct);
        }
        run.Printer.Line($"zwarm orchestrate · instance {id}{(run.Instance.Name is { } n ? $" ({n})" : "")} · {run.Llm.Model} · "
            + $"up to {maxSteps} steps"
            + (request.Resume ? $" · resumed at step {run.State.Progress.Steps + 1}" : ""));

        var (status, summary, error) = await LoopAsync(run, maxSteps, ct);
        if (status == InstanceStatuses.Completed) await EndOrListSessionsAsync(run, config.OnExit);
        var code = status switch
        {
            InstanceStatuses.Completed => ExitCodes.Success,
            InstanceStatuses.Interrupted => ExitCodes.Interrupted,
            InstanceStatuses.Paused or InstanceStatuses.Stopped => ExitCodes.Paused,
            _ => ExitCodes.Failure,
        };
        StepEngine.RepairDanglingCalls(run.State.Messages);
        await run.State.CheckpointAsync($"S{run.State.Progress.Steps}", null, status, CancellationToken.None);
        await run.State.SaveAsync(CancellationToken.None);
        await run.State.EventAsync("run_finished", new JsonObject
        {
            ["status"] = status, ["step"] = run.State.Progress.Steps, ["summary"] = summary, ["error"] = error,
        }, CancellationToken.None);
        await run.UpdateRecordAsync(r =>
        {
            r.Status = status;
            r.Summary = summary ?? r.Summary;
            r.Error = error;
        });
        span?.SetTag("zwarm.status", status);
        if (status == InstanceStatuses.Failed && error is not null)
            throw new ZwarmException($"{error} (state saved; resume with: {resumeHint})");
        run.Printer.Line(status switch
        {
            InstanceStatuses.Completed => $"✓ done in {run.State.Progress.Steps} steps: {summary}",
            InstanceStatuses.Interrupted => $"interrupted at step {run.State.Progress.Steps}; state saved. Resume with: {resumeHint}",
            InstanceStatuses.Paused => $"⏸ paused: {summary}. Resume with: {resumeHint}",
            InstanceStatuses.Stopped => $"stopped: {summary}. Resume with: {resumeHint}",
            _ => $"✗ {status}: {error ?? summary}",
        });
        return new RunResult(id, status, summary, code);
    }

    /// <summary>At exit, the sessions this run started that still run are killed (on_exit = "kill") or listed (keep).</summary>
    private static async Task EndOrListSessionsAsync(RunContext run, string onExit)
    {
        var running = (await run.Tools.MySessionsAsync(CancellationToken.None)).Where(m => !m.Status.IsFinished()).ToList();
        if (running.Count == 0) return;
        if (onExit == "kill")
        {
            foreach (var m in running)
            {
                var killed = await run.Tools.Manager.KillAsync(m.Id, CancellationToken.None);
                run.Printer.Line($"  killed {m.ShortId} (orchestrator.on_exit = \"kill\"){(killed.Killed ? "" : $": {killed.Note}")}");
            }
            return;
        }
        run.Printer.Line(running.Count == 1
            ? "1 session it started is still running (orchestrator.on_exit = \"keep\"):"
            : $"{running.Count} sessions it started are still running (orchestrator.on_exit = \"keep\"):");
        foreach (var m in running)
            run.Printer.Line($"  {m.ShortId}  {m.Status.ToWire()}  {TextCut.OneLine(m.Task, 60)}  · stop it with: zwarm kill {m.ShortId}");
    }

    private static async Task<(string Status, string? Summary, string? Error)> LoopAsync(RunContext run, int maxSteps, CancellationToken ct)
    {
        var textOnly = 0;
        try
        {
            for (var steps = 0; ; steps++)
            {
                if (steps >= maxSteps) return (InstanceStatuses.Stopped, $"reached the step limit ({maxSteps}) without exit", null);
                var r = await run.Engine.StepAsync(steps, maxSteps, ct);
                if (r.Stopped)
                {
                    var why = $"watcher {r.StopBy}: {r.StopMessage}";
                    return r.Stop == WatcherAction.Abort
                        ? (InstanceStatuses.Aborted, null, $"aborted by {why}")
                        : (InstanceStatuses.Paused, $"paused by {why}", null);
                }
                await run.UpdateRecordAsync();
                if (r.ExitSummary is not null) return (InstanceStatuses.Completed, r.ExitSummary, null);
                if (r.Calls > 0)
                {
                    textOnly = 0;
                    continue;
                }
                if (r.Text is not null) run.Printer.Line($"  … {TextCut.OneLine(r.Text, 300)}");
                // Twice in a row a text answer and no call: the model considers itself done.
                if (++textOnly >= 2) return (InstanceStatuses.Completed, r.Text ?? "(no summary)", null);
                run.State.Messages.Add(new ChatMessage(ChatRole.User, Prompts.NoToolCall));
                await run.State.SaveAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return (InstanceStatuses.Interrupted, null, null);
        }
        catch (LlmException ex)
        {
            return (InstanceStatuses.Failed, null, ex.Message);
        }
    }
}
