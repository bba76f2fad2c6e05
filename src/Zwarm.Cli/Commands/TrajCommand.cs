using System.CommandLine;
using Spectre.Console;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;
using Zwarm.Core;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm traj ID [--full] [--json]: the numbered steps the agent took, across turns.</summary>
internal static class TrajCommand
{
    public static Command Create(CliHost host)
    {
        var id = Options.SessionId();
        var full = new Option<bool>("--full", "-f") { Description = "show command outputs and reasoning in full" };
        var json = Options.Json();
        var cmd = new Command(
            "traj", "the agent's steps: reasoning, commands with output and exit code, tool calls, file changes, replies")
        {
            id, full, json,
        };
        cmd.Aliases.Add("trajectory");
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var meta = await manager.GetAsync(pr.GetValue(id)!, ct);
            var steps = await manager.TrajectoryAsync(meta, ct);
            var isFull = pr.GetValue(full);
            if (pr.GetValue(json))
            {
                var more = new TrajMore([.. steps.Select((s, i) => StepView.ToWire(i + 1, s, isFull))]);
                JsonOut.Write(host.Out, SessionOut.Shapes(manager, host.Now).Full(meta, more, CliJsonContext.Default.TrajMore),
                    CliJsonContext.Default.SessionOut);
                return ExitCodes.Success;
            }
            var c = host.Console;
            c.MarkupLine($"[{SessionView.Color(meta.Status)}]" +
                         $"{Term.Escape(SessionView.Line(meta, manager.Agents.Models, manager.Config, host.Now))}[/]");
            c.MarkupLine($"[grey]task:[/] {Term.Escape(TextCut.Excerpt(meta.Task, 3, 300))}");
            var n = 0;
            for (var turn = 1; turn <= meta.Turn; turn++)
            {
                StepView.TurnRule(c, turn);
                var inTurn = steps.Where(s => s.Turn == turn).ToList();
                foreach (var s in inTurn) StepView.Write(c, ++n, s, isFull);
                if (inTurn.Count == 0) c.MarkupLine("[grey]      no steps[/]");
            }
            if (!meta.Status.IsFinished()) c.MarkupLine($"[yellow]… {meta.Status.ToWire()}; follow it with: zwarm watch {meta.ShortId}[/]");
            else if (meta.Error is not null) c.MarkupLine($"[red]error:[/] {Term.Escape(meta.Error)}");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
