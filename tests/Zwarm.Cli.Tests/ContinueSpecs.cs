using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>continue (alias c) through the real executable.</summary>
public sealed class ContinueSpecs
{
    [Fact(Timeout = 120000)]
    public async Task Continue_on_a_running_session_is_refused_and_changes_nothing()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var id = await p.SpawnAsync("sleep=forever");
        var before = p.Snapshot();

        var r = await p.RunAsync("c", id[..8], "reply=more");

        r.ExitCode.Should().Be(1, r.ToString());
        r.ErrLines.Should().ContainSingle().Which.Should()
            .Be($"zwarm: session {id[..8]} is still running; wait for it (zwarm wait {id[..8]}) or kill it first");
        r.Stdout.Should().BeEmpty();
        p.Snapshot().Should().Be(before);
    }

    [Fact(Timeout = 120000)]
    public async Task Continue_wait_runs_a_second_turn_and_prints_its_reply()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var id = await p.SpawnDoneAsync("reply=One");

        var r = await p.RunAsync("continue", id, "reply=Two", "--wait");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be($"✓ {id[..8]}  completed  turn 2  codex/gpt-5.1-codex-mini  {p.Dir}\nTwo\n");
        var meta = p.Meta(id);
        meta["turn"]!.GetValue<int>().Should().Be(2);
        meta["turns"]![1]!["resume"]!.GetValue<string>().Should().Be("native");
        File.Exists(Path.Combine(p.SessionsDir, id, "turns", "turn_2.jsonl")).Should().BeTrue();
    }

    [Fact(Timeout = 120000)]
    public async Task Continue_json_returns_at_once_with_the_running_session()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var id = await p.SpawnDoneAsync("reply=One");

        var r = await p.RunAsync("c", id, "reply=Two sleep=1", "--json");

        r.ExitCode.Should().Be(0, r.ToString());
        var s = JsonNode.Parse(r.Stdout)!;
        s["status"]!.GetValue<string>().Should().Be("running");
        s["turn"]!.GetValue<int>().Should().Be(2);
        (await p.WaitForDiskStatusAsync(id, "completed", TestProject.Soon))["messages"]!.AsArray().Should().HaveCount(4);
    }
}
