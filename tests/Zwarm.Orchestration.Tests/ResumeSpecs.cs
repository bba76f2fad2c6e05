using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Core.Sessions;
using Zwarm.Orchestration.State;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

public sealed class ResumeSpecs
{
    [Fact(Timeout = 120_000)]
    public async Task Ctrl_C_saves_the_state_and_says_how_to_resume()
    {
        await using var w = await World.CreateAsync();
        w.Chat(One("delegate", """{"task":"reply=slow sleep=20"}""", "d1"), One("sleep", """{"seconds":60}""", "s1"));
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(TestEnv.Ct);
        var run = w.OrchestrateAsync("Long task", ct: ctrlC.Token);
        await w.WaitForOutputAsync("step 2 → sleep(");
        await ctrlC.CancelAsync();

        var result = await run;

        result.Status.Should().Be("interrupted");
        result.ExitCode.Should().Be(130);
        w.OutputText.Should()
            .Contain($"interrupted at step 2; state saved. Resume with: zwarm orchestrate --resume --instance {result.InstanceId}");
        var state = await InstanceState.OpenAsync(Path.Combine(w.ZwarmDir, "instances", result.InstanceId), ct: TestEnv.Ct);
        MessageCodec.ToolResultText(state.Messages[^1]).Should().Contain("the run stopped before this call finished");
        (await new InstanceRegistry(w.ZwarmDir).ResolveAsync(result.InstanceId, TestEnv.Ct)).Status.Should().Be("interrupted");
        (await w.OrchestratorSessionsAsync()).Single().Status.Should().Be(SessionStatus.Running, "sessions outlive the run");
    }

    [Fact(Timeout = 120_000)]
    public async Task After_a_crash_resume_continues_the_message_list_and_the_sessions_stay_usable()
    {
        await using var w = await World.CreateAsync();
        w.Chat(One("delegate", """{"task":"reply=kept"}""", "d1"), One("list_sessions", "{}", "l1"));
        var first = await w.OrchestrateAsync("Keep going", maxSteps: 2);
        var session = (await w.OrchestratorSessionsAsync()).Single();
        (await w.Manager.WaitAsync([session.Id], TimeSpan.FromSeconds(60), ct: TestEnv.Ct)).TimedOut.Should().BeFalse();

        // The crash: the process died right after the model asked for a tool (no result saved), its record still says running.
        var dir = Path.Combine(w.ZwarmDir, "instances", first.InstanceId);
        var messagesPath = Path.Combine(dir, "orchestrator", "messages.json");
        var saved = JsonNode.Parse(await File.ReadAllTextAsync(messagesPath, TestEnv.Ct))!.AsArray();
        saved.Add(JsonNode.Parse("""{"role":"assistant","content":null,"tool_calls":[{"id":"z1","type":"function","function":{"name":"sleep","arguments":"{\"seconds\":5}"}}]}"""));
        await File.WriteAllTextAsync(messagesPath, saved.ToJsonString(), TestEnv.Ct);
        await new InstanceRegistry(w.ZwarmDir).UpdateAsync(first.InstanceId, r => { r.Status = "running"; r.Pid = DeadPid(); }, TestEnv.Ct);

        w.Chat(
            One("check_session", $$"""{"session_id":"{{session.ShortId}}"}""", "c1"),
            One("converse", $$"""{"session_id":"{{session.ShortId}}","message":"reply=again"}""", "v1"),
            One("sleep", """{"seconds":20}"""),
            One("exit", """{"summary":"resumed fine"}"""));
        var resumed = await w.OrchestrateAsync(null, resume: true, instance: first.InstanceId[..4]);

        resumed.Status.Should().Be("completed", w.OutputText);
        resumed.InstanceId.Should().Be(first.InstanceId);
        var before = Messages(w.ChatRequests[1]);
        var after = Messages(w.ChatRequests[2]);
        after.Take(before.Count).Should().Equal(before);
        after.Should().HaveCount(
            before.Count + 2 + 2 + 1, "the list_sessions step, the crashed call with its repaired result, the resume note");
        after[^2].Role.Should().Be("tool");
        after[^2].Content.Should().Contain("the run stopped before this call finished");
        after[^1].Content.Should().StartWith("[zwarm] This run was stopped and is now resumed").And.Contain(session.ShortId);
        foreach (var r in w.ChatRequests) AssertPairs(r);
        w.ToolResult("c1")["last_reply"]!.GetValue<string>().Should().Be("kept");
        w.ToolResult("v1")["success"]!.GetValue<bool>().Should().BeTrue();
        (await w.Manager.GetAsync(session.Id, TestEnv.Ct)).Turn.Should().Be(2);
        var record = await new InstanceRegistry(w.ZwarmDir).ResolveAsync(first.InstanceId, TestEnv.Ct);
        record.Steps.Should().Be(6);
        w.OutputText.Should().Contain("resumed at step 3").And.Contain("step 3 → check_session(");
    }

    [Fact(Timeout = 60_000)]
    public async Task Resuming_a_running_instance_or_the_wrong_kind_is_refused()
    {
        await using var w = await World.CreateAsync();
        w.Chat(One("exit", """{"summary":"x"}"""));
        var done = await w.OrchestrateAsync("Quick");
        var registry = new InstanceRegistry(w.ZwarmDir);
        await registry.UpdateAsync(
            done.InstanceId,
            r => { r.Status = "running"; r.Pid = 1; r.PidStartTime = Zwarm.Core.Lifecycle.ProcessInfo.StartTime(1); },
            TestEnv.Ct);

        var running = () => w.OrchestrateAsync(null, resume: true, instance: done.InstanceId);
        var pilot = () => new Zwarm.Orchestration.Loop.PilotRunner(w.Services(), new StringReader(":quit\n"))
            .RunAsync(new Zwarm.Orchestration.Loop.PilotRequest { Resume = true, Instance = done.InstanceId }, TestEnv.Ct);
        var missing = () => w.OrchestrateAsync(null, resume: true, instance: "ffffffff");

        (await running.Should().ThrowAsync<Zwarm.Core.ZwarmException>()).WithMessage("*is still running (pid 1)*");
        (await pilot.Should().ThrowAsync<Zwarm.Core.ZwarmException>())
            .WithMessage("*was started by zwarm orchestrate; resume it with zwarm orchestrate --resume*");
        (await missing.Should().ThrowAsync<Zwarm.Core.ZwarmException>()).WithMessage("no instance 'ffffffff'*");
    }

    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }
}
