using AwesomeAssertions;

namespace Zwarm.ScriptedModel.Tests;

public sealed class ScriptSpecs
{
    private static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Zwarm.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repo root not found"), relative);
    }

    [Fact]
    public void The_example_script_expresses_every_reply_kind()
    {
        var script = ScriptParser.ParseFile(RepoFile("tools/Zwarm.ScriptedModel/examples/all-kinds.json"));

        var codex = script.Where(s => s.Endpoint == Endpoint.Responses).Select(s => s.Reply).ToList();
        codex.Should().HaveCount(9);
        codex[0].Should()
            .BeEquivalentTo(new TextReply("Hello from the fake model!") { Usage = new ScriptedUsage(150, 20) { CachedTokens = 64 } });
        var shell = codex[1].Should().BeOfType<ToolCallsReply>().Subject;
        shell.When.Should().Be("SHELL");
        shell.Preamble.Should().Be("I'll run a shell command now.");
        shell.Calls.Should().Equal(new ScriptedToolCall("exec_command") { ArgumentsJson = """{"cmd":"echo hi > out.txt"}""" });
        codex[3].Should().BeOfType<ToolCallsReply>().Which.Calls.Single().IsCustom.Should().BeTrue();
        codex[4].DelayMs.Should().Be(20);
        codex[5].Should().BeOfType<TextReply>().Which.Reasoning.Should().StartWith("**Planning**");
        codex[6].Should().BeEquivalentTo(new HttpErrorReply(400) { Message = "fake invalid request", When = "FAIL400" });
        codex[7].Should().BeEquivalentTo(
            new StreamFailureReply(StreamFailureMode.Failed) { Code = "server_error", Message = "boom", Times = 6, When = "FAILED" });
        codex[8].Should().BeEquivalentTo(new StreamFailureReply(StreamFailureMode.Truncate) { PartialText = "partial", When = "CUT" });

        var claude = script.Where(s => s.Endpoint == Endpoint.Messages).Select(s => s.Reply).ToList();
        claude[4].Should().BeOfType<HttpErrorReply>().Which.Body.Should()
            .Be("""{"type":"error","error":{"type":"api_error","message":"fake upstream failure"}}""");
        script.Count(s => s.Endpoint == Endpoint.Chat).Should().Be(4);
    }

    [Fact]
    public async Task A_loaded_script_file_drives_a_multi_turn_conversation()
    {
        await using var t = await TestServer.StartAsync();
        t.Server.LoadScript(RepoFile("tools/Zwarm.ScriptedModel/examples/all-kinds.json"));

        var call = await t.PostAsync("/v1/chat/completions", Bodies.Chat("weather?"));
        var final = await t.PostAsync("/v1/chat/completions", Bodies.Chat("weather?"));
        var down = await t.PostAsync("/v1/chat/completions", Bodies.Chat("DOWN?"));

        call.Json["choices"]![0]!["message"]!["tool_calls"]![0]!["id"]!.GetValue<string>().Should().Be("call_weather");
        final.Json["choices"]![0]!["message"]!["content"]!.GetValue<string>().Should().Be("It is sunny in Paris.");
        down.Status.Should().Be(503);
        down.Json["error"]!["type"]!.GetValue<string>().Should().Be("server_error");
        t.Server.Pending(Endpoint.Chat).Should().Be(1);
    }

    [Theory]
    [InlineData("""{"responses":[{"txt":"hi"}]}""", "script: responses[0]: unknown key \"txt\"*")]
    [InlineData("""{"codex":[]}""", "script: unknown key \"codex\"*")]
    [InlineData("""{"chat":[{"text":"a","tool_calls":[{"name":"x"}]}]}""", "script: chat[0]: give only one of text, tool_calls")]
    [InlineData("""{"chat":[{"times":2}]}""", "script: chat[0]: needs one of text, tool_calls, http_error, stream_failure, rate_limit")]
    [InlineData("""{"messages":[{"stream_failure":{"mode":"boom"}}]}""", "script: messages[0].stream_failure: mode must be*")]
    [InlineData(
        """{"messages":[{"tool_calls":[{"name":"Bash","args":"ls"}]}]}""", "script: messages[0].tool_calls[0]: args must be a JSON object")]
    [InlineData("""{"messages":[{"text":"a","preamble":"b"}]}""", "script: messages[0]: preamble is only for tool_calls*")]
    [InlineData("""{"messages":[{"http_error":{"status":500},"usage":{}}]}""", "script: messages[0]: usage does not apply to http_error")]
    [InlineData("""{"chat":[{"http_error":{"status":"500"}}]}""", "script: chat[0]: status must be an integer")]
    [InlineData("""{"chat":[{"text":"a","times":-1}]}""", "script: chat[0]: times must be >= 0*")]
    [InlineData("""{"chat":[""", "script: not valid JSON*")]
    public void Script_mistakes_are_reported_with_their_position(string json, string message)
    {
        var parse = () => ScriptParser.Parse(json, "script");

        parse.Should().Throw<InvalidDataException>().WithMessage(message);
    }

    [Fact]
    public async Task Loading_a_script_enqueues_it_in_order_after_what_is_queued()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat, ScriptedReply.Answer("first"));

        t.Server.LoadScriptJson("""
            // comments and trailing commas are allowed
            {"chat": [{"text": "second"},]}
            """);

        (await t.PostAsync("/v1/chat/completions", Bodies.Chat("a"))).Json["choices"]![0]!["message"]!["content"]!.GetValue<string>()
            .Should().Be("first");
        (await t.PostAsync("/v1/chat/completions", Bodies.Chat("a"))).Json["choices"]![0]!["message"]!["content"]!.GetValue<string>()
            .Should().Be("second");
    }
}
