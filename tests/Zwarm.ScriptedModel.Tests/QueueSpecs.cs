using System.Diagnostics;
using AwesomeAssertions;

namespace Zwarm.ScriptedModel.Tests;

public sealed class QueueSpecs
{
    [Fact]
    public async Task An_exhausted_queue_answers_400_with_the_path_and_records_a_problem()
    {
        await using var t = await TestServer.StartAsync();

        var codex = await t.PostAsync("/v1/responses", Bodies.Codex("hello"));
        var claude = await t.PostAsync("/v1/messages?beta=true", Bodies.Claude("hello"));

        codex.Status.Should().Be(400);
        codex.Body.Should().Be("""{"error":{"message":"scripted server: queue exhausted for /v1/responses","type":"invalid_request_error","param":null,"code":null}}""");
        claude.Status.Should().Be(400);
        claude.Body.Should().Be(
            """{"type":"error","error":{"type":"invalid_request_error","message":"scripted server: queue exhausted for /v1/messages"}}""");
        t.Server.Problems.Should().Equal(
            "scripted server: queue exhausted for /v1/responses (request #0, prompt: \"hello\")",
            "scripted server: queue exhausted for /v1/messages (request #1, prompt: \"hello\")");
        t.Server.Requests.Should().OnlyContain(r => r.Reply == null && r.ReplyIndex == null);
    }

    [Fact]
    public async Task With_a_reply_wait_a_request_that_finds_its_queue_empty_is_answered_by_the_next_enqueued_reply()
    {
        await using var t = await TestServer.StartAsync(replyWait: TimeSpan.FromSeconds(60));

        var asked = t.PostAsync("/v1/chat/completions", Bodies.Chat("early"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (t.Server.Waiting == 0 && !asked.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(10, TestServer.Ct);
        t.Server.Waiting.Should().Be(1, "the request waits for its reply");
        t.Server.Enqueue(Endpoint.Messages, ScriptedReply.Answer("not for chat"));
        t.Server.Enqueue(Endpoint.Chat, ScriptedReply.Answer("late"));
        var answer = await asked;

        answer.Json["choices"]![0]!["message"]!["content"]!.GetValue<string>().Should().Be("late");
        t.Server.Pending(Endpoint.Messages).Should().Be(1, "a reply for another endpoint does not answer it");
        t.Server.Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task With_a_reply_wait_an_empty_queue_is_still_exhausted_when_the_wait_is_over()
    {
        await using var t = await TestServer.StartAsync(replyWait: TimeSpan.FromMilliseconds(300));

        var answer = await t.PostAsync("/v1/chat/completions", Bodies.Chat("nobody answers"));

        answer.Status.Should().Be(400);
        t.Server.Problems.Should().ContainSingle().Which.Should().StartWith("scripted server: queue exhausted for /v1/chat/completions");
    }

    [Fact]
    public async Task Each_endpoint_has_its_own_fifo_queue()
    {
        await using var t = (await TestServer.StartAsync())
            .With(Endpoint.Chat, ScriptedReply.Answer("chat 1"), ScriptedReply.Answer("chat 2"))
            .With(Endpoint.Messages, ScriptedReply.Answer("claude 1"));

        var first = await t.PostAsync("/v1/chat/completions", Bodies.Chat("a"));
        var claude = await t.PostAsync("/v1/messages", Bodies.Claude("a", stream: false));
        var second = await t.PostAsync("/v1/chat/completions", Bodies.Chat("a"));

        first.Json["choices"]![0]!["message"]!["content"]!.GetValue<string>().Should().Be("chat 1");
        claude.Json["content"]![0]!["text"]!.GetValue<string>().Should().Be("claude 1");
        second.Json["choices"]![0]!["message"]!["content"]!.GetValue<string>().Should().Be("chat 2");
        t.Server.Pending(Endpoint.Chat).Should().Be(0);
        t.Server.Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task A_reply_with_times_serves_that_many_consecutive_requests()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Responses,
            ScriptedReply.HttpError(500) with { Times = 3 }, ScriptedReply.Answer("finally"));

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await t.PostAsync("/v1/responses", Bodies.Codex("a"))).Status);
        }

        statuses.Should().Equal(500, 500, 500, 200);
        t.Server.Requests.Select(r => r.ReplyIndex).Should().Equal(0, 0, 0, 1);
    }

    [Fact]
    public async Task A_reply_with_times_zero_serves_forever()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat, ScriptedReply.Answer("again") with { Times = 0 });

        for (var i = 0; i < 5; i++)
        {
            (await t.PostAsync("/v1/chat/completions", Bodies.Chat("a"))).Status.Should().Be(200);
        }

        t.Server.Pending(Endpoint.Chat).Should().Be(1);
    }

    [Fact]
    public async Task A_conditional_reply_serves_prompts_with_its_keyword_in_any_order()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat,
            ScriptedReply.Answer("default 1"),
            ScriptedReply.Answer("resumed") with { When = "RESUME" },
            ScriptedReply.Answer("default 2"));

        async Task<string> Ask(string prompt) =>
            (await t.PostAsync("/v1/chat/completions", Bodies.Chat(prompt)))
                .Json["choices"]![0]!["message"]!["content"]!.GetValue<string>();

        (await Ask("RESUME: go on")).Should().Be("resumed");
        (await Ask("start")).Should().Be("default 1");
        (await Ask("RESUME: again")).Should().Be("default 2", "the conditional reply was used up, so the next default serves");
    }

    [Fact]
    public async Task A_conditional_reply_never_serves_a_prompt_without_its_keyword()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat, ScriptedReply.Answer("resumed") with { When = "RESUME" });

        var answer = await t.PostAsync("/v1/chat/completions", Bodies.Chat("resume in lower case"));

        answer.Status.Should().Be(400);
        t.Server.Pending(Endpoint.Chat).Should().Be(1);
    }

    [Fact]
    public async Task DelayMs_spaces_the_stream_events()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat, ScriptedReply.Answer("one two") with { DelayMs = 60 });

        var clock = Stopwatch.StartNew();
        var answer = await t.PostAsync("/v1/chat/completions", Bodies.Chat("a", stream: true));

        answer.Frames.Should().HaveCount(5, "role, 'one ', 'two', finish, [DONE]");
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(4 * 60 - 20));
    }

    [Fact]
    public async Task A_client_hanging_up_mid_stream_is_not_a_problem_and_disposal_stays_quick()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await ScriptedModelServer.StartAsync(ct);
        server.Enqueue(Endpoint.Chat, ScriptedReply.Answer("one two three four five six") with { DelayMs = 300 });
        server.Enqueue(Endpoint.Chat, ScriptedReply.Answer("one two three four five six") with { DelayMs = 300 });
        using var http = new HttpClient();
        using var hungUp = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, "/v1/chat/completions"))
        {
            Content = new StringContent(Bodies.Chat("x", stream: true)),
        };
        using var inFlight = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, "/v1/chat/completions"))
        {
            Content = new StringContent(Bodies.Chat("x", stream: true)),
        };

        (await http.SendAsync(hungUp, HttpCompletionOption.ResponseHeadersRead, ct)).Dispose();
        using var stillStreaming = await http.SendAsync(inFlight, HttpCompletionOption.ResponseHeadersRead, ct);
        // Mid-stream: the first event has arrived, the other five are 300 ms apart.
        await using var body = await stillStreaming.Content.ReadAsStreamAsync(ct);
        (await body.ReadAsync(new byte[1], ct)).Should().Be(1);
        var clock = Stopwatch.StartNew();
        await server.DisposeAsync();

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3));
        server.Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task Concurrent_requests_each_get_one_reply()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat,
            [.. Enumerable.Range(0, 20).Select(i => ScriptedReply.Answer($"reply {i}") with { DelayMs = 5 })]);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => t.PostAsync("/v1/chat/completions", Bodies.Chat("a"))));

        answers.Select(a => a.Json["choices"]![0]!["message"]!["content"]!.GetValue<string>()).Should()
            .BeEquivalentTo(Enumerable.Range(0, 20).Select(i => $"reply {i}"));
        t.Server.Requests.Select(r => r.Index).Should().Equal(Enumerable.Range(0, 20));
        t.Server.Requests.Select(r => r.ReplyIndex!.Value).Should().Equal(Enumerable.Range(0, 20), "replies are taken in arrival order");
    }

    [Fact]
    public async Task Unknown_openai_paths_get_a_404_openai_error()
    {
        await using var t = await TestServer.StartAsync();

        var models = await t.SendAsync(HttpMethod.Get, "/v1/models");

        models.Status.Should().Be(404);
        models.Json["error"]!["type"]!.GetValue<string>().Should().Be("not_found_error");
        t.Server.Problems.Should().Equal("unexpected request #0: GET /v1/models");
    }

    [Fact]
    public async Task Invalid_replies_are_refused_when_enqueued()
    {
        await using var t = await TestServer.StartAsync();

        var badJson = () => t.Server.Enqueue(Endpoint.Messages, ScriptedReply.ToolCalls(ScriptedToolCall.Function("Bash", "[1]")));
        var badStatus = () => t.Server.Enqueue(Endpoint.Chat, ScriptedReply.HttpError(200));
        var noCalls = () => t.Server.Enqueue(Endpoint.Chat, ScriptedReply.ToolCalls());

        badJson.Should().Throw<ArgumentException>().WithMessage("*arguments must be a JSON object*");
        badStatus.Should().Throw<ArgumentException>();
        noCalls.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task The_server_is_on_loopback_and_gives_the_openai_base_url()
    {
        await using var t = await TestServer.StartAsync();

        t.Server.BaseUrl.Host.Should().Be("127.0.0.1");
        t.Server.BaseUrl.Port.Should().BePositive();
        t.Server.OpenAiBaseUrl.Should().Be($"http://127.0.0.1:{t.Server.Port}/v1");
    }
}
