using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;
using static Zwarm.Core.Tests.Agents.Codex.CodexFixtures;

namespace Zwarm.Core.Tests.Agents.Codex;

/// <summary>Exact parses of every captured codex run (tests/fixtures/agents/codex).</summary>
public sealed class CodexFixtureSpecs
{
    private const string Thread02 = "01a21dc4-7b9f-7de0-b530-721eb6978559";
    private const string HighDemand = "We’re currently experiencing high demand, which may cause temporary errors.";
    private const string StreamFailed = "stream disconnected before completion: fake model failure (scripted response.failed)";

    [Fact]
    public async Task A_plain_answer_gives_the_reply_the_thread_id_and_the_usage()
    {
        var r = await ParseAsync("01_plain.jsonl");

        r.AgentSessionId.Should().Be("01a21dc4-6598-7013-8116-c38d31340a47");
        r.AssistantMessages.Should().Equal("Hello from the fake model! 2 + 2 = 4.");
        r.Reply.Should().Be("Hello from the fake model! 2 + 2 = 4.");
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Message, "Hello from the fake model! 2 + 2 = 4."));
        r.Usage.Should().BeEquivalentTo(Usage(150, 64, 0, 20, 0, total: 170));
        r.UsageIsCumulative.Should().BeTrue();
        r.CompletionEvent.Should().BeTrue();
        r.Error.Should().BeNull();
        r.Lines.Should().Be(4);
        r.MalformedLines.Should().Be(0);
    }

    [Fact]
    public async Task A_shell_command_gives_the_preamble_the_command_step_and_the_final_reply()
    {
        var r = await ParseAsync("02_tool_shell.jsonl");

        r.AgentSessionId.Should().Be(Thread02);
        r.AssistantMessages.Should().Equal("I'll run a shell command now.", "I ran `echo hi > out.txt`; out.txt now contains \"hi\".");
        r.Reply.Should().Be("I ran `echo hi > out.txt`; out.txt now contains \"hi\".");
        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Message, "I'll run a shell command now."),
            new TrajectoryStep(StepKind.Command, "/bin/bash -lc 'echo hi > out.txt'")
            {
                Command = "/bin/bash -lc 'echo hi > out.txt'", Output = "", ExitCode = 0, IsError = false, CallId = "item_1",
            },
            new TrajectoryStep(StepKind.Message, "I ran `echo hi > out.txt`; out.txt now contains \"hi\"."));
        r.Usage.Should().BeEquivalentTo(Usage(350, 64, 0, 45, 0, total: 395));
        r.CompletionEvent.Should().BeTrue();
        r.Error.Should().BeNull();
        r.Lines.Should().Be(7);
        r.MalformedLines.Should().Be(0);
    }

    [Theory]
    [InlineData("03_resume.jsonl", 500, 128, 65, 565)]
    [InlineData("03b_resume_last.jsonl", 650, 192, 85, 735)]
    public async Task A_resumed_turn_reports_the_same_thread_and_the_cumulative_usage(
        string name, long input, long cached, long output, long total)
    {
        var r = await ParseAsync(name);

        r.AgentSessionId.Should().Be(Thread02);
        r.AssistantMessages.Should().Equal("This is the follow-up answer in the resumed thread.");
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Message, "This is the follow-up answer in the resumed thread."));
        r.Usage.Should().BeEquivalentTo(Usage(input, cached, 0, output, 0, total));
        r.UsageIsCumulative.Should().BeTrue();
        r.CompletionEvent.Should().BeTrue();
        r.Error.Should().BeNull();
        r.Lines.Should().Be(4);
        r.MalformedLines.Should().Be(0);
    }

    [Theory]
    [InlineData("04_http500.jsonl", "01a21dc4-bf1d-70d2-924f-fe2ffa4c90b6", HighDemand)]
    [InlineData("05_response_failed.jsonl", "01a21dc5-2118-75b1-a990-e3390ddcfac4", StreamFailed)]
    public async Task Reconnect_notices_become_retry_steps_and_the_final_error_is_the_turn_failure(string name, string thread, string error)
    {
        var r = await ParseAsync(name);

        r.AgentSessionId.Should().Be(thread);
        r.Error.Should().Be(error);
        r.Steps.Select(s => s.Kind).Should().Equal(
            StepKind.Retry, StepKind.Retry, StepKind.Retry, StepKind.Retry, StepKind.Retry, StepKind.Error);
        r.Steps.Take(5).Select(s => s.Text).Should().Equal(Enumerable.Range(1, 5).Select(n => $"Reconnecting... {n}/5 ({error})"));
        r.Steps[^1].Should().Be(new TrajectoryStep(StepKind.Error, error));
        r.AssistantMessages.Should().BeEmpty();
        r.Usage.Should().BeEmpty();
        r.UsageIsCumulative.Should().BeFalse();
        r.CompletionEvent.Should().BeFalse();
        r.Lines.Should().Be(9);
        r.MalformedLines.Should().Be(0);
    }

    [Fact]
    public async Task An_http_400_is_not_retried_and_its_body_is_the_error()
    {
        const string body = "{\"error\": {\"message\": \"fake invalid request (scripted HTTP 400)\", " +
            "\"type\": \"invalid_request_error\", \"param\": \"input\", \"code\": \"invalid_value\"}}";
        var r = await ParseAsync("04b_http400.jsonl");

        r.AgentSessionId.Should().Be("01a21dc5-1fce-7902-b40f-94867cb0b591");
        r.Error.Should().Be("fake invalid request (scripted HTTP 400) (invalid_request_error)", "the session error is the body's message");
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Error, body));
        r.AssistantMessages.Should().BeEmpty();
        r.Usage.Should().BeEmpty();
        r.CompletionEvent.Should().BeFalse();
        r.Lines.Should().Be(4);
        r.MalformedLines.Should().Be(0);
    }

    [Fact]
    public async Task A_reasoning_summary_becomes_a_reasoning_step_before_the_reply()
    {
        var r = await ParseAsync("06_reasoning.jsonl");

        r.AgentSessionId.Should().Be("01a21dc5-3ab9-7e33-a56a-b5a325d9230a");
        r.AssistantMessages.Should().Equal("Reasoned answer: 42.");
        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Reasoning, "**Planning the answer**\n\nThe user wants a short reply; I will answer directly."),
            new TrajectoryStep(StepKind.Message, "Reasoned answer: 42."));
        r.Usage.Should().BeEquivalentTo(Usage(150, 64, 0, 20, 8, total: 170));
        r.CompletionEvent.Should().BeTrue();
        r.Error.Should().BeNull();
        r.MalformedLines.Should().Be(0);
    }

    [Fact]
    public async Task An_applied_patch_becomes_one_file_change_step_with_path_and_kind()
    {
        var r = await ParseAsync("07_apply_patch.jsonl");

        r.AgentSessionId.Should().Be("01a21dc5-4f8f-72e1-ab8c-a5f74357102b");
        r.AssistantMessages.Should().Equal("I created hello.txt with apply_patch.");
        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.FileChange, "add <workdir>/hello.txt")
            {
                Path = "<workdir>/hello.txt", ChangeKind = "add", CallId = "item_0",
            },
            new TrajectoryStep(StepKind.Message, "I created hello.txt with apply_patch."));
        r.Usage.Should().BeEquivalentTo(Usage(360, 64, 0, 60, 0, total: 420));
        r.CompletionEvent.Should().BeTrue();
        r.Error.Should().BeNull();
        r.Lines.Should().Be(6);
        r.MalformedLines.Should().Be(0);
    }

    [Fact]
    public async Task A_failing_command_is_an_error_step_with_its_output_and_exit_code_but_not_a_turn_error()
    {
        var r = await ParseAsync("08_command_fails.jsonl");

        r.AgentSessionId.Should().Be("01a21dc5-650d-73e3-8b42-14c358d133ff");
        r.AssistantMessages.Should().Equal("I'll run a shell command now.", "The command failed: /nonexistent-dir does not exist.");
        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Message, "I'll run a shell command now."),
            new TrajectoryStep(StepKind.Command, "/bin/bash -lc 'ls /nonexistent-dir'")
            {
                Command = "/bin/bash -lc 'ls /nonexistent-dir'",
                Output = "ls: cannot access '/nonexistent-dir': No such file or directory\n",
                ExitCode = 2,
                IsError = true,
                CallId = "item_1",
            },
            new TrajectoryStep(StepKind.Message, "The command failed: /nonexistent-dir does not exist."));
        r.Usage.Should().BeEquivalentTo(Usage(350, 64, 0, 45, 0, total: 395));
        r.CompletionEvent.Should().BeTrue();
        r.Error.Should().BeNull();
        r.MalformedLines.Should().Be(0);
    }

    [Fact]
    public async Task An_error_item_is_a_warning_step_that_does_not_fail_the_turn()
    {
        const string warning = "Model metadata for `gpt-5.1-codex-mini` not found. " +
            "Defaulting to fallback metadata; this can degrade performance and cause issues.";
        var r = await ParseAsync("09_unknown_model_warning.jsonl");

        r.AgentSessionId.Should().Be("01a21dc5-7ad0-75f1-9f3b-84f0c591e403");
        r.AssistantMessages.Should().Equal("Hello from the fake model! 2 + 2 = 4.");
        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Error, warning),
            new TrajectoryStep(StepKind.Message, "Hello from the fake model! 2 + 2 = 4."));
        r.Error.Should().BeNull();
        r.CompletionEvent.Should().BeTrue();
        r.Usage.Should().BeEquivalentTo(Usage(150, 64, 0, 20, 0, total: 170));
        r.Lines.Should().Be(5);
        r.MalformedLines.Should().Be(0);
    }
}
