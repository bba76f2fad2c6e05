using System.Text;
using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents.Codex;
using static Zwarm.Core.Tests.Agents.Codex.CodexFixtures;

namespace Zwarm.Core.Tests.Agents.Codex;

/// <summary>Lines that are not well-formed codex events are skipped and counted, never thrown on.</summary>
public sealed class CodexMalformedSpecs
{
    private const string Message = """{"type":"item.completed","item":{"id":"item_9","type":"agent_message","text":"still here"}}""";

    [Theory]
    [InlineData("""{"type":"item.completed","item":{"id":"item_0","type":"agent_mess""")]
    [InlineData("""{"type":"turn.completed","usage":{"input_tokens":1""")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("[{\"type\":\"turn.completed\"}]")]
    [InlineData("42")]
    [InlineData("\"turn.completed\"")]
    [InlineData("null")]
    [InlineData("{\"type\":5}")]
    [InlineData("{\"type\":null}")]
    [InlineData("{\"thread_id\":\"no type\"}")]
    [InlineData("{\"type\":\"thread.started\"}")]
    [InlineData("{\"type\":\"thread.started\",\"thread_id\":7}")]
    [InlineData("{\"type\":\"item.completed\"}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":\"x\"}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\"}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"agent_message\",\"text\":5}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"agent_message\"}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":5,\"type\":\"agent_message\",\"text\":\"x\"}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"reasoning\",\"text\":[]}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"command_execution\"," +
                "\"command\":[\"ls\"],\"exit_code\":0}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"command_execution\"," +
                "\"command\":\"ls\",\"exit_code\":\"0\"}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"command_execution\"," +
                "\"command\":\"ls\",\"exit_code\":1e400}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"command_execution\"," +
                "\"command\":\"ls\",\"aggregated_output\":{}}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"file_change\",\"changes\":{\"path\":\"a\"}}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"file_change\",\"changes\":[{\"kind\":\"add\"}]}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"mcp_tool_call\",\"server\":\"s\",\"tool\":1}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"mcp_tool_call\"," +
                "\"server\":\"s\",\"tool\":\"t\",\"error\":\"boom\"}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"web_search\",\"query\":false}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"todo_list\",\"items\":[\"a\"]}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"error\"}}")]
    [InlineData("{\"type\":\"error\",\"message\":{\"text\":\"x\"}}")]
    [InlineData("{\"type\":\"turn.failed\",\"error\":\"x\"}")]
    [InlineData("{\"type\":\"turn.failed\",\"error\":{\"message\":3}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"agent_message\",\"text\":\"\\ud800\"}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"agent_message\",\"text\":\"bad \\q escape\"}}")]
    [InlineData("{\"type\":\"item.completed\" \"item\":{}}")]
    [InlineData("{\"type\":\"item.completed\",\"item\":{}} trailing")]
    [InlineData("{'type':'turn.completed'}")]
    [InlineData("WARNING: proceeding, even though we could not create PATH aliases")]
    [InlineData("Reading additional input from stdin...")]
    public void A_malformed_line_is_counted_and_skipped(string line)
    {
        var r = ParseLines(line, Message);

        r.MalformedLines.Should().Be(1);
        r.Lines.Should().Be(2);
        r.AssistantMessages.Should().Equal("still here");
        r.Steps.Should().ContainSingle();
        r.Error.Should().BeNull();
        r.AgentSessionId.Should().BeNull();
        r.CompletionEvent.Should().BeFalse();
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x00, 0x01, 0x7B })]
    [InlineData(new byte[] { 0x7B, 0xFF, 0xFE, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x00, 0x00, 0x00 })]
    [InlineData(new byte[] { 0x7B })]
    public void Binary_garbage_is_counted_and_skipped(byte[] line)
    {
        var parser = new CodexParser(collectTrajectory: true);
        parser.Feed(line);

        parser.Result.MalformedLines.Should().Be(1);
        parser.Result.Lines.Should().Be(1);
    }

    [Fact]
    public void Invalid_utf8_inside_a_string_is_counted_and_skipped()
    {
        var line = Encoding.UTF8.GetBytes("""{"type":"item.completed","item":{"id":"i","type":"agent_message","text":"ab"}}""").ToList();
        var text = line.LastIndexOf((byte)'a');
        line.InsertRange(text + 1, [0xFF, 0xC3]);
        var parser = new CodexParser(collectTrajectory: true);
        parser.Feed(line.ToArray());

        parser.Result.MalformedLines.Should().Be(1);
        parser.Result.AssistantMessages.Should().BeEmpty();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Invalid_utf8_in_a_field_that_is_not_read_is_still_counted(bool collectTrajectory)
    {
        var line = Encoding.UTF8.GetBytes("""{"type":"item.completed","item":{"id":"i","type":"command_execution","command":"ls","aggregated_output":"ab","exit_code":0}}""").ToList();
        line.InsertRange(line.LastIndexOf((byte)'a') + 1, [0xED, 0xA0, 0x80]);
        var parser = new CodexParser(collectTrajectory);
        parser.Feed(line.ToArray());

        parser.Result.MalformedLines.Should().Be(1);
    }

    [Fact]
    public void Nesting_deeper_than_the_json_limit_is_counted_and_skipped()
    {
        var deep = "{\"type\":\"x\",\"a\":" + new string('[', 5000) + new string(']', 5000) + "}";
        ParseLines(deep).MalformedLines.Should().Be(1);
    }

    [Fact]
    public void Seeded_random_bytes_and_mutated_events_never_throw()
    {
        var random = new Random(20240601);
        var events = Directory.GetFiles(Dir, "*.jsonl").SelectMany(File.ReadAllLines).Select(Encoding.UTF8.GetBytes).ToList();
        var parser = new CodexParser(collectTrajectory: true);
        for (var i = 0; i < 20_000; i++)
        {
            byte[] line;
            if (i % 2 == 0)
            {
                line = new byte[random.Next(1, 300)];
                random.NextBytes(line);
                if (i % 4 == 0) line[0] = (byte)'{';
            }
            else
            {
                line = (byte[])events[random.Next(events.Count)].Clone();
                for (var k = random.Next(1, 4); k > 0; k--) line[random.Next(line.Length)] = (byte)random.Next(256);
            }
            parser.Feed(line);
        }

        parser.Result.Lines.Should().Be(20_000);
        parser.Result.MalformedLines.Should().BeGreaterThan(10_000);
    }

    [Fact]
    public void Blank_lines_are_neither_events_nor_malformed()
    {
        var r = ParseLines("", "   ", "\t", Message);

        r.MalformedLines.Should().Be(0);
        r.Lines.Should().Be(4);
        r.AssistantMessages.Should().Equal("still here");
    }

    [Fact]
    public void Unknown_event_and_item_types_are_ignored_without_being_malformed()
    {
        var r = ParseLines(
            """{"type":"turn.duration","duration_ms":5}""",
            """{"type":"item.completed","item":{"id":"item_0","type":"collab_tool_call","whatever":[1,2]}}""",
            """{"type":"item.started","item":{"id":"item_1","type":"something_new"}}""",
            Message);

        r.MalformedLines.Should().Be(0);
        r.AssistantMessages.Should().Equal("still here");
        r.Steps.Should().ContainSingle();
    }

    [Fact]
    public void An_odd_usage_does_not_hide_that_the_turn_completed()
    {
        var r = ParseLines(
            """{"type":"turn.completed","usage":{"input_tokens":"many","output_tokens":7,"cached_input_tokens":1.5,"extra":{"x":1}}}""");

        r.MalformedLines.Should().Be(0);
        r.CompletionEvent.Should().BeTrue();
        r.Usage.Should().BeEquivalentTo(new Dictionary<string, long> { ["output_tokens"] = 7, ["total_tokens"] = 7 });
    }
}
