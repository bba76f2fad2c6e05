using AwesomeAssertions;
using Zwarm.Core.Text;

namespace Zwarm.Core.Tests.Text;

/// <summary>The one text-cutting rule: the limit is the whole length, "…" included, and a pair is never split.</summary>
public sealed class TextCutSpecs
{
    [Theory]
    [InlineData("short", 10, "short")]
    [InlineData("exactly10!", 10, "exactly10!")]
    [InlineData("eleven char", 10, "eleven ch…")]
    [InlineData("abc", 1, "…")]
    [InlineData("abc", 0, "…")]
    [InlineData("a😀b", 3, "a…")]
    public void Cut_keeps_the_limit_with_the_ellipsis_counted(string text, int max, string expected)
    {
        TextCut.Cut(text, max).Should().Be(expected);
    }

    [Fact]
    public void Cut_of_nothing_is_empty()
    {
        TextCut.Cut(null, 5).Should().BeEmpty();
    }

    [Fact]
    public void OneLine_collapses_whitespace_before_cutting()
    {
        TextCut.OneLine("  fix\n\tthe   tests \r\n now ", 100).Should().Be("fix the tests now");
        TextCut.OneLine("fix\nthe tests", 8).Should().Be("fix the…");
    }

    [Fact]
    public void Excerpt_keeps_line_breaks_and_marks_what_it_left_out()
    {
        TextCut.Excerpt("one\r\ntwo\nthree", 2, 100).Should().Be("one\ntwo …");
        TextCut.Excerpt("  one\ntwo  ", 5, 100).Should().Be("one\ntwo");
        TextCut.Excerpt("abcdefgh", 1, 4).Should().Be("abcd …");
    }
}
