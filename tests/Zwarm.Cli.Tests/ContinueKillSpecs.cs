using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>continue (alias c) and kill through the real executable.</summary>
public sealed class ContinueKillSpecs
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);

    [Fact(Timeout = 60000)]
    public async Task Continue_on_a_running_session_is_refused_and_changes_nothing()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var id = await p.SpawnAsync("sleep=forever");
        var before = p.Snapshot();

        var r = await p.RunAsync("c", id[..8], "reply=more");

        r.ExitCode.Should().Be(1, r.ToString());
        r.ErrLines.Should().ContainSingle().Which.Should().Be($"zwarm: session {id[..8]} is still running; wait for it (zwarm wait {id[..8]}) or kill it first");
        r.Stdout.Should().BeEmpty();
        p.Snapshot().Should().Be(before);
    }

    [Fact(Timeout = 60000)]
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

    [Fact(Timeout = 60000)]
    public async Task Continue_json_returns_at_once_with_the_running_session()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var id = await p.SpawnDoneAsync("reply=One");

        var r = await p.RunAsync("c", id, "reply=Two sleep=1", "--json");

        r.ExitCode.Should().Be(0, r.ToString());
        var s = JsonNode.Parse(r.Stdout)!;
        s["status"]!.GetValue<string>().Should().Be("running");
        s["turn"]!.GetValue<int>().Should().Be(2);
        (await p.WaitForDiskStatusAsync(id, "completed", Soon))["messages"]!.AsArray().Should().HaveCount(4);
    }

    [Fact(Timeout = 60000)]
    public async Task Kill_stops_an_agent_that_ignores_SIGTERM_and_its_grandchild_in_another_process_group()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var pidfile = Path.Combine(p.Dir, "pids");
        var id = await p.SpawnAsync($"ignoreterm grandchild_pgid pidfile={pidfile} sleep=forever");
        var pids = await p.WaitForPidsAsync(pidfile, 2, Soon);
        pids.Should().OnlyContain(pid => TestProject.Alive(pid));

        var r = await p.RunAsync("kill", id[..8], "--set", "executor.kill_grace=0.5");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be($"killed {id[..8]}\n");
        pids.Should().OnlyContain(pid => !TestProject.Alive(pid), "the agent and its grandchild are gone");
        var meta = p.Meta(id);
        meta["status"]!.GetValue<string>().Should().Be("killed");
        meta["error"]!.GetValue<string>().Should().Be("Manually killed");

        var again = await p.RunAsync("kill", id[..8]);
        again.ExitCode.Should().Be(0);
        again.Stdout.Should().Be($"session {id[..8]} is already killed; nothing to kill\n");

        var c = await p.RunAsync("c", id, "reply=more");
        c.ExitCode.Should().Be(1);
        c.ErrLines.Should().ContainSingle().Which.Should().Contain("was killed");
    }

    [Fact(Timeout = 60000)]
    public async Task Kill_all_json_reports_every_killed_session()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var a = await p.SpawnAsync("sleep=forever");
        var b = await p.SpawnAsync("sleep=forever");
        var done = await p.SpawnDoneAsync("reply=Hi");

        var r = await p.RunAsync("kill", "--all", "--json");

        r.ExitCode.Should().Be(0, r.ToString());
        var killed = JsonNode.Parse(r.Stdout)!.AsArray();
        killed.Select(k => k!["id"]!.GetValue<string>()).Should().BeEquivalentTo([a, b]);
        killed.Should().OnlyContain(k => k!["killed"]!.GetValue<bool>() && k["status"]!.GetValue<string>() == "killed");
        p.Status(done).Should().Be("completed");
    }

    [Theory(Timeout = 60000)]
    [InlineData("kill")]
    [InlineData("kill", "--all", "abc")]
    public async Task Kill_needs_exactly_one_of_an_id_or_all(params string[] args)
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var r = await p.RunAsync(args);

        r.ExitCode.Should().Be(2);
        r.ErrLines.Should().ContainSingle().Which.Should().Be("zwarm: kill needs a session id or --all (one of them)");
    }
}
