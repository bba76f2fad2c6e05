using System.CommandLine;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm fork ID ["message"] [--turn N] [--wait]: a new session from another's conversation and code at turn N.</summary>
internal static class ForkCommand
{
    public static Command Create(CliHost host)
    {
        var id = Options.SessionId();
        var message = new Argument<string?>("message")
        {
            Description = "what the fork should do next (default: continue where it left off)", Arity = ArgumentArity.ZeroOrOne,
        };
        var turn = new Option<int?>("--turn", "-t")
        {
            Description = "fork from turn N (default: the latest); its checkpoint and the conversation up to it",
        };
        var wait = new Option<bool>("--wait", "-w") { Description = "block until the fork finishes" };
        var json = Options.Json();
        var cmd = new Command(
            "fork", "start a new session from another's conversation and worktree at a turn; the original is untouched")
        {
            id, message, turn, wait, json,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var meta = await manager.ForkAsync(pr.GetValue(id)!, pr.GetValue(message), pr.GetValue(turn), ct);
            if (pr.GetValue(wait)) meta = (await manager.WaitAsync([meta.Id], null, false, ct)).Sessions[0];
            return SpawnCommand.Report(host, manager, meta, pr.GetValue(json));
        });
        return cmd;
    }
}
