using AwesomeAssertions;

namespace Zwarm.ScriptedModel.Tests;

public sealed class ChatSpecs
{
    [Fact]
    public async Task A_non_streaming_text_answer_is_one_chat_completion()
    {
        await using var t = (await TestServer.StartAsync())
            .With(Endpoint.Chat, ScriptedReply.Answer("Hi there.", new ScriptedUsage(50, 12)));

        var answer = await t.PostAsync("/v1/chat/completions", Bodies.Chat("hi"));

        answer.Status.Should().Be(200);
        answer.ContentType.Should().Be("application/json");
        answer.Body.Should().Be("""{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hi there."},"finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":50,"completion_tokens":12,"total_tokens":62,"prompt_tokens_details":{"cached_tokens":0}}}""");
    }

    [Fact]
    public async Task A_non_streaming_tool_call_has_json_string_arguments()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("get_weather", """{"city":"Paris"}""")));

        var answer = await t.PostAsync("/v1/chat/completions", Bodies.Chat("weather?"));

        answer.Body.Should().Be("""{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls","logprobs":null}],"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,"prompt_tokens_details":{"cached_tokens":0}}}""");
    }

    [Fact]
    public async Task A_streamed_text_answer_is_data_only_chunks_with_a_usage_chunk_and_done()
    {
        await using var t = (await TestServer.StartAsync())
            .With(Endpoint.Chat, ScriptedReply.Answer("Hi there.", new ScriptedUsage(50, 12)));

        var answer = await t.PostAsync("/v1/chat/completions", Bodies.Chat("hi", stream: true, includeUsage: true));

        answer.ContentType.Should().Be("text/event-stream");
        answer.Body.Should().Be("""
            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hi "},"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"there."},"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":50,"completion_tokens":12,"total_tokens":62,"prompt_tokens_details":{"cached_tokens":0}}}

            data: [DONE]


            """);
    }

    [Fact]
    public async Task Without_include_usage_there_is_no_usage_chunk()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat, ScriptedReply.Answer("Hi"));

        var answer = await t.PostAsync("/v1/chat/completions", Bodies.Chat("hi", stream: true));

        answer.Frames.Should().OnlyContain(f => f.Event == null);
        answer.Frames.Select(f => f.Data).Should().NotContain(d => d.Contains("usage"));
        answer.Frames[^1].Data.Should().Be("[DONE]");
    }

    [Fact]
    public async Task Parallel_streamed_tool_calls_are_indexed_and_name_only_their_first_delta()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat,
            ScriptedReply.ToolCalls(
                ScriptedToolCall.Function("get_weather", """{"city":"Paris"}"""),
                ScriptedToolCall.Function("get_weather", """{"city":"Oslo"}""")));

        var answer = await t.PostAsync("/v1/chat/completions", Bodies.Chat("weather?", stream: true));

        var deltas = answer.Frames.SkipLast(1).Select(f => WireJson.Write(f.Json["choices"]![0]!["delta"]!)).ToList();
        deltas.Should().Equal(
            """{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}""",
            """{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}""",
            """{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}""",
            """{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"get_weather","arguments":""}}]}""",
            """{"tool_calls":[{"index":1,"function":{"arguments":"{\"city\""}}]}""",
            """{"tool_calls":[{"index":1,"function":{"arguments":":\"Oslo\"}"}}]}""",
            "{}");
        answer.Frames[^2].Json["choices"]![0]!["finish_reason"]!.GetValue<string>().Should().Be("tool_calls");
        answer.Frames[^1].Data.Should().Be("[DONE]");
    }

    [Fact]
    public async Task Errors_are_openai_shaped_and_a_failed_stream_stops_before_done()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat,
            ScriptedReply.HttpError(429, "slow down"),
            ScriptedReply.StreamFailed("server_error", "boom"),
            ScriptedReply.StreamTruncated("partial"));

        var limited = await t.PostAsync("/v1/chat/completions", Bodies.Chat("a"));
        var failed = await t.PostAsync("/v1/chat/completions", Bodies.Chat("a", stream: true));
        var truncated = await t.PostAsync("/v1/chat/completions", Bodies.Chat("a", stream: true));

        limited.Status.Should().Be(429);
        limited.Body.Should().Be("""{"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":null}}""");
        failed.Frames[^1].Data.Should().Be("""{"error":{"message":"boom","type":"server_error","param":null,"code":"server_error"}}""");
        failed.Frames.Should().NotContain(f => f.Data == "[DONE]");
        truncated.Frames.Select(f => WireJson.Write(f.Json["choices"]![0]!["delta"]!)).Should().Equal(
            """{"role":"assistant","content":""}""", """{"content":"partial"}""");
    }
}
