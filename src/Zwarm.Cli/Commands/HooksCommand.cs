using System.CommandLine;
using System.Text;
using Zwarm.Cli.Hooks;
using Zwarm.Core;
using Zwarm.Core.Events;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm hooks [test [EVENT]]: list the configured hooks, or fire them by hand; hidden _hooks runs them for an event.</summary>
internal static class HooksCommand
{
    public static Command Create(CliHost host)
    {
        var cmd = new Command("hooks", "list the [[hooks]] of config.toml; 'hooks test [EVENT]' fires them by hand");
        cmd.SetAction(async (pr, ct) =>
        {
            var config = await host.ConfigAsync(ct);
            if (config.Hooks.Count == 0)
            {
                host.Out.WriteLine("no hooks (add [[hooks]] entries to .zwarm/config.toml)");
                return ExitCodes.Success;
            }
            foreach (var h in config.Hooks)
                host.Out.WriteLine($"#{h.Index}  on {string.Join(",", h.On)}  {Describe(h)}  (timeout {h.Timeout.TotalSeconds:0.#}s)");
            return ExitCodes.Success;
        });

        var ev = new Argument<string?>("event")
        {
            Description = $"the event to fire: {string.Join(", ", EventNames.All)} (default: completed)", Arity = ArgumentArity.ZeroOrOne,
        };
        var session = new Option<string?>("--session", "-s")
        {
            Description = "describe this session in the event (default: the newest one, or a sample)",
        };
        var test = new Command("test", "fire the hooks that listen to EVENT now, wait for them, and show how each went") { ev, session };
        test.SetAction(async (pr, ct) =>
        {
            var name = pr.GetValue(ev) ?? EventNames.Completed;
            if (!EventNames.All.Contains(name))
                throw new ZwarmException($"unknown event '{name}': expected one of {string.Join(", ", EventNames.All)}", ExitCodes.Usage);
            var config = await host.ConfigAsync(ct);
            var hooks = HookMatch.For(config, name);
            if (hooks.Count == 0)
            {
                host.Err.WriteLine($"zwarm: no hook listens to '{name}' (see 'zwarm hooks')");
                return ExitCodes.Failure;
            }
            var manager = await host.ManagerAsync(ct);
            var meta = pr.GetValue(session) is { } id ? await manager.GetAsync(id, ct)
                : (await manager.ListSummariesAsync(ct)).Select(e => e.Meta).FirstOrDefault(m => m is not null) is { } newest
                    ? await manager.GetAsync(newest.Id, ct)
                    : null;
            var e = meta is null
                ? new ZwarmEvent { Ts = host.Now, Event = name, Status = "completed", Reason = "zwarm hooks test (no session yet)" }
                : ZwarmEvent.For(meta, name, "zwarm hooks test", host.Now, manager.CostOf(meta));
            var results = await new HookRunner(host.ZwarmDir)
                .RunAsync(e, HookContext.For(meta, config.ProjectDir, host.ZwarmDir), hooks, ct);
            foreach (var r in results) host.Out.WriteLine($"{(r.Ok ? "ok  " : "FAIL")}  {r.Hook.Label}  {Describe(r.Hook)}: {r.Summary}");
            host.Out.WriteLine($"(details in {host.Layout.HooksLog})");
            return results.All(r => r.Ok) ? ExitCodes.Success : ExitCodes.Failure;
        });
        cmd.Subcommands.Add(test);
        return cmd;
    }

    /// <summary>Hidden: run by a detached process for one event (ZWARM_HOOK_EVENT, _TASK, _REPLY), never by a person.</summary>
    public static Command CreateRunner(CliHost host)
    {
        var store = new Argument<string>("zwarm-dir") { Description = "the .zwarm folder" };
        var cmd = new Command("_hooks", "run the hooks of one event (used by zwarm itself)") { store };
        cmd.Hidden = true;
        cmd.SetAction(async (pr, ct) =>
        {
            host.ZwarmDir = Path.GetFullPath(pr.GetValue(store)!, host.ProjectDir);
            var line = Environment.GetEnvironmentVariable("ZWARM_HOOK_EVENT");
            if (line is null || EventLog.Parse(Encoding.UTF8.GetBytes(line)) is not { } e) return ExitCodes.Usage;
            var config = await host.ConfigAsync(ct);
            var hooks = HookMatch.For(config, e.Event);
            if (hooks.Count == 0) return ExitCodes.Success;
            var context = new HookContext(
                Environment.GetEnvironmentVariable("ZWARM_HOOK_TASK"), Environment.GetEnvironmentVariable("ZWARM_HOOK_REPLY"),
                config.ProjectDir, host.ZwarmDir);
            await new HookRunner(host.ZwarmDir).RunAsync(e, context, hooks, ct);
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static string Describe(Zwarm.Core.Config.HookConfig h) => h.Kind switch
    {
        Zwarm.Core.Config.HookKind.Run => $"run: {h.Run}",
        Zwarm.Core.Config.HookKind.Url => $"POST {h.Url}",
        _ => "notify-send",
    };
}
