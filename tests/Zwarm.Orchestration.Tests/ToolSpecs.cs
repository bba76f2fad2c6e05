using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Core.Sessions;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

public sealed class ToolSpecs
{
    private static void ShouldFail(JsonObject result, string error)
    {
        result["success"]!.GetValue<bool>().Should().BeFalse(result.ToJsonString());
        result["error"]!.GetValue<string>().Should().Contain(error);
        result["hint"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
    }

    [Fact(Timeout = 120_000)]
    public async Task Bad_input_comes_back_as_success_false_with_a_hint_and_the_loop_goes_on()
    {
        await using var w = await World.CreateAsync();
        var outside = Path.GetTempPath();
        w.Chat(
            Calls(
                Call("check_session", """{"session_id":"deadbeef"}""", "e1"),
                Call("peek_session", """{"session_id":"../etc"}""", "e2"),
                Call("delegate", $$"""{"task":"reply=x","working_dir":"{{outside}}"}""", "e3"),
                Call("delegate", """{"task":"reply=x","working_dir":"../.."}""", "e4"),
                Call("delegate", """{"task":"reply=x","working_dir":"no-such-dir"}""", "e5"),
                Call("delegate", """{"task":"reply=x","adapter":"gemini"}""", "e6"),
                Call("sleep", """{"seconds":0}""", "e7"),
                Call("sleep", """{"seconds":1000}""", "e8"),
                Call("converse", """{"message":"hi"}""", "e9"),
                Call("fly", """{"to":"moon"}""", "e10"),
                Call("list_sessions", """{"status":"sleeping"}""", "e11"),
                Call("end_session", """{"session_id":"0123abcd"}""", "e12")),
            One("delegate", """{"task":"reply=slow_one sleep=60"}""", "d1"),
            // The whole run is scripted up front: the converse names the session delegate returned.
            One("converse", """{"session_id":"{{tool_output:session_id}}","message":"more"}""", "e13"),
            One("exit", """{"summary":"done despite errors"}"""));

        var result = await w.OrchestrateAsync("Try things");

        result.Status.Should().Be("completed", w.Output.ToString());
        ShouldFail(w.ToolResult("e1"), "deadbeef");
        ShouldFail(w.ToolResult("e2"), "invalid session id");
        ShouldFail(w.ToolResult("e3"), "outside the allowed directories");
        w.ToolResult("e3")["hint"]!.GetValue<string>().Should().Contain(w.Dir);
        ShouldFail(w.ToolResult("e4"), "outside the allowed directories");
        ShouldFail(w.ToolResult("e5"), "does not exist");
        ShouldFail(w.ToolResult("e6"), "unknown adapter 'gemini'");
        ShouldFail(w.ToolResult("e7"), "between 1 and 300");
        ShouldFail(w.ToolResult("e8"), "between 1 and 300");
        ShouldFail(w.ToolResult("e9"), "missing argument 'session_id'");
        w.ToolResult("e9")["hint"]!.GetValue<string>().Should().Be("call converse(session_id, message)");
        ShouldFail(w.ToolResult("e10"), "unknown tool 'fly'");
        ShouldFail(w.ToolResult("e11"), "unknown status 'sleeping'");
        ShouldFail(w.ToolResult("e12"), "0123abcd");
        ShouldFail(w.ToolResult("e13"), "is still running");
        w.ToolResult("e13")["hint"]!.GetValue<string>().Should().Contain("sleep");
        w.ToolResult("d1")["success"]!.GetValue<bool>().Should().BeTrue();
        w.Output.ToString().Should().Contain("  └ ✗ seconds must be between 1 and 300, got 0");
        (await w.OrchestratorSessionsAsync()).Should().ContainSingle();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_full_pool_answers_wait_instead_of_starting_more()
    {
        await using var w = await World.CreateAsync(orchestratorToml: "parallel_delegations = 1");
        w.Chat(
            Calls(Call("delegate", """{"task":"reply=one sleep=3"}""", "d1"), Call("delegate", """{"task":"reply=two"}""", "d2")),
            One("exit", """{"summary":"ok"}"""));

        await w.OrchestrateAsync("Two at once");

        w.ToolResult("d1")["success"]!.GetValue<bool>().Should().BeTrue();
        ShouldFail(w.ToolResult("d2"), "pool full");
        w.ToolResult("d2")["hint"]!.GetValue<string>().Should().Contain("wait");
        (await w.OrchestratorSessionsAsync()).Should().ContainSingle();
    }

    [Fact(Timeout = 120_000)]
    public async Task Allowed_dirs_admit_listed_folders_and_the_model_precedence_applies()
    {
        await using var w = await World.CreateAsync(extraToml: """
            [executor]
            model = "gpt-5.1-codex"
            """, orchestratorToml: """allowed_dirs = ["work"]""");
        Directory.CreateDirectory(Path.Combine(w.Dir, "work", "sub"));
        await w.ReloadAsync();
        w.Chat(
            Calls(
                Call("delegate", """{"task":"reply=a","working_dir":"work/sub"}""", "d1"),
                Call("delegate", """{"task":"reply=b","model":"max"}""", "d2"),
                Call("delegate", """{"task":"reply=c","working_dir":"."}""", "d3")),
            One("exit", """{"summary":"ok"}"""));

        await w.OrchestrateAsync("Where");

        var d1 = w.ToolResult("d1");
        d1["working_dir"]!.GetValue<string>().Should().Be(Path.Combine(w.Dir, "work", "sub"));
        d1["model"]!.GetValue<string>().Should().Be("gpt-5.1-codex");
        var d2 = w.ToolResult("d2");
        d2["working_dir"]!.GetValue<string>().Should().Be(Path.Combine(w.Dir, "work"));
        d2["model"]!.GetValue<string>().Should().Be("gpt-5.1-codex-max");
        ShouldFail(w.ToolResult("d3"), "outside");
    }

    [Fact(Timeout = 120_000)]
    public async Task Peek_trajectory_list_and_end_session_work_on_the_instance_sessions()
    {
        await using var w = await World.CreateAsync();
        var mine = await w.Manager.StartAsync(new Zwarm.Core.Lifecycle.StartRequest("reply=user_session"), TestEnv.Ct);
        w.Chat(One("delegate", """{"task":"replay=codex/01_plain.jsonl sleep=30"}""", "d1"), One("sleep", """{"seconds":5}"""));
        var run = w.OrchestrateAsync("Look around");
        var session = (await w.WaitForSessionsAsync(1))[0];
        w.Chat(
            Calls(
                Call("peek_session", $$"""{"session_id":"{{session.ShortId}}"}""", "p1"),
                Call("get_trajectory", $$"""{"session_id":"{{session.ShortId}}"}""", "t1"),
                Call("list_sessions", "{}", "l1"),
                Call("end_session", $$"""{"session_id":"{{mine.ShortId}}"}""", "x0"),
                Call("end_session", $$"""{"session_id":"{{session.ShortId}}","reason":"enough","delete":true}""", "x1")),
            One("exit", """{"summary":"ok"}"""));

        await run;

        var p1 = w.ToolResult("p1");
        p1["status"]!.GetValue<string>().Should().Be("running");
        w.ToolResult("t1")["total_steps"]!.GetValue<int>().Should().BeGreaterThan(0);
        var l1 = w.ToolResult("l1");
        l1["count"]!.GetValue<int>().Should().Be(2);
        l1["sessions"]![0]!["mine"]!.GetValue<bool>().Should().BeTrue();
        ShouldFail(w.ToolResult("x0"), "not started by this run");
        var x1 = w.ToolResult("x1");
        x1["killed"]!.GetValue<bool>().Should().BeTrue();
        x1["deleted"]!.GetValue<bool>().Should().BeTrue();
        (await w.OrchestratorSessionsAsync()).Should().BeEmpty();
        (await w.Manager.GetAsync(mine.Id, TestEnv.Ct)).Status.Should().NotBe(SessionStatus.Killed);
    }
}
