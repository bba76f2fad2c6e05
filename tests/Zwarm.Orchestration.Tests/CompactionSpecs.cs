using AwesomeAssertions;
using Microsoft.Extensions.AI;
using Zwarm.Core.Config;
using Zwarm.Orchestration.Context;
using Zwarm.Orchestration.State;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

public sealed class CompactionSpecs
{
    private static readonly string Big = new('x', 2000);

    /// <summary>system, task, then rounds of: assistant with two calls, two results (500 tokens each), a watcher note.</summary>
    private static List<ChatMessage> Conversation(int rounds)
    {
        var list = new List<ChatMessage> { new(ChatRole.System, "rules"), new(ChatRole.User, "task") };
        for (var i = 0; i < rounds; i++)
        {
            list.Add(new ChatMessage(ChatRole.Assistant, [
                new FunctionCallContent($"a{i}", "check_session", new Dictionary<string, object?> { ["session_id"] = "x" }),
                new FunctionCallContent($"b{i}", "delegate", new Dictionary<string, object?> { ["task"] = "t" })]));
            list.Add(MessageCodec.ToolResult($"a{i}", Big));
            list.Add(MessageCodec.ToolResult($"b{i}", $$"""{"success":true,"short_id":"{{i:x8}}","pad":"{{Big}}"}"""));
            if (i % 3 == 0) list.Add(new ChatMessage(ChatRole.User, "[WATCHER: progress] note"));
        }
        return list;
    }

    private static void EveryCallHasItsResult(IReadOnlyList<ChatMessage> messages)
    {
        var calls = messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.CallId).ToList();
        var results = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.CallId).ToList();
        results.Should().BeEquivalentTo(calls);
        for (var i = 0; i < messages.Count; i++)
            if (messages[i].Role == ChatRole.Tool)
                messages.Take(i).Last(m => m.Role != ChatRole.Tool).Contents.OfType<FunctionCallContent>().Should()
                    .NotBeEmpty("a result follows its call");
    }

    [Fact]
    public void Under_the_threshold_nothing_changes()
    {
        Compactor.Compact(Conversation(2), new CompactionConfig(100_000, 0.85, 0.7, 2, 10)).Should().BeNull();
    }

    [Theory]
    [InlineData(2, 10)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(1, 4)]
    public void Compaction_keeps_the_first_and_last_messages_and_every_call_with_its_result(int keepFirst, int keepLast)
    {
        var messages = Conversation(20);
        var config = new CompactionConfig(8000, 0.85, 0.5, keepFirst, keepLast);

        var result = Compactor.Compact(messages, config)!;

        result.Should().NotBeNull();
        result.TokensBefore.Should().BeGreaterThan(8000);
        result.TokensAfter.Should().BeLessThanOrEqualTo(4000 + 600);
        EveryCallHasItsResult(result.Messages);
        result.Messages[0].Text.Should().Be("rules");
        result.Messages.Take(keepFirst).Should().Equal(messages.Take(keepFirst));
        result.Messages.TakeLast(keepLast).Should().Equal(messages.TakeLast(keepLast));
        var note = result.Messages.Single(m => m.Text.StartsWith("[zwarm: context compacted]", StringComparison.Ordinal)).Text;
        note.Should().Contain("earlier messages were removed").And.Contain("check_session×")
            .And.Contain("sessions started earlier: 0000000");
    }

    [Fact]
    public void A_second_compaction_keeps_the_sessions_named_by_the_first()
    {
        var config = new CompactionConfig(8000, 0.85, 0.5, 2, 4);
        var once = Compactor.Compact(Conversation(20), config)!.Messages;
        once.AddRange(Conversation(20).Skip(2));

        var twice = Compactor.Compact(once, config)!.Messages;

        EveryCallHasItsResult(twice);
        twice.Single(m => m.Text.StartsWith("[zwarm: context compacted]", StringComparison.Ordinal)).Text.Should().Contain("00000000");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_long_run_is_compacted_and_every_request_still_pairs_calls_with_results()
    {
        await using var w = await World.CreateAsync(extraToml: """
            [orchestrator.compaction]
            max_tokens = 3000
            threshold_pct = 0.8
            target_pct = 0.5
            keep_first_n = 2
            keep_last_n = 3
            """);
        var pad = new string('y', 1500);
        for (var i = 0; i < 8; i++)
            w.Chat(Calls(
                Call("bash", $$"""{"command":"echo {{i}}-{{pad}}"}"""),
                Call("list_sessions", $$"""{"status":"{{(i % 2 == 0 ? "running" : "failed")}}"}""")));
        w.Chat(One("exit", """{"summary":"compacted"}"""));

        var result = await w.OrchestrateAsync("Chatty task");

        result.Status.Should().Be("completed", w.Output.ToString());
        foreach (var r in w.ChatRequests) AssertPairs(r);
        Messages(w.ChatRequests[^1]).Should().Contain(m => m.Content.StartsWith("[zwarm: context compacted]", StringComparison.Ordinal));
        Messages(w.ChatRequests[^1]).Take(2).Select(m => m.Role).Should().Equal("system", "user");
        w.Output.ToString().Should().Contain("context compacted:");
        var events = await InstanceState.ReadEventsAsync(
            Path.Combine(w.ZwarmDir, "instances", result.InstanceId, "events.jsonl"), TestEnv.Ct);
        events.Should().Contain(e => e["kind"]!.GetValue<string>() == "compaction");
    }
}
