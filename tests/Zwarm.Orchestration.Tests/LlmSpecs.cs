using AwesomeAssertions;
using Zwarm.Core;
using Zwarm.Core.Config;
using Zwarm.Orchestration.Llm;
using Zwarm.Orchestration.State;
using Zwarm.ScriptedModel;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

public sealed class LlmSpecs
{
    private static OrchestratorConfig Orchestrator(string? baseUrl, string keyEnv = "OPENAI_API_KEY") =>
        new("gpt-5.1", baseUrl, keyEnv, 50, 60, 4, [], new CompactionConfig(100000, 0.85, 0.7, 2, 10));

    [Fact(Timeout = 60_000)]
    public async Task Rate_limits_and_server_errors_are_retried_with_backoff()
    {
        await using var w = await World.CreateAsync();
        w.Chat(ScriptedReply.HttpError(429, "slow down"), ScriptedReply.HttpError(503, "busy"), One("exit", """{"summary":"made it"}"""));

        var result = await w.OrchestrateAsync("Persist");

        result.Status.Should().Be("completed");
        w.ChatRequests.Should().HaveCount(3);
        w.OutputText.Should().Contain("· LLM HTTP 429; retry 1/2 in").And.Contain("· LLM HTTP 503; retry 2/2 in");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(401, "rejected the API key (HTTP 401): check $ZWARM_TEST_UNSET_KEY (orchestrator.api_key_env)")]
    [InlineData(404, "answered 404 for model 'scripted-orchestrator': check orchestrator.model and orchestrator.base_url")]
    [InlineData(429, "the LLM is rate-limiting (HTTP 429) after 2 retries: try again later: no more")]
    public async Task Failures_are_one_clear_line_and_the_state_is_kept(int status, string message)
    {
        await using var w = await World.CreateAsync();
        w.Chat(ScriptedReply.HttpError(status, "no more") with { Times = 3 });

        var act = () => w.OrchestrateAsync("Anything");

        var ex = (await act.Should().ThrowAsync<ZwarmException>()).Which;
        ex.Message.Should().Contain(message).And.Contain("(state saved; resume with: zwarm orchestrate --resume --instance ");
        ex.Message.Should().NotContain("\n");
        var record = (await new InstanceRegistry(w.ZwarmDir).ListAsync(TestEnv.Ct)).Single();
        record.Status.Should().Be("failed");
        record.Error.Should().Contain(message);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("""{"choices":[]}""", "answered without a choice")]
    [InlineData("<html>502 Bad Gateway</html>", "answered with a body that is not a chat completion")]
    public async Task A_reply_that_is_not_a_usable_completion_is_one_line_naming_the_endpoint_and_the_state_is_kept(
        string body, string message)
    {
        await using var w = await World.CreateAsync();
        w.Chat(ScriptedReply.RawBody(body));

        var act = () => w.OrchestrateAsync("Anything");

        var ex = (await act.Should().ThrowAsync<ZwarmException>()).Which;
        ex.Message.Should().Contain($"the LLM endpoint {w.Server.OpenAiBaseUrl}").And.Contain(message)
            .And.Contain("(state saved; resume with: zwarm orchestrate --resume --instance ");
        ex.Message.Should().NotContain("\n").And.NotContain("LineNumber").And.NotContain("Exception");
        (await new InstanceRegistry(w.ZwarmDir).ListAsync(TestEnv.Ct)).Single().Status.Should().Be("failed");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unreachable_endpoint_is_named_without_retrying()
    {
        await using var w = await World.CreateAsync(orchestratorToml: "");
        var config = await File.ReadAllTextAsync(Path.Combine(w.ZwarmDir, "config.toml"), TestEnv.Ct);
        await File.WriteAllTextAsync(
            Path.Combine(w.ZwarmDir, "config.toml"),
            config.Replace(w.Server.OpenAiBaseUrl, "http://127.0.0.1:9/v1", StringComparison.Ordinal),
            TestEnv.Ct);
        await w.ReloadAsync();

        var act = () => w.OrchestrateAsync("Anything");

        (await act.Should().ThrowAsync<ZwarmException>())
            .WithMessage("cannot reach the LLM at http://127.0.0.1:9/v1 (Connection refused): check orchestrator.base_url*");
        w.OutputText.Should().NotContain("retry");
    }

    [Fact]
    public void Settings_need_a_key_only_for_openai_itself()
    {
        var missing = () => LlmSettings.Resolve(Orchestrator(null), _ => null);
        missing.Should().Throw<ZwarmException>().WithMessage("OPENAI_API_KEY is not set*");
        LlmSettings.Resolve(Orchestrator(null), k => k == "OPENAI_API_KEY" ? "sk-test" : null).ApiKey.Should().Be("sk-test");
        LlmSettings.Resolve(Orchestrator("http://localhost:11434/v1/"), _ => null).Should()
            .Be(new LlmSettings("gpt-5.1", "http://localhost:11434/v1", "unused", "OPENAI_API_KEY"));
        var bad = () => LlmSettings.Resolve(Orchestrator("localhost:11434"), _ => "k");
        bad.Should().Throw<ZwarmException>().WithMessage("orchestrator.base_url 'localhost:11434' is not an http(s) URL*");
    }
}
