using System.CommandLine;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Sessions;
using Zwarm.Core;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm wait ID… [--timeout s] [--any]: exit 0 all completed, 1 some failed/killed, 124 timeout.</summary>
internal static class WaitCommand
{
    public static Command Create(CliHost host)
    {
        var ids = new Argument<string[]>("ids") { Description = "session ids or prefixes", Arity = ArgumentArity.OneOrMore };
        var timeout = new Option<double?>("--timeout", "-t") { Description = "give up after this many seconds (exit 124)" };
        var any = new Option<bool>("--any") { Description = "return when the first session finishes" };
        var json = Options.Json();
        var cmd = new Command("wait", "block until sessions finish (for scripts)") { ids, timeout, any, json };
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var t = pr.GetValue(timeout);
            if (t is < 0) throw new Zwarm.Core.ZwarmException("--timeout must not be negative", ExitCodes.Usage);
            var result = await manager.WaitAsync(pr.GetValue(ids)!, t is { } s ? TimeSpan.FromSeconds(s) : null, pr.GetValue(any), ct);
            if (pr.GetValue(json))
            {
                var shapes = SessionOut.Shapes(manager, host.Now);
                JsonOut.Write(host.Out, new WaitJson(result.TimedOut, [.. result.Sessions.Select(shapes.Full)]),
                    CliJsonContext.Default.WaitJson);
            }
            else
            {
                foreach (var m in result.Sessions)
                    host.Out.WriteLine(
                        $"{SessionView.Icon(m.Status)} {m.ShortId}  {m.Status.ToWire()}{(m.Error is null ? "" : "  " + m.Error)}");
                if (result.TimedOut) host.Err.WriteLine("zwarm: timed out waiting");
            }
            return result.ExitCode;
        });
        return cmd;
    }
}
