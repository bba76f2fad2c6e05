using System.ClientModel;
using AwesomeAssertions;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Zwarm.ScriptedModel.Tests;

/// <summary>The orchestrator's real client stack (OpenAI SDK + Microsoft.Extensions.AI) against the Chat Completions endpoint.</summary>
public sealed class ChatClientSpecs
{
    private static IChatClient ClientFor(ScriptedModelServer server) =>
        new ChatClientBuilder(
                new OpenAIClient(new ApiKeyCredential("dummy-key"), new OpenAIClientOptions { Endpoint = new Uri(server.OpenAiBaseUrl) })
                    .GetChatClient("gpt-4o-mini")
                    .AsIChatClient())
            .UseFunctionInvocation()
            .Build();

    private static ChatOptions WeatherTool() => new()
    {
        Tools = [AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather", "Gets the weather")],
    };

    [Fact]
    public async Task The_openai_chat_client_runs_a_tool_round_without_streaming()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("get_weather", """{"city":"Paris"}""")),
            ScriptedReply.Answer("It is sunny in Paris.", new ScriptedUsage(50, 12)));
        using var client = ClientFor(t.Server);

        var response = await client.GetResponseAsync("What is the weather in Paris?", WeatherTool(), TestServer.Ct);

        response.Text.Should().Be("It is sunny in Paris.");
        var requests = t.Server.Requests;
        requests.Should().HaveCount(2);
        requests[0].OfferedTools.Should().Equal("get_weather");
        requests[0].LastUserPrompt.Should().Be("What is the weather in Paris?");
        requests[0].Headers["Authorization"].Should().Be("Bearer dummy-key");
        requests[1].ToolOutputs.Should().ContainSingle().Which.CallId.Should().Be("call_1");
        requests[1].ToolOutputs[0].Output.Should().Contain("sunny in Paris");
        t.Server.Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task The_openai_chat_client_runs_a_tool_round_while_streaming()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat,
            ScriptedReply.ToolCalls(
                ScriptedToolCall.Function("get_weather", """{"city":"Paris"}"""),
                ScriptedToolCall.Function("get_weather", """{"city":"Oslo"}""")),
            ScriptedReply.Answer("Sunny in both.", new ScriptedUsage(50, 12)));
        using var client = ClientFor(t.Server);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Weather in Paris and Oslo?", WeatherTool(), TestServer.Ct))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        response.Text.Should().Be("Sunny in both.");
        response.Usage!.OutputTokenCount.Should().Be(12 + 20, "the usage chunks of both requests are summed");
        var requests = t.Server.Requests;
        requests.Should().HaveCount(2);
        requests.Should().OnlyContain(r => r.Stream);
        requests.Should()
            .OnlyContain(r => r.Json!["stream_options"]!["include_usage"]!.GetValue<bool>(), "the SDK asks for the usage chunk");
        requests[1].ToolOutputs.Select(o => o.CallId).Should().Equal("call_1", "call_2");
        requests[1].ToolOutputs.Select(o => o.Output).Should().SatisfyRespectively(
            paris => paris.Should().Contain("sunny in Paris"),
            oslo => oslo.Should().Contain("sunny in Oslo"));
    }

    [Fact]
    public async Task The_openai_chat_client_reports_usage_and_scripted_errors()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat,
            ScriptedReply.Answer("ok", new ScriptedUsage(50, 12) { CachedTokens = 8 }),
            ScriptedReply.HttpError(400, "fake invalid request"));
        using var client = ClientFor(t.Server);

        var response = await client.GetResponseAsync("hi", cancellationToken: TestServer.Ct);
        var failing = () => client.GetResponseAsync("again", cancellationToken: TestServer.Ct);

        response.Usage!.InputTokenCount.Should().Be(50);
        response.Usage.OutputTokenCount.Should().Be(12);
        response.Usage.TotalTokenCount.Should().Be(62);
        response.Usage.CachedInputTokenCount.Should().Be(8);
        (await failing.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(400);
    }
}
