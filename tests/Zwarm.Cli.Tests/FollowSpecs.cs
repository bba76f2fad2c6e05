using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>logs -f across turns, and the dashboard (watch without an id) when stdout is not a terminal.</summary>
public sealed class FollowSpecs
{

    [Fact(Timeout = 120000)]
    public async Task Logs_follow_prints_every_turn_in_order_and_ends_when_the_session_finishes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);
        await using var gate = new AgentGate(p.Dir);
        var fixture = File.ReadAllLines(Path.Combine(Repo.Fixtures, "codex", "02_tool_shell.jsonl"));
        var id = await p.SpawnDoneAsync("reply=One");
        (await p.RunAsync("c", id, gate.Prompt)).ExitCode.Should().Be(0);
        await using var logs = p.Start("logs", id[..8], "-f");

        await gate.WriteAsync(ct, fixture[..2]);
        await logs.WaitForOutputAsync(o => o.Contains(fixture[1], StringComparison.Ordinal), TestProject.Soon);
        p.Status(id).Should().Be("running", "logs -f is reading a turn that is still being written");
        await gate.WriteAsync(ct, fixture[2..]);
        await gate.CloseAsync();
        var r = await logs.WaitAsync(TestProject.Soon);

        r.ExitCode.Should().Be(0, r.ToString());
        var turns = Path.Combine(p.SessionsDir, id, "turns");
        r.Stdout.Should().Be(File.ReadAllText(Path.Combine(turns, "turn_1.jsonl")) + File.ReadAllText(Path.Combine(turns, "turn_2.jsonl")));
        r.Stdout.Should().EndWith(fixture[^1] + "\n");
    }

    [Fact(Timeout = 120000)]
    public async Task The_dashboard_prints_a_line_per_change_when_not_a_terminal_and_stops_when_interrupted()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var old = await p.SpawnDoneAsync("reply=Old");
        await using var dash = p.Start("watch", "--interval", "0.2");
        await dash.WaitForOutputAsync(o => o.Contains(old[..8], StringComparison.Ordinal), TestProject.Soon);

        var id = await p.SpawnAsync("reply=New delay=300");
        await dash.WaitForOutputAsync(o => o.Contains($"✓ {id[..8]}  completed", StringComparison.Ordinal), TestProject.Soon);
        (await p.RunAsync("rm", old)).ExitCode.Should().Be(0);
        await dash.WaitForOutputAsync(o => o.Contains($"- {old[..8]}  removed", StringComparison.Ordinal), TestProject.Soon);
        dash.Interrupt();
        var r = await dash.WaitAsync(TestProject.Soon);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stderr.Should().BeEmpty();
        r.Stdout.Should().NotContain("\u001b", "no live display when stdout is not a terminal");
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        lines[0].Should().MatchRegex(@"^\d\d:\d\d:\d\d watching 1 session\(s\); Ctrl\+C to stop$");
        lines[1].Should().MatchRegex(
            $@"^\d\d:\d\d:\d\d !✓ {old[..8]}  completed  turn 1  codex/gpt-5.1-codex-mini  110 tokens  " +
            $@"reply=Old  needs you: finished, not seen yet$",
            "a finished session nobody has looked at is marked as needing attention, with the reason");
        var (shortId, runningLine) = (id[..8], $"● {id[..8]}  running");
        lines.Should().Contain(l => l.Contains(runningLine, StringComparison.Ordinal));
        // A refresh may also catch the moment between the session's creation (pending) and its start.
        lines.Count(l => l.Contains(shortId, StringComparison.Ordinal) && !l.Contains($"{shortId}  pending", StringComparison.Ordinal))
            .Should().Be(2, "one line per change, not per refresh");
    }

    [Fact(Timeout = 120000)]
    public async Task The_dashboard_json_is_one_event_per_line()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var id = await p.SpawnDoneAsync("reply=Hi");
        await using var dash = p.Start("watch", "--json", "--interval", "0.2");
        await dash.WaitForOutputAsync(o => o.Contains('\n', StringComparison.Ordinal), TestProject.Soon);
        dash.Interrupt();
        var r = await dash.WaitAsync(TestProject.Soon);

        r.ExitCode.Should().Be(0, r.ToString());
        var e = JsonNode.Parse(r.Stdout.Split('\n')[0])!;
        e["event"]!.GetValue<string>().Should().Be("session");
        e["session"]!["id"]!.GetValue<string>().Should().Be(id);
        e["session"]!["status"]!.GetValue<string>().Should().Be("completed");
    }
}
