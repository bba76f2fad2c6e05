using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;
using Zwarm.Core.Agents.Claude;
using static Zwarm.Core.Tests.Agents.Claude.ClaudeFixtures;

namespace Zwarm.Core.Tests.Agents.Claude;

/// <summary>Stream-json shapes the captures do not show: merged blocks, sub-agents, other failures, bad input.</summary>
public sealed class ClaudeParserSpecs
{
    private const string Init = """{"type":"system","subtype":"init","session_id":"s-init","model":"claude-sonnet-4-5"}""";

    private static string Text(string messageId, string text, string? parent = null)
        => $$$"""{"type":"assistant","message":{"id":"{{{messageId}}}","model":"claude-sonnet-4-5","content":[{"type":"text","text":{{{Json(text)}}}}],"usage":{"input_tokens":999,"output_tokens":1}},"parent_tool_use_id":{{{(parent is null ? "null" : Json(parent))}}},"session_id":"s-init"}""";

    private static string ToolUse(string messageId, string callId, string name, string inputJson)
        => $$$"""{"type":"assistant","message":{"id":"{{{messageId}}}","content":[{"type":"tool_use","id":"{{{callId}}}","name":"{{{name}}}","input":{{{inputJson}}}}]},"parent_tool_use_id":null,"session_id":"s-init"}""";

    private static string ToolResult(string callId, string contentJson, bool isError = false)
        => $$$"""{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{callId}}}","content":{{{contentJson}}},"is_error":{{{(isError ? "true" : "false")}}}}]},"session_id":"s-init"}""";

    private static string Result(string text, bool isError = false)
        => $$$"""{"type":"result","subtype":"success","is_error":{{{(isError ? "true" : "false")}}},"result":{{{Json(text)}}},"session_id":"s-init","total_cost_usd":0.5,"usage":{"input_tokens":10,"output_tokens":2}}""";

    private static string Json(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    [Fact]
    public void Consecutive_text_blocks_of_one_message_are_one_message_and_the_result_does_not_repeat_it()
    {
        var r = ParseLines([Init, Text("msg_1", "Part one. "), Text("msg_1", "Part two."), Result("Part two.")]);

        r.AssistantMessages.Should().Equal("Part one. Part two.");
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Message, "Part one. Part two."));
    }

    [Fact]
    public void Text_blocks_of_one_message_with_a_tool_call_between_them_stay_separate()
    {
        var r = ParseLines(
            [Init, Text("msg_1", "First."), ToolUse("msg_1", "toolu_1", "Read", """{"file_path":"/a.txt"}"""), Text("msg_1", "Second.")]);

        r.AssistantMessages.Should().Equal("First.", "Second.");
        r.Steps.Select(s => s.Kind).Should().Equal(StepKind.Message, StepKind.ToolCall, StepKind.Message);
    }

    [Fact]
    public void A_result_text_that_differs_from_the_last_assistant_text_is_the_reply()
    {
        var r = ParseLines([Init, Text("msg_1", "Working on it."), Result("All done.")]);

        r.AssistantMessages.Should().Equal("Working on it.", "All done.");
        r.Reply.Should().Be("All done.");
        r.CompletionEvent.Should().BeTrue();
    }

    [Fact]
    public void Usage_is_never_taken_from_assistant_lines()
    {
        var r = ParseLines([Init, Text("msg_1", "a"), Text("msg_2", "b")]);

        r.Usage.Should().BeEmpty();
        r.CostUsd.Should().BeNull();
        r.CompletionEvent.Should().BeFalse();
        r.Error.Should().BeNull();
        r.Reply.Should().Be("b");
    }

    [Fact]
    public void The_session_id_comes_from_init_or_else_from_the_first_line_that_has_one()
    {
        ParseLines([Text("msg_1", "x").Replace("s-init", "s-early"), Init]).AgentSessionId.Should().Be("s-init");
        ParseLines([Text("msg_1", "x").Replace("s-init", "s-any"), Result("x").Replace("s-init", "s-late")]).AgentSessionId.Should()
            .Be("s-any");
    }

    [Fact]
    public void A_sub_agents_text_is_a_step_but_not_a_reply_of_the_session()
    {
        var r = ParseLines([Init, Text("msg_sub", "sub-agent notes", parent: "toolu_task"), Text("msg_2", "Main answer.")]);

        r.AssistantMessages.Should().Equal("Main answer.");
        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Message, "(subagent) sub-agent notes"),
            new TrajectoryStep(StepKind.Message, "Main answer."));
    }

    [Fact]
    public void Tool_outputs_given_as_blocks_are_joined()
    {
        var r = ParseLines(
        [
            Init,
            ToolUse("msg_1", "toolu_1", "Read", """{"file_path":"/src/a.cs","limit":10}"""),
            ToolResult("toolu_1", """[{"type":"text","text":"line 1"},{"type":"image","source":{}},{"type":"text","text":"line 2"}]"""),
        ]);

        r.Steps[1].Should().Be(new TrajectoryStep(StepKind.ToolOutput, "line 1\n[image]\nline 2")
        { Output = "line 1\n[image]\nline 2", ToolName = "Read", CallId = "toolu_1" });
    }

    [Fact]
    public void A_result_for_an_unknown_call_is_still_a_tool_output()
    {
        ParseLines([ToolResult("toolu_x", "\"\"")]).Steps.Should().Equal(
            new TrajectoryStep(StepKind.ToolOutput, "") { Output = "", ToolName = "tool", CallId = "toolu_x" });
    }

    [Fact]
    public void A_resume_of_an_unknown_session_fails_with_the_clis_errors_and_its_stderr_line_is_counted()
    {
        // Claude Code 2.1.328, `claude -p hi --resume <unknown id> --output-format stream-json --verbose`: stderr, then this result.
        var r = ParseLines(
        [
            "No conversation found with session ID: 3f1c2b1e-0000-4000-8000-000000000000",
            """{"type":"result","subtype":"error_during_execution","duration_ms":0,"duration_api_ms":0,"is_error":true,"num_turns":0,"stop_reason":null,"session_id":"3f1c2b1e-0000-4000-8000-000000000000","total_cost_usd":0,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0},"permission_denials":[],"uuid":"501b149d-d1b7-472c-bfc2-b63684929664","errors":["No conversation found with session ID: 3f1c2b1e-0000-4000-8000-000000000000"],"result_index":0}""",
        ]);

        r.CompletionEvent.Should().BeFalse();
        r.Error.Should().Be("No conversation found with session ID: 3f1c2b1e-0000-4000-8000-000000000000");
        r.Steps.Should().Equal(new TrajectoryStep(StepKind.Error, r.Error!) { IsError = true });
        r.MalformedLines.Should().Be(1);
        r.Lines.Should().Be(2);
    }

    [Fact]
    public void Reaching_max_turns_fails_the_turn_even_without_error_text_but_keeps_the_replies()
    {
        var r = ParseLines(
        [
            Init, Text("msg_1", "Still going."),
            """{"type":"result","subtype":"error_max_turns","is_error":false,"terminal_reason":"max_turns","num_turns":3,"errors":[],"session_id":"s-init","usage":{"input_tokens":5,"output_tokens":1}}""",
        ]);

        r.CompletionEvent.Should().BeFalse();
        r.Error.Should().Be("claude stopped: reached the maximum number of turns (3)");
        r.AssistantMessages.Should().Equal("Still going.");
    }

    [Fact]
    public void An_api_error_without_a_result_line_is_still_the_error()
    {
        var r = ParseLines([Init, """{"type":"assistant","message":{"id":"u-1","model":"<synthetic>","content":[{"type":"text","text":"API Error: 401 invalid x-api-key"}]},"is_api_error_message":true}"""]);

        r.Error.Should().Be("API Error: 401 invalid x-api-key");
        r.AssistantMessages.Should().BeEmpty();
        r.CompletionEvent.Should().BeFalse();
    }

    [Fact]
    public void A_denial_reported_only_in_the_result_is_an_error_step()
    {
        const string result = """{"type":"result","subtype":"success","is_error":false,"result":"ok","session_id":"s-init","permission_denials":[{"tool_name":"Write","tool_use_id":"toolu_9","tool_input":{"file_path":"/etc/passwd","content":"x"}}]}""";

        var r = ParseLines([Init, result]);

        r.Steps.Should().Equal(
            new TrajectoryStep(StepKind.Message, "ok"),
            new TrajectoryStep(StepKind.Error, "permission denied: Write: /etc/passwd")
            {
                ToolName = "Write", CallId = "toolu_9", IsError = true,
            });
        r.Error.Should().BeNull();
        r.CompletionEvent.Should().BeTrue();
    }

    [Fact]
    public void Malformed_and_oddly_shaped_lines_are_counted_or_ignored_and_never_throw()
    {
        string[] malformed =
        [
            "Warning: no stdin data received in 3s, proceeding without it.",
            """{"type":"assistant","message":{"id":"m","content":[{"type":"text","te""",
            "[1,2,3]",
            "42",
            "\"a string\"",
            "{not json}",
        ];
        string[] odd =
        [
            "{}",
            """{"type":5}""",
            """{"type":"assistant","message":5}""",
            """{"type":"assistant","message":{"content":{"type":"text"}}}""",
            """{"type":"assistant","message":{"content":[5,null,{"type":"tool_use"},{"type":"text","text":7}]}}""",
            """{"type":"user","message":{"content":[{"type":"tool_result","content":{"x":1},"is_error":"yes"}]}}""",
            """{"type":"result","usage":"lots","total_cost_usd":"free","permission_denials":{"a":1},"errors":"x","is_error":1}""",
            """{"type":"system","subtype":"api_retry","attempt":"one"}""",
            """{"type":"stream_event","event":{"type":"content_block_delta","delta":{"type":"text_delta","text":"dup"}}}""",
            """{"type":"brand_new_event","payload":[1,2]}""",
        ];
        var lines = new List<string> { Init };
        lines.AddRange(malformed);
        lines.AddRange(odd);
        lines.Add(Text("msg_1", "Survived."));

        var act = () => ParseLines(lines);

        var r = act.Should().NotThrow().Subject;
        r.MalformedLines.Should().Be(malformed.Length);
        r.Lines.Should().Be(lines.Count);
        r.AssistantMessages.Should().Equal("Survived.");
        r.AgentSessionId.Should().Be("s-init");
    }

    [Fact]
    public void Invalid_utf8_is_counted_as_malformed()
    {
        var parser = new ClaudeParser(collectTrajectory: true);
        byte[] bad = [.. "{\"type\":\"result\",\"result\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        parser.Feed(bad);
        parser.Feed([0xFF, 0xFE, 0x00]);

        parser.Result.Lines.Should().Be(2);
        parser.Result.MalformedLines.Should().Be(2);
    }
}
