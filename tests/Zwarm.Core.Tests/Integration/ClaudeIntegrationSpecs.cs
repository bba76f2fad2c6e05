using AwesomeAssertions;
using Zwarm.Core.Agents;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.ScriptedModel;

namespace Zwarm.Core.Tests.Integration;

/// <summary>The real Claude Code CLI (node_modules) run by the lifecycle against the scripted Messages API.</summary>
[Collection(RealAgentsCollection.Name)]
public sealed class ClaudeIntegrationSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 45_000)]
    public async Task A_plain_answer_completes_with_the_scripted_text_usage_and_cost()
    {
        await using var p = await RealAgentProject.CreateAsync(claude: true);
        p.Server.Enqueue(Endpoint.Messages, ScriptedReply.Answer("Hello from the scripted Claude.", new ScriptedUsage(120, 30)));

        var started = await p.StartAsync("Say hello.");
        var done = await p.UntilFinishedAsync(started.Id);

        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        done.Adapter.Should().Be("claude");
        done.Model.Should().Be("claude-sonnet-4-5");
        done.ExitCode.Should().Be(0);
        done.Error.Should().BeNull();
        done.Messages.Select(m => (m.Role, m.Content)).Should()
            .Equal(("user", "Say hello."), ("assistant", "Hello from the scripted Claude."));
        done.TokenUsage.Should().Contain("input_tokens", 120).And.Contain("output_tokens", 30).And.Contain("total_tokens", 150);
        done.CostUsd.Should()
            .BeApproximately((120 * 3 + 30 * 15) / 1e6, 1e-9, "Claude Code prices claude-sonnet-4-5 at $3 / $15 per million tokens");
        Guid.TryParse(done.AgentSessionId, out _).Should().BeTrue("Claude's session id is a UUID, got {0}", done.AgentSessionId);
        done.Turns!.Single().MalformedLines.Should().Be(0, "Claude Code prints only JSON lines");

        var request = p.Server.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/v1/messages");
        request.Model.Should().Be("claude-sonnet-4-5");
        request.LastUserPrompt.Should().Be("Say hello.");
        request.Headers["x-api-key"].Should().Be("dummy-key");
        request.SessionId.Should().Be(done.AgentSessionId);
        p.Server.Problems.Should().BeEmpty();
        RealAgentProject.TaggedProcesses(done.Id).Should().BeEmpty("claude exits after its result line");
    }

    [Fact(Timeout = 45_000)]
    public async Task A_Bash_tool_use_writes_its_file_in_the_working_dir_and_shows_in_the_trajectory()
    {
        await using var p = await RealAgentProject.CreateAsync(claude: true);
        p.Server.Enqueue(Endpoint.Messages, ScriptedReply.ToolCalls(
                ScriptedToolCall.Function("Bash", """{"command":"echo hi > out.txt","description":"Write hi to out.txt"}"""))
            with { Preamble = "I'll create the file with Bash." });
        p.Server.Enqueue(Endpoint.Messages, ScriptedReply.Answer("Created out.txt."));

        var started = await p.StartAsync("Write hi to out.txt.");
        var done = await p.UntilFinishedAsync(started.Id);

        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        File.ReadAllText(Path.Combine(p.WorkDir, "out.txt")).Should().Be("hi\n");
        var trajectory = await p.Manager.TrajectoryAsync(done, Ct);
        var call = trajectory.Should().ContainSingle(s => s.Kind == StepKind.ToolCall).Subject;
        call.ToolName.Should().Be("Bash");
        call.Command.Should().Be("echo hi > out.txt");
        var output = trajectory.Should().ContainSingle(s => s.Kind == StepKind.ToolOutput).Subject;
        output.CallId.Should().Be(call.CallId);
        output.IsError.Should().BeFalse();
        output.ExitCode.Should().Be(0);
        done.Messages.Select(m => (m.Role, m.Content)).Should().Contain(("tool", "Bash: echo hi > out.txt"));
        done.Messages.Last().Content.Should().Be("Created out.txt.");
        p.Server.Requests.Should().HaveCount(2);
        p.Server.Requests[1].ToolOutputs.Should().ContainSingle().Which.IsError.Should().BeFalse();
        p.Server.Problems.Should().BeEmpty();
    }

    [Fact(Timeout = 45_000)]
    public async Task A_follow_up_resumes_the_same_session_and_counts_cost_once()
    {
        await using var p = await RealAgentProject.CreateAsync(claude: true);
        p.Server.Enqueue(Endpoint.Messages, ScriptedReply.Answer("The first answer.", new ScriptedUsage(100, 20)));
        p.Server.Enqueue(Endpoint.Messages, ScriptedReply.Answer("The second answer.", new ScriptedUsage(300, 40)));
        var started = await p.StartAsync("First question.");
        var first = await p.UntilFinishedAsync(started.Id);
        first.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(first));

        await p.Manager.ContinueAsync(first.Id, "Second question.", Ct);
        var done = await p.UntilFinishedAsync(first.Id);

        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        done.Turn.Should().Be(2);
        done.AgentSessionId.Should().Be(first.AgentSessionId);
        done.AgentSessionIdLatest.Should().BeNull("claude --resume keeps the session id");
        done.Turns!.Single(t => t.Turn == 2).Resume.Should().Be("native");
        done.Messages.Select(m => m.Content).Should()
            .Equal("First question.", "The first answer.", "Second question.", "The second answer.");
        // Claude's usage is per run, its total_cost_usd includes the resumed session's earlier cost.
        done.TokenUsage.Should().Contain("input_tokens", 400).And.Contain("output_tokens", 60);
        var turn2 = done.Turns!.Single(t => t.Turn == 2);
        turn2.CostReported.Should().BeApproximately((400 * 3 + 60 * 15) / 1e6, 1e-9, "after --resume the reported cost is the session's");
        done.CostUsd.Should().BeApproximately(turn2.CostReported!.Value, 1e-9, "the session's cost is not the sum of cumulative reports");

        var resumed = p.Server.Requests.Should().HaveCount(2).And.Subject.Last();
        resumed.SessionId.Should().Be(first.AgentSessionId);
        resumed.LastUserPrompt.Should().Be("Second question.");
        resumed.Body.Should().Contain("First question.")
            .And.Contain("The first answer.", "the resumed session replays turn 1 to the model");
        p.Server.Problems.Should().BeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_follow_up_on_a_session_Python_finished_recovers_the_session_id_from_the_turn_file_and_resumes_it()
    {
        await using var p = await RealAgentProject.CreateAsync(claude: true);
        p.Server.Enqueue(Endpoint.Messages, ScriptedReply.Answer("The first answer."));
        p.Server.Enqueue(Endpoint.Messages, ScriptedReply.Answer("The second answer."));
        var first = await p.UntilFinishedAsync((await p.StartAsync("First question.")).Id);
        first.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(first));
        await p.RewriteAsPythonAsync(first.Id);

        await p.Manager.ContinueAsync(first.Id, "Second question.", Ct);
        var done = await p.UntilFinishedAsync(first.Id);

        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        done.AgentSessionId.Should().Be(first.AgentSessionId, "the session id is recovered from turn_1.jsonl's system/init");
        done.Turns!.Single(t => t.Turn == 2).Resume.Should().Be("native");
        done.Messages.Select(m => m.Content).Should()
            .Equal("First question.", "The first answer.", "Second question.", "The second answer.");
        var resumed = p.Server.Requests.Should().HaveCount(2).And.Subject.Last();
        resumed.SessionId.Should().Be(first.AgentSessionId);
        resumed.Body.Should().Contain("First question.").And.Contain("The first answer.");
        p.Server.Problems.Should().BeEmpty();
    }

    [Fact(Timeout = 45_000)]
    public async Task An_HTTP_500_with_capped_retries_fails_the_session_with_the_API_error()
    {
        await using var p = await RealAgentProject.CreateAsync(claude: true, claudeMaxRetries: 2);
        p.Server.Enqueue(Endpoint.Messages, ScriptedReply.HttpError(500, "scripted upstream failure") with { Times = 0 });

        var started = await p.StartAsync("This will fail upstream.");
        var done = await p.UntilFinishedAsync(started.Id);

        done.Status.Should().Be(SessionStatus.Failed, p.Diagnostics(done));
        done.ExitCode.Should().Be(1);
        done.Error.Should().StartWith("API Error: 500").And.Contain("scripted upstream failure");
        done.Messages.Should().ContainSingle(m => m.Role == "user", "an API error is not a reply");
        var trajectory = await p.Manager.TrajectoryAsync(done, Ct);
        trajectory.Where(s => s.Kind == StepKind.Retry).Should().HaveCount(2, "CLAUDE_CODE_MAX_RETRIES=2");
        p.Server.Requests.Should().HaveCount(3);
    }

    [Fact(Timeout = 45_000)]
    public async Task Killing_mid_stream_leaves_the_session_killed_and_no_claude_process()
    {
        await using var p = await RealAgentProject.CreateAsync(claude: true, killGrace: 5);

        await p.KillMidStreamAsync(Endpoint.Messages);
    }
}
