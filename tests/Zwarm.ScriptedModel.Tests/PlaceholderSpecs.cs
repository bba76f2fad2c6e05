using System.Text.Json.Nodes;
using AwesomeAssertions;

namespace Zwarm.ScriptedModel.Tests;

/// <summary>{{tool_output:PATH}}: a scripted reply passes on a value that an earlier tool call returned.</summary>
public sealed class PlaceholderSpecs
{
    // What claude sends after an MCP tool call: a tool_result whose content is a text block holding the tool's JSON.
    private static string ClaudeWithMcpResult(string json) => new JsonObject
    {
        ["model"] = "claude-sonnet-4-5",
        ["stream"] = false,
        ["messages"] = new JsonArray(
            new JsonObject
            {
                ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "DELEGATE it" }),
            },
            new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = new JsonArray(new JsonObject
                {
                    ["type"] = "tool_use", ["id"] = "toolu_1", ["name"] = "mcp__zwarm__delegate", ["input"] = new JsonObject(),
                }),
            },
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(new JsonObject
                {
                    ["type"] = "tool_result", ["tool_use_id"] = "toolu_1",
                    ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = json }),
                }),
            }),
    }.ToJsonString();

    [Fact]
    public async Task A_tool_call_argument_takes_a_value_from_the_newest_tool_output()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function(
                "mcp__zwarm__wait_for_sessions",
                """{"session_ids":["{{tool_output:session_id}}"],"note":"id \"{{tool_output:short_id}}\""}""")));

        // Claude adds a note after a result it thinks does not fit the schema.
        var answer = await t.PostAsync("/v1/messages", ClaudeWithMcpResult(
            """{"success":true,"session_id":"3dd0cc96-b869","short_id":"3dd0cc96"}"""
            + "\n\nThis tool's input schema was not in your prompt."));

        var input = answer.Json["content"]![0]!["input"]!;
        input["session_ids"]![0]!.GetValue<string>().Should().Be("3dd0cc96-b869");
        input["note"]!.GetValue<string>().Should().Be("id \"3dd0cc96\"");
        t.Server.Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task A_text_takes_nested_values_and_an_unknown_path_stays_and_is_a_problem()
    {
        await using var t = (await TestServer.StartAsync()).With(Endpoint.Messages,
            ScriptedReply.Answer(
                "{{tool_output:sessions.0.short_id}} {{tool_output:sessions.0.status}}: {{tool_output:sessions.0.reply_preview}} " +
                "{{tool_output:nope}}"));

        var answer = await t.PostAsync("/v1/messages", ClaudeWithMcpResult(
            """{"sessions":[{"short_id":"3dd0cc96","status":"completed","reply_preview":"Hello!"}]}"""));

        answer.Json["content"]![0]!["text"]!.GetValue<string>().Should().Be("3dd0cc96 completed: Hello! {{tool_output:nope}}");
        t.Server.Problems.Should().ContainSingle().Which.Should().Contain("'nope'");
    }
}
