using System.Text.RegularExpressions;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>On a terminal (a pty from `script`): colours unless NO_COLOR, and the dashboard redraws in place.</summary>
public sealed partial class TerminalSpecs(ReadStore store)
{
    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Sgr();

    /// <summary>
    /// Starts <paramref name="command"/> (run by sh) in a pseudo-terminal; what is sent to its input is typed into the terminal.
    /// </summary>
    private CliProcess StartInPty(string command, CancellationToken ct, string? noColor = null)
    {
        Need.Tool(Zwarm.Core.Agents.AgentExecutable.FindOnPath("script") is not null, "needs `script` (bsdutils) for a pseudo-terminal");
        // `script` runs the command with $SHELL: pinned, so a run here and one in CI use the same shell.
        var env = new Dictionary<string, string?> { ["NO_COLOR"] = noColor, ["TERM"] = "xterm-256color", ["SHELL"] = "/bin/sh" };
        return CliProcess.Start(store.Project.Dir, ["-qec", command, "/dev/null"], env: env, file: "script", keepInputOpen: true, ct: ct);
    }

    private async Task<CliResult> InPtyAsync(string command, CancellationToken ct, string? noColor = null)
    {
        await using var p = StartInPty(command, ct, noColor);
        return await p.WaitAsync(TestProject.RunTimeout, ct);
    }

    [Fact(Timeout = 120000)]
    public async Task Ls_on_a_terminal_is_coloured_and_NO_COLOR_turns_colour_off()
    {
        var ct = TestContext.Current.CancellationToken;
        var coloured = await InPtyAsync($"{Repo.Zwarm} ls", ct);
        var plain = await InPtyAsync($"{Repo.Zwarm} ls", ct, noColor: "1");

        coloured.ExitCode.Should().Be(0, coloured.ToString());
        Sgr().IsMatch(coloured.Stdout).Should().BeTrue("a terminal gets colours: " + coloured.Stdout);
        plain.ExitCode.Should().Be(0, plain.ToString());
        Sgr().IsMatch(plain.Stdout).Should().BeFalse("NO_COLOR is honoured: " + plain.Stdout);
        plain.Stdout.Should().Contain(store.Shell[..8]);
    }

    [Fact(Timeout = 120000)]
    public async Task The_dashboard_on_a_terminal_redraws_in_place_until_stopped()
    {
        var ct = TestContext.Current.CancellationToken;
        // Ctrl+C reaches the whole foreground group, the shell too: dash would die of it (bash waits and goes on), so the
        // shell traps it and the rc line shows how zwarm itself ended.
        // A terminal tall enough for every session of the shared store: how many "need you" (and so how many lines the
        // frame takes) depends on which sessions other tests have looked at.
        await using var p = StartInPty($"stty rows 60 cols 120; trap : INT; {Repo.Zwarm} watch --interval 0.3; echo rc=$?", ct);
        // A second frame drawn over the first, then Ctrl+C typed into the terminal (the line discipline makes it SIGINT).
        await p.WaitForOutputAsync(
            o => Regex.IsMatch(o, @"\x1b\[\d+A") && o.Contains("Ctrl+C to stop", StringComparison.Ordinal), TestProject.RunTimeout);
        p.SendInput("\x03");
        var r = await p.WaitAsync(TestProject.RunTimeout, ct);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Contain("\u001b[?25l", "the live display hides the cursor while it redraws");
        Regex.IsMatch(r.Stdout, @"\x1b\[\d+A").Should().BeTrue("each refresh moves the cursor back up over the previous frame");
        r.Stdout.Should().Contain(store.Shell[..8]).And.Contain("Ctrl+C to stop");
        r.Stdout.TrimEnd().Should().EndWith("rc=0", "Ctrl+C (SIGINT) ends the dashboard normally");
    }
}
