using AwesomeAssertions;
using Zwarm.Cli.Repl;

namespace Zwarm.Cli.Tests.Repl;

/// <summary>Splitting REPL lines like a shell.</summary>
[Collection(ReplSpecs.Name)]
public sealed class TokenizerSpecs
{
    [Theory]
    [InlineData("ls", new[] { "ls" })]
    [InlineData("  spawn   fix  it  ", new[] { "spawn", "fix", "it" })]
    [InlineData("spawn \"fix the bug\" -m mini", new[] { "spawn", "fix the bug", "-m", "mini" })]
    [InlineData("c 3f2b 'it''s fine'", new[] { "c", "3f2b", "its fine" })]
    [InlineData("c 3f2b 'say \"hi\" \\n'", new[] { "c", "3f2b", "say \"hi\" \\n" })]
    [InlineData("spawn \"a \\\"quoted\\\" word \\\\ and \\x\"", new[] { "spawn", "a \"quoted\" word \\ and \\x" })]
    [InlineData("spawn fix\\ it\\'s", new[] { "spawn", "fix it's" })]
    [InlineData("spawn pre\"mid dle\"post", new[] { "spawn", "premid dlepost" })]
    [InlineData("spawn ''", new[] { "spawn", "" })]
    [InlineData("ls # list them", new[] { "ls" })]
    [InlineData("spawn 'issue #4' a#b", new[] { "spawn", "issue #4", "a#b" })]
    [InlineData("# only a comment", new string[0])]
    [InlineData("", new string[0])]
    public void A_line_splits_into_words_like_a_shell_would(string line, string[] words)
    {
        Tokenizer.Split(line).Should().Equal(words);
    }

    [Theory]
    [InlineData("spawn \"open", "unterminated \" quote")]
    [InlineData("spawn 'open", "unterminated ' quote")]
    [InlineData("spawn end\\", "a backslash ends the line")]
    public void An_unfinished_line_is_an_error_that_says_why(string line, string message)
    {
        var act = () => Tokenizer.Split(line);

        act.Should().Throw<TokenizeException>().WithMessage(message);
    }

    [Fact]
    public void Lenient_scanning_keeps_positions_and_lets_an_open_quote_run_to_the_end()
    {
        var tokens = Tokenizer.Scan("c  3f2b \"half done", lenient: true);

        tokens.Select(t => (t.Value, t.Start, t.End, t.Quoted)).Should().Equal(
            ("c", 0, 1, false), ("3f2b", 3, 7, false), ("half done", 8, 18, true));
    }
}
