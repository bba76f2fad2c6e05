using System.CommandLine;
using Zwarm.Core;
using Zwarm.Orchestration;
using Zwarm.Orchestration.Loop;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm orchestrate --task "…" | --task-file F | stdin [--max-steps N] [--resume --instance ID] [--name N].</summary>
internal static class OrchestrateCommand
{
    public static Command Create(CliHost host)
    {
        var task = new Option<string?>("--task", "-t")
        {
            Description = "the task (or --task-file, or on stdin); with --resume: extra instructions",
        };
        var taskFile = new Option<string?>("--task-file", "-f") { Description = "read the task from a file" };
        var maxSteps = new Option<int?>("--max-steps") { Description = "most LLM steps of this run (default orchestrator.max_steps = 50)" };
        var resume = new Option<bool>("--resume") { Description = "continue a stopped instance (with --instance)" };
        var instance = new Option<string?>("--instance", "-i") { Description = "instance id (a prefix is enough) or name, for --resume" };
        var name = new Option<string?>("--name", "-n") { Description = "a name for the new instance" };
        var verbose = Options.Verbose();
        var cmd = new Command(
            "orchestrate",
            "an LLM completes a task by delegating to sessions (exit: 0 done, 1 failed/aborted, 3 paused or out of steps, 130 interrupted)")
        {
            task, taskFile, maxSteps, resume, instance, name, verbose, Options.WorkingDir(),
        };
        cmd.SetAction(async (pr, ct) =>
        {
            if (pr.GetValue(verbose)) host.Verbose = true;
            var text = await ReadTaskAsync(host, pr.GetValue(task), pr.GetValue(taskFile), readStdin: !pr.GetValue(resume), ct);
            var manager = await host.ManagerAsync(ct);
            return await OrchestrationHost.OrchestrateAsync(manager, host.Out, new OrchestrateRequest
            {
                Task = text,
                MaxSteps = pr.GetValue(maxSteps),
                Resume = pr.GetValue(resume),
                Instance = pr.GetValue(instance),
                Name = pr.GetValue(name),
            }, ct);
        });
        return cmd;
    }

    /// <summary>--task, else --task-file, else stdin when it is not a terminal.</summary>
    internal static async Task<string?> ReadTaskAsync(CliHost host, string? task, string? file, bool readStdin, CancellationToken ct)
    {
        if (task is not null && file is not null) throw new ZwarmException("give either --task or --task-file, not both", ExitCodes.Usage);
        if (task is not null) return task;
        if (file is not null)
        {
            var path = Path.GetFullPath(file, host.ProjectDir);
            if (!File.Exists(path)) throw new ZwarmException($"task file not found: {path}", ExitCodes.Usage);
            return await File.ReadAllTextAsync(path, ct);
        }
        if (!readStdin) return null;
        if (ReferenceEquals(host.In, Console.In) && !Console.IsInputRedirected)
            throw new ZwarmException("no task: give it with --task \"…\", --task-file FILE, or on stdin", ExitCodes.Usage);
        return await host.In.ReadToEndAsync(ct);
    }
}
