using System.CommandLine;
using System.Globalization;
using Zwarm.Cli.Rendering;
using Zwarm.Core;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm clean [--keep-days N] [-y] [--dry-run]: remove finished sessions older than N days (default 7), after asking.</summary>
internal static class CleanCommand
{
    public static Command Create(CliHost host, bool topLevel = true)
    {
        var keep = new Option<double>("--keep-days", "-k")
        {
            Description = "keep sessions updated within this many days", DefaultValueFactory = _ => 7,
        };
        var yes = new Option<bool>("--yes", "-y") { Description = "do not ask" };
        var dry = new Option<bool>("--dry-run", "-n") { Description = "only list what would be removed" };
        var force = new Option<bool>("--force") { Description = "also delete unmerged worktree branches (kept otherwise)" };
        var json = Options.Json();
        var cmd = new Command("clean", "remove finished sessions older than --keep-days (never running ones)")
        {
            keep, yes, dry, force, json,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            // Python zwarm's top-level clean (same flags, no --keep-days) killed orphan processes; ours removes sessions.
            if (topLevel && pr.GetResult(keep) is null or { Implicit: true })
                host.Err.WriteLine("zwarm: note: clean removes finished sessions older than --keep-days (default 7); " +
                                   "Python zwarm's clean killed orphan processes: here that is zwarm orphans --kill");
            var manager = await host.ManagerAsync(ct);
            var days = pr.GetValue(keep);
            if (days is < 0 or double.NaN) throw new ZwarmException("--keep-days must be 0 or more", ExitCodes.Usage);
            var old = await manager.CleanCandidatesAsync(days, ct);
            var debris = manager.FindDebris();
            var asJson = pr.GetValue(json);
            var now = host.Now;
            if (!asJson)
            {
                var age = days.ToString("0.##", CultureInfo.InvariantCulture);
                if (old.Count == 0 && debris.Count == 0)
                {
                    host.Out.WriteLine($"nothing to clean: no finished session older than {age} day(s)");
                    return ExitCodes.Success;
                }
                if (old.Count > 0)
                {
                    host.Out.WriteLine($"{old.Count} finished session(s) older than {age} day(s):");
                    foreach (var m in old)
                        host.Out.WriteLine($"  {SessionView.Icon(m.Status)} {m.ShortId}  {m.Status.ToWire(),-9}  " +
                                           $"{SessionView.Ago(m.UpdatedAt, now),-8}  {TextCut.Excerpt(m.Task, 1, 60)}");
                }
                if (debris.Count > 0)
                {
                    host.Out.WriteLine($"{debris.Count} leftover(s) of interrupted commands:");
                    foreach (var d in debris)
                        host.Out.WriteLine($"  {Path.GetRelativePath(manager.Store.Root, d.Path)}  ({d.What})");
                }
            }
            var dryRun = pr.GetValue(dry);
            var question = old.Count > 0
                ? $"remove these {old.Count} session(s)? [y/N] "
                : $"sweep these {debris.Count} leftover(s)? [y/N] ";
            if (!dryRun && (old.Count > 0 || debris.Count > 0) && !pr.GetValue(yes) && !host.Confirm(question))
                throw new ZwarmException("aborted; nothing removed");
            var removed = new List<SessionOut>();
            var shapes = SessionOut.Shapes(manager, now);
            foreach (var m in old)
            {
                if (!dryRun)
                {
                    var (_, kept, left) = await manager.DeleteAsync(m.Id, pr.GetValue(force), ct);
                    if (kept is not null && !asJson)
                        host.Err.WriteLine($"zwarm: kept branch {kept} of {m.ShortId} (not merged; clean --force deletes it)");
                    RmCommand.ReportLeftOnHost(host, m.ShortId, left);
                }
                removed.Add(shapes.Summary(m));
            }
            if (!dryRun)
                foreach (var d in debris) FileSessionStore.RemoveDebris(d);
            if (asJson) JsonOut.Write(host.Out, removed, CliJsonContext.Default.ListSessionOut);
            else if (dryRun) host.Out.WriteLine("dry run: nothing removed");
            else
            {
                if (old.Count > 0) host.Out.WriteLine($"removed {old.Count} session(s)");
                if (debris.Count > 0) host.Out.WriteLine($"swept {debris.Count} leftover(s)");
            }
            return ExitCodes.Success;
        });
        return cmd;
    }
}
