using AwesomeAssertions;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

/// <summary>orchestrator.budget_usd: the cost of an instance's sessions counts against it; beyond it, no delegate or converse.</summary>
public sealed class BudgetSpecs
{
    [Fact(Timeout = 60_000)]
    public async Task Beyond_its_budget_an_instance_may_neither_delegate_nor_converse_and_is_told_the_figures()
    {
        await using var w = await World.CreateAsync(orchestratorToml: "budget_usd = 0.00001");
        w.Chat(
            One("delegate", """{"task":"reply=First_result"}""", "d1"),
            One("sleep", """{"seconds":10}""", "s1"));
        var run = w.OrchestrateAsync("Spend the budget");
        var session = (await w.WaitForSessionsAsync(1))[0];
        w.Chat(
            One("delegate", """{"task":"reply=Second"}""", "d2"),
            One("converse", $$"""{"session_id":"{{session.ShortId}}","message":"reply=More"}""", "c1"),
            One("exit", """{"summary":"out of budget"}"""));

        var result = await run;

        result.Status.Should().Be("completed", w.Output.ToString());
        foreach (var id in new[] { "d2", "c1" })
        {
            var refused = w.ToolResult(id);
            refused["success"]!.GetValue<bool>().Should().BeFalse();
            refused["error"]!.GetValue<string>().Should()
                .Contain("budget exhausted: your 1 session cost $0.000045 of a budget of $0.00001 (orchestrator.budget_usd)");
        }
        (await w.OrchestratorSessionsAsync()).Should().ContainSingle().Which.Turn.Should().Be(1);
        var exceeded = w.Manager.Events.ReadAll().Where(e => e.Event == "budget_exceeded").ToList();
        exceeded.Should().ContainSingle().Which.SessionId.Should().BeNull();
        exceeded[0].Reason.Should().StartWith("orchestrator instance ").And.Contain("delegate refused");
    }
}
