using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Zwarm.Orchestration;
using Zwarm.Core.Text;
using Zwarm.Core;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm instances [--all] [--json]: orchestrate and pilot instances (default: the ones not completed or aborted).</summary>
internal static class InstancesCommand
{
    public static Command Create(CliHost host)
    {
        var all = new Option<bool>("--all", "-a") { Description = "include completed and aborted instances" };
        var json = Options.Json();
        var cmd = new Command("instances", "list orchestrate/pilot instances") { all, json, Options.WorkingDir() };
        cmd.SetAction(async (pr, ct) =>
        {
            var list = await OrchestrationHost.InstancesAsync(host.ZwarmDir, pr.GetValue(all), ct);
            if (pr.GetValue(json))
            {
                var arr = new JsonArray([.. list.Select(i => (JsonNode)new JsonObject
                {
                    ["id"] = i.Id, ["name"] = i.Name, ["kind"] = i.Kind, ["status"] = i.Status, ["model"] = i.Model, ["task"] = i.Task,
                    ["steps"] = i.Steps, ["turns"] = i.Turns,
                    ["created_at"] = i.CreatedAt.ToString("O"), ["updated_at"] = i.UpdatedAt.ToString("O"),
                    ["summary"] = i.Summary, ["error"] = i.Error,
                })]);
                host.Out.WriteLine(arr.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Success;
            }
            if (list.Count == 0)
            {
                host.Out.WriteLine(pr.GetValue(all)
                    ? "no instances (start one with zwarm orchestrate or zwarm pilot)"
                    : "no active instances (--all shows finished ones)");
                return ExitCodes.Success;
            }
            host.Out.WriteLine($"{"ID",-8}  {"KIND",-11}  {"STATUS",-11}  {"STEPS",5}  {"UPDATED",-16}  TASK / NAME");
            foreach (var i in list)
            {
                var what = i.Name is { } n ? $"[{n}] " : "";
                what += i.Task is { } t ? TextCut.OneLine(t, 60) : i.Kind == "pilot" ? $"{i.Turns} turns" : "";
                host.Out.WriteLine(
                    $"{i.Id,-8}  {i.Kind,-11}  {i.Status,-11}  {i.Steps,5}  {i.UpdatedAt.LocalDateTime,-16:yyyy-MM-dd HH:mm}  {what}");
            }
            return ExitCodes.Success;
        });
        return cmd;
    }
}
