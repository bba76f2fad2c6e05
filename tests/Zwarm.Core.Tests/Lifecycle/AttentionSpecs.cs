using AwesomeAssertions;
using Zwarm.Core.Events;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Lifecycle;

/// <summary>Events, rate limits, budgets and attention, with the fake agent.</summary>
public sealed class AttentionSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<ZwarmEvent> EventsOf(LifecycleProject p, string id)
        => [.. p.Manager.Events.ReadAll().Where(e => e.SessionId == id)];

    [Fact(Timeout = 60_000)]
    public async Task A_session_writes_created_started_completed_resumed_and_removed_events()
    {
        using var p = await LifecycleProject.CreateAsync();
        var s = await p.SpawnAsync("reply=One");
        await p.UntilFinishedAsync(s.Id);
        await p.Manager.ContinueAsync(s.Id, "reply=Two", Ct);
        await p.UntilFinishedAsync(s.Id);
        await p.Manager.DeleteAsync(s.Id, Ct);

        var events = EventsOf(p, s.Id);
        events.Select(e => e.Event).Should().Equal("created", "started", "completed", "resumed", "started", "completed", "removed");
        events.Select(e => e.Turn).Should().Equal(1, 1, 1, 2, 2, 2, 2);
        var done = events[2];
        done.Status.Should().Be("completed");
        done.ShortId.Should().Be(s.ShortId);
        done.Adapter.Should().Be("codex");
        done.Tokens.Should().Be(110);
        done.CostUsd.Should().BeGreaterThan(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task Kill_and_failure_write_their_events_with_the_reason()
    {
        using var p = await LifecycleProject.CreateAsync();
        var slow = await p.SpawnAsync("sleep=forever");
        await p.Manager.KillAsync(slow.Id, Ct);
        var bad = await p.SpawnAsync("replay=codex/04b_http400.jsonl exit=1");
        await p.UntilFinishedAsync(bad.Id);

        EventsOf(p, slow.Id).Last().Should().Match<ZwarmEvent>(e => e.Event == "killed" && e.Reason == "Manually killed");
        EventsOf(p, bad.Id).Last().Should().Match<ZwarmEvent>(e => e.Event == "failed" && e.Reason!.Contains("fake invalid request"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_rate_limited_turn_fails_by_default_with_error_kind_and_a_backoff_retry_time()
    {
        using var p = await LifecycleProject.CreateAsync("executor.rate_limit_backoff=30");
        var before = DateTimeOffset.Now;
        var s = await p.SpawnAsync($"ratelimit_once={Path.Combine(p.Path, "limited")} reply=Fine");

        var done = await p.UntilFinishedAsync(s.Id);

        done.Status.Should().Be(SessionStatus.Failed);
        done.ErrorKind.Should().Be("rate_limited");
        done.RetryAt.Should().BeCloseTo(before.AddSeconds(30), TimeSpan.FromSeconds(15));
        done.Error.Should().Contain("429 Too Many Requests");
        EventsOf(p, s.Id).Last().Event.Should().Be("rate_limited");
        p.Manager.AttentionOf(done)!.Kind.Should().Be("rate_limited");
    }

    [Fact(Timeout = 90_000)]
    public async Task With_on_rate_limit_wait_the_session_waits_then_retries_the_turn_by_itself_and_completes()
    {
        using var p = await LifecycleProject.CreateAsync("executor.on_rate_limit=wait", "executor.rate_limit_backoff=2");
        var s = await p.SpawnAsync($"ratelimit_once={Path.Combine(p.Path, "limited")} reply=Got_through");

        (await LifecycleProject.EventuallyAsync(() => p.Manager.GetAsync(s.Id).Result.RetryAt is not null, 20_000)).Should().BeTrue();
        // Reconciliation on read parks the session; nothing starts it again before retry_at.
        var parked = await p.Manager.GetAsync(s.Id, Ct);
        parked.Status.Should().Be(SessionStatus.Pending);
        parked.QueuedReason.Should().StartWith("rate limited until ");
        parked.ErrorKind.Should().Be("rate_limited");
        parked.Turn.Should().Be(2);
        parked.Turns!.Single(t => t.Turn == 2).Resume.Should().Be("native");
        p.Manager.AttentionOf(parked)!.Reason.Should().StartWith("rate limited until");
        var other = await p.SpawnAsync("reply=Other");
        other.Status.Should().Be(SessionStatus.Pending, "no new codex session starts before the reset");
        other.QueuedReason.Should().StartWith("codex is rate limited until");

        var done = await p.UntilFinishedAsync(s.Id, 30_000);

        done.Status.Should().Be(SessionStatus.Completed);
        done.Messages.Last().Content.Should().Be("Got through");
        done.ErrorKind.Should().BeNull();
        done.RetryAt.Should().BeNull();
        (done.Turns!.Single(t => t.Turn == 2).StartedAt!.Value).Should().BeOnOrAfter(parked.RetryAt!.Value.AddMilliseconds(-1));
        done.AgentSessionId.Should().Be("01a23430-5c3a-77f2-a1b6-6dd5eb49b030", "the thread of the rate-limited turn is the one resumed");
        done.Turns!.Single(t => t.Turn == 1).Status.Should().Be("failed");
        (await p.UntilFinishedAsync(other.Id)).Status.Should().Be(SessionStatus.Completed);
        EventsOf(p, s.Id).Select(e => e.Event).Should().Equal("created", "started", "rate_limited", "resumed", "started", "completed");
        EventsOf(p, other.Id).Select(e => e.Event).Should().StartWith("created", "queued");
    }

    [Fact(Timeout = 60_000)]
    public async Task Over_the_cost_budget_a_session_gets_no_further_turn_and_a_budget_exceeded_event()
    {
        using var p = await LifecycleProject.CreateAsync("executor.cost_budget_usd=0.00001");
        var s = await p.SpawnAsync("reply=Spent");
        var done = await p.UntilFinishedAsync(s.Id);

        var act = () => p.Manager.ContinueAsync(s.Id, "reply=More", Ct);

        var refused = (await act.Should().ThrowAsync<SessionRefusedException>()).Which;
        refused.Reason.Should().Be(Refusal.OverBudget);
        refused.Message.Should().Contain("over the budget of $0.00001").And.Contain("executor.cost_budget_usd");
        EventsOf(p, s.Id).Select(e => e.Event).Should().Contain("budget_exceeded");
        EventsOf(p, s.Id).Single(e => e.Event == "budget_exceeded").Reason.Should()
            .Contain("cost $0.0000").And.Contain("over the budget of $0.00001");
        p.Manager.AttentionOf(done)!.Kind.Should().Be("over_budget");
    }

    [Fact(Timeout = 60_000)]
    public async Task Finished_sessions_need_attention_until_seen_failed_ones_first()
    {
        using var p = await LifecycleProject.CreateAsync();
        var ok = await p.UntilFinishedAsync((await p.SpawnAsync("reply=Fine")).Id);
        var bad = await p.UntilFinishedAsync((await p.SpawnAsync("exit=3")).Id);

        var needing = SessionManager.NeedingAttention([ok, bad], p.Manager.AttentionOf);
        needing.Select(n => (n.Session.Id, n.Attention.Kind)).Should().Equal((bad.Id, "failed"), (ok.Id, "unseen"));
        needing[0].Attention.Reason.Should().Contain("agent produced no output");

        var seen = await p.Manager.MarkSeenAsync(ok, Ct);

        p.Manager.AttentionOf(seen).Should().BeNull();
        (await p.Manager.GetAsync(ok.Id, Ct)).SeenAt.Should().NotBeNull();
        p.Manager.AttentionOf(await p.Manager.GetAsync(bad.Id, Ct)).Should().NotBeNull();
    }
}
