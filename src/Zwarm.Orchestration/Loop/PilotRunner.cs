using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Zwarm.Core;
using Zwarm.Orchestration.Llm;
using Zwarm.Orchestration.State;
using Zwarm.Orchestration.Telemetry;
using Zwarm.Orchestration.Watchers;
using Zwarm.Core.Text;

namespace Zwarm.Orchestration.Loop;

/// <summary>A new pilot conversation (optionally with a first message) or a resumed one.</summary>
internal sealed record PilotRequest
{
    public string? Task { get; init; }
    public bool Resume { get; init; }
    public string? Instance { get; init; }
    public string? Name { get; init; }
}

/// <summary>
/// zwarm pilot: a person talks, the LLM acts (up to max_steps_per_turn steps per turn, ending at its text reply).
/// A checkpoint T1, T2, … is saved after every turn; :goto returns to one, and the next turn branches from there.
/// </summary>
internal sealed partial class PilotRunner(OrchestratorServices services, TextReader input)
{
    // Piped input is echoed after the prompt, so a transcript reads like a conversation.
    private readonly bool _echo = !ReferenceEquals(input, Console.In) || Console.IsInputRedirected;
    private RunContext _run = null!;
    private bool _quit;
    private string _status = InstanceStatuses.Stopped;

    public async Task<RunResult> RunAsync(PilotRequest request, CancellationToken ct)
    {
        _run = await RunContext.OpenAsync(
            services, OrchestratorMode.Pilot, request.Resume, request.Instance, request.Name, request.Task, ct);
        var config = services.Manager.Config.Orchestrator;
        using var span = ZwarmTelemetry.StartRun("pilot", _run.Instance.Id, _run.Llm.Model);
        if (request.Resume)
        {
            var repaired = StepEngine.RepairDanglingCalls(_run.State.Messages);
            await _run.State.EventAsync(
                "run_resumed", new JsonObject { ["checkpoint"] = _run.State.Progress.Checkpoint, ["repaired_calls"] = repaired }, ct);
        }
        else
        {
            _run.State.Messages.Add(new ChatMessage(
                ChatRole.System, Prompts.Pilot(_run.Tools.ProjectDir, _run.Tools.AllowedDirs, config.ParallelDelegations, _run.Project)));
            await _run.State.CheckpointAsync("root", null, "start", ct);
            await _run.State.SaveAsync(ct);
            await _run.State.EventAsync("run_started", new JsonObject { ["mode"] = InstanceKinds.Pilot, ["model"] = _run.Llm.Model }, ct);
        }
        var p = _run.Printer;
        p.Line($"zwarm pilot · instance {_run.Instance.Id}{(_run.Instance.Name is { } n ? $" ({n})" : "")} · {_run.Llm.Model} · "
            + ":help for commands, :quit to leave");
        if (request.Resume) p.Line($"resumed at {_run.State.Progress.Checkpoint ?? "root"} ({_run.State.Progress.Turns} turns so far)");
        try
        {
            if (!string.IsNullOrWhiteSpace(request.Task)) await TurnAsync(request.Task.Trim(), ct);
            while (!_quit)
            {
                p.Out.Write("you> ");
                p.Out.Flush();
                var line = await ReadInputAsync(ct);
                if (line is null) break;
                if (_echo) p.Line(line);
                if (line.Trim().Length == 0) continue;
                if (line.TrimStart().StartsWith(':')) await CommandAsync(line.Trim(), ct);
                else await TurnAsync(line, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _status = InstanceStatuses.Interrupted;
            p.Line("");
        }
        await SaveAsync(_status);
        span?.SetTag("zwarm.status", _status);
        p.Line($"saved instance {_run.Instance.Id} at {_run.State.Progress.Checkpoint ?? "root"}; "
            + $"resume with: zwarm pilot --resume --instance {_run.Instance.Id}");
        return new RunResult(_run.Instance.Id, _status, null, _status switch
        {
            InstanceStatuses.Interrupted => ExitCodes.Interrupted,
            InstanceStatuses.Aborted => ExitCodes.Failure,
            _ => ExitCodes.Success,
        });
    }

    /// <summary>One user turn: the LLM acts until it answers with text (or the per-turn step limit).</summary>
    private async Task TurnAsync(string text, CancellationToken ct)
    {
        var state = _run.State;
        var before = state.Messages.ToList();
        var maxSteps = services.Manager.Config.Orchestrator.MaxStepsPerTurn;
        state.Messages.Add(new ChatMessage(ChatRole.User, text));
        await state.EventAsync("user_message", new JsonObject { ["text"] = TextCut.Cut(text, 2000) }, ct);
        string? reply = null;
        try
        {
            for (var steps = 0; ; steps++)
            {
                if (steps >= maxSteps)
                {
                    _run.Printer.Line(
                        $"(stopped after {maxSteps} steps this turn, orchestrator.max_steps_per_turn; say \"continue\" to go on)");
                    break;
                }
                var r = await _run.Engine.StepAsync(steps, maxSteps, ct);
                if (r.Stopped)
                {
                    _run.Printer.Line(r.Stop == WatcherAction.Abort
                        ? $"✗ aborted by watcher {r.StopBy}: {r.StopMessage}"
                        : $"⏸ paused by watcher {r.StopBy}: {r.StopMessage}; say how to go on");
                    if (r.Stop == WatcherAction.Abort)
                    {
                        _status = InstanceStatuses.Aborted;
                        _quit = true;
                    }
                    break;
                }
                if (r.Calls > 0) continue;
                reply = r.Text ?? "(no reply)";
                _run.Printer.Line("");
                _run.Printer.Line(reply);
                _run.Printer.Line("");
                break;
            }
        }
        catch (LlmException ex)
        {
            state.ReplaceMessages(before);
            await state.SaveAsync(CancellationToken.None);
            await state.EventAsync("llm_error", new JsonObject { ["error"] = ex.Message }, CancellationToken.None);
            _run.Printer.Line($"✗ {ex.Message} (this turn was not kept; try again, or :quit)");
            return;
        }
        state.Progress.Turns++;
        var label = $"T{state.Progress.Turns}";
        var parent = state.Progress.Checkpoint;
        await state.CheckpointAsync(label, parent, TextCut.OneLine(text, 200), CancellationToken.None);
        await state.SaveAsync(CancellationToken.None);
        await state.EventAsync(
            "turn", new JsonObject { ["turn"] = label, ["parent"] = parent, ["reply"] = TextCut.Cut(reply, 2000) }, CancellationToken.None);
        await _run.UpdateRecordAsync();
        _run.Printer.Line($"(checkpoint {label})");
    }

    /// <summary>One line, or several between lines of three double quotes.</summary>
    private async Task<string?> ReadInputAsync(CancellationToken ct)
    {
        var line = await ReadLineAsync(ct);
        if (line is null || !line.TrimStart().StartsWith("\"\"\"", StringComparison.Ordinal)) return line;
        var first = line.TrimStart()[3..];
        if (first.EndsWith("\"\"\"", StringComparison.Ordinal) && first.Length >= 3) return first[..^3];
        var sb = new StringBuilder();
        if (first.Length > 0) sb.AppendLine(first);
        while (await ReadLineAsync(ct) is { } next)
        {
            if (next.TrimEnd().EndsWith("\"\"\"", StringComparison.Ordinal))
            {
                sb.Append(next.TrimEnd()[..^3]);
                break;
            }
            sb.AppendLine(next);
        }
        return sb.ToString().TrimEnd();
    }

    // The console's ReadLine blocks and ignores the token: wait on it from the side so Ctrl+C is not stuck behind it.
    private Task<string?> ReadLineAsync(CancellationToken ct) => ReferenceEquals(input, Console.In)
        ? Task.Run(input.ReadLine, CancellationToken.None).WaitAsync(ct)
        : input.ReadLineAsync(ct).AsTask();

    private async Task SaveAsync(string status)
    {
        StepEngine.RepairDanglingCalls(_run.State.Messages);
        await _run.State.SaveAsync(CancellationToken.None);
        await _run.State.EventAsync(
            "saved", new JsonObject { ["status"] = status, ["checkpoint"] = _run.State.Progress.Checkpoint }, CancellationToken.None);
        await _run.UpdateRecordAsync(r => r.Status = status);
    }
}
