using System.CommandLine;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm continue ID "message" [--wait] (alias c): a follow-up turn; refused while the session runs or after a kill.</summary>
internal static class ContinueCommand
{
    public static Command Create(CliHost host, string name = "continue")
    {
        var id = Options.SessionId();
        var message = new Argument<string>("message") { Description = "the follow-up for the agent" };
        var wait = new Option<bool>("--wait", "-w") { Description = "block until the turn finishes and print the reply" };
        var json = Options.Json();
        var cmd = new Command(name, "send a follow-up message to a finished session (a new turn)") { id, message, wait, json };
        if (name == "continue") cmd.Aliases.Add("c");
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var meta = await manager.ContinueAsync(pr.GetValue(id)!, pr.GetValue(message)!, ct);
            if (pr.GetValue(wait)) meta = (await manager.WaitAsync([meta.Id], null, false, ct)).Sessions[0];
            return SpawnCommand.Report(host, manager, meta, pr.GetValue(json));
        });
        return cmd;
    }
}
