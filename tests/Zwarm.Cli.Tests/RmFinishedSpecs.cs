using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>rm --finished and rm usage errors.</summary>
public sealed class RmFinishedSpecs
{
    [Fact(Timeout = 120000)]
    public async Task Rm_finished_keeps_running_sessions_and_one_bad_id_removes_nothing()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var done = await p.SpawnDoneAsync("reply=Hi");
        var failed = await p.SpawnDoneAsync("exit=2");
        var running = await p.SpawnAsync("sleep=forever");
        var before = p.Snapshot();

        var bad = await p.RunAsync("rm", done, "0000dead");
        bad.ExitCode.Should().Be(1);
        bad.ErrLines.Should().ContainSingle().Which.Should().Be("zwarm: no session matches '0000dead'");
        p.Snapshot().Should().Be(before);

        var r = await p.RunAsync("rm", "--finished", "--json");
        r.ExitCode.Should().Be(0, r.ToString());
        JsonNode.Parse(r.Stdout)!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Should().BeEquivalentTo([done, failed]);
        Directory.GetDirectories(p.SessionsDir).Select(Path.GetFileName).Should().Equal(running);
    }

    [Theory(Timeout = 120000)]
    [InlineData("rm")]
    [InlineData("rm", "--finished", "--all")]
    public async Task Rm_needs_exactly_one_way_to_choose_sessions(params string[] args)
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var r = await p.RunAsync(args);

        r.ExitCode.Should().Be(2);
        r.ErrLines.Should().ContainSingle().Which.Should().Be("zwarm: rm needs session ids, --finished or --all (one of them)");
    }
}
