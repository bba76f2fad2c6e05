using System.CommandLine;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli.Commands;

/// <summary>
/// zwarm session start|ls|show|logs|inject|kill|clean: Python zwarm's older sub-app, each verb our own command under its
/// Python name, plus --dir/-d (the project whose .zwarm/ is used).
/// </summary>
internal static class SessionCommand
{
    public static Command Create(CliHost host)
    {
        var cmd = new Command(
            "session", "Python zwarm's session sub-app: start (= spawn), ls, show, logs, inject (= continue), kill, clean");
        cmd.Subcommands.Add(SpawnCommand.Create(host, SpawnCommand.Form.SessionStart));
        cmd.Subcommands.Add(Ls(host));
        foreach (var verb in new[]
                 {
                     ShowCommand.Create(host), LogsCommand.Create(host), ContinueCommand.Create(host, "inject"), KillCommand.Create(host),
                     CleanCommand.Create(host, topLevel: false),
                 })
        {
            verb.Options.Add(Options.Dir());
            cmd.Subcommands.Add(verb);
        }
        return cmd;
    }

    /// <summary>session ls [--all/-a] [--json]: as Python, running (and queued) sessions unless --all.</summary>
    private static Command Ls(CliHost host)
    {
        var all = new Option<bool>("--all", "-a") { Description = "also finished sessions (default: running and queued ones)" };
        var json = Options.Json();
        var cmd = new Command("ls", "list running and queued sessions (--all: every session), summary line and table as zwarm ls")
        {
            all, json, Options.Dir(),
        };
        cmd.SetAction((pr, ct) =>
        {
            var everything = pr.GetValue(all);
            return LsCommand.RunAsync(host, m => everything || !m.Status.IsFinished(), all: false, pr.GetValue(json), ct,
                everything ? null : "no running or queued sessions (zwarm session ls --all shows every session)");
        });
        return cmd;
    }
}
