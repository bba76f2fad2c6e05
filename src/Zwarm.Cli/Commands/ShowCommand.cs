using System.CommandLine;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Agents;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Core;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm show ID [-v] [--raw] [--json]: header and the whole conversation across turns.</summary>
internal static class ShowCommand
{
    public static Command Create(CliHost host)
    {
        var id = Options.SessionId();
        var verbose = new Option<bool>("-v")
        {
            Description = "also tool messages and per-turn details (timing, exit code, tokens, resume)",
        };
        var raw = new Option<bool>("--raw", "-r") { Description = "the messages only, one ROLE: text block each, no header or layout" };
        var json = Options.Json();
        var cmd = new Command("show", "a session's facts and its whole conversation") { id, verbose, raw, json };
        cmd.SetAction(async (pr, ct) =>
        {
            var manager = await host.ManagerAsync(ct);
            var meta = await manager.MarkSeenAsync(await manager.GetAsync(pr.GetValue(id)!, ct), ct);
            if (pr.GetValue(json))
            {
                var changes = await manager.ChangeSummaryAsync(meta, ct);
                var reviews = await manager.ReviewsOfAsync(meta.Id, ct);
                var more = new ShowMore(changes, reviews.Count == 0
                    ? null
                    : [.. reviews.Select(r => new ReviewJson(r.Id, r.Status.ToWire(), SessionFacts.LastReply(r)))]);
                JsonOut.Write(host.Out, SessionOut.Shapes(manager, host.Now).Full(meta, more, CliJsonContext.Default.ShowMore),
                    CliJsonContext.Default.SessionOut);
                return ExitCodes.Success;
            }
            if (pr.GetValue(raw))
            {
                ConversationView.Raw(host.Console, meta);
                return ExitCodes.Success;
            }
            var now = host.Now;
            ConversationView.Header(host.Console, meta, manager.Agents.Models, manager.Config, now);
            await IsolationView.HeaderRowsAsync(host.Console, manager, meta, ct);
            var live = await manager.Transcripts.LiveRepliesAsync(meta, ct);
            ConversationView.Conversation(host.Console, meta, pr.GetValue(verbose), live, now);
            return ExitCodes.Success;
        });
        return cmd;
    }
}
