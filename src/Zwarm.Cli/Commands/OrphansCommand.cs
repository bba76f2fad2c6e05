using System.CommandLine;
using Spectre.Console;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Text;
using Zwarm.Core;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm orphans [--kill]: agent processes still alive although their session is not running.</summary>
internal static class OrphansCommand
{
    public static Command Create(CliHost host)
    {
        var kill = new Option<bool>("--kill") { Description = "terminate them (SIGTERM, grace, SIGKILL)" };
        var onHost = new Option<string?>("--host", "-H")
        {
            Description = "look on a configured [hosts.NAME] instead of this machine (pids are the host's)",
        };
        var json = Options.Json();
        var cmd = new Command("orphans", "find (and with --kill, stop) agent processes whose session is no longer running")
        {
            kill, onHost, json,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var remote = pr.GetValue(onHost);
            var orphans = remote is null ? await manager.FindOrphansAsync(ct) : await manager.FindHostOrphansAsync(remote, ct);
            var killing = pr.GetValue(kill) && orphans.Count > 0;
            if (killing && remote is null) await manager.KillOrphansAsync(orphans, ct);
            else if (killing) await manager.KillHostOrphansAsync(remote!, orphans, ct);
            if (pr.GetValue(json))
            {
                JsonOut.Write(host.Out,
                    [
                        .. orphans.Select(o => new OrphanJson(o.Pid, o.SessionId, o.SessionId[..Math.Min(8, o.SessionId.Length)], o.Reason,
                            o.CommandLine, killing)),
                    ],
                    CliJsonContext.Default.ListOrphanJson);
                return ExitCodes.Success;
            }
            if (orphans.Count == 0)
            {
                host.Out.WriteLine("no orphan processes");
                return ExitCodes.Success;
            }
            var table = new Table().Border(TableBorder.Simple);
            foreach (var h in new[] { "PID", "SESSION", "WHY", "COMMAND" }) table.AddColumn(h);
            foreach (var o in orphans)
                table.AddRow(
                    o.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Term.Escape(o.SessionId[..Math.Min(8, o.SessionId.Length)]),
                    Term.Escape(o.Reason), Term.Escape(TextCut.Excerpt(o.CommandLine, 1, 80)));
            host.Console.Write(table);
            host.Console.WriteLine(killing ? $"killed {orphans.Count} orphan process(es)" : "stop them with: zwarm orphans --kill");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
