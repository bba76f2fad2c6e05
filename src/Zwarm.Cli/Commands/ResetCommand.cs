using System.CommandLine;
using Zwarm.Core;
using Zwarm.Orchestration;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm reset [-y]: delete the orchestrator state (instances.json and instances/); sessions are kept.</summary>
internal static class ResetCommand
{
    public static Command Create(CliHost host)
    {
        var yes = new Option<bool>("--yes", "-y") { Description = "do not ask for confirmation" };
        var cmd = new Command("reset", "delete all orchestrate/pilot instance state (sessions are kept)") { yes };
        cmd.SetAction(async (pr, ct) =>
        {
            var registry = OrchestrationHost.Registry(host.ZwarmDir);
            var count = (await registry.ListAsync(ct)).Count;
            if (count == 0 && !Directory.Exists(registry.InstancesDir))
            {
                host.Out.WriteLine("nothing to reset (no instances)");
                return 0;
            }
            if (!pr.GetValue(yes))
            {
                if (!host.Confirm($"delete the state of {count} instance(s) in {registry.InstancesDir} (sessions are kept)? [y/N] "))
                {
                    host.Out.WriteLine("nothing deleted");
                    return 1;
                }
            }
            var removed = await registry.ResetAsync(ct);
            host.Out.WriteLine($"deleted the state of {removed} instance(s); sessions are untouched (zwarm ls)");
            return 0;
        });
        return cmd;
    }
}
