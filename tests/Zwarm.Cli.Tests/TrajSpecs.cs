using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>traj: numbered steps of every kind, truncation, --full, --json.</summary>
public sealed class TrajSpecs(ReadStore store)
{
    [Fact(Timeout = 60000)]
    public async Task Traj_numbers_replies_and_commands_with_their_exit_code()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "traj", store.Shell);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Contain("""
               1. reply  I'll run a shell command now.
               2. $ /bin/bash -lc 'echo hi > out.txt'
                   → exit 0
               3. reply  I ran `echo hi > out.txt`; out.txt now contains "hi".
            """.ReplaceLineEndings("\n"));
    }

    [Fact(Timeout = 60000)]
    public async Task Traj_shows_command_output_reasoning_file_changes_retries_and_errors()
    {
        var fails = await store.RunAsync(TestContext.Current.CancellationToken, "traj", store.CommandFails);
        fails.Stdout.Should().Contain("       ls: cannot access '/nonexistent-dir': No such file or directory\n       → exit 2");

        var reasoning = await store.RunAsync(TestContext.Current.CancellationToken, "traj", store.Reasoning);
        reasoning.Stdout.Should().Contain("   1. think  **Planning the answer**");

        var patch = await store.RunAsync(TestContext.Current.CancellationToken, "traj", store.Patch);
        patch.Stdout.Should().Contain("   1. file   add <workdir>/hello.txt");

        var http = await store.RunAsync(TestContext.Current.CancellationToken, "traj", store.Http500);
        http.Stdout.Should().Contain("   1. retry  Reconnecting... 1/5").And.Contain("   5. retry  Reconnecting... 5/5")
            .And.Contain("   6. error  We’re currently experiencing high demand").And.Contain("error: We’re currently");
    }

    [Fact(Timeout = 60000)]
    public async Task Long_output_is_cut_unless_full()
    {
        var cut = await store.RunAsync(TestContext.Current.CancellationToken, "traj", store.LongOutput);
        cut.Stdout.Should().Contain("       line 12\n       … 18 more line(s); see --full").And.NotContain("line 13");

        var full = await store.RunAsync(TestContext.Current.CancellationToken, "traj", store.LongOutput, "--full");
        full.Stdout.Should().Contain("       line 30\n       → exit 0").And.NotContain("more line(s)");
    }

    [Fact(Timeout = 60000)]
    public async Task Traj_numbers_steps_across_turns()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "traj", store.TwoTurns);

        r.Stdout.Should().MatchRegex(@"── turn 1 ─+\n   1\. reply  First\n── turn 2 ─+\n   2\. reply  Second\n");
    }

    [Fact(Timeout = 60000)]
    public async Task Traj_json_is_the_session_plus_its_trajectory()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "traj", store.LongOutput, "--json");

        r.ExitCode.Should().Be(0, r.ToString());
        var s = JsonNode.Parse(r.Stdout)!;
        s["id"]!.GetValue<string>().Should().Be(store.LongOutput);
        var steps = s["trajectory"]!.AsArray();
        steps.Should().HaveCount(2);
        steps[0]!["n"]!.GetValue<int>().Should().Be(1);
        steps[0]!["turn"]!.GetValue<int>().Should().Be(1);
        steps[0]!["kind"]!.GetValue<string>().Should().Be("command");
        steps[0]!["command"]!.GetValue<string>().Should().Be("seq 30");
        steps[0]!["exit_code"]!.GetValue<int>().Should().Be(0);
        steps[0]!["output_truncated"]!.GetValue<bool>().Should().BeTrue();
        steps[0]!["output"]!.GetValue<string>().Split('\n').Should().HaveCount(12);
        steps[1]!["kind"]!.GetValue<string>().Should().Be("message");
        steps[1]!["text"]!.GetValue<string>().Should().Be("Printed 30 lines.");

        var full = JsonNode.Parse(
            (await store.RunAsync(TestContext.Current.CancellationToken, "traj", store.LongOutput, "--json", "--full")).Stdout)!;
        full["trajectory"]![0]!["output"]!.GetValue<string>().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(30);
        full["trajectory"]![0]!.AsObject().ContainsKey("output_truncated").Should().BeFalse();
    }
}
