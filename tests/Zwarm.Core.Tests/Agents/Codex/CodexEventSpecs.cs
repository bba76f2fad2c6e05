using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;
using static Zwarm.Core.Tests.Agents.Codex.CodexFixtures;

namespace Zwarm.Core.Tests.Agents.Codex;

/// <summary>Codex events and items the captured runs do not show.</summary>
public sealed class CodexEventSpecs
{
    [Fact]
    public void Started_and_updated_states_of_an_item_do_not_add_steps()
    {
        var r = ParseLines(
            """{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"make","aggregated_output":"","exit_code":null,"status":"in_progress"}}""",
            """{"type":"item.updated","item":{"id":"item_1","type":"command_execution","command":"make","aggregated_output":"part","exit_code":null,"status":"in_progress"}}""",
            """{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"make","aggregated_output":"done\n","exit_code":0,"status":"completed"}}""");

        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Command, "make") { Command = "make", Output = "done\n", ExitCode = 0, CallId = "item_1" });
        r.MalformedLines.Should().Be(0);
    }

    [Fact]
    public void A_command_that_failed_without_an_exit_code_is_an_error_step()
    {
        var r = ParseLines("""{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"rm -rf /","aggregated_output":"","exit_code":null,"status":"failed"}}""");

        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Command, "rm -rf /") { Command = "rm -rf /", Output = "", IsError = true, CallId = "item_1" });
    }

    [Fact]
    public void A_long_or_multi_line_command_is_kept_whole_in_the_step()
    {
        var heredoc = "cat > f <<'EOF'\nline\nEOF";
        var longOne = new string('x', 500);
        var r = ParseLines(
            $$$"""{"type":"item.completed","item":{"id":"a","type":"command_execution","command":"{{{heredoc.Replace("\n", "\\n")}}}","exit_code":0,"status":"completed"}}""",
            $$$"""{"type":"item.completed","item":{"id":"b","type":"command_execution","command":"{{{longOne}}}","exit_code":0,"status":"completed"}}""");

        r.Steps.Select(s => s.Command).Should().Equal(heredoc, longOne);
    }

    [Fact]
    public void A_file_change_with_several_paths_gives_one_step_per_path()
    {
        var r = ParseLines("""{"type":"item.completed","item":{"id":"item_3","type":"file_change","changes":[{"path":"/w/a.cs","kind":"update"},{"path":"/w/b.cs","kind":"delete"}],"status":"failed"}}""");

        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.FileChange, "update /w/a.cs")
            {
                Path = "/w/a.cs", ChangeKind = "update", IsError = true, CallId = "item_3",
            },
            new TrajectoryStep(StepKind.FileChange, "delete /w/b.cs")
            {
                Path = "/w/b.cs", ChangeKind = "delete", IsError = true, CallId = "item_3",
            });
    }

    [Fact]
    public void An_mcp_tool_call_gives_a_tool_call_and_its_text_output()
    {
        var r = ParseLines("""{"type":"item.completed","item":{"id":"item_4","type":"mcp_tool_call","server":"docs","tool":"search","arguments":{"q":"tomlyn"},"result":{"content":[{"type":"text","text":"hit 1"},{"type":"image","data":"…"},{"type":"text","text":"hit 2"}],"structured_content":null},"error":null,"status":"completed"}}""");

        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.ToolCall, """{"q":"tomlyn"}""") { ToolName = "docs.search", CallId = "item_4" },
            new TrajectoryStep(StepKind.ToolOutput, "hit 1\nhit 2")
            {
                ToolName = "docs.search", CallId = "item_4", Output = "hit 1\nhit 2",
            });
    }

    [Fact]
    public void A_failed_mcp_tool_call_gives_an_error_output()
    {
        var r = ParseLines("""{"type":"item.completed","item":{"id":"item_5","type":"mcp_tool_call","server":"db","tool":"query","arguments":{},"result":null,"error":{"message":"connection refused"},"status":"failed"}}""");

        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.ToolCall, "{}") { ToolName = "db.query", CallId = "item_5" },
            new TrajectoryStep(StepKind.ToolOutput, "connection refused")
            {
                ToolName = "db.query", CallId = "item_5", Output = "connection refused", IsError = true,
            });
        r.Error.Should().BeNull();
    }

    [Fact]
    public void A_web_search_is_a_tool_call()
    {
        var r = ParseLines("""{"type":"item.completed","item":{"id":"item_6","type":"web_search","query":"tomlyn inline tables"}}""");

        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.ToolCall, "tomlyn inline tables") { ToolName = "web_search", CallId = "item_6" });
    }

    [Fact]
    public void A_todo_list_is_a_tool_call_holding_the_checklist_as_completed()
    {
        var r = ParseLines(
            """{"type":"item.started","item":{"id":"item_7","type":"todo_list","items":[{"text":"read","completed":false},{"text":"fix","completed":false}]}}""",
            """{"type":"item.updated","item":{"id":"item_7","type":"todo_list","items":[{"text":"read","completed":true},{"text":"fix","completed":false}]}}""",
            """{"type":"item.completed","item":{"id":"item_7","type":"todo_list","items":[{"text":"read","completed":true},{"text":"fix","completed":false},{"text":"test","completed":true}]}}""");

        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.ToolCall, "[x] read\n[ ] fix\n[x] test") { ToolName = "todo_list", CallId = "item_7" });
    }

    [Fact]
    public void Without_turn_failed_the_error_is_the_last_error_event_that_is_not_a_reconnect()
    {
        var r = ParseLines(
            """{"type":"error","message":"first problem"}""",
            """{"type":"error","message":"second problem"}""",
            """{"type":"error","message":"Reconnecting... 1/5 (later)"}""");

        r.Error.Should().Be("second problem");
        r.Steps.Select(s => s.Kind).Should().Equal(StepKind.Error, StepKind.Error, StepKind.Retry);
        r.CompletionEvent.Should().BeFalse();
    }

    [Fact]
    public void Turn_failed_decides_the_error_over_earlier_and_later_error_events()
    {
        var r = ParseLines(
            """{"type":"error","message":"transient"}""",
            """{"type":"turn.failed","error":{"message":"the real reason"}}""",
            """{"type":"error","message":"afterthought"}""");

        r.Error.Should().Be("the real reason");
        r.Steps.Select(s => s.Text).Should().Equal("transient", "the real reason", "afterthought");
    }

    [Fact]
    public void Turn_failed_without_a_message_still_fails()
    {
        var r = ParseLines("""{"type":"turn.failed"}""");

        r.Error.Should().Be("turn failed");
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Error, "turn failed"));
    }

    [Fact]
    public void Reconnects_that_recover_leave_no_error()
    {
        var r = ParseLines(
            """{"type":"error","message":"Reconnecting... 1/5 (stream disconnected)"}""",
            """{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"ok"}}""",
            """{"type":"turn.completed","usage":{"input_tokens":10,"output_tokens":2}}""");

        r.Error.Should().BeNull();
        r.CompletionEvent.Should().BeTrue();
        r.Reply.Should().Be("ok");
        r.Steps.Select(s => s.Kind).Should().Equal(StepKind.Retry, StepKind.Message);
    }

    [Fact]
    public void An_error_event_in_a_completed_turn_is_kept_as_the_error()
    {
        var r = ParseLines(
            """{"type":"error","message":"context window nearly full"}""",
            """{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"done"}}""",
            """{"type":"turn.completed","usage":{"input_tokens":10,"output_tokens":2}}""");

        r.Error.Should().Be("context window nearly full");
        r.CompletionEvent.Should().BeTrue();
        r.Reply.Should().Be("done");
    }

    [Fact]
    public void A_total_reported_by_codex_is_kept_and_the_last_turn_completed_wins()
    {
        var r = ParseLines(
            """{"type":"turn.completed","usage":{"input_tokens":10,"output_tokens":2}}""",
            """{"type":"turn.completed","usage":{"input_tokens":30,"output_tokens":5,"total_tokens":40}}""");

        r.Usage.Should()
            .BeEquivalentTo(new Dictionary<string, long> { ["input_tokens"] = 30, ["output_tokens"] = 5, ["total_tokens"] = 40 });
    }

    [Fact]
    public void Fields_may_come_in_any_order_and_unknown_fields_are_ignored()
    {
        var r = ParseLines(
            """{"thread_id":"t-1","extra":{"deep":[1,2,3]},"type":"thread.started"}""",
            """{"item":{"text":"hi","future":true,"type":"agent_message","id":"item_0"},"type":"item.completed"}""");

        r.AgentSessionId.Should().Be("t-1");
        r.AssistantMessages.Should().Equal("hi");
        r.MalformedLines.Should().Be(0);
    }

    [Fact]
    public void Without_a_trajectory_large_outputs_are_not_kept()
    {
        var output = new string('o', 100_000);
        var r = ParseLines(false,
            $$$"""{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"yes","aggregated_output":"{{{output}}}","exit_code":0,"status":"completed"}}""",
            """{"type":"item.completed","item":{"id":"item_2","type":"reasoning","text":"thinking"}}""");

        r.Steps.Should().BeEmpty();
        r.MalformedLines.Should().Be(0);
    }
}
