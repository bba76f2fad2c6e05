using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Zwarm.Cli.Rendering;
using Zwarm.Core;
using Zwarm.Core.Hosts;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>
/// zwarm hosts [--json]: the configured hosts with reachability, agents, load, sessions and slots; zwarm hosts check NAME.
/// </summary>
internal static class HostsCommand
{
    public static Command Create(CliHost host)
    {
        var json = Options.Json();
        var cmd = new Command(
            "hosts", "machines sessions run on over SSH ([hosts.NAME]): reachability, agent versions, load, running sessions, free slots")
        {
            json,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            if (manager.Config.Hosts.Count == 0)
            {
                if (pr.GetValue(json)) host.Out.WriteLine("[]");
                else host.Out.WriteLine(
                    "no hosts configured; add one to .zwarm/config.toml:\n  [hosts.NAME]\n" +
                    "  ssh = \"user@host\"\n  dir = \"/remote/work/dir\"");
                return ExitCodes.Success;
            }
            var statuses = await manager.ProbeHostsAsync(ct);
            if (pr.GetValue(json))
            {
                JsonOut.Write(host.Out, [.. statuses.Select(ToJson)], CliJsonContext.Default.ListHostJson);
                return ExitCodes.Success;
            }
            var table = new Table().Border(TableBorder.Simple);
            foreach (var h in new[] { "HOST", "SSH", "", "LOAD", "CODEX", "CLAUDE", "RUNNING", "FREE", "PROBLEM" })
                table.AddColumn(new TableColumn(h).NoWrap());
            foreach (var s in statuses)
                table.AddRow(Term.Escape(s.Host.Name), Term.Escape(s.Host.Ssh + (s.Host.Port is { } p ? $":{p}" : "")),
                    s.Problem is null ? "[green]ok[/]" : s.Reachable ? "[yellow]![/]" : "[red]✗[/]",
                    s.Load is { } l ? l.ToString("0.00", CultureInfo.InvariantCulture) : "-",
                    Term.Escape(Version(s, "codex")), Term.Escape(Version(s, "claude")),
                    s.Running.ToString(CultureInfo.InvariantCulture),
                    s.FreeSlots is { } f ? f.ToString(CultureInfo.InvariantCulture) : "∞",
                    s.Problem is null ? "" : $"[red]{Term.Escape(UntrustedText.Visible(s.Problem))}[/]");
            host.Console.Write(table);
            return ExitCodes.Success;
        });

        var name = new Argument<string>("name") { Description = "a [hosts.NAME] of .zwarm/config.toml" };
        var checkJson = Options.Json();
        var check = new Command(
            "check", "check one host: ssh, host key, agent CLIs, folders; one line saying what is wrong, exit 1 then")
        {
            name, checkJson,
        };
        check.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var s = await manager.CheckHostAsync(pr.GetValue(name)!, ct);
            if (pr.GetValue(checkJson))
            {
                JsonOut.Write(host.Out, ToJson(s), CliJsonContext.Default.HostJson);
                return s.Problem is null ? ExitCodes.Success : ExitCodes.Failure;
            }
            if (s.Problem is not null)
            {
                host.Err.WriteLine($"zwarm: {UntrustedText.Visible(s.Problem)}");
                return ExitCodes.Failure;
            }
            var agents = string.Join(", ", s.AgentVersions.Where(kv => kv.Value is not null).Select(kv => $"{kv.Key} {kv.Value}"));
            host.Out.WriteLine($"{s.Host.Name}: ok — load {s.Load?.ToString("0.00", CultureInfo.InvariantCulture) ?? "?"}, {agents}, "
                               + $"{s.Running} running{(s.FreeSlots is { } f ? $", {f} free slot{(f == 1 ? "" : "s")}" : "")}");
            return ExitCodes.Success;
        });
        cmd.Subcommands.Add(check);
        return cmd;
    }

    private static string Version(HostStatus s, string adapter)
        => !s.Reachable ? "?" : s.AgentVersions.GetValueOrDefault(adapter) is { } v ? v : "-";

    /// <summary>The JSON contract of a host's status.</summary>
    internal static HostJson ToJson(HostStatus s) => new(
        s.Host.Name, s.Host.Ssh, s.Host.Port, s.Reachable, s.Problem is null, s.Problem, s.Load, s.AgentVersions, s.Running,
        s.Host.MaxRunning, s.FreeSlots);
}
