using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>events, ls --attention, seen marks and the rate-limit wait through the real executable (fake agent).</summary>
public sealed class AttentionCliSpecs
{
    private static readonly TimeSpan Finish = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 90_000)]
    public async Task A_rate_limited_session_resumes_on_its_own_and_events_follow_shows_it()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken, "on_rate_limit = \"wait\"\nrate_limit_backoff = 2\n");
        await using var follow = p.Start("events", "--follow");
        var id = await p.SpawnAsync($"ratelimit_once={Path.Combine(p.Dir, "limited")} reply=Through");

        // No zwarm command runs from here on: the wrapper's _finalize parks the session, the detached timer's _pump retries it.
        var meta = await p.WaitForDiskStatusAsync(id, "completed", Finish);
        meta["turn"]!.GetValue<int>().Should().Be(2);
        meta["messages"]!.AsArray().Last()!["content"]!.GetValue<string>().Should().Be("Through");

        await follow.WaitForOutputAsync(o => o.Contains(" completed ", StringComparison.Ordinal), Finish);
        var lines = follow.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries)[2].Split(' ')[0])
            .Should().Equal("created", "started", "rate_limited", "resumed", "started", "completed");
        lines[2].Should().Contain("pending").And.Contain("rate limited until").And.Contain("will retry");

        var json = await p.RunAsync("events", "--json", "--session", id[..6]);
        var events = json.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        events.Select(e => e["event"]!.GetValue<string>()).Should()
            .Equal("created", "started", "rate_limited", "resumed", "started", "completed");
        events[2]["status"]!.GetValue<string>().Should().Be("pending");
        events[^1].AsObject().Select(kv => kv.Key).Should()
            .Equal("ts", "event", "session_id", "short_id", "turn", "adapter", "status", "reason", "cost_usd", "tokens");
    }

    [Fact(Timeout = 60_000)]
    public async Task Events_since_filters_by_time_and_bad_input_is_one_line()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var id = await p.SpawnDoneAsync("reply=A");
        // The finaliser writes meta.json and the event under the session's lock, and --wait settles on it: the event
        // is there when spawn --wait returns.
        File.ReadAllLines(Path.Combine(p.Dir, ".zwarm", "events.jsonl"))
            .Should().Contain(l => l.Contains("\"completed\"", StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal));

        (await p.RunAsync("events", "--since", "1h")).Stdout.Should().Contain("completed");
        (await p.RunAsync("events", "--since", "2999-01-01T00:00")).Stdout.Should().BeEmpty();
        var bad = await p.RunAsync("events", "--since", "yesterday-ish");
        bad.ExitCode.Should().Be(2);
        bad.ErrLines.Should().ContainSingle().Which.Should().Contain("--since");
    }

    [Fact(Timeout = 60_000)]
    public async Task Ls_attention_lists_what_needs_you_with_the_reason_and_peek_marks_a_session_seen()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var ok = await p.SpawnDoneAsync("reply=Fine");
        var bad = await p.SpawnDoneAsync("exit=3");

        var before = JsonNode.Parse((await p.RunAsync("ls", "--attention", "--json")).Stdout)!.AsArray();
        before.Select(s => (s!["id"]!.GetValue<string>(), s["attention"]!["kind"]!.GetValue<string>())).Should()
            .Equal((bad, "failed"), (ok, "unseen"));
        (await p.RunAsync("ls", "--attention")).Stdout.Should()
            .Contain("failed: agent produced no output").And.Contain("finished, not seen yet");

        (await p.RunAsync("peek", ok[..8])).ExitCode.Should().Be(0);
        (await p.RunAsync("show", bad[..8])).ExitCode.Should().Be(0);

        JsonNode.Parse((await p.RunAsync("ls", "--attention", "--json")).Stdout)!.AsArray().Should().BeEmpty();
        (await p.RunAsync("ls", "--attention")).Stdout.Should().Contain("nothing needs you");
    }
}
