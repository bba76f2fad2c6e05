using AwesomeAssertions;
using Zwarm.Core.Sessions;
using Zwarm.ScriptedModel;

namespace Zwarm.Core.Tests.Integration;

/// <summary>
/// The real codex and claude CLIs against a scripted HTTP 429: rate_limited with retry_at, then the turn is retried by itself.
/// </summary>
[Collection(RealAgentsCollection.Name)]
public sealed class RateLimitIntegrationSpecs
{
    private const string Wait = "on_rate_limit = \"wait\"\nrate_limit_backoff = 3";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 90_000)]
    public async Task Codex_hitting_a_429_waits_out_the_backoff_then_resumes_its_thread_and_completes()
    {
        await using var p = await RealAgentProject.CreateAsync(codex: true, executor: Wait);
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.RateLimited());
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.Answer("Back after the limit."));

        var started = await p.StartAsync("Say something after the limit.");
        var parked = await ParkedAsync(p, started.Id);
        var done = await p.UntilFinishedAsync(started.Id, 45_000);

        parked.Error.Should().Contain("429 Too Many Requests");
        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        done.Messages.Last().Content.Should().Be("Back after the limit.");
        done.Turn.Should().Be(2);
        done.Turns!.Single(t => t.Turn == 2).Resume.Should().Be("native");
        p.Server.Requests.Should().HaveCount(2);
        p.Server.Requests[1].ReceivedAt.Should().BeOnOrAfter(parked.RetryAt!.Value.AddMilliseconds(-50), "nothing retries before retry_at");
        p.Server.Requests[1].SessionId.Should().Be(parked.AgentSessionId, "`codex exec resume` continues the same thread");
        p.Server.Requests[1].LastUserPrompt.Should().Be("Say something after the limit.");
        p.Manager.Events.ReadAll().Where(e => e.SessionId == done.Id).Select(e => e.Event)
            .Should().Equal("created", "started", "rate_limited", "resumed", "started", "completed");
    }

    [Fact(Timeout = 90_000)]
    public async Task Claude_hitting_a_429_waits_out_the_backoff_then_resumes_its_session_and_completes()
    {
        await using var p = await RealAgentProject.CreateAsync(claude: true, executor: Wait);
        p.Server.Enqueue(Endpoint.Messages, ScriptedReply.RateLimited());
        p.Server.Enqueue(Endpoint.Messages, ScriptedReply.Answer("Claude is back."));

        var started = await p.StartAsync("Say something after the limit.");
        var parked = await ParkedAsync(p, started.Id);
        var done = await p.UntilFinishedAsync(started.Id, 45_000);

        parked.Error.Should().Contain("429");
        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        done.Messages.Last().Content.Should().Be("Claude is back.");
        done.Turn.Should().Be(2);
        p.Server.Requests.Should().HaveCount(2);
        p.Server.Requests[1].ReceivedAt.Should().BeOnOrAfter(parked.RetryAt!.Value.AddMilliseconds(-50));
        p.Server.Requests[1].LastUserPrompt.Should().Be("Say something after the limit.");
    }

    [Fact(Timeout = 60_000)]
    public async Task Codex_usage_limit_records_the_reset_it_states()
    {
        await using var p = await RealAgentProject.CreateAsync(codex: true, executor: Wait);
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.UsageLimitReached(resetsInSeconds: 600));

        var started = await p.StartAsync("This hits the plan's usage limit.");
        var parked = await ParkedAsync(p, started.Id);

        parked.Error.Should().Contain("You’ve hit your usage limit").And.Contain("try again at");
        // Codex prints the reset to the minute; zwarm waits until that minute is over.
        parked.RetryAt!.Value.Should().BeCloseTo(DateTimeOffset.Now.AddSeconds(600), TimeSpan.FromSeconds(90));
        parked.QueuedReason.Should().StartWith("rate limited until ");
        (await p.Manager.KillAsync(parked.Id, Ct)).Session.Status.Should().Be(SessionStatus.Killed);
    }

    private static async Task<SessionMeta> ParkedAsync(RealAgentProject p, string id)
    {
        SessionMeta? m = null;
        (await RealAgentProject.EventuallyAsync(() => (m = p.Manager.GetAsync(id, Ct).Result).RetryAt is not null, 30_000))
            .Should().BeTrue("the session should be parked on its rate limit\n{0}", m is null ? "" : p.Diagnostics(m));
        m!.Status.Should().Be(SessionStatus.Pending);
        m.ErrorKind.Should().Be("rate_limited");
        m.QueuedReason.Should().StartWith("rate limited until");
        return m;
    }
}
