using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>show: header and the whole conversation; -v; --json.</summary>
public sealed class ShowSpecs(ReadStore store)
{
    [Fact(Timeout = 60000)]
    public async Task Show_prints_the_header_and_the_conversation_as_plain_text_when_redirected()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "show", store.Shell[..8]);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stderr.Should().BeEmpty();
        r.Stdout.Should().NotContain("\u001b", "redirected output has no escape codes");
        var lines = r.Stdout.Split('\n');
        lines[0].Should().Be($"✓ {store.Shell[..8]}  completed  {store.Shell}");
        r.Stdout.Should().Contain("task     replay=codex/02_tool_shell.jsonl")
            .And.Contain("agent    codex / gpt-5.1-codex-mini")
            .And.Contain("turn     1")
            .And.Contain("tokens   350 in / 45 out (395 total, 64 cached)")
            .And.Contain("cost     $0.0002 (estimate)")
            .And.Contain("exit     0")
            .And.Contain("runtime  ");
        r.Stdout.Should().Contain("── turn 1 ──").And.Contain("user   replay=codex/02_tool_shell.jsonl")
            .And.Contain("agent  I'll run a shell command now.")
            .And.Contain("agent  I ran `echo hi > out.txt`; out.txt now contains \"hi\".");
        r.Stdout.Should().NotContain("tool ", "tool messages only with -v");
    }

    [Fact(Timeout = 60000)]
    public async Task Show_v_adds_tool_messages_and_turn_details()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "show", store.CommandFails, "-v");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Contain("tool   $ /bin/bash -lc 'ls /nonexistent-dir' (exit 2)");
        r.Stdout.Should().MatchRegex(@"── turn 1 · started \d\d:\d\d:\d\d · [\d.]+m?s · completed · exit 0 · 395 tokens");
    }

    [Fact(Timeout = 60000)]
    public async Task Show_prints_every_turn_with_a_separator()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "show", store.TwoTurns);

        r.ExitCode.Should().Be(0, r.ToString());
        var text = r.Stdout;
        text.Should().Contain("turn     2");
        var order = new[] { "── turn 1", "user   reply=First", "agent  First", "── turn 2", "user   reply=Second", "agent  Second" }
            .Select(s => text.IndexOf(s, StringComparison.Ordinal)).ToList();
        order.Should().NotContain(-1, text).And.BeInAscendingOrder(text);
    }

    [Fact(Timeout = 60000)]
    public async Task Show_of_a_failed_session_prints_the_error()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "show", store.Http500);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Split('\n')[0].Should().Contain("✗").And.Contain("failed");
        r.Stdout.Should().Contain("error    We’re currently experiencing high demand")
            .And.Contain("exit     1").And.Contain("(no reply; turn failed)");
    }

    [Fact(Timeout = 60000)]
    public async Task Show_json_is_the_session_with_its_whole_conversation()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "show", store.TwoTurns, "--json");

        r.ExitCode.Should().Be(0, r.ToString());
        var s = JsonNode.Parse(r.Stdout)!;
        s["id"]!.GetValue<string>().Should().Be(store.TwoTurns);
        s["turn"]!.GetValue<int>().Should().Be(2);
        s["messages"]!.AsArray().Select(m => $"{m!["role"]}:{m["content"]}").Should()
            .Equal("user:reply=First", "assistant:First", "user:reply=Second", "assistant:Second");
        s["turns"]!.AsArray().Should().HaveCount(2);
        s["short_id"]!.GetValue<string>().Should().Be(store.TwoTurns[..8]);
    }
}
