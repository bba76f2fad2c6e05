using Spectre.Console;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;

namespace Zwarm.Cli.Rendering;

/// <summary>The worktree facts of a session in `show`: branch, changes, merge, fork origin, review link and reviews.</summary>
internal static class IsolationView
{
    public static async Task HeaderRowsAsync(IAnsiConsole console, SessionManager manager, SessionMeta m, CancellationToken ct)
    {
        void Row(string key, string value) => console.MarkupLine($"[grey]{key,-8}[/] {value}");
        if (m.Worktree is { } wt)
        {
            var state = wt.Discarded == true ? " [red](discarded)[/]"
                : !Directory.Exists(wt.Path) ? " [grey](folder removed; recreated on continue)[/]"
                : "";
            Row("worktree",
                Term.Escape($"{wt.Path}  branch {wt.Branch}  base {wt.BaseCommit[..Math.Min(10, wt.BaseCommit.Length)]}") + state);
            if (await manager.ChangeSummaryAsync(m, ct) is { } changes) Row("changes", Term.Escape(changes));
            if (m.MergedInto is { } into) Row("merged", Term.Escape($"into {into}"));
        }
        if (m.ForkOf is { } f)
            Row("fork of", Term.Escape($"{f.Session[..Math.Min(8, f.Session.Length)]} at turn {f.Turn} " +
                                       $"({(f.AgentSessionId is null ? "conversation replayed" : "conversation forked natively")})"));
        if (m.ReviewOf is { } r) Row("review of", Term.Escape(r[..Math.Min(8, r.Length)]) + " [grey](read-only)[/]");
        foreach (var review in await manager.ReviewsOfAsync(m.Id, ct))
        {
            var reply = SessionFacts.LastReply(review);
            var text = reply is null ? review.Status.ToWire() : TextCut.Excerpt(TerminalText.Safe(reply), 4, 400);
            Row("review", $"[{SessionView.Color(review.Status)}]{SessionView.Icon(review.Status)} {review.ShortId}[/] {Term.Escape(text)}");
        }
    }
}
