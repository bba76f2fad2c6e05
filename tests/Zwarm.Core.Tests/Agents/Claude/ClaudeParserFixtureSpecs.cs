using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;

namespace Zwarm.Core.Tests.Agents.Claude;

/// <summary>The parser against every real capture of Claude Code 2.1.328 (tests/fixtures/agents/claude).</summary>
public sealed class ClaudeParserFixtureSpecs
{
    private const string Hello = "Hello from the fake model! 2 + 2 = 4.";
    private const string Preamble = "I'll create the file with Bash.";
    private const string DoneReply = "Done: I ran `echo hi > out.txt`, so out.txt now contains \"hi\".";
    private const string EchoInput = """{"command":"echo hi > out.txt","description":"Write hi to out.txt"}""";
    private const string NoOutput = "(Bash completed with no output)";
    private const string Http400 = "API Error: 400 fake invalid request (scripted HTTP 400)";

    private static Dictionary<string, long> Usage(long input, long output, long cacheCreation, long cacheRead) => new()
    {
        ["input_tokens"] = input,
        ["output_tokens"] = output,
        ["cache_creation_input_tokens"] = cacheCreation,
        ["cache_read_input_tokens"] = cacheRead,
        ["total_tokens"] = input + output,
    };

    private static void ShouldBeCompleted(TurnParseResult r, string sessionId, long lines)
    {
        r.CompletionEvent.Should().BeTrue();
        r.Error.Should().BeNull();
        r.AgentSessionId.Should().Be(sessionId);
        r.UsageIsCumulative.Should().BeFalse();
        r.CostIsCumulative.Should().BeTrue();
        r.MalformedLines.Should().Be(0);
        r.Lines.Should().Be(lines);
    }

    private static void ShouldBeFailed(TurnParseResult r, string sessionId, string error)
    {
        r.CompletionEvent.Should().BeFalse();
        r.Error.Should().Be(error);
        r.AgentSessionId.Should().Be(sessionId);
        r.AssistantMessages.Should().BeEmpty();
        r.Reply.Should().BeNull();
        r.CostUsd.Should().Be(0);
        r.MalformedLines.Should().Be(0);
    }

    [Fact]
    public async Task A_plain_answer_is_one_message_with_the_run_usage_and_cost()
    {
        var r = await ClaudeFixtures.ParseAsync("01_plain.jsonl");

        ShouldBeCompleted(r, "628c51ca-fe46-4a7c-8f4c-ba0302cdb20b", lines: 3);
        r.AssistantMessages.Should().Equal(Hello);
        r.Reply.Should().Be(Hello);
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Message, Hello));
        r.Usage.Should().BeEquivalentTo(Usage(300, 15, 50, 100));
        r.CostUsd.Should().Be(0.0013425);
    }

    [Fact]
    public async Task A_bash_call_becomes_a_tool_call_and_its_output_with_the_command_shown()
    {
        var r = await ClaudeFixtures.ParseAsync("02_tool_bash.jsonl");

        ShouldBeCompleted(r, "f116d513-53fd-4e81-8c18-9f30c8b4322a", lines: 6);
        r.AssistantMessages.Should().Equal(Preamble, DoneReply);
        r.Reply.Should().Be(DoneReply);
        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Message, Preamble),
            new TrajectoryStep(StepKind.ToolCall, EchoInput)
            {
                ToolName = "Bash", CallId = "toolu_fake_0003", Command = "echo hi > out.txt",
            },
            new TrajectoryStep(StepKind.ToolOutput, NoOutput)
            {
                Output = NoOutput, ToolName = "Bash", CallId = "toolu_fake_0003", ExitCode = 0,
            },
            new TrajectoryStep(StepKind.Message, DoneReply));
        // Three assistant lines each claim 300 input tokens; only result.usage counts (two API calls).
        r.Usage.Should().BeEquivalentTo(Usage(600, 40, 100, 200));
        r.CostUsd.Should().Be(0.002835);
    }

    [Fact]
    public async Task A_resumed_run_keeps_the_session_id_and_reports_only_its_own_usage_but_cumulative_cost()
    {
        var r = await ClaudeFixtures.ParseAsync("03_resume.jsonl");

        ShouldBeCompleted(r, "f116d513-53fd-4e81-8c18-9f30c8b4322a", lines: 3);
        r.AssistantMessages.Should().Equal("This is the follow-up answer in the resumed session.");
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Message, "This is the follow-up answer in the resumed session."));
        r.Usage.Should().BeEquivalentTo(Usage(300, 15, 50, 100));
        r.CostUsd.Should().Be(0.0041775);
    }

    [Fact]
    public async Task An_http_500_after_retries_fails_the_turn_with_the_api_error_and_shows_each_retry()
    {
        var r = await ClaudeFixtures.ParseAsync("04_http500.jsonl");
        const string error = "API Error: 500 fake upstream failure (scripted HTTP 500). " +
            "This is a server-side issue, usually temporary — try again in a moment. " +
            "If it persists, check your inference gateway (127.0.0.1:8766).";

        ShouldBeFailed(r, "8b4563af-0e7e-4f84-a1be-e611e4e8b3d3", error);
        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Retry, "retrying: attempt 1/2, status 500 (server_error), next try in 537 ms"),
            new TrajectoryStep(StepKind.Retry, "retrying: attempt 2/2, status 500 (server_error), next try in 1236 ms"),
            new TrajectoryStep(StepKind.Error, error) { IsError = true });
        r.Usage.Should().BeEquivalentTo(Usage(0, 0, 0, 0));
        r.Lines.Should().Be(5);
    }

    [Fact]
    public async Task An_http_400_fails_the_turn_and_the_synthetic_assistant_line_is_not_a_reply()
    {
        var r = await ClaudeFixtures.ParseAsync("04b_http400.jsonl");

        ShouldBeFailed(r, "8809ac7c-3d73-4739-bc48-ab6d5f2ffa15", Http400);
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Error, Http400) { IsError = true });
        r.Usage.Should().BeEquivalentTo(Usage(0, 0, 0, 0));
    }

    [Fact]
    public async Task A_stream_error_recovered_by_the_non_streaming_fallback_is_a_plain_success()
    {
        var r = await ClaudeFixtures.ParseAsync("05_sse_error_then_fallback.jsonl");

        ShouldBeCompleted(r, "59a07c8a-20ad-449b-bedd-4306be3d9df3", lines: 3);
        r.AssistantMessages.Should().Equal(Hello);
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Message, Hello));
        r.Usage.Should().BeEquivalentTo(Usage(1200, 23, 150, 300));
        r.CostUsd.Should().Be(0.0012000000000000001);
    }

    [Fact]
    public async Task A_failed_fallback_fails_the_turn_but_keeps_the_usage_the_cli_reported()
    {
        var r = await ClaudeFixtures.ParseAsync("05b_sse_error_fallback_529.jsonl");
        const string error = "API Error: 529 Overloaded (scripted HTTP 529). " +
            "This is a server-side issue, usually temporary — try again in a moment. " +
            "If it persists, check your inference gateway (127.0.0.1:8766).";

        ShouldBeFailed(r, "b4db5c87-34e3-486f-8555-9e4dc32ecf3d", error);
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Error, error) { IsError = true });
        r.Usage.Should().BeEquivalentTo(Usage(900, 3, 150, 300));
    }

    [Fact]
    public async Task A_thinking_block_is_a_reasoning_step_and_not_a_message()
    {
        var r = await ClaudeFixtures.ParseAsync("06_thinking.jsonl");

        ShouldBeCompleted(r, "be2df3d5-0fc7-4e7e-aafc-1d9e5c0d4639", lines: 5);
        r.AssistantMessages.Should().Equal("The answer is 42.");
        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Reasoning, "The user wants a short answer. 6 times 7 is 42."),
            new TrajectoryStep(StepKind.Message, "The answer is 42."));
        r.Usage.Should().BeEquivalentTo(Usage(300, 15, 50, 100));
        r.CostUsd.Should().Be(0.0013425);
    }

    [Fact]
    public async Task The_json_output_format_result_object_is_read_as_the_reply()
    {
        var r = await ClaudeFixtures.ParseAsync("07_json_plain.json");

        ShouldBeCompleted(r, "d1d834c1-123b-4943-9697-a100cde73e83", lines: 1);
        r.AssistantMessages.Should().Equal(Hello);
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Message, Hello));
        r.Usage.Should().BeEquivalentTo(Usage(300, 15, 50, 100));
        r.CostUsd.Should().Be(0.0013425);
    }

    [Fact]
    public async Task The_json_output_format_of_a_tool_run_gives_only_the_final_reply()
    {
        var r = await ClaudeFixtures.ParseAsync("07b_json_tool.json");

        ShouldBeCompleted(r, "ccfa9d2b-9b9f-4198-99d0-9c892baebb6c", lines: 1);
        r.AssistantMessages.Should().Equal(DoneReply);
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Message, DoneReply));
        r.Usage.Should().BeEquivalentTo(Usage(600, 40, 100, 200));
        r.CostUsd.Should().Be(0.002835);
    }

    [Fact]
    public async Task The_json_output_format_of_an_api_error_fails_the_turn()
    {
        var r = await ClaudeFixtures.ParseAsync("07c_json_http400.json");

        ShouldBeFailed(r, "f4aa31b6-00e3-41e3-8c67-45696db63bbf", Http400);
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Error, Http400) { IsError = true });
        r.Usage.Should().BeEquivalentTo(Usage(0, 0, 0, 0));
        r.Lines.Should().Be(1);
    }

    [Fact]
    public async Task Partial_message_events_add_nothing_to_what_the_complete_lines_say()
    {
        var r = await ClaudeFixtures.ParseAsync("08_partial_messages.jsonl");

        ShouldBeCompleted(r, "73a9a5b3-a530-4427-a65f-56a83929034b", lines: 37);
        r.AssistantMessages.Should().Equal(Preamble, DoneReply);
        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Message, Preamble),
            new TrajectoryStep(StepKind.ToolCall, EchoInput)
            {
                ToolName = "Bash", CallId = "toolu_fake_0063", Command = "echo hi > out.txt",
            },
            new TrajectoryStep(StepKind.ToolOutput, NoOutput)
            {
                Output = NoOutput, ToolName = "Bash", CallId = "toolu_fake_0063", ExitCode = 0,
            },
            new TrajectoryStep(StepKind.Message, DoneReply));
        r.Usage.Should().BeEquivalentTo(Usage(600, 40, 100, 200));
        r.CostUsd.Should().Be(0.002835);
    }

    [Fact]
    public async Task A_failing_command_is_an_error_output_with_its_exit_code_and_the_turn_still_completes()
    {
        var r = await ClaudeFixtures.ParseAsync("09_command_fails.jsonl");
        const string output = "Exit code 2\nls: cannot access '/nonexistent-dir': No such file or directory";

        ShouldBeCompleted(r, "53fdef8c-38c6-40f2-9bcc-5ffbaac43922", lines: 5);
        r.AssistantMessages.Should().Equal("The command failed: /nonexistent-dir does not exist.");
        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.ToolCall, """{"command":"ls /nonexistent-dir","description":"List a missing directory"}""")
            { ToolName = "Bash", CallId = "toolu_fake_0067", Command = "ls /nonexistent-dir" },
            new TrajectoryStep(StepKind.ToolOutput, output)
            {
                Output = output, IsError = true, ToolName = "Bash", CallId = "toolu_fake_0067", ExitCode = 2,
            },
            new TrajectoryStep(StepKind.Message, "The command failed: /nonexistent-dir does not exist."));
        r.Usage.Should().BeEquivalentTo(Usage(600, 40, 100, 200));
        r.CostUsd.Should().Be(0.002835);
    }

    [Fact]
    public async Task A_permission_denial_is_an_error_step_once_and_does_not_fail_the_turn()
    {
        var r = await ClaudeFixtures.ParseAsync("10_permission_denied.jsonl");
        const string refusal = "Output redirection to '<workdir>/out.txt' needs approval. " +
            "The path is inside the working directories for this session ('<workdir>'), " +
            "and Claude Code asks before a shell command creates, changes or removes files there.";
        const string reply = "The Bash call was not executed (the tool returned an error), so out.txt was not created.";

        ShouldBeCompleted(r, "70ab03e1-a243-45fb-a4b5-829f504e7eb8", lines: 7);
        r.AssistantMessages.Should().Equal(Preamble, reply);
        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Message, Preamble),
            new TrajectoryStep(StepKind.ToolCall, EchoInput)
            {
                ToolName = "Bash", CallId = "toolu_fake_0071", Command = "echo hi > out.txt",
            },
            new TrajectoryStep(StepKind.Error, "permission denied: Bash: " + refusal)
            {
                ToolName = "Bash", CallId = "toolu_fake_0071", IsError = true,
            },
            new TrajectoryStep(StepKind.ToolOutput, refusal)
            {
                Output = refusal, IsError = true, ToolName = "Bash", CallId = "toolu_fake_0071",
            },
            new TrajectoryStep(StepKind.Message, reply));
        r.Usage.Should().BeEquivalentTo(Usage(600, 40, 100, 200));
    }

    public static TheoryData<string> Captures() => [.. ClaudeFixtures.All()];

    [Theory]
    [MemberData(nameof(Captures))]
    public async Task Without_trajectory_collection_every_capture_parses_the_same_except_for_steps(string name)
    {
        var full = await ClaudeFixtures.ParseAsync(name, collectTrajectory: true);
        var lean = await ClaudeFixtures.ParseAsync(name, collectTrajectory: false);

        lean.Steps.Should().BeEmpty();
        lean.AssistantMessages.Should().Equal(full.AssistantMessages);
        lean.Usage.Should().BeEquivalentTo(full.Usage);
        lean.Usage.Should()
            .ContainKeys("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "total_tokens");
        (lean.CostUsd, lean.Error, lean.CompletionEvent, lean.AgentSessionId, lean.MalformedLines, lean.Lines)
            .Should().Be((full.CostUsd, full.Error, full.CompletionEvent, full.AgentSessionId, full.MalformedLines, full.Lines));
        full.AgentSessionId.Should().NotBeNullOrEmpty();
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public async Task The_completion_event_agrees_with_the_recorded_exit_code(string name)
    {
        using var codes = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(
            Path.Combine(ClaudeFixtures.AgentsDir, "exit_codes.json"), TestContext.Current.CancellationToken));
        var exitCode = codes.RootElement.GetProperty("claude/" + name).GetProperty("exit_code").GetInt32();

        var r = await ClaudeFixtures.ParseAsync(name);

        r.CompletionEvent.Should().Be(exitCode == 0);
        (r.Error is null).Should().Be(exitCode == 0);
    }

    [Fact]
    public void Every_claude_capture_is_covered()
    {
        ClaudeFixtures.All().Should().Equal(
            "01_plain.jsonl", "02_tool_bash.jsonl", "03_resume.jsonl", "04_http500.jsonl", "04b_http400.jsonl",
            "05_sse_error_then_fallback.jsonl", "05b_sse_error_fallback_529.jsonl", "06_thinking.jsonl",
            "07_json_plain.json", "07b_json_tool.json", "07c_json_http400.json", "08_partial_messages.jsonl",
            "09_command_fails.jsonl", "10_permission_denied.jsonl", "11_rate_limit_429.jsonl", "12_rate_limit_retry_after.jsonl",
            "13_rate_limit_unified_headers.jsonl");
    }
}
