using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>peek (alias ?) and logs on finished sessions.</summary>
public sealed class PeekLogsSpecs(ReadStore store)
{
    [Fact(Timeout = 60000)]
    public async Task Peek_and_its_alias_show_status_and_the_last_reply()
    {
        var peek = await store.RunAsync(TestContext.Current.CancellationToken, "peek", store.Shell[..8]);
        var alias = await store.RunAsync(TestContext.Current.CancellationToken, "?", store.Shell[..8]);

        peek.ExitCode.Should().Be(0, peek.ToString());
        var lines = peek.Stdout.Split('\n');
        lines[0].Should().MatchRegex(
            $@"^✓ {store.Shell[..8]}  completed · codex/gpt-5.1-codex-mini · turn 1 · [\d.]+m?s · 395 tokens · \$0\.0002$");
        lines[1].Should().Be("  task   replay=codex/02_tool_shell.jsonl");
        lines[2].Should().Be("  reply  I ran `echo hi > out.txt`; out.txt now contains \"hi\".");
        alias.Stdout.Should().Be(peek.Stdout);
    }

    [Fact(Timeout = 60000)]
    public async Task Peek_json_is_the_compact_session_with_the_last_reply()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "peek", store.TwoTurns, "--json");

        var s = JsonNode.Parse(r.Stdout)!.AsObject();
        s["last_reply"]!.GetValue<string>().Should().Be("Second");
        s["last_activity"].Should().BeNull();
        s["status"]!.GetValue<string>().Should().Be("completed");
        s["turn"]!.GetValue<int>().Should().Be(2);
        s.ContainsKey("messages").Should().BeFalse();
        s.ContainsKey("turns").Should().BeFalse();
        s["total_tokens"]!.GetValue<long>().Should().Be(110);
    }

    [Fact(Timeout = 60000)]
    public async Task Peek_of_a_failed_session_shows_the_error()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "?", store.Http500);

        r.Stdout.Split('\n')[0].Should().StartWith($"✗ {store.Http500[..8]}  failed");
        r.Stdout.Should().Contain("  error  We’re currently experiencing high demand");
    }

    [Fact(Timeout = 60000)]
    public async Task Logs_prints_the_raw_turn_files_in_order()
    {
        var all = await store.RunAsync(TestContext.Current.CancellationToken, "logs", store.TwoTurns);
        var second = await store.RunAsync(TestContext.Current.CancellationToken, "logs", store.TwoTurns, "--turn", "2");
        var shell = await store.RunAsync(TestContext.Current.CancellationToken, "logs", store.Shell);

        all.ExitCode.Should().Be(0, all.ToString());
        all.Stdout.Should().Be(store.TurnFile(store.TwoTurns, 1) + store.TurnFile(store.TwoTurns, 2));
        second.Stdout.Should().Be(store.TurnFile(store.TwoTurns, 2));
        shell.Stdout.Should().Be(File.ReadAllText(Path.Combine(Repo.Fixtures, "codex", "02_tool_shell.jsonl")));
    }

    [Theory(Timeout = 60000)]
    [InlineData("3", 1)]
    [InlineData("0", 2)]
    [InlineData("x", 2)]
    public async Task Logs_of_a_turn_that_does_not_exist_is_an_error(string turn, int exitCode)
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "logs", store.TwoTurns, "--turn", turn);

        r.ExitCode.Should().Be(exitCode, r.ToString());
        r.ErrLines.Should().ContainSingle().Which.Should().StartWith("zwarm: ");
        r.Stdout.Should().BeEmpty();
    }
}
