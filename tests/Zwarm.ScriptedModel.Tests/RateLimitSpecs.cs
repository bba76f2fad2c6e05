using System.Text.Json.Nodes;
using AwesomeAssertions;

namespace Zwarm.ScriptedModel.Tests;

/// <summary>HTTP 429 answers: with or without Retry-After, and the ChatGPT-plan usage limit.</summary>
public sealed class RateLimitSpecs
{
    [Fact]
    public async Task A_rate_limit_is_a_429_with_a_rate_limit_body_and_Retry_After_when_asked()
    {
        await using var t = (await TestServer.StartAsync())
            .With(Endpoint.Responses, ScriptedReply.RateLimited(), ScriptedReply.RateLimited(retryAfterSeconds: 7));

        var plain = await t.PostAsync("/v1/responses", Bodies.Codex("a"));
        var after = await t.PostAsync("/v1/responses", Bodies.Codex("b"));

        plain.Status.Should().Be(429);
        JsonNode.Parse(plain.Body)!["error"]!["type"]!.GetValue<string>().Should().Be("rate_limit_error");
        plain.Headers.Contains("retry-after").Should().BeFalse();
        after.Status.Should().Be(429);
        after.Headers.GetValues("retry-after").Should().Equal("7");
    }

    [Fact]
    public async Task A_usage_limit_carries_the_chatgpt_plan_body_with_the_reset()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Responses, ScriptedReply.UsageLimitReached(90));

        var answer = await t.PostAsync("/v1/responses", Bodies.Codex("a"));

        answer.Status.Should().Be(429);
        var error = JsonNode.Parse(answer.Body)!["error"]!;
        error["type"]!.GetValue<string>().Should().Be("usage_limit_reached");
        error["resets_in_seconds"]!.GetValue<int>().Should().Be(90);
        error["resets_at"]!.GetValue<long>().Should().BeGreaterThan(0);
    }

    [Fact]
    public void Scripts_spell_rate_limits_and_extra_headers()
    {
        var script = ScriptParser.Parse("""
            {"responses": [
              {"when": "RL", "rate_limit": {"retry_after": 2}},
              {"rate_limit": {"usage_limit_resets_in": 60}},
              {"http_error": {"status": 503, "headers": {"x-why": "busy"}}}
            ]}
            """, "test.json").Select(s => s.Reply).ToList();

        script[0].Should().BeOfType<HttpErrorReply>().Which.Headers.Should()
            .Equal(new Dictionary<string, string> { ["retry-after"] = "2" });
        script[0].When.Should().Be("RL");
        script[1].Should().BeOfType<HttpErrorReply>().Which.UsageLimitResetsInSeconds.Should().Be(60);
        script[2].Should().BeOfType<HttpErrorReply>().Which.Headers!["x-why"].Should().Be("busy");
    }
}
