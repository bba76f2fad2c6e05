using AwesomeAssertions;

namespace Zwarm.Cli.Tests.Repl;

/// <summary>The REPL loop in the test process, reading a script: errors print one line and the loop goes on.</summary>
[Collection(ReplSpecs.Name)]
public sealed class ReplLoopSpecs
{
    [Fact]
    public async Task Help_lists_the_REPL_commands_and_quit_stops_reading()
    {
        using var repl = new InProcessRepl("help\nquit\nfrobnicate\n");

        var status = await repl.RunAsync();

        status.Should().Be(0);
        var help = repl.Out.ToString();
        foreach (var usage in new[]
            {
                "spawn \"task\"", "c ID \"message\"", "kill ID | all", "rm ID | all", "clean", "ls", "? ID  |  peek ID", "show ID",
                "traj ID", "watch [ID]", "models", "!command", "help", "quit",
            })
            help.Should().Contain(usage);
        var also = help.Split('\n').Single(l => l.StartsWith("Also: ", StringComparison.Ordinal));
        also["Also: ".Length..also.IndexOf(" (", StringComparison.Ordinal)].Split(", ").Should()
            .Contain(["init", "logs", "wait", "orphans"]);
        repl.Err.ToString().Should().BeEmpty("nothing after quit runs");
        repl.In.ReadToEnd().Should().Be("frobnicate\n");
    }

    [Fact]
    public async Task A_failing_line_prints_one_error_and_the_next_line_runs()
    {
        using var repl = new InProcessRepl("frobnicate\nspawn \"open\npeek ../etc\nls --bogus\nls\n");

        var status = await repl.RunAsync();

        repl.Err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "zwarm: unknown command 'frobnicate' (type 'help' for the list)",
            "zwarm: unterminated \" quote",
            "zwarm: invalid session id '../etc': expected a uuid or a hex prefix of one",
            "zwarm: Unrecognized command or argument '--bogus'. (see 'zwarm ls --help')");
        repl.Out.ToString().Should().Contain("no sessions");
        status.Should().Be(0, "the exit code is the last command's, like a shell");
    }

    [Fact]
    public async Task The_exit_code_is_the_last_command_s()
    {
        using var repl = new InProcessRepl("ls\npeek 3f2b\n");

        (await repl.RunAsync()).Should().Be(1);
    }

    [Fact]
    public async Task A_bang_line_runs_in_the_shell_in_the_project_folder()
    {
        using var repl = new InProcessRepl("!pwd; echo \"$((6 * 7))\" 'quoted # not a comment'\n!echo oops >&2; exit 4\n");

        var status = await repl.RunAsync();

        repl.Out.ToString().Should().Be($"{repl.Dir}\n42 quoted # not a comment\n");
        repl.Err.ToString().Should().Be("oops\n(exit 4)\n");
        status.Should().Be(4);
    }

    [Fact]
    public async Task A_shell_command_does_not_read_the_script()
    {
        using var repl = new InProcessRepl("!cat\n!echo after\n");

        await repl.RunAsync();

        repl.Out.ToString().Should().Be("after\n");
    }

    [Fact]
    public async Task Options_given_to_interactive_apply_to_every_command_unless_the_line_gives_its_own()
    {
        using var repl = new InProcessRepl("ls\nls --config " + "/also/missing.toml\n");
        Directory.CreateDirectory(Path.Combine(repl.Dir, ".zwarm"));

        await repl.RunAsync([("--config", "/missing.toml"), ("--verbose", null)]);

        var err = repl.Err.ToString();
        err.Should().StartWith("zwarm: config file not found: /missing.toml");
        err.Should().Contain("zwarm: config file not found: /also/missing.toml");
        err.Should().Contain("ZwarmException", "--verbose was passed on as well");
    }
}
