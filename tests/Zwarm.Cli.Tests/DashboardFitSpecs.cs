using AwesomeAssertions;
using Spectre.Console;
using Spectre.Console.Testing;
using Zwarm.Cli.Tests.Infra;
using Zwarm.Core.Lifecycle;

namespace Zwarm.Cli.Tests;

/// <summary>
/// The live dashboard on a terminal shorter than its tables: rows go, the footer (how to stop it, how many are not
/// shown) stays. Before, Spectre cropped the bottom, so on a 24-line terminal the footer vanished behind "...".
/// </summary>
public sealed class DashboardFitSpecs(ReadStore store)
{
    [Theory(Timeout = 60_000)]
    [InlineData(12)]
    [InlineData(24)]
    public async Task A_short_terminal_shows_fewer_rows_and_always_the_footer(int height)
    {
        var ct = TestContext.Current.CancellationToken;
        var output = new Capture();
        var console = new TestConsole();
        console.Profile.Out = new AnsiConsoleOutput(output);
        console.Width(80).Colors(ColorSystem.NoColors).SupportsAnsi(false).SupportsUnicode(true).Interactive();
        console.Profile.Height = height;
        var host = new CliHost(console, output, new Capture(), store.Project.Dir, new StringReader(""))
        {
            Supervisor = new SupervisorCommand(Repo.Zwarm),
            Environment = new Dictionary<string, string>(StringComparer.Ordinal),
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = Task.Run(() => CliApp.RunAsync(["watch", "--interval", "0.2"], host, stop.Token), CancellationToken.None);

        await output.WaitForAsync(
            o => o.Contains("Ctrl+C to stop", StringComparison.Ordinal), TimeSpan.FromSeconds(50), run, () => output.Text, ct);
        await stop.CancelAsync();
        (await run.WaitAsync(TimeSpan.FromSeconds(30), ct)).Should().Be(0, "Ctrl+C ends the dashboard normally");

        var frame = output.Text[..(output.Text.IndexOf("Ctrl+C to stop", StringComparison.Ordinal) + 14)].Split('\n');
        frame.Length.Should().BeLessThanOrEqualTo(height, "the first frame fits the terminal:\n" + output.Text);
        frame[^1].Should().MatchRegex(@"^(\+\d+ more \(zwarm ls\) · )?\d\d:\d\d:\d\d · refreshes every 0\.2s · Ctrl\+C to stop");
        // Seven sessions with a table header never fit in 12 lines; whether they fit in 24 depends on how many need you.
        if (height == 12) frame[^1].Should().MatchRegex(@"^\+[1-7] more");
        frame.Should().NotContain(l => l.TrimEnd() == "...", "nothing is cropped by the live display");
    }
}
