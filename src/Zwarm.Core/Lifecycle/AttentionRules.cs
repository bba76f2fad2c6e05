using Zwarm.Core.Sessions;
using Zwarm.Core.Text;

namespace Zwarm.Core.Lifecycle;

/// <summary>Why a session needs a person, and how urgently (0 first).</summary>
public sealed record AttentionNeed(int Priority, string Kind, string Reason);

/// <summary>
/// Whether a person should look at a session (failed, rate limited, over budget, finished and not seen yet), in which
/// order, and the record that someone did.
/// </summary>
internal sealed class AttentionRules(SessionManager sessions)
{
    /// <summary>
    /// Whether a person should look at the session: waiting out a rate limit, or finished since it was last seen
    /// (peek, show) — failed, rate-limited, over budget, or just done. Null when it needs nobody.
    /// </summary>
    public AttentionNeed? Of(SessionMeta m)
    {
        if (m.Status == SessionStatus.Pending && m.RetryAt is { } at)
            return new AttentionNeed(1, "rate_limited", $"rate limited until {SessionManager.Clock(at)}, will retry by itself");
        if (!m.Status.IsFinished() || m.Status == SessionStatus.Killed) return null;
        if (m.SeenAt is { } seen && seen >= m.UpdatedAt) return null;
        if (m.ErrorKind == "rate_limited")
            return new AttentionNeed(1, "rate_limited",
                "rate limited" + (m.RetryAt is { } r ? $" until {SessionManager.Clock(r)}" : "") + " (executor.on_rate_limit = fail)");
        if (m.Status == SessionStatus.Failed) return new AttentionNeed(0, "failed", "failed: " + OneLine(m.Error ?? "no reason recorded"));
        if (sessions.Budget.OverBudget(m) is { } over) return new AttentionNeed(2, "over_budget", "over budget: " + over);
        return new AttentionNeed(3, "unseen",
            m.Error is null ? "finished, not seen yet" : "finished with an error, not seen yet: " + OneLine(m.Error));
    }

    /// <summary>The sessions that need attention, most urgent first, then newest.</summary>
    public static IReadOnlyList<(SessionMeta Session, AttentionNeed Attention)> Needing(
        IEnumerable<SessionMeta> sessions, Func<SessionMeta, AttentionNeed?> attentionOf)
        => [.. sessions.Select(m => (m, a: attentionOf(m))).Where(x => x.a is not null).Select(x => (x.m, x.a!))
            .OrderBy(x => x.Item2.Priority).ThenByDescending(x => x.m.UpdatedAt)];

    /// <summary>Records that a person looked at a finished session (peek, show); the time it was seen is kept in meta.json.</summary>
    public async Task<SessionMeta> MarkSeenAsync(SessionMeta meta, CancellationToken ct)
    {
        if (!meta.Status.IsFinished() || meta.SeenAt >= meta.UpdatedAt) return meta;
        return await sessions.Store.UpdateAsync(meta.Id, m =>
        {
            if (!m.Status.IsFinished() || m.SeenAt >= m.UpdatedAt) return false;
            var now = sessions.Now;
            m.SeenAt = now > m.UpdatedAt ? now : m.UpdatedAt;
            return true;
        }, ct);
    }

    private static string OneLine(string s) => TextCut.Cut(s.ReplaceLineEndings(" "), 160);
}
