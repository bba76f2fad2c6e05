using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>spawn: detached start (through the real executable), completion recorded by the turn wrapper, outcomes.</summary>
public sealed class SpawnSpecs
{
    private static readonly TimeSpan Finish = TestProject.Soon;

    [Fact(Timeout = 120000)]
    public async Task Spawn_returns_while_the_agent_runs_and_the_wrapper_records_completion_after_zwarm_exited()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);
        await using var gate = new AgentGate(p.Dir);
        var r = await p.RunProcessAsync(null, "spawn", $"{gate.Prompt} reply=Done_here");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Contain("running");
        var id = Directory.GetDirectories(p.SessionsDir).Single().Split('/')[^1];
        r.Stdout.Should().StartWith("● " + id[..8]);
        p.Status(id).Should().Be("running", "spawn must not wait for the agent (blocked on the gate)");
        await gate.WriteAsync(ct);
        await gate.CloseAsync();

        // No zwarm process is alive now: only the detached wrapper's `zwarm _finalize` can write this.
        var meta = await p.WaitForDiskStatusAsync(id, "completed", Finish);
        meta["exit_code"]!.GetValue<int>().Should().Be(0);
        meta["error"].Should().BeNull();
        meta["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()).Should()
            .Equal($"{gate.Prompt} reply=Done_here", "Done here");
        meta["token_usage"]!["total_tokens"]!.GetValue<long>().Should().Be(110);
        File.ReadAllText(Path.Combine(p.SessionsDir, id, "turns", "turn_1.exit")).Trim().Should().Be("0");
    }

    [Fact(Timeout = 120000)]
    public async Task Spawn_json_prints_the_session_with_meta_json_names_and_derived_fields()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var r = await p.RunAsync("exec", "reply=Hi", "--json", "-m", "MINI", "-d", p.Dir, "--wait");

        r.ExitCode.Should().Be(0, r.ToString());
        var s = JsonNode.Parse(r.Stdout)!.AsObject();
        foreach (var key in new[]
            {
                "id", "task", "status", "working_dir", "created_at", "updated_at", "pid", "exit_code", "model", "turn", "messages",
                "token_usage", "error", "source", "adapter", "short_id", "cost", "total_tokens", "runtime_seconds",
            })
            s.ContainsKey(key).Should().BeTrue($"'{key}' is part of the session shape");
        s["status"]!.GetValue<string>().Should().Be("completed");
        s["model"]!.GetValue<string>().Should().Be("gpt-5.1-codex-mini", "the alias is case-insensitive");
        s["adapter"]!.GetValue<string>().Should().Be("codex");
        s["short_id"]!.GetValue<string>().Should().Be(s["id"]!.GetValue<string>()[..8]);
        s["total_tokens"]!.GetValue<long>().Should().Be(110);
        s["cost"]!.GetValue<decimal>().Should().BeGreaterThan(0);
        s["working_dir"]!.GetValue<string>().Should().Be(p.Dir);
    }

    [Fact(Timeout = 120000)]
    public async Task The_adapter_is_inferred_from_the_model_and_wait_prints_the_reply()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var r = await p.RunAsync("spawn", "-m", "gpt-5.1-codex", "--wait", "reply=All_done");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Contain("completed").And.Contain("codex/gpt-5.1-codex").And.Contain("All done");
    }

    [Fact(Timeout = 120000)]
    public async Task A_non_zero_exit_without_a_reply_fails_with_the_reason()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var r = await p.RunAsync("spawn", "--wait", "exit=3");

        r.ExitCode.Should().Be(1, "the session failed");
        r.Stdout.Should().Contain("failed").And.Contain("error: agent produced no output (exit code 3)");
        var id = Directory.GetDirectories(p.SessionsDir).Single().Split('/')[^1];
        var meta = p.Meta(id);
        meta["status"]!.GetValue<string>().Should().Be("failed");
        meta["exit_code"]!.GetValue<int>().Should().Be(3);
    }

    [Fact(Timeout = 120000)]
    public async Task An_agent_error_without_a_reply_fails_with_the_agent_error()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var id = await p.SpawnDoneAsync("replay=codex/04b_http400.jsonl exit=1");

        var meta = p.Meta(id);
        meta["status"]!.GetValue<string>().Should().Be("failed");
        meta["exit_code"]!.GetValue<int>().Should().Be(1);
        meta["error"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace().And.NotContain("Completed with error");
    }

    [Fact(Timeout = 120000)]
    public async Task An_error_event_with_a_reply_completes_with_error()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var transcript = Path.Combine(p.Dir, "error_then_reply.jsonl");
        File.WriteAllLines(transcript,
        [
            """{"type":"thread.started","thread_id":"0000-aaaa"}""",
            """{"type":"turn.started"}""",
            """{"type":"error","message":"model overloaded, partial answer"}""",
            """{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"Here is what I have."}}""",
            """{"type":"turn.completed","usage":{"input_tokens":10,"output_tokens":5}}""",
        ]);
        var r = await p.RunAsync("spawn", "--wait", $"replay={transcript}");

        r.ExitCode.Should().Be(0, "a reply was produced: " + r);
        r.Stdout.Should().Contain("Here is what I have.").And.Contain("error: Completed with error: model overloaded, partial answer");
        var id = Directory.GetDirectories(p.SessionsDir).Single().Split('/')[^1];
        p.Meta(id)["status"]!.GetValue<string>().Should().Be("completed");
    }

    [Theory(Timeout = 120000)]
    [InlineData(2, "-a", "bogus")]
    [InlineData(1, "-d", "/nonexistent/dir")]
    [InlineData(2, "--model")]
    [InlineData(2, "--frobnicate")]
    public async Task Bad_spawn_input_is_one_line_on_stderr_and_creates_nothing(int exitCode, params string[] bad)
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var r = await p.RunAsync(["spawn", "reply=Hi", .. bad]);

        r.ExitCode.Should().Be(exitCode, r.ToString());
        r.ErrLines.Should().ContainSingle().Which.Should().StartWith("zwarm: ");
        r.Stdout.Should().BeEmpty();
        Directory.Exists(p.SessionsDir).Should().BeFalse("nothing was started");
    }

    [Fact(Timeout = 120000)]
    public async Task An_empty_task_is_a_usage_error()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var r = await p.RunAsync("spawn", "  ");

        r.ExitCode.Should().Be(2);
        r.ErrLines.Should().ContainSingle().Which.Should().Be("zwarm: the task is empty");
    }
}
