using System.Text;
using System.Text.Json;
using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;

namespace Zwarm.Core.Tests.Agents.Codex;

/// <summary>Reading values in place inside one JSON line.</summary>
public sealed class JsonSpanSpecs
{
    private static readonly byte[] Line = Encoding.UTF8.GetBytes(
        """{"t\u0079pe":"a\u0062","n":42,"big":1e400,"o":{"x":[1,{"y":"z"},"w"],"e":{}},"dup":1,"dup":2,"s":"q\"\\","nil":null,"last":true}""");

    [Fact]
    public void Properties_are_found_by_their_unescaped_names_and_values_compare_unescaped()
    {
        JsonSpan.TryParseLine(Line, out var root).Should().BeTrue();

        root.TryGet("type"u8, out var type).Should().BeTrue();
        type.ValueEquals("ab"u8).Should().BeTrue();
        type.GetString().Should().Be("ab");
        root.TryGet("s"u8, out var s).Should().BeTrue();
        s.GetString().Should().Be("q\"\\");
        root.TryGet("missing"u8, out var missing).Should().BeFalse();
        missing.IsNull.Should().BeTrue();
    }

    [Fact]
    public void Numbers_nulls_and_literals_are_read_in_the_middle_of_a_line()
    {
        JsonSpan.TryParseLine(Line, out var root);

        root.TryGet("n"u8, out var n).Should().BeTrue();
        n.TryGetInt64(out var value).Should().BeTrue();
        value.Should().Be(42);
        root.TryGet("big"u8, out var big).Should().BeTrue();
        big.TryGetInt64(out _).Should().BeFalse();
        root.TryGet("nil"u8, out var nil).Should().BeTrue();
        nil.IsNull.Should().BeTrue();
        root.TryGet("last"u8, out var last).Should().BeTrue();
        last.Kind.Should().Be(JsonTokenType.True);
        root.TryGet("dup"u8, out var dup).Should().BeTrue();
        dup.TryGetInt64(out var first).Should().BeTrue();
        first.Should().Be(1);
    }

    [Fact]
    public void Nested_values_give_their_raw_text_and_enumerate()
    {
        JsonSpan.TryParseLine(Line, out var root);
        root.TryGet("o"u8, out var o).Should().BeTrue();

        o.GetRawText().Should().Be("""{"x":[1,{"y":"z"},"w"],"e":{}}""");
        o.TryGet("x"u8, out var x).Should().BeTrue();
        var kinds = new List<JsonTokenType>();
        foreach (var element in x.EnumerateArray()) kinds.Add(element.Kind);
        kinds.Should().Equal(JsonTokenType.Number, JsonTokenType.StartObject, JsonTokenType.String);
        var names = new List<string>();
        for (var p = o.EnumerateObject(); p.MoveNext();) names.Add(p.Name!);
        names.Should().Equal("x", "e");
        o.TryGet("e"u8, out var e).Should().BeTrue();
        e.EnumerateObject().MoveNext().Should().BeFalse();
        n(root).EnumerateArray().MoveNext().Should().BeFalse();

        static JsonSpan n(JsonSpan r) => r.TryGet("n"u8, out var v) ? v : default;
    }

    [Fact]
    public void Two_properties_are_found_in_one_pass_in_either_order()
    {
        JsonSpan.TryParseLine(Line, out var root);

        root.Get("last"u8, out var last, "n"u8, out var n);
        last.Kind.Should().Be(JsonTokenType.True);
        n.TryGetInt64(out var value).Should().BeTrue();
        value.Should().Be(42);
        root.Get("n"u8, out _, "absent"u8, out var absent);
        absent.IsNull.Should().BeTrue();
    }

    [Theory]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"a\":")]
    [InlineData("{\"a\":\"\\q\"}")]
    [InlineData("   ")]
    public void A_line_that_is_not_one_json_value_throws_a_json_exception(string line)
        => ((Action)(() => JsonSpan.TryParseLine(Encoding.UTF8.GetBytes(line), out _))).Should().Throw<JsonException>();

    [Fact]
    public void Invalid_utf8_is_not_a_value()
        => JsonSpan.TryParseLine([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], out _).Should().BeFalse();
}
