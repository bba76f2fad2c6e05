using AwesomeAssertions;
using Zwarm.Core.Sessions;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

/// <summary>What an orchestrate run may touch: real paths inside allowed_dirs, and the sessions it leaves behind at exit.</summary>
public sealed class BoundarySpecs
{
    [Fact(Timeout = 60_000)]
    public async Task A_symlink_in_the_project_that_points_outside_is_refused_as_a_working_dir()
    {
        await using var w = await World.CreateAsync();
        var outside = Directory.CreateTempSubdirectory("zwarm-outside-").FullName;
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(w.Dir, "escape"), outside);
            Directory.CreateDirectory(Path.Combine(w.Dir, "inside"));
            w.Chat(
                Calls(
                    Call("delegate", """{"task":"reply=x","working_dir":"escape"}""", "e1"),
                    Call("delegate", """{"task":"reply=y","working_dir":"inside"}""", "e2")),
                One("exit", """{"summary":"tried"}"""));

            var result = await w.OrchestrateAsync("Escape");

            result.Status.Should().Be("completed", w.OutputText);
            w.ToolResult("e1")["success"]!.GetValue<bool>().Should().BeFalse();
            w.ToolResult("e1")["error"]!.GetValue<string>().Should().Contain("outside the allowed directories").And.Contain(outside);
            w.ToolResult("e2")["success"]!.GetValue<bool>().Should().BeTrue(w.ToolResult("e2").ToJsonString());
            (await w.OrchestratorSessionsAsync()).Should().ContainSingle().Which.WorkingDir.Should().Be(Path.Combine(w.Dir, "inside"));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Bash_runs_in_an_allowed_dir_and_says_when_there_is_no_OS_sandbox()
    {
        await using var w = await World.CreateAsync(bashSandbox: "auto", codexCommand: "/nonexistent/codex");
        w.Chat(One("bash", """{"command":"pwd"}""", "b1"), One("exit", """{"summary":"checked"}"""));

        var result = await w.OrchestrateAsync("Check");

        result.Status.Should().Be("completed", w.OutputText);
        var b1 = w.ToolResult("b1");
        b1["output"]!.GetValue<string>().Trim().Should().Be(w.Dir);
        b1["sandbox"]!.GetValue<string>().Should().Contain("none").And.Contain("codex is not installed");
        w.OutputText.Should().Contain("bash runs WITHOUT an OS sandbox: codex is not installed");
    }

    [Fact(Timeout = 60_000)]
    public async Task Bash_refuses_to_run_unsandboxed_when_the_codex_sandbox_is_required_but_missing()
    {
        await using var w = await World.CreateAsync(bashSandbox: "codex", codexCommand: "/nonexistent/codex");
        var marker = Path.Combine(w.Dir, "ran.txt");
        w.Chat(One("bash", $$"""{"command":"echo x > {{marker}}"}""", "b1"), One("exit", """{"summary":"checked"}"""));

        await w.OrchestrateAsync("Check");

        w.ToolResult("b1")["success"]!.GetValue<bool>().Should().BeFalse();
        w.ToolResult("b1")["error"]!.GetValue<string>().Should().Contain("codex is not installed");
        File.Exists(marker).Should().BeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task At_exit_the_sessions_it_started_that_still_run_are_listed_and_kept_by_default()
    {
        await using var w = await World.CreateAsync();
        w.Chat(One("delegate", """{"task":"sleep=forever"}""", "d1"), One("exit", """{"summary":"leaving early"}"""));

        var result = await w.OrchestrateAsync("Start and leave");

        result.Status.Should().Be("completed", w.OutputText);
        var session = (await w.OrchestratorSessionsAsync()).Should().ContainSingle().Subject;
        session.Status.Should().Be(SessionStatus.Running);
        w.OutputText.Should().Contain("1 session it started is still running (orchestrator.on_exit = \"keep\")")
            .And.Contain(session.ShortId).And.Contain($"zwarm kill {session.ShortId}");
    }

    [Fact(Timeout = 60_000)]
    public async Task With_on_exit_kill_the_sessions_it_started_are_killed_at_exit()
    {
        await using var w = await World.CreateAsync(orchestratorToml: "on_exit = \"kill\"");
        w.Chat(One("delegate", """{"task":"sleep=forever"}""", "d1"), One("exit", """{"summary":"leaving early"}"""));

        var result = await w.OrchestrateAsync("Start and leave");

        result.Status.Should().Be("completed", w.OutputText);
        var session = (await w.OrchestratorSessionsAsync()).Should().ContainSingle().Subject;
        session.Status.Should().Be(SessionStatus.Killed);
        w.OutputText.Should().Contain($"killed {session.ShortId}");
    }
}
