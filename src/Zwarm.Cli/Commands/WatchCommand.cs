using System.CommandLine;
using Zwarm.Cli.Rendering;
using Zwarm.Core;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm watch [ID]: follow one session's steps live until it ends, or a live dashboard of all sessions until Ctrl+C.</summary>
internal static class WatchCommand
{
    public static Command Create(CliHost host)
    {
        var id = new Argument<string?>("id")
        {
            Description = "follow this session (default: a dashboard of all sessions)", Arity = ArgumentArity.ZeroOrOne,
        };
        var interval = new Option<double?>("--interval", "-i")
        {
            Description = "seconds between refreshes (default: 0.25 with an id, 1 for the dashboard)",
        };
        var json = Options.Json();
        var cmd = new Command("watch", "live view: one session's new steps as they happen, or a dashboard of all sessions")
        {
            id, interval, json,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var target = pr.GetValue(id);
            var every = pr.GetValue(interval);
            if (every is { } v && (v < 0.05 || v > 3600 || double.IsNaN(v)))
                throw new Zwarm.Core.ZwarmException("--interval must be between 0.05 and 3600 seconds", ExitCodes.Usage);
            if (target is null)
                return await new Dashboard(host, manager, pr.GetValue(json), TimeSpan.FromSeconds(every ?? 1)).RunAsync(ct);
            try
            {
                return await new SessionFollower(host, manager, pr.GetValue(json), TimeSpan.FromSeconds(every ?? 0.25))
                    .RunAsync(target, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
        });
        return cmd;
    }
}
