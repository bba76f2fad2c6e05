using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;
using Zwarm.Core.Lifecycle;

namespace Zwarm.Core.Tests.Agents;

/// <summary>`_finalize` parses with outputs left undecoded: the same conversation as a full parse trimmed afterwards.</summary>
public sealed class DroppedOutputSpecs
{
    private const string McpLines = """
        {"type":"item.completed","item":{"id":"item_1","type":"mcp_tool_call","server":"docs","tool":"search","arguments":{"q":"x"},"result":{"content":[{"type":"text","text":"found it"}]},"error":null,"status":"completed"}}
        {"type":"item.completed","item":{"id":"item_2","type":"mcp_tool_call","server":"docs","tool":"search","arguments":{"q":"y"},"result":null,"error":{"message":"no index"},"status":"failed"}}
        {"type":"item.completed","item":{"id":"item_3","type":"command_execution","command":"bash -lc ls","aggregated_output":"a\nb\n","exit_code":0,"status":"completed"}}
        {"type":"turn.completed","usage":{"input_tokens":3,"output_tokens":2}}
        """;

    public static TheoryData<string, string> Transcripts()
    {
        var data = new TheoryData<string, string>();
        foreach (var agent in new[] { "codex", "claude" })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Repo.Fixtures, agent))
                         .Where(f => f.EndsWith(".jsonl", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
                         .Order(StringComparer.Ordinal))
                data.Add(agent, Path.GetFileName(file));
        data.Add("codex", "mcp (inline)");
        return data;
    }

    [Theory]
    [MemberData(nameof(Transcripts))]
    public async Task Finalize_leaves_outputs_undecoded_and_gets_the_steps_a_full_parse_trimmed_gets(string agent, string file)
    {
        var ct = TestContext.Current.CancellationToken;
        var adapter = AgentRegistry.Default.Get(agent);
        var dropping = adapter.CreateParser(collectTrajectory: true);
        var finalize = new ConversationSteps(dropping);
        var full = new ConversationSteps(new KeepsOutputs(adapter.CreateParser(collectTrajectory: true)));
        var path = Path.Combine(Repo.Fixtures, agent, file);
        if (file == "mcp (inline)")
        {
            path = Path.Combine(Path.GetTempPath(), $"zwarm-mcp-{Guid.NewGuid():N}.jsonl");
            await File.WriteAllTextAsync(path, McpLines, ct);
        }
        try
        {
            await TurnReader.ParseFileAsync(path, finalize, ct);
            await TurnReader.ParseFileAsync(path, full, ct);
        }
        finally
        {
            if (file == "mcp (inline)") File.Delete(path);
        }

        dropping.Should().BeAssignableTo<IDropsOutputs>();
        finalize.Result.Steps.Should().Equal(full.Result.Steps);
        finalize.Result.AssistantMessages.Should().Equal(full.Result.AssistantMessages);
        (finalize.Result.Error, finalize.Result.MalformedLines, finalize.Result.CompletionEvent, finalize.Result.AgentSessionId)
            .Should().Be((full.Result.Error, full.Result.MalformedLines, full.Result.CompletionEvent, full.Result.AgentSessionId));
        if (file == "mcp (inline)")
            finalize.Result.Steps.Should().Contain(s => s.Kind == StepKind.ToolOutput && s.IsError && s.ToolName == "docs.search");
    }

    // Hides IDropsOutputs: the parser decodes every output, as for `zwarm traj`.
    private sealed class KeepsOutputs(ITurnParser inner) : ITurnParser
    {
        public TurnParseResult Result => inner.Result;

        public void Feed(ReadOnlySpan<byte> line) => inner.Feed(line);
    }
}
