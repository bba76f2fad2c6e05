using System.CommandLine;
using Zwarm.Orchestration;
using Zwarm.Orchestration.Loop;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm pilot [--task …] [--resume --instance ID] [--name N]: converse with the LLM that drives sessions.</summary>
internal static class PilotCommand
{
    public static Command Create(CliHost host)
    {
        var task = new Option<string?>("--task", "-t") { Description = "a first message to start with" };
        var resume = new Option<bool>("--resume") { Description = "continue a saved pilot (with --instance)" };
        var instance = new Option<string?>("--instance") { Description = "instance id (a prefix is enough) or name, for --resume" };
        var name = new Option<string?>("--name") { Description = "a name for the new instance" };
        var cmd = new Command("pilot", "talk to an LLM that drives sessions for you (:help inside)") { task, resume, instance, name };
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            return await OrchestrationHost.PilotAsync(manager, host.In, host.Out, new PilotRequest
            {
                Task = pr.GetValue(task),
                Resume = pr.GetValue(resume),
                Instance = pr.GetValue(instance),
                Name = pr.GetValue(name),
            }, ct);
        });
        return cmd;
    }
}
