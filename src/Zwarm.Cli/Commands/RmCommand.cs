using System.CommandLine;
using System.Text.Json.Nodes;
using Zwarm.Cli.Rendering;
using Zwarm.Core;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm rm ID…|--finished|--all: remove sessions (a running one is killed first).</summary>
internal static class RmCommand
{
    public static Command Create(CliHost host)
    {
        var ids = new Argument<string[]>("ids") { Description = "session ids or unique prefixes", Arity = ArgumentArity.ZeroOrMore };
        var finished = new Option<bool>("--finished") { Description = "remove every completed, failed or killed session" };
        var all = new Option<bool>("--all") { Description = "remove every session, killing running ones (asks unless -y)" };
        var force = new Option<bool>("--force") { Description = "also remove a session whose meta.json is unreadable, and delete unmerged worktree branches" };
        var yes = new Option<bool>("--yes", "-y") { Description = "do not ask" };
        var json = Options.Json();
        var cmd = new Command("rm", "remove sessions and their logs (kills a running session first)") { ids, finished, all, force, yes, json };
        cmd.Aliases.Add("delete");
        cmd.SetAction(async (pr, ct) =>
        {
            var given = pr.GetValue(ids) ?? [];
            var modes = (given.Length > 0 ? 1 : 0) + (pr.GetValue(finished) ? 1 : 0) + (pr.GetValue(all) ? 1 : 0);
            if (modes != 1) throw new ZwarmException("rm needs session ids, --finished or --all (one of them)", 2);
            var manager = await host.ManagerAsync(ct);
            var targets = given.Length > 0
                ? await ResolveAsync(manager, given, pr.GetValue(force), ct)
                : (await manager.ListAsync(ct)).Where(e => e.Meta is { } m && (pr.GetValue(all) || m.Status.IsFinished())).Select(e => new SessionEntry(e.Id, e.Meta, null)).ToList();
            var running = targets.Count(e => e.Meta is { } m && !m.Status.IsFinished());
            if (pr.GetValue(all) && targets.Count > 0 && !pr.GetValue(yes)
                && !host.Confirm($"remove all {targets.Count} session(s){(running > 0 ? $", killing {running} running" : "")}? [y/N] "))
                throw new ZwarmException("aborted; nothing removed");
            // In the REPL a session id is one mistyped prefix away from a running session: ask before killing it.
            if (host.InRepl && given.Length > 0 && !pr.GetValue(yes))
                foreach (var e in targets.Where(e => e.Meta is { } m && !m.Status.IsFinished()))
                    if (!host.Confirm($"session {e.Id[..8]} is {e.Meta!.Status.ToWire()}; kill and remove it? [y/N] "))
                        throw new ZwarmException("aborted; nothing removed");
            var removed = new JsonArray();
            foreach (var (id, m, problem) in targets)
            {
                var kept = (await manager.DeleteAsync(id, pr.GetValue(force), ct)).KeptBranch;
                var short8 = id[..8];
                if (kept is not null && !pr.GetValue(json)) host.Err.WriteLine($"zwarm: kept branch {kept} of {short8} (not merged; its checkpoints stay; rm --force deletes it)");
                if (pr.GetValue(json))
                    removed.Add(m is null ? new JsonObject { ["id"] = id, ["short_id"] = short8, ["unreadable"] = problem } : SessionView.ToSummaryJson(m, manager.Agents.Models, manager.Config, host.Now));
                else if (m is null) host.Out.WriteLine($"removed {short8}  (unreadable: {problem})");
                else host.Out.WriteLine($"{(m.Status.IsFinished() ? "removed" : "killed and removed")} {short8}  {m.Status.ToWire()}");
            }
            if (pr.GetValue(json)) SessionView.Write(host.Out, removed);
            else if (targets.Count == 0) host.Out.WriteLine("nothing to remove");
            return 0;
        });
        return cmd;
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
                throw new ZwarmException($"session {id[..8]} is unreadable: {entry.Problem}; remove it anyway with: zwarm rm --force {id[..8]}");
            if (list.All(e => e.Id != id)) list.Add(entry);
        }
        return list;
    }
}
