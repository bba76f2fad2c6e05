using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Zwarm.Core.Config;
using Zwarm.Orchestration.Context;
using Zwarm.Orchestration.Llm;
using Zwarm.Orchestration.State;
using Zwarm.Orchestration.Tools;
using Zwarm.Orchestration.Watchers;
using Zwarm.Core.Text;

namespace Zwarm.Orchestration.Loop;

/// <summary>How a step ended.</summary>
internal sealed record StepResult(
    int Step, int Calls, string? Text, string? ExitSummary, WatcherAction Stop = WatcherAction.Continue, string? StopBy = null,
    string? StopMessage = null)
{
    /// <summary>True when a watcher paused or aborted before the model was called.</summary>
    public bool Stopped => Stop is WatcherAction.Pause or WatcherAction.Abort;
}

/// <summary>
/// One step of the loop shared by orchestrate and pilot: watchers, compaction, one LLM call, then every tool call it
/// asked for, in order. The state is saved after the model's answer and after every tool result.
/// </summary>
internal sealed class StepEngine(
    LlmCaller llm, ToolRunner tools, WatcherSet watchers, OrchestratorConfig config, string watcherRole, StepPrinter printer)
{
    private readonly List<ToolCallRecord> _calls = [];
    private readonly ChatOptions _options = new()
    {
        Tools = ToolCatalog.Declarations(tools.Context.Mode), ToolMode = ChatToolMode.Auto, AllowMultipleToolCalls = true,
    };
    private int _watchedUpTo = tools.Context.State?.Messages.Count ?? 0;
    private int _finishedCount = -1;
    private int _lastFinishStep = tools.Context.State?.Progress.Steps ?? 0;

    private InstanceState State => tools.Context.State ?? throw new InvalidOperationException("the step engine drives an instance");

    /// <summary>Every tool call made through this engine.</summary>
    public IReadOnlyList<ToolCallRecord> Calls => _calls;

    /// <summary>Runs watchers, then one model call and its tool calls.</summary>
    public async Task<StepResult> StepAsync(int stepsThisRun, int maxSteps, CancellationToken ct)
    {
        var step = State.Progress.Steps + 1;
        var stop = await WatchAsync(step, stepsThisRun, maxSteps, ct);
        if (stop is not null) return stop;
        await CompactIfNeededAsync(step, ct);

        var response = await llm.GetResponseAsync(State.Messages, _options, ct);
        Account(response.Usage);
        var assistant = MessageCodec.Assistant(response);
        State.Messages.Add(assistant);
        State.Progress.Steps = step;
        await State.SaveAsync(CancellationToken.None);
        var calls = assistant.Contents.OfType<FunctionCallContent>().ToList();
        var text = assistant.Text;
        var reasoning = string.Concat(assistant.Contents.OfType<TextReasoningContent>().Select(r => r.Text));
        if (State.Progress.ShowReasoning && reasoning.Length > 0) printer.Reasoning(reasoning);
        if (calls.Count > 0 && text.Length > 0) printer.Thought(text);
        await State.EventAsync("llm_call", new JsonObject
        {
            ["step"] = step, ["tool_calls"] = calls.Count, ["text"] = TextCut.Cut(text, 500),
            ["input_tokens"] = response.Usage?.InputTokenCount, ["output_tokens"] = response.Usage?.OutputTokenCount,
        }, CancellationToken.None);

        foreach (var call in calls)
        {
            printer.Call(step, call);
            var outcome = await tools.RunAsync(call, ct);
            State.Messages.Add(MessageCodec.ToolResult(call.CallId, outcome.Text));
            await State.SaveAsync(CancellationToken.None);
            printer.Result(outcome.Short);
            var args = MessageCodec.ArgumentsJson(call.Arguments);
            _calls.Add(new ToolCallRecord(step, call.Name, args, outcome.Success, outcome.Short, outcome.Text));
            await State.EventAsync("tool_call", new JsonObject
            {
                ["step"] = step, ["call_id"] = call.CallId, ["tool"] = call.Name, ["args"] = JsonNode.Parse(args),
                ["success"] = outcome.Success, ["result"] = outcome.Short,
            }, CancellationToken.None);
        }
        return new StepResult(step, calls.Count, text.Length > 0 ? text : null, tools.Context.ExitSummary);
    }

    /// <summary>Adds a result to every tool call that has none (a run stopped between a call and its result).</summary>
    public static int RepairDanglingCalls(List<ChatMessage> messages)
    {
        var answered = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.CallId).ToHashSet();
        var repaired = 0;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role != ChatRole.Assistant) continue;
            var insertAt = i + 1;
            while (insertAt < messages.Count && messages[insertAt].Role == ChatRole.Tool) insertAt++;
            foreach (var call in messages[i].Contents.OfType<FunctionCallContent>().Where(c => !answered.Contains(c.CallId)).Reverse())
            {
                var result = ToolOutcome.Fail(
                    "the run stopped before this call finished", "check the sessions with list_sessions before repeating it");
                messages.Insert(insertAt, MessageCodec.ToolResult(call.CallId, result.Text));
                repaired++;
            }
        }
        return repaired;
    }

    private async Task<StepResult?> WatchAsync(int step, int stepsThisRun, int maxSteps, CancellationToken ct)
    {
        if (watchers.Watchers.Count == 0) return null;
        var fresh = State.Messages.Skip(Math.Min(_watchedUpTo, State.Messages.Count)).ToList();
        var ctx = new WatchContext
        {
            Step = step, StepsThisRun = stepsThisRun, MaxSteps = maxSteps, Calls = _calls, NewMessages = fresh, Tools = tools.Context,
            LastFinishStep = _lastFinishStep, LlmTokens = State.Progress.InputTokens + State.Progress.OutputTokens,
        };
        var finished = (await ctx.SessionsAsync(ct)).Count(m => Zwarm.Core.Sessions.SessionStatusExtensions.IsFinished(m.Status));
        if (_finishedCount >= 0 && finished > _finishedCount) _lastFinishStep = step - 1;
        _finishedCount = finished;
        var outcome = await watchers.RunAsync(ctx, ct);
        _watchedUpTo = State.Messages.Count;
        foreach (var (name, verdict) in outcome.Verdicts)
        {
            var action = verdict.Action.ToString().ToLowerInvariant();
            printer.Watcher(name, action, verdict.Message ?? "");
            await State.EventAsync(
                "watcher",
                new JsonObject { ["step"] = step, ["watcher"] = name, ["action"] = action, ["message"] = verdict.Message },
                CancellationToken.None);
            if (verdict.Action == WatcherAction.Nudge)
                State.Messages.Add(new ChatMessage(
                    watcherRole == "system" ? ChatRole.System : ChatRole.User, $"[WATCHER: {name}] {verdict.Message}"));
        }
        _watchedUpTo = State.Messages.Count;
        if (outcome.Stopper is { } s)
        {
            await State.SaveAsync(CancellationToken.None);
            return new StepResult(step, 0, null, null, s.Verdict.Action, s.Name, s.Verdict.Message);
        }
        return null;
    }

    private async Task CompactIfNeededAsync(int step, CancellationToken ct)
    {
        var result = Compactor.Compact(State.Messages, config.Compaction);
        if (result is null) return;
        State.ReplaceMessages(result.Messages);
        _watchedUpTo = State.Messages.Count;
        printer.Note($"context compacted: {result.Removed} messages removed (~{result.TokensBefore:N0} → ~{result.TokensAfter:N0} tokens)");
        await State.EventAsync("compaction", new JsonObject
        {
            ["step"] = step, ["removed"] = result.Removed, ["tokens_before"] = result.TokensBefore, ["tokens_after"] = result.TokensAfter,
        }, ct);
        await State.SaveAsync(ct);
    }

    private void Account(UsageDetails? usage)
    {
        var p = State.Progress;
        p.LlmCalls++;
        if (usage is null) return;
        p.InputTokens += usage.InputTokenCount ?? 0;
        p.OutputTokens += usage.OutputTokenCount ?? 0;
        p.CachedInputTokens += usage.CachedInputTokenCount ?? 0;
        if (usage.InputTokenCount is { } input) p.LastInputTokens = input;
    }
}
