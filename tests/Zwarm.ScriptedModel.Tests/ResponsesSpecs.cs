using System.Text.Json.Nodes;
using AwesomeAssertions;

namespace Zwarm.ScriptedModel.Tests;

public sealed class ResponsesSpecs
{
    [Fact]
    public async Task I_can_stream_a_text_answer_exactly_as_codex_reads_it()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Responses,
            ScriptedReply.Answer("Hello from the fake model!", new ScriptedUsage(150, 20) { CachedTokens = 64 }));

        var answer = await t.PostAsync("/v1/responses", Bodies.Codex("hi"));

        answer.Status.Should().Be(200);
        answer.ContentType.Should().Be("text/event-stream");
        answer.Body.Should().Be("""
            event: response.created
            data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"in_progress","model":"gpt-5.5"}}

            event: response.output_item.added
            data: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","status":"in_progress","content":[]}}

            event: response.content_part.added
            data: {"type":"response.content_part.added","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hello "}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"from "}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"the "}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":6,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"fake "}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":7,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"model!"}

            event: response.output_text.done
            data: {"type":"response.output_text.done","sequence_number":8,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello from the fake model!"}

            event: response.content_part.done
            data: {"type":"response.content_part.done","sequence_number":9,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"Hello from the fake model!","annotations":[]}}

            event: response.output_item.done
            data: {"type":"response.output_item.done","sequence_number":10,"output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Hello from the fake model!","annotations":[]}]}}

            event: response.completed
            data: {"type":"response.completed","sequence_number":11,"response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"completed","model":"gpt-5.5","usage":{"input_tokens":150,"input_tokens_details":{"cached_tokens":64},"output_tokens":20,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":170}}}


            """);
    }

    [Fact]
    public async Task I_can_stream_a_preamble_then_a_function_call_with_string_arguments()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Responses,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("exec_command", """{"cmd": "echo hi > out.txt"}"""))
                with { Preamble = "I'll run it." });

        var answer = await t.PostAsync("/v1/responses", Bodies.Codex("hi"));

        answer.EventNames.Should().Equal(
            "response.created",
            "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
            "response.output_text.delta", "response.output_text.done", "response.content_part.done", "response.output_item.done",
            "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
            "response.function_call_arguments.done", "response.output_item.done",
            "response.completed");
        var frames = answer.Frames;
        frames[9].Data.Should().Be("""{"type":"response.output_item.added","sequence_number":9,"output_index":1,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"exec_command","arguments":"","status":"in_progress"}}""");
        frames[10].Data.Should().Be("""{"type":"response.function_call_arguments.delta","sequence_number":10,"item_id":"fc_1","output_index":1,"delta":"{\"cmd\": \"echo "}""");
        frames[11].Data.Should().Be("""{"type":"response.function_call_arguments.delta","sequence_number":11,"item_id":"fc_1","output_index":1,"delta":"hi > out.txt\"}"}""");
        frames[12].Data.Should().Be("""{"type":"response.function_call_arguments.done","sequence_number":12,"item_id":"fc_1","output_index":1,"arguments":"{\"cmd\": \"echo hi > out.txt\"}"}""");
        frames[13].Data.Should().Be("""{"type":"response.output_item.done","sequence_number":13,"output_index":1,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"exec_command","arguments":"{\"cmd\": \"echo hi > out.txt\"}","status":"completed"}}""");
    }

    [Fact]
    public async Task I_can_stream_an_apply_patch_custom_tool_call()
    {
        const string patch = "*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch\n";
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Responses,
            ScriptedReply.ToolCalls(ScriptedToolCall.Custom("apply_patch", patch)));

        var answer = await t.PostAsync("/v1/responses", Bodies.Codex("patch"));

        answer.EventNames.Should().Equal(
            "response.created", "response.output_item.added", "response.custom_tool_call_input.delta",
            "response.custom_tool_call_input.delta", "response.custom_tool_call_input.done", "response.output_item.done",
            "response.completed");
        var frames = answer.Frames;
        (frames[2].Json["delta"]!.GetValue<string>() + frames[3].Json["delta"]!.GetValue<string>()).Should().Be(patch);
        frames[4].Json["input"]!.GetValue<string>().Should().Be(patch);
        frames[5].Data.Should().Be("""{"type":"response.output_item.done","sequence_number":5,"output_index":0,"item":{"type":"custom_tool_call","id":"ctc_1","call_id":"call_1","name":"apply_patch","input":"*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch\n","status":"completed"}}""");
    }

    [Fact]
    public async Task I_can_stream_a_reasoning_summary_before_the_answer()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Responses,
            ScriptedReply.Answer("42") with { Reasoning = "**Planning**" });

        var answer = await t.PostAsync("/v1/responses", Bodies.Codex("6*7"));

        answer.EventNames.Take(7).Should().Equal(
            "response.created", "response.output_item.added", "response.reasoning_summary_part.added",
            "response.reasoning_summary_text.delta", "response.reasoning_summary_text.done", "response.reasoning_summary_part.done",
            "response.output_item.done");
        var frames = answer.Frames;
        frames[1].Data.Should().Be("""{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[]}}""");
        frames[3].Data.Should().Be("""{"type":"response.reasoning_summary_text.delta","sequence_number":3,"item_id":"rs_1","output_index":0,"summary_index":0,"delta":"**Planning**"}""");
        frames[6].Data.Should().Be("""{"type":"response.output_item.done","sequence_number":6,"output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"**Planning**"}],"encrypted_content":null}}""");
        frames[7].Json["output_index"]!.GetValue<int>().Should().Be(1, "the message follows the reasoning item");
        answer.EventNames[^1].Should().Be("response.completed");
    }

    [Fact]
    public async Task An_http_error_gets_an_openai_error_body_or_the_scripted_body_verbatim()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Responses,
            ScriptedReply.HttpError(500, "fake upstream failure"),
            ScriptedReply.HttpError(400, body: """{"error": {"message": "raw"}}"""));

        var generated = await t.PostAsync("/v1/responses", Bodies.Codex("a"));
        var verbatim = await t.PostAsync("/v1/responses", Bodies.Codex("b"));

        generated.Status.Should().Be(500);
        generated.ContentType.Should().Be("application/json");
        generated.Body.Should()
            .Be("""{"error":{"message":"fake upstream failure","type":"server_error","param":null,"code":"server_error"}}""");
        verbatim.Status.Should().Be(400);
        verbatim.Body.Should().Be("""{"error": {"message": "raw"}}""");
    }

    [Fact]
    public async Task A_failed_stream_ends_with_response_failed_carrying_code_and_message()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Responses,
            ScriptedReply.StreamFailed("context_length_exceeded", "too long"));

        var answer = await t.PostAsync("/v1/responses", Bodies.Codex("a"));

        answer.Status.Should().Be(200);
        answer.EventNames.Should().Equal("response.created", "response.failed");
        answer.Frames[1].Data.Should().Be("""{"type":"response.failed","sequence_number":1,"response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"failed","model":"gpt-5.5","error":{"code":"context_length_exceeded","message":"too long"}}}""");
    }

    [Fact]
    public async Task A_truncated_stream_sends_the_partial_item_but_no_response_completed()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Responses, ScriptedReply.StreamTruncated("partial"));

        var answer = await t.PostAsync("/v1/responses", Bodies.Codex("a"));

        answer.EventNames.Should().Equal(
            "response.created", "response.output_item.added", "response.content_part.added", "response.output_text.delta",
            "response.output_text.done", "response.content_part.done", "response.output_item.done");
    }

    [Fact]
    public async Task A_non_streaming_request_gets_the_whole_response_object()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Responses,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("exec_command", new JsonObject { ["cmd"] = "ls" }))
                with { Preamble = "Listing." });

        var answer = await t.PostAsync("/v1/responses", Bodies.Codex("a", stream: false));

        answer.ContentType.Should().Be("application/json");
        answer.Body.Should().Be("""{"id":"resp_1","object":"response","created_at":1700000000,"status":"completed","model":"gpt-5.5","usage":{"input_tokens":100,"input_tokens_details":{"cached_tokens":0},"output_tokens":20,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":120},"output":[{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Listing.","annotations":[]}]},{"type":"function_call","id":"fc_1","call_id":"call_1","name":"exec_command","arguments":"{\"cmd\":\"ls\"}","status":"completed"}]}""");
    }

    [Fact]
    public async Task Ids_count_up_across_replies_and_calls()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Responses,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("a", "{}"), ScriptedToolCall.Function("b", "{}")),
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("c", "{}") with { Id = "my_call" }));

        var first = await t.PostAsync("/v1/responses", Bodies.Codex("a"));
        var second = await t.PostAsync("/v1/responses", Bodies.Codex("a"));

        static IEnumerable<string> CallIds(HttpAnswer a) => a.Frames
            .Where(f => f.Event == "response.output_item.done")
            .Select(f => f.Json["item"]!["call_id"]!.GetValue<string>());
        CallIds(first).Should().Equal("call_1", "call_2");
        CallIds(second).Should().Equal("my_call");
        second.Frames[0].Json["response"]!["id"]!.GetValue<string>().Should().Be("resp_2");
    }
}
