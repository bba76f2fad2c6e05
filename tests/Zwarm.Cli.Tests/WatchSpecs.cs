using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>watch ID: follows one session's steps live and ends by itself.</summary>
public sealed class WatchSpecs
{

    [Fact(Timeout = 120000)]
    public async Task Watch_prints_steps_as_they_happen_and_ends_when_the_session_finishes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);
        await using var gate = new AgentGate(p.Dir);
        var fixture = File.ReadAllLines(Path.Combine(Repo.Fixtures, "codex", "08_command_fails.jsonl"));
        var id = await p.SpawnAsync(gate.Prompt);
        await using var watch = p.Start("watch", id[..8]);

        await gate.WriteAsync(ct, fixture[..3]);
        await watch.WaitForOutputAsync(
            o => o.Contains("1. reply  I'll run a shell command now.", StringComparison.Ordinal), TestProject.Soon);
        p.Status(id).Should().Be("running", "the agent is blocked on the rest of its output");
        await gate.WriteAsync(ct, fixture[3..]);
        await gate.CloseAsync();
        var r = await watch.WaitAsync(TestProject.Soon);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stderr.Should().BeEmpty();
        var text = r.Stdout;
        var order = new[]
        {
            $"● {id[..8]}  running", "following; Ctrl+C stops watching", "── turn 1 ──", "   1. reply  I'll run a shell command now.",
            "   2. $ /bin/bash -lc 'ls /nonexistent-dir'", "       → exit 2", "   3. reply  The command failed", "running → completed",
            $"✓ {id[..8]}  completed",
        }.Select(s => text.IndexOf(s, StringComparison.Ordinal)).ToList();
        order.Should().NotContain(-1, text).And.BeInAscendingOrder(text);
    }

    [Fact(Timeout = 120000)]
    public async Task Watch_json_streams_step_status_and_end_events()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);
        await using var gate = new AgentGate(p.Dir);
        var id = await p.SpawnAsync(gate.Prompt + " exit=5");
        await using var watch = p.Start("watch", id, "--json");

        await gate.WriteAsync(ct, File.ReadAllLines(Path.Combine(Repo.Fixtures, "codex", "06_reasoning.jsonl")));
        await watch.WaitForOutputAsync(o => o.Contains("\"kind\":\"message\"", StringComparison.Ordinal), TestProject.Soon);
        await gate.CloseAsync();
        var r = await watch.WaitAsync(TestProject.Soon);

        r.ExitCode.Should().Be(0, "the agent completed its turn and replied, so the session completed: " + r);
        var events = r.Stdout.TrimEnd('\n').Split('\n').Select(l => JsonNode.Parse(l)!).ToList();
        events.Select(e => e["event"]!.GetValue<string>()).Should().Equal(["watch", "step", "step", "status", "end"], r.Stdout);
        events[0]["session"]!["status"]!.GetValue<string>().Should().Be("running");
        events[1]["step"]!["kind"]!.GetValue<string>().Should().Be("reasoning");
        events[2]["step"]!["kind"]!.GetValue<string>().Should().Be("message");
        events[2]["step"]!["n"]!.GetValue<int>().Should().Be(2);
        events[3]["status"]!.GetValue<string>().Should().Be("completed");
        var end = events[4]["session"]!;
        end["id"]!.GetValue<string>().Should().Be(id);
        end["exit_code"]!.GetValue<int>().Should().Be(5);
        end["status"]!.GetValue<string>().Should().Be("completed");
    }

    [Fact(Timeout = 120000)]
    public async Task Watch_of_a_failed_session_prints_its_steps_and_exits_1()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var id = await p.SpawnDoneAsync("replay=codex/05_response_failed.jsonl exit=1");

        var r = await p.RunAsync("watch", id);

        r.ExitCode.Should().Be(1, r.ToString());
        r.Stdout.Should().Contain("   1. retry  Reconnecting... 1/5").And.Contain("error: stream disconnected before completion");
        r.Stdout.Should().NotContain("following;", "a finished session is printed, not followed");
    }

    [Fact(Timeout = 120000)]
    public async Task Peek_and_show_of_a_running_session_show_what_it_is_doing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);
        await using var gate = new AgentGate(p.Dir);
        var fixture = File.ReadAllLines(Path.Combine(Repo.Fixtures, "codex", "02_tool_shell.jsonl"));
        var id = await p.SpawnAsync(gate.Prompt);
        await gate.WriteAsync(ct, fixture[..5]);
        await using (var watch = p.Start("watch", id))
            await watch.WaitForOutputAsync(o => o.Contains("→ exit 0", StringComparison.Ordinal), TestProject.Soon);

        var peek = await p.RunAsync("peek", id);
        var json = JsonNode.Parse((await p.RunAsync("?", id, "--json")).Stdout)!;
        var show = await p.RunAsync("show", id);

        peek.Stdout.Split('\n')[0].Should().StartWith($"● {id[..8]}  running");
        peek.Stdout.Should().Contain("  now    $ /bin/bash -lc 'echo hi > out.txt' → exit 0");
        json["status"]!.GetValue<string>().Should().Be("running");
        json["last_reply"].Should().BeNull();
        json["last_activity"]!["kind"]!.GetValue<string>().Should().Be("command");
        show.Stdout.Should().Contain("agent  I'll run a shell command now.")
            .And.Contain($"… running (").And.Contain($"follow it with: zwarm watch {id[..8]}");
        await gate.CloseAsync();
    }
}
