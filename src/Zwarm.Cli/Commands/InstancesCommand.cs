using System.CommandLine;
using Zwarm.Orchestration;
using Zwarm.Core.Text;
using Zwarm.Core;
using Zwarm.Cli.Json;

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
                JsonOut.Write(host.Out,
                    [
                        .. list.Select(i => new InstanceJson(i.Id, i.Name, i.Kind, i.Status, i.Model, i.Task, i.Steps, i.Turns,
                            i.CreatedAt.ToString("O"), i.UpdatedAt.ToString("O"), i.Summary, i.Error)),
                    ],
                    CliJsonContext.Default.ListInstanceJson);
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
