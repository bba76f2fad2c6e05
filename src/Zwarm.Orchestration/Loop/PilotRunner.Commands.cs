using System.Globalization;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Sessions;
using Zwarm.Orchestration.Context;
using Zwarm.Orchestration.State;
using Zwarm.Core.Text;

namespace Zwarm.Orchestration.Loop;

internal sealed partial class PilotRunner
{
    private const string Help = """
        :help            this list
        :status          instance, tokens, context window, estimated cost, sessions
        :history         the checkpoints (T1, T2, …); * marks where you are
        :goto Tn|root    go back to a checkpoint; your next message continues from there
        :sessions        the sessions this pilot started
        :reasoning       show or hide the model's reasoning (when it sends any)
        :save            save now (state is also saved after every turn)
        :quit            save and leave (resume with zwarm pilot --resume --instance ID)
        \"\"\"             start and end a multi-line message
        """;

    private async Task CommandAsync(string line, CancellationToken ct)
    {
        var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var arg = parts.Length > 1 ? parts[1] : null;
        var p = _run.Printer;
        switch (parts[0].ToLowerInvariant())
        {
            case ":help" or ":h" or ":?":
                p.Line(Help.Replace("\\\"", "\"", StringComparison.Ordinal));
                break;
            case ":status":
                await StatusAsync(ct);
                break;
            case ":history":
                await HistoryAsync(ct);
                break;
            case ":goto":
                await GotoAsync(arg, ct);
                break;
            case ":sessions":
                await SessionsAsync(ct);
                break;
            case ":reasoning":
                _run.State.Progress.ShowReasoning = !_run.State.Progress.ShowReasoning;
                await _run.State.SaveAsync(ct);
                p.Line($"reasoning is {(_run.State.Progress.ShowReasoning ? "shown" : "hidden")}");
                break;
            case ":save":
                await SaveAsync(InstanceStatuses.Running);
                p.Line($"saved instance {_run.Instance.Id} at {_run.State.Progress.Checkpoint}; " +
                    $"resume with: zwarm pilot --resume --instance {_run.Instance.Id}");
                break;
            case ":quit" or ":q" or ":exit":
                _quit = true;
                break;
            default:
                p.Line($"unknown command {parts[0]} (see :help)");
                break;
        }
    }

    private async Task StatusAsync(CancellationToken ct)
    {
        var pr = _run.State.Progress;
        var config = services.Manager.Config;
        var max = config.Orchestrator.Compaction.MaxTokens;
        var used = pr.LastInputTokens > 0 ? pr.LastInputTokens : Compactor.Estimate(_run.State.Messages);
        var sessions = await _run.Tools.MySessionsAsync(ct);
        var p = _run.Printer;
        p.Line($"instance  {_run.Instance.Id}{(_run.Instance.Name is { } n ? $" ({n})" : "")} · pilot · at {pr.Checkpoint ?? "root"} · "
            + $"{pr.Turns} turns, {pr.Steps} steps");
        p.Line($"model     {_run.Llm.Model} @ {_run.Llm.Where}");
        p.Line($"tokens    {pr.InputTokens:N0} in ({pr.CachedInputTokens:N0} cached) · {pr.OutputTokens:N0} out · {pr.LlmCalls} LLM calls");
        p.Line($"context   {Bar(used, max)} {used:N0} / {max:N0} ({(max > 0 ? 100.0 * used / max : 0):0}%)");
        var llmCost = LlmCost(config, services.Manager.Agents.Models, _run.Llm.Model, pr);
        var sessionCost = sessions.Sum(m => SessionFacts.Cost(m, services.Manager.Agents.Models, config) ?? 0);
        p.Line($"cost      {(llmCost is { } c
                ? $"~${c.ToString("0.0000", CultureInfo.InvariantCulture)}"
                : $"unknown for {_run.Llm.Model} (add [pricing.\"{_run.Llm.Model}\"])")} LLM"
            + $" · ~${sessionCost.ToString("0.0000", CultureInfo.InvariantCulture)} sessions");
        p.Line($"sessions  {sessions.Count} started: {sessions.Count(m => !m.Status.IsFinished())} running, "
            + $"{sessions.Count(m => m.Status == SessionStatus.Completed)} completed, "
            + $"{sessions.Count(m => m.Status is SessionStatus.Failed or SessionStatus.Killed)} failed/killed");
    }

    private async Task HistoryAsync(CancellationToken ct)
    {
        var checkpoints = await _run.State.CheckpointsAsync(ct);
        var current = _run.State.Progress.Checkpoint;
        foreach (var cp in checkpoints)
        {
            var mark = cp.Label == current ? "*" : " ";
            if (cp.Label == "root")
            {
                _run.Printer.Line($"{mark} root");
                continue;
            }
            var reply = cp.Messages.LastOrDefault(m => m.Role == Microsoft.Extensions.AI.ChatRole.Assistant && m.Text.Length > 0)?.Text;
            _run.Printer.Line($"{mark} {cp.Label,-4} ← {cp.Parent ?? "root",-4} you: {TextCut.OneLine(cp.Note, 50)}"
                + (reply is null ? "" : $"  → {TextCut.OneLine(reply, 50)}"));
        }
    }

    private async Task GotoAsync(string? label, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            _run.Printer.Line("usage: :goto Tn|root (see :history)");
            return;
        }
        label = label.Equals("root", StringComparison.OrdinalIgnoreCase) ? "root" : label.ToUpperInvariant();
        var cp = label.All(c => char.IsAsciiLetterOrDigit(c)) ? await _run.State.CheckpointAsync(label, ct) : null;
        if (cp is null)
        {
            _run.Printer.Line($"no checkpoint {label} (see :history)");
            return;
        }
        _run.State.ReplaceMessages(cp.Messages);
        _run.State.Progress.Checkpoint = cp.Label;
        await _run.State.SaveAsync(ct);
        await _run.State.EventAsync("goto", new System.Text.Json.Nodes.JsonObject { ["checkpoint"] = cp.Label }, ct);
        _run.Printer.Line($"now at {cp.Label} ({cp.Messages.Count} messages); your next message continues from there");
    }

    private async Task SessionsAsync(CancellationToken ct)
    {
        var sessions = await _run.Tools.MySessionsAsync(ct);
        if (sessions.Count == 0)
        {
            _run.Printer.Line("no sessions started by this pilot yet");
            return;
        }
        foreach (var m in sessions)
            _run.Printer.Line(
                $"{m.ShortId}  {m.Status.ToWire(),-9} {m.Adapter}/{m.Model}  turn {m.Turn}  {m.TotalTokens:N0} tok  " +
                $"{TextCut.OneLine(m.Task, 60)}");
    }

    /// <summary>A 20-cell bar of how full the context window is.</summary>
    internal static string Bar(long used, long max)
    {
        var filled = max <= 0 ? 0 : (int)Math.Clamp(Math.Round(20.0 * used / max), 0, 20);
        return "[" + new string('█', filled) + new string('░', 20 - filled) + "]";
    }

    /// <summary>Estimated USD of the orchestrator's own LLM use, priced by the registry (<see cref="ModelRegistry.PriceOfLlm"/>).</summary>
    internal static double? LlmCost(ZwarmConfig config, ModelRegistry models, string model, InstanceProgress p)
    {
        var price = models.PriceOfLlm(model, config.Prices);
        if (price is null) return null;
        var usage = new Dictionary<string, long>
        {
            ["input_tokens"] = p.InputTokens, ["cached_input_tokens"] = p.CachedInputTokens, ["output_tokens"] = p.OutputTokens,
        };
        return ModelRegistry.Cost(price, usage);
    }
}
