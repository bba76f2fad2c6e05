using AwesomeAssertions;

namespace Zwarm.ScriptedModel.Tests;

public sealed class RecordingSpecs
{
    [Fact]
    public async Task A_request_is_recorded_with_its_headers_body_and_answering_reply()
    {
        var reply = ScriptedReply.Answer("ok");
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages, reply);
        var body = Bodies.Claude("hi");

        await t.PostAsync("/v1/messages?beta=true", body, ("x-api-key", "dummy-key"), ("X-Claude-Code-Session-Id", "sess-1"));

        var request = t.Server.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/v1/messages");
        request.Query.Should().Be("?beta=true");
        request.Headers["X-API-KEY"].Should().Be("dummy-key");
        request.Body.Should().Be(body);
        request.Json!["max_tokens"]!.GetValue<int>().Should().Be(32000);
        request.Endpoint.Should().Be(Endpoint.Messages);
        request.Stream.Should().BeTrue();
        request.Model.Should().Be("claude-sonnet-4-5");
        request.Reply.Should().BeSameAs(reply);
        request.ReplyIndex.Should().Be(0);
        request.ReceivedAt.Should().Be(FixedTimeProvider.Now);
        request.SessionId.Should().Be("sess-1");
    }

    [Fact]
    public async Task Codex_requests_expose_prompt_tool_outputs_tools_and_session()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Responses, ScriptedReply.Answer("ok"));
        const string body = """
            {"model":"gpt-5.5","stream":true,"input":[
              {"type":"message","role":"developer","content":[{"type":"input_text","text":"sys"}]},
              {"type":"message","role":"user","content":[{"type":"input_text","text":"SHELL: create out.txt"}]},
              {"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context>x</environment_context>"}]},
              {"type":"function_call","id":"fc_1","call_id":"call_1","name":"exec_command","arguments":"{}"},
              {"type":"function_call_output","call_id":"call_1","output":"Process exited with code 0\nOutput:\n"},
              {"type":"custom_tool_call_output","call_id":"call_2","output":"Success. Updated the following files:\nA hello.txt\n"}],
             "tools":[{"type":"function","name":"exec_command"},{"type":"custom","name":"apply_patch"},{"type":"web_search"}]}
            """;

        await t.PostAsync("/v1/responses", body, ("session-id", "thread-1"));

        var request = t.Server.Requests.Single();
        request.LastUserPrompt.Should().Be("SHELL: create out.txt");
        request.ToolOutputs.Should().Equal(
            new ToolOutput("call_1", "Process exited with code 0\nOutput:\n", false),
            new ToolOutput("call_2", "Success. Updated the following files:\nA hello.txt\n", false));
        request.ToolOutputFor("call_2")!.Output.Should().StartWith("Success.");
        request.OfferedTools.Should().Equal("exec_command", "apply_patch", "web_search");
        request.SessionId.Should().Be("thread-1");
    }

    [Fact]
    public async Task Claude_requests_expose_the_prompt_behind_system_reminders_and_tool_results()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages, ScriptedReply.Answer("ok"));
        const string body = """
            {"model":"claude-sonnet-4-5","stream":true,"messages":[
              {"role":"user","content":[{"type":"text","text":"<system-reminder>a</system-reminder>"},{"type":"text","text":"BASH: create out.txt"}]},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls /nope"}}]},
              {"role":"user","content":[{"tool_use_id":"toolu_1","type":"tool_result","content":"Exit code 2\nls: cannot access","is_error":true},
                                        {"type":"text","text":"<system-reminder>b</system-reminder>"}]}],
             "tools":[{"name":"Bash"},{"name":"Read"}]}
            """;

        await t.PostAsync("/v1/messages?beta=true", body);

        var request = t.Server.Requests.Single();
        request.LastUserPrompt.Should().Be("BASH: create out.txt");
        request.ToolOutputs.Should().Equal(new ToolOutput("toolu_1", "Exit code 2\nls: cannot access", true));
        request.OfferedTools.Should().Equal("Bash", "Read");
    }

    [Fact]
    public async Task Chat_requests_expose_the_last_user_message_and_tool_messages()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Chat, ScriptedReply.Answer("ok"));
        const string body = """
            {"model":"m","messages":[
              {"role":"system","content":"sys"},
              {"role":"user","content":[{"type":"text","text":"What is the weather?"}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"sunny"}],
             "tools":[{"type":"function","function":{"name":"get_weather"}}]}
            """;

        await t.PostAsync("/v1/chat/completions", body);

        var request = t.Server.Requests.Single();
        request.LastUserPrompt.Should().Be("What is the weather?");
        request.ToolOutputs.Should().Equal(new ToolOutput("call_1", "sunny", false));
        request.OfferedTools.Should().Equal("get_weather");
        request.Stream.Should().BeFalse();
    }
}
