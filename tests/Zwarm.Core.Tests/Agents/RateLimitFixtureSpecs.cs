using AwesomeAssertions;
using Zwarm.Core.Agents;
using Zwarm.Core.Tests.Agents.Claude;
using Zwarm.Core.Tests.Agents.Codex;

namespace Zwarm.Core.Tests.Agents;

/// <summary>The captured rate-limit outcomes of both agents (tests/fixtures/agents, README "Rate limits").</summary>
public sealed class RateLimitFixtureSpecs
{
    [Fact]
    public async Task Codex_failing_on_a_429_is_rate_limited_without_a_stated_reset()
    {
        var r = await CodexFixtures.ParseAsync("10_rate_limit_429.jsonl");

        r.RateLimited.Should().BeTrue();
        r.RetryHint.Should().BeNull();
        r.Error.Should().Contain("429 Too Many Requests");
    }

    [Fact]
    public async Task Codex_usage_limit_states_the_reset_as_a_clock_time()
    {
        var r = await CodexFixtures.ParseAsync("11_usage_limit.jsonl");

        r.RateLimited.Should().BeTrue();
        r.RetryHint.Should().Be(new RetryHint(Clock: new TimeOnly(0, 40)));
        r.Error.Should().StartWith("You’ve hit your usage limit");
    }

    [Fact]
    public async Task Codex_waiting_out_a_Retry_After_by_itself_is_a_normal_completion()
    {
        var r = await CodexFixtures.ParseAsync("12_rate_limit_retry_after.jsonl");

        r.RateLimited.Should().BeFalse();
        r.Error.Should().BeNull();
        r.Reply.Should().Be("Recovered after waiting.");
    }

    [Theory]
    [InlineData("11_rate_limit_429.jsonl", "Rate limit reached (scripted)")]
    [InlineData("13_rate_limit_unified_headers.jsonl", "exceed your account's rate limit")]
    public async Task Claude_failing_on_a_429_is_rate_limited(string name, string message)
    {
        var r = await ClaudeFixtures.ParseAsync(name);

        r.RateLimited.Should().BeTrue();
        r.RetryHint.Should().BeNull("claude 2.1.328 states no reset for an API-key 429");
        r.Error.Should().Contain("429").And.Contain(message);
    }

    [Fact]
    public async Task Claude_retrying_a_429_by_itself_is_a_normal_completion()
    {
        var r = await ClaudeFixtures.ParseAsync("12_rate_limit_retry_after.jsonl");

        r.RateLimited.Should().BeFalse();
        r.Error.Should().BeNull();
        r.Reply.Should().Be("Recovered after waiting.");
    }

    [Fact]
    public void A_clock_time_resolves_to_the_end_of_that_minute_today_or_tomorrow()
    {
        var said = new DateTimeOffset(2026, 12, 2, 0, 38, 50, TimeZoneInfo.Local.GetUtcOffset(new DateTime(2026, 12, 2)));
        RetryHint.FromText("try again at 12:40 AM.")!.Resolve(said)!.Value.Should().Be(said.Date.AddMinutes(41).ToLocalDate(said.Offset));
        RetryHint.FromText("try again at 12:10 AM.")!.Resolve(said)!.Value.Should()
            .Be(said.Date.AddDays(1).AddMinutes(11).ToLocalDate(said.Offset));
        RetryHint.FromText("Claude AI usage limit reached|1796000000")!.Resolve(said).Should()
            .Be(DateTimeOffset.FromUnixTimeSeconds(1796000000));
        RetryHint.FromText("nothing about time").Should().BeNull();
    }
}

internal static class DateExtensions
{
    public static DateTimeOffset ToLocalDate(this DateTime d, TimeSpan offset) => new(d, offset);
}
