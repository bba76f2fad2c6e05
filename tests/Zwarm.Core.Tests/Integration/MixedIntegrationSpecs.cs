using AwesomeAssertions;
using Zwarm.Core.Agents;
using Zwarm.Core.Sessions;
using Zwarm.ScriptedModel;

namespace Zwarm.Core.Tests.Integration;

/// <summary>Real codex and Claude Code sessions side by side in one store.</summary>
[Collection(RealAgentsCollection.Name)]
public sealed class MixedIntegrationSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 45_000)]
    public async Task A_codex_and_a_claude_session_run_at_once_and_are_listed_with_adapter_model_tokens_and_cost()
    {
        await using var p = await RealAgentProject.CreateAsync(codex: true, claude: true);
        // Slow streams (about 2 s each) so that both agents are busy at the same time.
        const string codexText = "codex answers one two three four five six seven eight nine ten";
        const string claudeText = "claude answers one two three four five six seven eight nine ten";
        p.Server.Enqueue(
            Endpoint.Responses, ScriptedReply.Answer(codexText, new ScriptedUsage(150, 25) { CachedTokens = 50 }) with { DelayMs = 150 });
        p.Server.Enqueue(Endpoint.Messages, ScriptedReply.Answer(claudeText, new ScriptedUsage(120, 30)) with { DelayMs = 150 });

        var codex = await p.StartAsync("Codex, count to ten.", adapter: "codex");
        var claude = await p.StartAsync("Claude, count to ten.", adapter: "claude");

        (await RealAgentProject.EventuallyAsync(() => p.Server.Requests.Count == 2)).Should()
            .BeTrue("both agents should be calling the model");
        var whileRunning = await p.Manager.ListAsync(Ct);
        whileRunning.Select(e => e.Meta!.Status).Should().AllBeEquivalentTo(SessionStatus.Running, "both streams are still going");
        var waited = await p.Manager.WaitAsync([codex.Id, claude.Id], TimeSpan.FromSeconds(30), false, Ct);
        waited.TimedOut.Should().BeFalse();

        var listed = (await p.Manager.ListAsync(Ct)).Select(e => e.Meta!).ToDictionary(m => m.Id);
        listed.Should().HaveCount(2);
        var c = listed[codex.Id];
        var a = listed[claude.Id];
        c.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(c));
        a.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(a));
        (c.Adapter, c.Model, c.Messages.Last().Content).Should().Be(("codex", "gpt-5.5", codexText));
        (a.Adapter, a.Model, a.Messages.Last().Content).Should().Be(("claude", "claude-sonnet-4-5", claudeText));
        c.TotalTokens.Should().Be(175);
        a.TotalTokens.Should().Be(150);
        // Claude reports its cost; codex does not, so it is priced from the registry (gpt-5.5: $1.25 in, $0.125 cached, $10 out).
        c.CostUsd.Should().BeNull();
        Cost(p, c).Should().BeApproximately((100 * 1.25 + 50 * 0.125 + 25 * 10) / 1e6, 1e-12);
        a.CostUsd.Should().BeApproximately((120 * 3 + 30 * 15) / 1e6, 1e-9);
        Cost(p, a).Should().Be(a.CostUsd);

        p.Server.Requests.Select(r => (r.Path, r.SessionId)).Should()
            .BeEquivalentTo([("/v1/responses", c.AgentSessionId), ("/v1/messages", a.AgentSessionId)]);
        p.Server.Problems.Should().BeEmpty();
    }

    // As `zwarm ls` shows it: the agent-reported cost when there is one, else the registry price of the usage.
    private static double? Cost(RealAgentProject p, SessionMeta m)
    {
        if (m.CostUsd is { } reported) return reported;
        var price = p.Manager.Agents.Models.PriceOf(m.Model, p.Manager.Config.Prices);
        return price is null ? null : ModelRegistry.Cost(price, m.TokenUsage);
    }
}
