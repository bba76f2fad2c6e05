using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Core.Sessions;
using Zwarm.Orchestration.State;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

public sealed class OrchestrateSpecs
{
    [Fact(Timeout = 120_000)]
    public async Task A_run_delegates_two_sessions_sleeps_checks_them_converses_with_one_and_exits()
    {
        await using var w = await World.CreateAsync();
        w.Chat(
            Calls(
                Call("delegate", """{"task":"reply=First_done sleep=1"}""", "d1"),
                Call("delegate", """{"task":"reply=Second_done sleep=1","adapter":"codex"}""", "d2")),
            One("sleep", """{"seconds":30}""", "s1"));
        var run = w.OrchestrateAsync("Build two things");

        var sessions = await w.WaitForSessionsAsync(2);
        var (first, second) = (sessions[0].Task.StartsWith("reply=First", StringComparison.Ordinal) ? sessions[0] : sessions[1],
            sessions[0].Task.StartsWith("reply=First", StringComparison.Ordinal) ? sessions[1] : sessions[0]);
        w.Chat(
            One("sleep", """{"seconds":30}""", "s2"),
            Calls(
                Call("check_session", $$"""{"session_id":"{{first.Id}}"}""", "c1"),
                Call("check_session", $$"""{"session_id":"{{second.ShortId}}"}""", "c2")),
            One("converse", $$"""{"session_id":"{{first.ShortId}}","message":"reply=Follow_up_done"}""", "v1"),
            One("sleep", """{"seconds":30}""", "s3"),
            One("check_session", $$"""{"session_id":"{{first.ShortId}}"}""", "c3"),
            One("exit", """{"summary":"both things built"}""", "x1"));
        var result = await run;

        result.Status.Should().Be("completed", w.Output.ToString());
        result.ExitCode.Should().Be(0);
        result.Summary.Should().Be("both things built");
        w.Server.Problems.Should().BeEmpty();

        // The sessions exist, tagged with the instance, and the follow-up ran as turn 2.
        var after = await w.OrchestratorSessionsAsync();
        after.Should().HaveCount(2);
        after.Should().OnlyContain(m => m.Source == $"orchestrator:{result.InstanceId}" && m.Status == SessionStatus.Completed);
        var followed = after.Single(m => m.Id == first.Id);
        followed.Turn.Should().Be(2);
        followed.Messages.Last(m => m.Role == "assistant").Content.Should().Be("Follow up done");

        // What the model received.
        w.ChatRequests.Should().HaveCount(8);
        w.ChatRequests[0].OfferedTools.Should().BeEquivalentTo(
        [
            "delegate", "converse", "check_session", "peek_session", "get_trajectory", "list_sessions", "end_session", "sleep", "bash",
            "exit",
        ]);
        var d1 = w.ToolResult("d1");
        d1["success"]!.GetValue<bool>().Should().BeTrue();
        d1["session_id"]!.GetValue<string>().Should().Be(first.Id);
        d1["status"]!.GetValue<string>().Should().Be("running");
        w.ToolResult("d2")["adapter"]!.GetValue<string>().Should().Be("codex");
        w.ToolResult("s1")["success"]!.GetValue<bool>().Should().BeTrue();
        var c1 = w.ToolResult("c1");
        c1["status"]!.GetValue<string>().Should().Be("completed");
        c1["last_reply"]!.GetValue<string>().Should().Be("First done");
        c1["tokens"]!["total"]!.GetValue<long>().Should().Be(110);
        w.ToolResult("c2")["last_reply"]!.GetValue<string>().Should().Be("Second done");
        w.ToolResult("v1")["turn"]!.GetValue<int>().Should().Be(2);
        w.ToolResult("c3")["last_reply"]!.GetValue<string>().Should().Be("Follow up done");
        foreach (var r in w.ChatRequests) AssertPairs(r);
        Messages(w.ChatRequests[0]).Select(m => m.Role).Should().Equal("system", "user");
        Messages(w.ChatRequests[0])[1].Content.Should().Contain("Build two things");

        // What a person saw.
        var output = w.Output.ToString();
        output.Should().Contain($"zwarm orchestrate · instance {result.InstanceId}");
        output.Should().Contain("step 1 → delegate(task=\"reply=First_done sleep=1\")");
        output.Should().Contain($"  └ started {first.ShortId} (codex/gpt-5.1-codex-mini, running)");
        output.Should().Contain("step 4 → check_session(");
        output.Should().Contain("✓ done in 8 steps: both things built");

        // The instance registry, its state and events.
        var registry = new InstanceRegistry(w.ZwarmDir);
        var record = await registry.ResolveAsync(result.InstanceId, TestEnv.Ct);
        record.Kind.Should().Be("orchestrate");
        record.Status.Should().Be("completed");
        record.Steps.Should().Be(8);
        record.Task.Should().Be("Build two things");
        record.Summary.Should().Be("both things built");
        var state = await InstanceState.OpenAsync(registry.InstanceDir(result.InstanceId), ct: TestEnv.Ct);
        state.Messages.Should().HaveCount(2 + 8 + 10);
        state.Progress.Steps.Should().Be(8);
        state.Progress.LlmCalls.Should().Be(8);
        File.Exists(Path.Combine(state.CheckpointsDir, "S8.json")).Should().BeTrue();
        var events = await InstanceState.ReadEventsAsync(state.EventsPath, TestEnv.Ct);
        events.Select(e => e["kind"]!.GetValue<string>()).Should().StartWith("run_started").And.EndWith("run_finished");
        events.Count(e => e["kind"]!.GetValue<string>() == "llm_call").Should().Be(8);
        events.Where(e => e["kind"]!.GetValue<string>() == "tool_call").Select(e => e["tool"]!.GetValue<string>()).Should().Equal(
            "delegate", "delegate", "sleep", "sleep", "check_session", "check_session", "converse", "sleep", "check_session", "exit");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_text_answer_gets_a_reminder_and_a_second_one_ends_the_run()
    {
        await using var w = await World.CreateAsync();
        w.Chat(Say("I think we are done."), Say("Nothing left to do."));

        var result = await w.OrchestrateAsync("Say something");

        result.Status.Should().Be("completed");
        result.Summary.Should().Be("Nothing left to do.");
        Messages(w.ChatRequests[1]).Last().Content.Should().Contain("without calling a tool");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_step_limit_stops_the_run_and_says_how_to_resume()
    {
        await using var w = await World.CreateAsync();
        w.Chat(One("list_sessions"), One("list_sessions", """{"status":"running"}"""));

        var result = await w.OrchestrateAsync("Loop", maxSteps: 2);

        result.Status.Should().Be("stopped");
        result.ExitCode.Should().Be(3);
        w.Output.ToString().Should().Contain($"Resume with: zwarm orchestrate --resume --instance {result.InstanceId}");
    }

    [Fact(Timeout = 60_000)]
    public async Task Bash_runs_in_the_project_for_verification_and_reports_the_exit_code()
    {
        await using var w = await World.CreateAsync();
        await File.WriteAllTextAsync(Path.Combine(w.Dir, "hello.txt"), "hi there", TestEnv.Ct);
        w.Chat(One("bash", """{"command":"cat hello.txt; exit 3"}""", "b1"), One("exit", """{"summary":"checked"}"""));

        await w.OrchestrateAsync("Verify");

        var b1 = w.ToolResult("b1");
        b1["success"]!.GetValue<bool>().Should().BeTrue();
        b1["exit_code"]!.GetValue<int>().Should().Be(3);
        b1["output"]!.GetValue<string>().Should().Be("hi there\n");
    }

    [Fact(Timeout = 120_000)]
    public async Task Bash_does_not_wait_for_background_jobs_and_a_command_over_the_limit_is_killed()
    {
        await using var w = await World.CreateAsync();
        w.Chat(
            One("bash", """{"command":"sleep 90 & echo started"}""", "b1"),
            One("bash", """{"command":"sleep 30"}""", "b2"),
            One("exit", """{"summary":"checked"}"""));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await w.OrchestrateAsync("Verify");

        // About 5 s (b2's limit); waiting for the background job would take 90 s.
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), "bash returns without waiting 90 s for the background job");
        w.ToolResult("b1")["output"]!.GetValue<string>().Should().Be("started\n");
        var b2 = w.ToolResult("b2");
        b2["success"]!.GetValue<bool>().Should().BeFalse();
        b2["error"]!.GetValue<string>().Should().Be("the command ran longer than 5 s and was killed");
    }
}
