using System.Text.Json.Nodes;
using AwesomeAssertions;

namespace Zwarm.ScriptedModel.Tests;

public sealed class MessagesSpecs
{
    [Fact]
    public async Task I_can_stream_a_text_answer_with_named_events_as_claude_needs()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages,
            ScriptedReply.Answer(
                "Hello from the fake model!", new ScriptedUsage(300, 15) { CachedTokens = 100, CacheCreationTokens = 50 }));

        var answer = await t.PostAsync("/v1/messages?beta=true", Bodies.Claude("hi"));

        answer.Status.Should().Be(200);
        answer.ContentType.Should().Be("text/event-stream");
        answer.Headers.GetValues("request-id").Should().Equal("req_1");
        answer.Body.Should().Be("""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":300,"cache_creation_input_tokens":50,"cache_read_input_tokens":100,"output_tokens":1}}}

            event: ping
            data: {"type":"ping"}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello "}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"from "}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"the "}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"fake "}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"model!"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

            event: message_stop
            data: {"type":"message_stop"}


            """);
    }

    [Fact]
    public async Task I_can_stream_text_then_a_tool_use_block_whose_partial_json_joins_to_the_input()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("Bash", """{"command":"echo hi > out.txt","description":"Write hi"}"""))
                with { Preamble = "I'll create the file." });

        var answer = await t.PostAsync("/v1/messages?beta=true", Bodies.Claude("hi"));

        answer.EventNames.Should().Equal(
            "message_start", "ping",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
            "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "message_delta", "message_stop");
        var frames = answer.Frames;
        frames[8].Data.Should()
            .Be("""{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}}""");
        var partialJson = frames[9].Json["delta"]!["partial_json"]!.GetValue<string>()
            + frames[10].Json["delta"]!["partial_json"]!.GetValue<string>();
        partialJson.Should().Be("""{"command":"echo hi > out.txt","description":"Write hi"}""");
        frames[9].Json["delta"]!["type"]!.GetValue<string>().Should().Be("input_json_delta");
        frames[12].Data.Should()
            .Be("""{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":20}}""");
    }

    [Fact]
    public async Task I_can_stream_a_thinking_block_with_a_signature_before_the_text()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages,
            ScriptedReply.Answer("42") with { Reasoning = "6 times 7 is 42." });

        var answer = await t.PostAsync("/v1/messages?beta=true", Bodies.Claude("6*7"));

        answer.Frames.Skip(2).Take(4).Select(f => f.Data).Should().Equal(
            """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"6 times 7 is 42."}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"ZmFrZS1zaWduYXR1cmU="}}""",
            """{"type":"content_block_stop","index":0}""");
        answer.Frames[6].Data.Should().Be("""{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}""");
    }

    [Fact]
    public async Task The_non_streaming_fallback_gets_the_same_reply_as_one_message()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("Bash", """{"command":"ls"}"""))
                with { Preamble = "Listing.", Reasoning = "hmm" });

        var answer = await t.PostAsync("/v1/messages?beta=true", Bodies.Claude("hi", stream: false));

        answer.Status.Should().Be(200);
        answer.ContentType.Should().Be("application/json");
        answer.Body.Should().Be("""{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"thinking","thinking":"hmm","signature":"ZmFrZS1zaWduYXR1cmU="},{"type":"text","text":"Listing."},{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":20}}""");
    }

    [Fact]
    public async Task An_http_error_gets_an_anthropic_error_body()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages,
            ScriptedReply.HttpError(500, "fake upstream failure"), ScriptedReply.HttpError(529), ScriptedReply.HttpError(400, "bad"));

        var server = await t.PostAsync("/v1/messages?beta=true", Bodies.Claude("a"));
        var overloaded = await t.PostAsync("/v1/messages?beta=true", Bodies.Claude("a"));
        var invalid = await t.PostAsync("/v1/messages?beta=true", Bodies.Claude("a", stream: false));

        server.Status.Should().Be(500);
        server.Body.Should().Be("""{"type":"error","error":{"type":"api_error","message":"fake upstream failure"}}""");
        overloaded.Status.Should().Be(529);
        overloaded.Body.Should().Be("""{"type":"error","error":{"type":"overloaded_error","message":"scripted HTTP 529"}}""");
        invalid.Status.Should().Be(400);
        invalid.Body.Should().Be("""{"type":"error","error":{"type":"invalid_request_error","message":"bad"}}""");
    }

    [Fact]
    public async Task A_failed_stream_sends_an_error_event_and_its_non_streaming_form_is_a_529()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages,
            ScriptedReply.StreamFailed() with { Times = 2 });

        var streamed = await t.PostAsync("/v1/messages?beta=true", Bodies.Claude("a"));
        var fallback = await t.PostAsync("/v1/messages?beta=true", Bodies.Claude("a", stream: false));

        streamed.EventNames.Should().Equal("message_start", "ping", "error");
        streamed.Frames[2].Data.Should().Be("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        fallback.Status.Should().Be(529);
        fallback.Body.Should().Be("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
    }

    [Fact]
    public async Task A_truncated_stream_ends_after_the_partial_block_without_message_stop()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages, ScriptedReply.StreamTruncated("cut"));

        var answer = await t.PostAsync("/v1/messages?beta=true", Bodies.Claude("a"));

        answer.EventNames.Should().Equal("message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop");
    }

    [Fact]
    public async Task A_truncated_non_streaming_reply_drops_the_connection()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages, ScriptedReply.StreamTruncated());

        var act = () => t.PostAsync("/v1/messages?beta=true", Bodies.Claude("a", stream: false));

        await act.Should().ThrowAsync<HttpRequestException>();
    }

    [Fact]
    public async Task Unknown_messages_paths_get_a_404_anthropic_error_and_are_flagged()
    {
        await using var t = await TestServer.StartAsync();

        var answer = await t.PostAsync("/v1/messages/count_tokens?beta=true", "{}");

        answer.Status.Should().Be(404);
        answer.Json["type"]!.GetValue<string>().Should().Be("error");
        answer.Json["error"]!["type"]!.GetValue<string>().Should().Be("not_found_error");
        t.Server.Problems.Should().ContainSingle().Which.Should().Contain("/v1/messages/count_tokens");
    }

    [Fact]
    public async Task Head_api_hello_answers_200_without_a_problem()
    {
        await using var t = await TestServer.StartAsync();

        var answer = await t.SendAsync(HttpMethod.Head, "/api/hello");

        answer.Status.Should().Be(200);
        t.Server.Problems.Should().BeEmpty();
        t.Server.Requests.Should().ContainSingle().Which.Method.Should().Be("HEAD");
    }

    [Fact]
    public async Task A_custom_call_becomes_a_tool_use_with_an_input_field()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages,
            ScriptedReply.ToolCalls(ScriptedToolCall.Custom("apply_patch", "*** Begin Patch")));

        var answer = await t.PostAsync("/v1/messages", Bodies.Claude("a", stream: false));

        answer.Json["content"]![0]!["input"]!.ToJsonString().Should().Be("""{"input":"*** Begin Patch"}""");
        JsonNode.DeepEquals(answer.Json["content"]![0]!["input"], new JsonObject { ["input"] = "*** Begin Patch" }).Should().BeTrue();
    }
}
