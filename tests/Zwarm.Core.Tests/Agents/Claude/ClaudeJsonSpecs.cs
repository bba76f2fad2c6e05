using System.Text.Json;
using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents.Claude;

namespace Zwarm.Core.Tests.Agents.Claude;

/// <summary>Decoding only the start of a long JSON string, for one-line summaries.</summary>
public sealed class ClaudeJsonSpecs
{
    private static string PrefixOf(string value, int maxChars)
    {
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(new { v = value }));
        return ClaudeJson.Prefix(doc.RootElement.GetProperty("v"), maxChars);
    }

    [Theory]
    [InlineData("short", 10, "short")]
    [InlineData("exactly10!", 10, "exactly10!")]
    [InlineData("eleven char", 10, "eleven cha…")]
    [InlineData("ééééé", 4, "éééé…")]
    [InlineData("ééé", 4, "ééé")]
    [InlineData("a\"b\\c\nd", 5, "a\"b\\c…")]
    [InlineData("😀😀😀", 3, "😀…")]
    [InlineData("😀😀😀", 4, "😀😀…")]
    [InlineData("", 5, "")]
    public void A_prefix_is_decoded_without_splitting_escapes_or_characters(string value, int maxChars, string expected)
    {
        PrefixOf(value, maxChars).Should().Be(expected);
    }

    [Fact]
    public void A_prefix_of_unescaped_multi_byte_text_never_splits_a_character()
    {
        var value = string.Concat(Enumerable.Repeat("日本語😀", 100));
        using var doc = JsonDocument.Parse("{\"v\":\"" + value + "\"}");

        ClaudeJson.Prefix(doc.RootElement.GetProperty("v"), 7).Should().Be("日本語😀日本…");
        ClaudeJson.RawPrefix(doc.RootElement, 9).Should().Be("{\"v\":\"日…");
    }

    [Fact]
    public void One_line_collapses_whitespace()
    {
        ClaudeJson.OneLine("  a\n\n b\t c  ").Should().Be("a b c");
    }
}
