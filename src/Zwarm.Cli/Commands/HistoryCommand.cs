using System.CommandLine;
using System.Text.Json.Nodes;
using Zwarm.Orchestration;
using Zwarm.Core.Text;
using Zwarm.Core;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm history [--kind K] [-n N] [--instance ID] [--json]: the latest events of orchestrate/pilot instances.</summary>
internal static class HistoryCommand
{
    public static Command Create(CliHost host)
    {
        var kind = new Option<string?>("--kind", "-k")
        {
            Description = "only this kind (run_started, llm_call, tool_call, watcher, compaction, turn, run_finished, …) or tool name",
        };
        var count = new Option<int>("-n", "--count", "--limit")
        {
            Description = "how many events (default 20)", DefaultValueFactory = _ => 20,
        };
        var instance = new Option<string?>("--instance", "-i") { Description = "one instance (id prefix or name); default all" };
        var json = Options.Json();
        var cmd = new Command("history", "what orchestrate/pilot instances did, newest last")
        {
            kind, count, instance, json, Options.WorkingDir(),
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var events = await OrchestrationHost.HistoryAsync(
                host.ZwarmDir, pr.GetValue(instance), pr.GetValue(kind), pr.GetValue(count), ct);
            if (pr.GetValue(json))
            {
                JsonOut.Write(host.Out, [.. events], CliJsonContext.Default.ListJsonObject);
                return ExitCodes.Success;
            }
            if (events.Count == 0) host.Out.WriteLine("no events");
            foreach (var e in events) host.Out.WriteLine(Line(e));
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static string Line(JsonObject e)
    {
        var ts = DateTimeOffset.TryParse(
                e["ts"]?.GetValue<string>(),
                System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None,
                out var t)
            ? t.LocalDateTime.ToString("MM-dd HH:mm:ss") : "";
        var kind = e["kind"]?.GetValue<string>() ?? "?";
        var step = e["step"] is JsonValue s ? $"step {s} " : "";
        var detail = kind switch
        {
            "tool_call" => $"{e["tool"]} {(e["success"]?.GetValue<bool>() == false ? "✗ " : "")}{e["result"]}",
            "watcher" => $"{e["watcher"]} {e["action"]}: {e["message"]}",
            "llm_call" => $"{e["tool_calls"]} calls, {e["input_tokens"]} in / {e["output_tokens"]} out",
            "run_started" => $"{e["mode"]} {e["model"]}: {e["task"]}",
            "run_finished" or "saved" => $"{e["status"]} {e["summary"] ?? e["error"] ?? e["checkpoint"]}",
            "turn" => $"{e["turn"]}: {e["reply"]}",
            "user_message" => $"{e["text"]}",
            "compaction" => $"{e["removed"]} messages removed ({e["tokens_before"]} → {e["tokens_after"]} tokens)",
            _ => string.Join(" ", e.Where(kv => kv.Key is not ("ts" or "kind" or "instance" or "step"))
                .Select(kv => $"{kv.Key}={kv.Value}")),
        };
        return $"{ts}  {e["instance"]}  {step}{kind,-12} {TextCut.OneLine(detail, 140)}";
    }
}
