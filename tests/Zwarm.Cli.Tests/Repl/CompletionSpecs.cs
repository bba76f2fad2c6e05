using AwesomeAssertions;
using Zwarm.Cli.Repl;

namespace Zwarm.Cli.Tests.Repl;

/// <summary>Tab completion over the real command tree: commands, options, session ids where an id is expected.</summary>
[Collection(ReplSpecs.Name)]
public sealed class CompletionSpecs : IDisposable
{
    private static readonly string[] Ids =
    [
        "3f2b0a11-0000-4000-8000-000000000001",
        "3f2b9c22-0000-4000-8000-000000000002",
        "ab12cd34-0000-4000-8000-000000000003",
        "ab12cd34-1111-4000-8000-000000000004",
    ];

    private readonly InProcessRepl _repl = new();
    private readonly ReplCompleter _completer;

    public CompletionSpecs() => _completer = new ReplCompleter(_repl.Tree, () => Ids, id => "task of " + id[..4]);

    private string[] Texts(string line) => _completer.Complete(line, line.Length).Items.Select(i => i.Text).ToArray();

    [Fact]
    public void The_first_word_completes_to_commands_of_the_tree_and_REPL_words()
    {
        var all = Texts("");

        all.Should().Contain(
        [
            "spawn", "ls", "peek", "?", "show", "traj", "watch", "c", "continue", "ca", "kill", "killall", "rm", "clean", "models", "help",
            "quit",
        ]);
        all.Should().NotContain(["_finalize", "interactive", "i"], "hidden commands and the REPL itself are not offered");
        Texts("sp").Should().Equal("spawn");
        Texts("SH").Should().Equal("show");
        Texts("k").Should().Equal("kill", "killall");
    }

    [Theory]
    [InlineData("? ")]
    [InlineData("peek ")]
    [InlineData("show ")]
    [InlineData("traj --full ")]
    [InlineData("watch ")]
    [InlineData("logs --turn 2 ")]
    [InlineData("c ")]
    [InlineData("ca ")]
    [InlineData("continue --wait ")]
    [InlineData("wait 3f2b0a11 ")]
    public void Where_a_session_id_is_expected_short_ids_are_offered(string line)
    {
        Texts(line).Should().Contain(["3f2b0a11", "3f2b9c22"]);
    }

    [Fact]
    public void Ids_complete_from_a_prefix_and_sessions_that_share_eight_characters_show_in_full()
    {
        Texts("? 3f2b0").Should().Equal("3f2b0a11");
        Texts("? AB").Should().Equal(Ids[2], Ids[3]);
        Texts("show 3f2b0a11-0").Should().Equal([Ids[0]], "past 8 characters the full id is completed");
    }

    [Fact]
    public void Kill_and_rm_also_offer_all()
    {
        Texts("kill ").Should().StartWith("all").And.Contain("3f2b0a11");
        Texts("rm a").Should().Equal("all", Ids[2], Ids[3]);
        Texts("killall ").Should().BeEmpty();
    }

    [Fact]
    public void Several_ids_come_with_a_hint_one_does_not()
    {
        _completer.Complete("? 3f", 4).Items.Should().AllSatisfy(i => i.Hint.Should().StartWith("task of 3f2b"));
        _completer.Complete("? 3f2b0", 7).Items.Single().Hint.Should().BeNull();
    }

    [Theory]
    [InlineData("spawn ")]
    [InlineData("spawn -m ")]
    [InlineData("c 3f2b0a11 ")]
    [InlineData("ls ")]
    [InlineData("nonsense ")]
    [InlineData("!cat ")]
    [InlineData("? 3f2b # ")]
    [InlineData("? \"3f")]
    public void Nothing_is_offered_where_no_id_or_command_belongs(string line)
    {
        Texts(line).Should().BeEmpty();
    }

    [Fact]
    public void A_dash_completes_the_command_s_options()
    {
        Texts("spawn --wa").Should().Equal("--wait");
        Texts("spawn --wo").Should().Equal("--worktree");
        Texts("show -").Should().Contain(["--json", "--help"]);
        Texts("spawn -").Should().NotContain("--async", "hidden options are not offered");
    }

    [Fact]
    public void Help_completes_command_names()
    {
        Texts("help tr").Should().Equal("traj", "trajectory");
        Texts("help sh").Should().Equal("show");
    }

    [Fact]
    public void The_word_under_completion_starts_where_it_starts_in_the_line()
    {
        var result = _completer.Complete("c  3f2b0 more", 8);

        result.Start.Should().Be(3);
        result.Items.Select(i => i.Text).Should().Equal("3f2b0a11");
    }

    public void Dispose() => _repl.Dispose();
}
