using System.CommandLine;
using Zwarm.Core;

namespace Zwarm.Cli.Commands;

/// <summary>
/// zwarm sessions [--dir/-d D] [--clean/-c] [--kill-all/-k] [--rm ID] [--kill ID]: Python zwarm's quick session management,
/// mapped onto ours: the list is `ls`, --clean is `rm --finished` after a question, --kill-all is `kill --all`.
/// </summary>
internal static class SessionsCommand
{
    public static Command Create(CliHost host)
    {
        var clean = new Option<bool>("--clean", "-c")
        {
            Description = "remove every finished session (running and queued ones stay), after a question (-y skips it)",
        };
        var killAll = new Option<bool>("--kill-all", "-k") { Description = "kill every running or queued session (as kill --all)" };
        var rm = new Option<string?>("--rm") { Description = "remove this session (as rm ID)" };
        var kill = new Option<string?>("--kill") { Description = "kill this session (as kill ID)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "do not ask (with --clean)" };
        var json = Options.Json();
        var cmd = new Command(
            "sessions", "list sessions as ls does, or a quick action: --clean, --kill-all, --rm ID, --kill ID (Python zwarm's spelling)")
        {
            clean, killAll, rm, kill, yes, json, Options.Dir(),
        };
        cmd.SetAction((pr, ct) =>
        {
            var actions = (pr.GetValue(clean) ? 1 : 0) + (pr.GetValue(killAll) ? 1 : 0)
                + (pr.GetValue(rm) is null ? 0 : 1) + (pr.GetValue(kill) is null ? 0 : 1);
            if (actions > 1) throw new ZwarmException("sessions takes one of --clean, --kill-all, --rm ID, --kill ID", ExitCodes.Usage);
            var asJson = pr.GetValue(json);
            if (pr.GetValue(kill) is { } victim) return KillCommand.RunAsync(host, victim, asJson, ct);
            if (pr.GetValue(killAll)) return KillCommand.RunAsync(host, null, asJson, ct);
            if (pr.GetValue(rm) is { } gone)
                return RmCommand.RunAsync(host, new RmCommand.Request([gone], false, false, false, true, asJson), ct);
            if (pr.GetValue(clean))
                return RmCommand.RunAsync(
                    host,
                    new RmCommand.Request([], Finished: true, All: false, Force: false, pr.GetValue(yes), asJson, AskFinished: true),
                    ct);
            return LsCommand.RunAsync(host, _ => true, all: false, asJson, ct);
        });
        return cmd;
    }
}
