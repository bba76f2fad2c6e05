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
        var instance = new Option<string?>("--instance", "-i") { Description = "instance id (a prefix is enough) or name, for --resume" };
        var name = new Option<string?>("--name", "-n") { Description = "a name for the new instance" };
        var taskFile = new Option<string?>("--task-file", "-f") { Description = "read the first message from a file" };
        var verbose = Options.Verbose();
        var cmd = new Command("pilot", "talk to an LLM that drives sessions for you (:help inside)")
        {
            task, taskFile, resume, instance, name, verbose, Options.WorkingDir(),
        };
        cmd.SetAction(async (pr, ct) =>
        {
            if (pr.GetValue(verbose)) host.Verbose = true;
            var first = await OrchestrateCommand.ReadTaskAsync(host, pr.GetValue(task), pr.GetValue(taskFile), readStdin: false, ct);
            var manager = await host.ManagerAsync(ct);
            return await OrchestrationHost.PilotAsync(manager, host.In, host.Out, new PilotRequest
            {
                Task = first,
                Resume = pr.GetValue(resume),
                Instance = pr.GetValue(instance),
                Name = pr.GetValue(name),
            }, ct);
        });
        return cmd;
    }
}
