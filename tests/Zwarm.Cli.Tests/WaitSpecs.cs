using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>wait: timeout 124, exit codes, --json.</summary>
public sealed class WaitSpecs
{
    [Fact(Timeout = 120000)]
    public async Task Wait_times_out_with_124_and_reports_finished_sessions()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var running = await p.SpawnAsync("sleep=forever");
        var done = await p.SpawnDoneAsync("reply=Hi");
        var failed = await p.SpawnDoneAsync("exit=4");

        var timedOut = await p.RunAsync("wait", running[..8], "--timeout", "0.5");
        timedOut.ExitCode.Should().Be(124);
        timedOut.ErrLines.Should().ContainSingle().Which.Should().Be("zwarm: timed out waiting");
        timedOut.Stdout.Should().Be($"● {running[..8]}  running\n");

        (await p.RunAsync("wait", done)).ExitCode.Should().Be(0);
        var some = await p.RunAsync("wait", done, failed, "--json");
        some.ExitCode.Should().Be(1);
        var json = JsonNode.Parse(some.Stdout)!;
        json["timed_out"]!.GetValue<bool>().Should().BeFalse();
        json["sessions"]!.AsArray().Select(s => s!["status"]!.GetValue<string>()).Should().Equal("completed", "failed");
    }
}
