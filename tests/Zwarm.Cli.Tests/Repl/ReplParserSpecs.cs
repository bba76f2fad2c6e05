using AwesomeAssertions;
using Zwarm.Cli.Repl;

namespace Zwarm.Cli.Tests.Repl;

/// <summary>How REPL spellings, old and new, map onto the command tree.</summary>
[Collection(ReplSpecs.Name)]
public sealed class ReplParserSpecs : IDisposable
{
    private readonly InProcessRepl _repl = new();

    private ReplAction Parse(string line) => new ReplParser(_repl.Tree).Parse(line);

    private IReadOnlyList<string> Args(string line) => Parse(line).Should().BeOfType<ReplAction.Run>().Subject.Args;

    [Theory]
    [InlineData("ls", new[] { "ls" })]
    [InlineData("LS --all", new[] { "ls", "--all" })]
    [InlineData("? 3f2b", new[] { "peek", "3f2b" })]
    [InlineData("peek 3f2b --json", new[] { "peek", "3f2b", "--json" })]
    [InlineData("exec \"fix it\"", new[] { "exec", "fix it" })]
    [InlineData("c 3f2b \"and the docs\" --wait", new[] { "continue", "3f2b", "and the docs", "--wait" })]
    [InlineData("ca 3f2b and the docs", new[] { "continue", "3f2b", "and the docs" })]
    [InlineData("kill 3f2b", new[] { "kill", "3f2b" })]
    [InlineData("kill all", new[] { "kill", "--all" })]
    [InlineData("kill ALL --json", new[] { "kill", "--all", "--json" })]
    [InlineData("killall", new[] { "kill", "--all" })]
    [InlineData("rm 3f2b ab12", new[] { "rm", "3f2b", "ab12" })]
    [InlineData("delete all -y", new[] { "rm", "--finished", "-y" })]
    [InlineData("help spawn", new[] { "spawn", "--help" })]
    [InlineData("help ?", new[] { "peek", "--help" })]
    [InlineData("clean --keep-days 2 -y", new[] { "clean", "--keep-days", "2", "-y" })]
    public void A_REPL_line_becomes_a_command_of_the_tree(string line, string[] args)
    {
        Args(line).Should().Equal(args);
    }

    [Theory]
    [InlineData("spawn fix the login bug", new[] { "spawn", "fix the login bug" })]
    [InlineData("spawn --async fix it -m mini", new[] { "spawn", "fix it", "-m", "mini" })]
    [InlineData("spawn -m mini -d /tmp fix   it --wait", new[] { "spawn", "-m", "mini", "-d", "/tmp", "fix it", "--wait" })]
    [InlineData("spawn \"fix it\" -- --now", new[] { "spawn", "fix it --now", "--" })]
    public void Unquoted_words_of_a_task_or_message_are_joined_into_one_argument(string line, string[] args)
    {
        Args(line).Should().Equal(args);
    }

    [Theory]
    [InlineData("c 3f2b it's broken", new[] { "continue", "3f2b", "it's broken" })]
    [InlineData("c 3f2b it's Bob's \\ fault, see #12 --wait", new[] { "continue", "3f2b", "it's Bob's \\ fault, see #12", "--wait" })]
    [InlineData("ca 3f2b don't \"over\"quote", new[] { "continue", "3f2b", "don't overquote" })]
    [InlineData("spawn fix the user's login -m mini", new[] { "spawn", "fix the user's login", "-m", "mini" })]
    [InlineData("exec 'it''s' done", new[] { "exec", "its done" })]
    [InlineData("c 3f2b \"it's quoted\" --wait", new[] { "continue", "3f2b", "it's quoted", "--wait" })]
    public void Unquoted_words_of_a_message_are_taken_literally(string line, string[] args)
    {
        Args(line).Should().Equal(args);
    }

    [Fact]
    public void Rm_all_removes_the_finished_sessions_after_asking_unless_yes_is_given()
    {
        var ask = Parse("rm all").Should().BeOfType<ReplAction.Run>().Subject;
        ask.Args.Should().Equal("rm", "--finished");
        ask.ConfirmRemoveFinished.Should().BeTrue();

        Parse("rm all --yes").Should().BeOfType<ReplAction.Run>().Which.ConfirmRemoveFinished.Should().BeFalse();
        Parse("rm 3f2b").Should().BeOfType<ReplAction.Run>().Which.ConfirmRemoveFinished.Should().BeFalse();
    }

    [Theory]
    [InlineData("quit")]
    [InlineData("exit")]
    [InlineData("q")]
    [InlineData("  QUIT  ")]
    public void Quit_exit_and_q_leave(string line)
    {
        Parse(line).Should().BeOfType<ReplAction.Quit>();
    }

    [Fact]
    public void REPL_words_help_shell_and_blank_lines()
    {
        Parse("help").Should().BeOfType<ReplAction.Help>();
        Parse("?").Should().BeOfType<ReplAction.Help>();
        Parse("  !git status --short ").Should().Be(new ReplAction.Shell("git status --short"));
        Parse("   ").Should().BeOfType<ReplAction.Nothing>();
        Parse("# spawn nothing").Should().BeOfType<ReplAction.Nothing>();
    }

    [Theory]
    [InlineData("frobnicate 3f2b", "unknown command 'frobnicate' (type 'help' for the list)")]
    [InlineData("help frobnicate", "unknown command 'frobnicate' (type 'help' for the list)")]
    [InlineData("spawn \"fix it", "unterminated \" quote")]
    [InlineData("!", "usage: !command (runs it with /bin/sh in the project folder)")]
    [InlineData("interactive", "already in interactive mode")]
    public void Lines_that_cannot_run_say_why(string line, string message)
    {
        Parse(line).Should().Be(new ReplAction.Invalid(message));
    }

    public void Dispose() => _repl.Dispose();
}
