using System.Text.Json.Nodes;
using AwesomeAssertions;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

/// <summary>The commands as a person runs them: the built zwarm program, stdin and stdout.</summary>
public sealed class CliSpecs
{
    [Fact(Timeout = 180_000)]
    public async Task Orchestrate_from_stdin_then_instances_history_and_reset()
    {
        await using var w = await World.CreateAsync();
        w.Chat(One("delegate", """{"task":"reply=from_the_cli"}"""), One("exit", """{"summary":"cli run done"}"""));

        var run = await ZwarmProcess.RunAsync(w.Dir, ["orchestrate", "--name", "night-shift"], stdin: "Task given on stdin\n");
        var active = await ZwarmProcess.RunAsync(w.Dir, ["instances"]);
        var all = await ZwarmProcess.RunAsync(w.Dir, ["instances", "--all", "--json"]);
        var history = await ZwarmProcess.RunAsync(w.Dir, ["history", "-n", "3"]);
        var tools = await ZwarmProcess.RunAsync(w.Dir, ["history", "--kind", "tool_call", "--instance", "night-shift"]);
        var keep = await ZwarmProcess.RunAsync(w.Dir, ["reset"], stdin: "n\n");
        var reset = await ZwarmProcess.RunAsync(w.Dir, ["reset", "-y"]);
        var none = await ZwarmProcess.RunAsync(w.Dir, ["instances", "--all"]);

        run.ExitCode.Should().Be(0, run.Stdout + run.Stderr);
        run.Stdout.Should().Contain("(night-shift)").And.Contain("✓ done in 2 steps: cli run done");
        Messages(w.ChatRequests[0])[1].Content.Should().Be("Task:\nTask given on stdin");
        active.Stdout.Should().Contain("no active instances (--all shows finished ones)");
        var list = JsonNode.Parse(all.Stdout)!.AsArray();
        list.Should().ContainSingle();
        list[0]!["name"]!.GetValue<string>().Should().Be("night-shift");
        list[0]!["status"]!.GetValue<string>().Should().Be("completed");
        list[0]!["steps"]!.GetValue<int>().Should().Be(2);
        history.Stdout.Trim().Split('\n').Should().HaveCount(3)
            .And.Subject.Last().Should().Contain("run_finished").And.Contain("completed cli run done");
        tools.Stdout.Trim().Split('\n').Should().HaveCount(2).And.OnlyContain(l => l.Contains("tool_call", StringComparison.Ordinal));
        keep.ExitCode.Should().Be(1);
        keep.Stderr.Should().Contain("(sessions are kept)? [y/N]", "questions go to stderr, so stdout stays data");
        keep.Stdout.Should().Contain("nothing deleted");
        reset.ExitCode.Should().Be(0);
        reset.Stdout.Should().Contain("deleted the state of 1 instance(s); sessions are untouched");
        none.Stdout.Should().Contain("no instances");
        (await w.OrchestratorSessionsAsync()).Should().ContainSingle("reset keeps sessions");
    }

    [Fact(Timeout = 120_000)]
    public async Task Pilot_through_stdin_and_orchestrate_without_a_task()
    {
        await using var w = await World.CreateAsync();
        w.Chat(Say("Hi, I am your pilot."));

        var pilot = await ZwarmProcess.RunAsync(w.Dir, ["pilot"], stdin: "hello\n:status\n:quit\n");
        var noTask = await ZwarmProcess.RunAsync(w.Dir, ["orchestrate"], stdin: "");
        var badResume = await ZwarmProcess.RunAsync(w.Dir, ["orchestrate", "--resume"]);

        pilot.ExitCode.Should().Be(0, pilot.Stderr);
        pilot.Stdout.Should().Contain("you> ").And.Contain("Hi, I am your pilot.").And.Contain("(checkpoint T1)")
            .And.Contain("resume with: zwarm pilot --resume --instance");
        noTask.ExitCode.Should().Be(2);
        noTask.Stderr.Trim().Should().Be("zwarm: no task: give it with --task, --task-file or on stdin");
        badResume.ExitCode.Should().Be(2);
        badResume.Stderr.Trim().Should().Be("zwarm: --resume needs --instance ID (see zwarm instances --all)");
    }

    [Fact(Timeout = 120_000)]
    public async Task Ctrl_C_on_a_real_process_saves_and_prints_how_to_resume()
    {
        await using var w = await World.CreateAsync();
        w.Chat(One("delegate", """{"task":"reply=long sleep=30"}"""), One("sleep", """{"seconds":120}"""));

        var run = await ZwarmProcess.RunAsync(w.Dir, ["orchestrate", "--task", "Take a while"], whileRunning: async p =>
        {
            await p.WaitForAsync("step 2 → sleep(");
            Zwarm.Core.Lifecycle.ProcessInfo.Signal(p.Pid, 2).Should().BeTrue();
        });

        run.ExitCode.Should().Be(130, run.Stdout + run.Stderr);
        var id = (await new Zwarm.Orchestration.State.InstanceRegistry(w.ZwarmDir).ListAsync(TestEnv.Ct)).Single().Id;
        run.Stdout.Should().Contain($"interrupted at step 2; state saved. Resume with: zwarm orchestrate --resume --instance {id}");
        (await w.OrchestratorSessionsAsync()).Single().Status.Should()
            .Be(Zwarm.Core.Sessions.SessionStatus.Running, "the session outlives zwarm");
    }
}
