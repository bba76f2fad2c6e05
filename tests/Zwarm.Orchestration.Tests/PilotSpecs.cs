using AwesomeAssertions;
using Zwarm.Orchestration.Loop;
using Zwarm.Orchestration.State;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

public sealed class PilotSpecs
{
    private static Task<RunResult> PilotAsync(World w, string input, PilotRequest? request = null, StringWriter? output = null) =>
        new PilotRunner(w.Services(output is null ? null : TextWriter.Synchronized(output)), new StringReader(input))
            .RunAsync(request ?? new PilotRequest(), TestEnv.Ct);

    [Fact(Timeout = 120_000)]
    public async Task Two_turns_history_goto_status_save_and_a_resume_that_continues_from_the_checkpoint()
    {
        await using var w = await World.CreateAsync();
        w.Chat(
            One("delegate", """{"task":"reply=pilot_work"}""", "d1"), Say("Started a session for it."),
            One("list_sessions", "{}", "l1"), Say("All good:\ntwo lines."));
        const string input = """
            start a session please
            ""\"
            how is it
            going?
            ""\"
            :history
            :goto T1
            :status
            :sessions
            :reasoning
            :bogus
            :save
            :quit
            """;

        var result = await PilotAsync(w, input.Replace("\"\"\\\"", "\"\"\"", StringComparison.Ordinal));

        var output = w.OutputText;
        result.Status.Should().Be("stopped", output);
        result.ExitCode.Should().Be(0);
        output.Should().Contain($"zwarm pilot · instance {result.InstanceId}");
        output.Should().Contain("step 1 → delegate(task=\"reply=pilot_work\")").And.Contain("Started a session for it.")
            .And.Contain("(checkpoint T1)");
        output.Should().Contain("step 3 → list_sessions()").And.Contain("All good:\ntwo lines.").And.Contain("(checkpoint T2)");
        Messages(w.ChatRequests[2]).Last().Should().Be(("user", "how is it\ngoing?"));
        output.Should().Contain("  root").And.Contain("  T1   ← root")
            .And.Contain("* T2   ← T1   you: how is it going?  → All good: two lines.");
        output.Should().Contain("now at T1 (5 messages); your next message continues from there");
        output.Should().Contain("tokens    400 in (0 cached) · 80 out · 4 LLM calls");
        output.Should().MatchRegex(@"context   \[[█░]{20}\] \d+ / 100,000 \(\d+%\)");
        output.Should().Contain("cost      unknown for scripted-orchestrator").And.Contain("sessions  1 started");
        output.Should().MatchRegex(@"[0-9a-f]{8}  (running|completed) +codex/gpt-5.1-codex-mini  turn 1");
        output.Should().Contain("reasoning is shown").And.Contain("unknown command :bogus (see :help)");
        output.Should()
            .Contain($"saved instance {result.InstanceId} at T1; resume with: zwarm pilot --resume --instance {result.InstanceId}");

        var state = await InstanceState.OpenAsync(Path.Combine(w.ZwarmDir, "instances", result.InstanceId), ct: TestEnv.Ct);
        (await state.CheckpointsAsync(TestEnv.Ct)).Select(c => c.Label).Should().Equal("root", "T1", "T2");
        state.Progress.Checkpoint.Should().Be("T1");

        // Resume: the next request continues from T1, not from T2.
        w.Chat(Say("Next: nothing."));
        var output2 = new StringWriter();
        var resumed = await PilotAsync(
            w, "what next?\n:history\n:quit\n", new PilotRequest { Resume = true, Instance = result.InstanceId }, output2);

        resumed.InstanceId.Should().Be(result.InstanceId);
        var last = Messages(w.ChatRequests[^1]);
        last.Select(m => m.Content).Should().Contain("start a session please").And.NotContain("how is it\ngoing?");
        last[^1].Should().Be(("user", "what next?"));
        last.Should().HaveCount(5 + 1);
        foreach (var r in w.ChatRequests) AssertPairs(r);
        output2.ToString().Should().Contain("resumed at T1 (2 turns so far)").And.Contain("(checkpoint T3)")
            .And.Contain("* T3   ← T1   you: what next?");
        w.ChatRequests[0].OfferedTools.Should().NotContain(["bash", "exit"]).And.Contain(["delegate", "sleep"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_first_message_from_task_and_the_per_turn_step_limit()
    {
        await using var w = await World.CreateAsync(orchestratorToml: "max_steps_per_turn = 2");
        w.Chat(One("list_sessions"), One("list_sessions", """{"status":"running"}"""), Say("done"));

        var result = await PilotAsync(w, "continue\n:quit\n", new PilotRequest { Task = "look around" });

        result.Status.Should().Be("stopped");
        w.OutputText.Should().Contain("(stopped after 2 steps this turn, orchestrator.max_steps_per_turn; say \"continue\" to go on)");
        Messages(w.ChatRequests[0])[1].Should().Be(("user", "look around"));
        w.OutputText.Should().Contain("(checkpoint T2)");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_llm_error_drops_the_turn_and_the_conversation_goes_on()
    {
        await using var w = await World.CreateAsync();
        w.Chat(Zwarm.ScriptedModel.ScriptedReply.HttpError(400, "bad request today"), Say("fine now"));

        var result = await PilotAsync(w, "first try\nsecond try\n:quit\n");

        result.ExitCode.Should().Be(0);
        w.OutputText.Should()
            .Contain("✗ the LLM rejected the request (HTTP 400): bad request today (this turn was not kept; try again, or :quit)");
        Messages(w.ChatRequests[1]).Select(m => m.Content).Should().NotContain("first try");
        w.OutputText.Should().Contain("fine now").And.Contain("(checkpoint T1)");
    }
}
