using AwesomeAssertions;
using Zwarm.Core.Agents;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.ScriptedModel;

namespace Zwarm.Core.Tests.Integration;

/// <summary>The real codex CLI (node_modules) run by the lifecycle against the scripted Responses API.</summary>
[Collection(RealAgentsCollection.Name)]
public sealed class CodexIntegrationSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 45_000)]
    public async Task A_plain_answer_completes_with_the_scripted_text_and_usage()
    {
        await using var p = await RealAgentProject.CreateAsync(codex: true);
        p.Server.Enqueue(
            Endpoint.Responses, ScriptedReply.Answer("Hello from the scripted model.", new ScriptedUsage(150, 25) { CachedTokens = 50 }));

        var started = await p.StartAsync("Say hello.");
        var done = await p.UntilFinishedAsync(started.Id);

        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        done.Adapter.Should().Be("codex");
        done.Model.Should().Be("gpt-5.5");
        done.ExitCode.Should().Be(0);
        done.Error.Should().BeNull();
        done.Messages.Select(m => (m.Role, m.Content)).Should()
            .Equal(("user", "Say hello."), ("assistant", "Hello from the scripted model."));
        done.TokenUsage.Should()
            .Contain("input_tokens", 150).And.Contain("output_tokens", 25)
            .And.Contain("cached_input_tokens", 50).And.Contain("total_tokens", 175);
        Guid.TryParse(done.AgentSessionId, out _).Should().BeTrue("codex's thread id is a UUID, got {0}", done.AgentSessionId);

        var request = p.Server.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/v1/responses");
        request.Model.Should().Be("gpt-5.5");
        request.LastUserPrompt.Should().Be("Say hello.");
        request.Headers["Authorization"].Should().Be("Bearer dummy-key");
        request.SessionId.Should().Be(done.AgentSessionId);
        p.Server.Problems.Should().BeEmpty();
        RealAgentProject.TaggedProcesses(done.Id).Should().BeEmpty("codex exits right after the turn");
    }

    [Fact(Timeout = 45_000)]
    public async Task A_shell_tool_call_runs_in_the_working_dir_and_shows_in_the_trajectory()
    {
        await using var p = await RealAgentProject.CreateAsync(codex: true);
        p.Server.Enqueue(Endpoint.Responses,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("exec_command", """{"cmd":"echo hi > out.txt"}"""))
            with { Preamble = "I'll write the file." });
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.Answer("Wrote out.txt."));

        var started = await p.StartAsync("Write hi to out.txt.");
        var done = await p.UntilFinishedAsync(started.Id);

        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        File.ReadAllText(Path.Combine(p.WorkDir, "out.txt")).Should().Be("hi\n");
        var trajectory = await p.Manager.TrajectoryAsync(done, Ct);
        var command = trajectory.Should().ContainSingle(s => s.Kind == StepKind.Command).Subject;
        command.Command.Should().Contain("echo hi > out.txt");
        command.ExitCode.Should().Be(0);
        command.Turn.Should().Be(1);
        trajectory.Where(s => s.Kind == StepKind.Message).Select(s => s.Text).Should().Equal("I'll write the file.", "Wrote out.txt.");
        done.Messages.Should().Contain(m => m.Role == "tool" && m.Content.Contains("echo hi > out.txt") && m.Content.EndsWith("(exit 0)"));
        done.Messages.Last().Content.Should().Be("Wrote out.txt.");
        p.Server.Requests.Should().HaveCount(2);
        p.Server.Requests[1].ToolOutputFor("call_1")!.Output.Should().Contain("exited with code 0");
        p.Server.Problems.Should().BeEmpty();
    }

    [Fact(Timeout = 45_000)]
    public async Task A_follow_up_resumes_the_same_thread_in_the_sandbox_and_counts_usage_once()
    {
        await using var p = await RealAgentProject.CreateAsync(codex: true);
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.Answer("The first answer.", new ScriptedUsage(150, 25)));
        p.Server.Enqueue(Endpoint.Responses,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("exec_command", """{"cmd":"echo again $ZWARM_DEPTH > turn2.txt"}"""))
            with { Usage = new ScriptedUsage(100, 10) });
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.Answer("The second answer.", new ScriptedUsage(200, 40)));
        var started = await p.StartAsync("First question.");
        var first = await p.UntilFinishedAsync(started.Id);
        first.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(first));

        await p.Manager.ContinueAsync(first.Id, "Second question.", Ct);
        var done = await p.UntilFinishedAsync(first.Id);

        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        done.Turn.Should().Be(2);
        done.AgentSessionId.Should().Be(first.AgentSessionId);
        done.AgentSessionIdLatest.Should().BeNull("codex exec resume keeps the thread id");
        done.Turns!.Single(t => t.Turn == 2).Resume.Should().Be("native");
        done.Messages.Where(m => m.Role != "tool").Select(m => m.Content).Should()
            .Equal("First question.", "The first answer.", "Second question.", "The second answer.");
        // `exec resume` has no --sandbox: the adapter passes -c sandbox_mode, else this write would be refused.
        // And the agent's commands see their depth (a zwarm they run would start sessions one level deeper).
        File.ReadAllText(Path.Combine(p.WorkDir, "turn2.txt")).Should().Be("again 1\n");
        (await p.Manager.TrajectoryAsync(done, Ct)).Should().ContainSingle(s => s.Kind == StepKind.Command).Which.Turn.Should().Be(2);
        // codex reports the thread's running total (175, then 175 + 350): the session adds the differences.
        done.Turns!.Single(t => t.Turn == 2).Usage.Should().Contain("input_tokens", 300).And.Contain("output_tokens", 50);
        done.TokenUsage.Should().Contain("input_tokens", 450).And.Contain("output_tokens", 75).And.Contain("total_tokens", 525);

        p.Server.Requests.Should().HaveCount(3);
        var resumed = p.Server.Requests[1];
        resumed.SessionId.Should().Be(first.AgentSessionId, "`codex exec resume <thread id>` continues the same thread");
        resumed.LastUserPrompt.Should().Be("Second question.");
        resumed.Body.Should().Contain("First question.").And.Contain("The first answer.", "the resumed thread carries turn 1");
        p.Server.Problems.Should().BeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_follow_up_on_a_session_Python_finished_recovers_the_thread_from_the_turn_file_and_resumes_it()
    {
        await using var p = await RealAgentProject.CreateAsync(codex: true);
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.Answer("The first answer."));
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.Answer("The second answer."));
        var first = await p.UntilFinishedAsync((await p.StartAsync("First question.")).Id);
        first.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(first));
        await p.RewriteAsPythonAsync(first.Id);

        await p.Manager.ContinueAsync(first.Id, "Second question.", Ct);
        var done = await p.UntilFinishedAsync(first.Id);

        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        done.AgentSessionId.Should().Be(first.AgentSessionId, "the thread id is recovered from turn_1.jsonl's thread.started");
        done.Turns!.Single(t => t.Turn == 2).Resume.Should().Be("native");
        done.Messages.Where(m => m.Role != "tool").Select(m => m.Content).Should()
            .Equal("First question.", "The first answer.", "Second question.", "The second answer.");
        var resumed = p.Server.Requests.Should().HaveCount(2).And.Subject.Last();
        resumed.SessionId.Should().Be(first.AgentSessionId);
        resumed.LastUserPrompt.Should().Be("Second question.");
        resumed.Body.Should().Contain("First question.").And.Contain("The first answer.");
        p.Server.Problems.Should().BeEmpty();
    }

    [Fact(Timeout = 45_000)]
    public async Task An_HTTP_400_fails_the_session_with_the_servers_message()
    {
        await using var p = await RealAgentProject.CreateAsync(codex: true);
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.HttpError(400, "scripted refusal of this request"));

        var started = await p.StartAsync("This will be refused.");
        var done = await p.UntilFinishedAsync(started.Id);

        done.Status.Should().Be(SessionStatus.Failed, p.Diagnostics(done));
        done.Error.Should().Contain("scripted refusal of this request");
        done.ExitCode.Should().Be(1);
        done.Messages.Should().ContainSingle(m => m.Role == "user");
        p.Server.Requests.Should().ContainSingle("a 400 is not retried");
    }

    [Fact(Timeout = 45_000)]
    public async Task Killing_during_a_slow_stream_leaves_the_session_killed_and_no_codex_process()
    {
        await using var p = await RealAgentProject.CreateAsync(codex: true, killGrace: 5);

        await p.KillMidStreamAsync(Endpoint.Responses);
    }
}
