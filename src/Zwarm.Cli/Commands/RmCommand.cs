using System.CommandLine;
using Zwarm.Cli.Rendering;
using Zwarm.Core;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm rm ID…|--finished|--all: remove sessions (a running one is killed first).</summary>
internal static class RmCommand
{
    public static Command Create(CliHost host)
    {
        var ids = new Argument<string[]>("ids") { Description = "session ids or unique prefixes", Arity = ArgumentArity.ZeroOrMore };
        var finished = new Option<bool>("--finished") { Description = "remove every completed, failed or killed session" };
        var all = new Option<bool>("--all") { Description = "remove every session, killing running ones (asks unless -y)" };
        var force = new Option<bool>("--force")
        {
            Description = "also remove a session whose meta.json is unreadable, and delete unmerged worktree branches",
        };
        var yes = new Option<bool>("--yes", "-y") { Description = "do not ask" };
        var json = Options.Json();
        var cmd = new Command("rm", "remove sessions and their logs (kills a running session first)")
        {
            ids, finished, all, force, yes, json,
        };
        cmd.Aliases.Add("delete");
        cmd.SetAction((pr, ct) => RunAsync(
            host,
            new Request(
                pr.GetValue(ids) ?? [], pr.GetValue(finished), pr.GetValue(all), pr.GetValue(force), pr.GetValue(yes), pr.GetValue(json)),
            ct));
        return cmd;
    }

    /// <summary>
    /// What to remove: ids, every finished session, or all; <paramref name="AskFinished"/> asks before removing the finished ones too.
    /// </summary>
    public sealed record Request(string[] Ids, bool Finished, bool All, bool Force, bool Yes, bool Json, bool AskFinished = false);

    /// <summary>Removes the sessions <paramref name="req"/> names; one bad id changes nothing.</summary>
    public static async Task<int> RunAsync(CliHost host, Request req, CancellationToken ct)
    {
        var given = req.Ids;
        var modes = (given.Length > 0 ? 1 : 0) + (req.Finished ? 1 : 0) + (req.All ? 1 : 0);
        if (modes != 1) throw new ZwarmException("rm needs session ids, --finished or --all (one of them)", ExitCodes.Usage);
        var manager = await host.ManagerAsync(ct);
        var targets = given.Length > 0
            ? await ResolveAsync(manager, given, req.Force, ct)
            : (await manager.ListAsync(ct))
                .Where(e => e.Meta is { } m && (req.All || m.Status.IsFinished()))
                .Select(e => new SessionEntry(e.Id, e.Meta, null))
                .ToList();
        var running = targets.Count(e => e.Meta is { } m && !m.Status.IsFinished());
        if ((req.All || (req.Finished && req.AskFinished)) && targets.Count > 0 && !req.Yes
            && !host.Confirm($"remove {(req.All ? "all " : "")}{targets.Count} {(req.All ? "" : "finished ")}session(s)" +
                             $"{(running > 0 ? $", killing {running} running" : "")}? [y/N] "))
            throw new ZwarmException("aborted; nothing removed");
        // In the REPL a session id is one mistyped prefix away from a running session: ask before killing it.
        if (host.InRepl && given.Length > 0 && !req.Yes)
            foreach (var e in targets.Where(e => e.Meta is { } m && !m.Status.IsFinished()))
                if (!host.Confirm($"session {e.Id[..8]} is {e.Meta!.Status.ToWire()}; kill and remove it? [y/N] "))
                    throw new ZwarmException("aborted; nothing removed");
        var removed = new List<SessionOut>();
        var shapes = SessionOut.Shapes(manager, host.Now);
        foreach (var (id, m, problem) in targets)
        {
            var (_, kept, left) = await manager.DeleteAsync(id, req.Force, ct);
            var short8 = id[..8];
            if (kept is not null && !req.Json)
                host.Err.WriteLine($"zwarm: kept branch {kept} of {short8} (not merged; its checkpoints stay; rm --force deletes it)");
            ReportLeftOnHost(host, short8, left);
            if (req.Json)
                removed.Add(m is null ? SessionOut.Unreadable(id, problem) : shapes.Summary(m));
            else if (m is null) host.Out.WriteLine($"removed {short8}  (unreadable: {problem})");
            else host.Out.WriteLine($"{(m.Status.IsFinished() ? "removed" : "killed and removed")} {short8}  {m.Status.ToWire()}");
        }
        if (req.Json) JsonOut.Write(host.Out, removed, CliJsonContext.Default.ListSessionOut);
        else if (targets.Count == 0) host.Out.WriteLine("nothing to remove");
        return ExitCodes.Success;
    }

    /// <summary>The one line for a removed session whose folder on its host could not be removed (rm and clean).</summary>
    internal static void ReportLeftOnHost(CliHost host, string shortId, string? left)
    {
        if (left is not null) host.Err.WriteLine($"zwarm: removed {shortId} here, but its folder on {left}; remove it there by hand");
    }

    /// <summary>Resolves every id before anything is removed, so one bad id changes nothing.</summary>
    private static async Task<List<SessionEntry>> ResolveAsync(SessionManager manager, string[] given, bool force, CancellationToken ct)
    {
        var list = new List<SessionEntry>();
        foreach (var g in given)
        {
            var id = manager.Store.Resolve(g);
            var entry = await manager.Store.TryReadAsync(id, ct);
            if (entry.Meta is null && !force)
                throw new ZwarmException(
                    $"session {id[..8]} is unreadable: {entry.Problem}; remove it anyway with: zwarm rm --force {id[..8]}");
            if (list.All(e => e.Id != id)) list.Add(entry);
        }
        return list;
    }
}
