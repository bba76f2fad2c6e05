using AwesomeAssertions;
using Spectre.Console;
using Spectre.Console.Testing;
using Zwarm.Cli.Rendering;
using Zwarm.Cli.Tests.Infra;
using Zwarm.Core.Lifecycle;

namespace Zwarm.Cli.Tests.Isolation;

/// <summary>The live dashboard's conflict marks: reused between refreshes, recomputed when a worktree session changes.</summary>
public sealed class DashboardConflictSpecs
{
    [Fact(Timeout = 120_000)]
    public async Task A_new_colliding_worktree_session_marks_both_rows_without_waiting_for_the_periodic_recheck()
    {
        var ct = TestContext.Current.CancellationToken;
        // Only a change of the sessions can refresh the marks in this test (the periodic recheck is an hour away).
        Dashboard.ConflictRefresh = TimeSpan.FromHours(1);
        try
        {
            await RunAsync(ct);
        }
        finally
        {
            Dashboard.ConflictRefresh = TimeSpan.FromSeconds(10);
        }
    }

    private static async Task RunAsync(CancellationToken ct)
    {
        await using var p = new TestProject(ct);
        GitRepo.Init(p.Dir, ("notes.txt", "base\n"));
        var one = await p.SpawnAsync("write=notes.txt:one reply=One", "--worktree", "--wait");

        var output = new Capture();
        var console = new TestConsole();
        console.Profile.Out = new AnsiConsoleOutput(output);
        console.Width(160).Colors(ColorSystem.NoColors).SupportsAnsi(false).SupportsUnicode(true).Interactive();
        console.Profile.Height = 40;
        var host = new CliHost(console, output, new Capture(), p.Dir, new StringReader(""))
        {
            Supervisor = new SupervisorCommand(Repo.Zwarm),
            Environment = new Dictionary<string, string>(StringComparer.Ordinal),
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = Task.Run(() => CliApp.RunAsync(["watch", "--interval", "0.2"], host, stop.Token), CancellationToken.None);
        await output.WaitForAsync(
            o => o.Contains(one[..8], StringComparison.Ordinal), TimeSpan.FromSeconds(50), run, () => output.Text, ct);
        output.Text.Should().NotContain("⚠", "one session alone collides with nothing");

        var two = await p.SpawnAsync("write=notes.txt:two reply=Two", "--worktree", "--wait");
        await output.WaitForAsync(
            o => o.Contains($"⚠ {two[..8]}", StringComparison.Ordinal) && o.Contains($"⚠ {one[..8]}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(50), run, () => output.Text, ct);
        await stop.CancelAsync();
        (await run.WaitAsync(TimeSpan.FromSeconds(30), ct)).Should().Be(0);
    }
}
