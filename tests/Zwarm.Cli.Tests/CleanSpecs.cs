using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>clean with -y and --keep-days.</summary>
public sealed class CleanSpecs
{
    [Fact(Timeout = 120000)]
    public async Task Clean_y_keep_days_0_removes_finished_sessions_and_lists_them()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var done = await p.SpawnDoneAsync("reply=Hi");
        var failed = await p.SpawnDoneAsync("exit=2");
        var running = await p.SpawnAsync("sleep=forever");

        var r = await p.RunAsync("clean", "-y", "--keep-days", "0");

        r.ExitCode.Should().Be(0, r.ToString());
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        lines[0].Should().Be("2 finished session(s) older than 0 day(s):");
        var (doneLine, failedLine) = ($"  ✓ {done[..8]}  completed", $"  ✗ {failed[..8]}  failed");
        lines.Should().Contain(l => l.StartsWith(doneLine, StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith(failedLine, StringComparison.Ordinal));
        lines[^1].Should().Be("removed 2 session(s)");
        Directory.GetDirectories(p.SessionsDir).Select(Path.GetFileName).Should().Equal(running);
    }
}
