using System.Text.RegularExpressions;
using AwesomeAssertions;
using Tomlyn;
using Tomlyn.Model;
using Xunit;
using Zwarm.Core.Agents.Codex;
using Zwarm.Core.Config;

namespace Zwarm.Core.Tests.Agents.Codex;

/// <summary>codex.toml rendered as codex's -c overrides: every value survives codex's own parsing.</summary>
public sealed class CodexTomlSpecs
{
    private const string Rich = """
        model = "gpt-5.1-codex"
        full_danger = false
        model_reasoning_effort = "high"
        quote = "say \"hi\"\\ then\nnew line\t tab é ✓"
        literal = 'C:\Users\x'
        count = 3
        negative = -7
        ratio = 0.5
        whole = 2.0
        big = 1e300
        enabled = true
        when = 1979-05-27T07:32:00Z
        day = 1979-05-27
        args = ["--a", "b c", 3, [true, false]]
        model_providers.mock = { name = "mock", base_url = "http://127.0.0.1:8765/v1", wire_api = "responses", env_key = "MOCK_KEY", supports_websockets = false }
        "key with spaces" = "ok"

        [sandbox_workspace_write]
        network_access = true
        writable_roots = ["/tmp/a", "/tmp/b"]

        [mcp_servers.docs]
        command = "npx"
        args = ["-y", "docs-mcp"]
        env = { TOKEN = "t", "weird key" = "v", nested = { deep = 1 } }

        [[profiles_list]]
        name = "a"
        [[profiles_list]]
        name = "b"
        """;

    [Fact]
    public void Every_key_but_model_and_full_danger_becomes_one_override_in_file_order()
    {
        var settings = CodexToml.Read(TomlDocument.Parse(Rich, "codex.toml"));

        settings.FullDanger.Should().BeFalse();
        settings.Overrides.Should().Equal(
            "model_reasoning_effort=\"high\"",
            "quote=\"say \\\"hi\\\"\\\\ then\\nnew line\\t tab é ✓\"",
            "literal=\"C:\\\\Users\\\\x\"",
            "count=3",
            "negative=-7",
            "ratio=0.5",
            "whole=2.0",
            "big=1E+300",
            "enabled=true",
            "when=1979-05-27T07:32:00Z",
            "day=1979-05-27",
            "args=[\"--a\", \"b c\", 3, [true, false]]",
            "model_providers.mock={name = \"mock\", base_url = \"http://127.0.0.1:8765/v1\", wire_api = \"responses\", " +
            "env_key = \"MOCK_KEY\", supports_websockets = false}",
            "key with spaces=\"ok\"",
            "sandbox_workspace_write.network_access=true",
            "sandbox_workspace_write.writable_roots=[\"/tmp/a\", \"/tmp/b\"]",
            "mcp_servers.docs.command=\"npx\"",
            "mcp_servers.docs.args=[\"-y\", \"docs-mcp\"]",
            "mcp_servers.docs.env={TOKEN = \"t\", \"weird key\" = \"v\", nested = {deep = 1}}",
            "profiles_list=[{name = \"a\"}, {name = \"b\"}]");
    }

    [Fact]
    public void Applying_the_overrides_as_codex_does_rebuilds_the_file()
    {
        var doc = TomlDocument.Parse(Rich, "codex.toml");
        var rebuilt = new Dictionary<string, object?>();
        foreach (var o in CodexToml.Read(doc).Overrides)
        {
            // codex: split at the first '=', the key at every '.', parse the value as the TOML value of "_x_ = …".
            var eq = o.IndexOf('=');
            var path = o[..eq].Trim().Split('.');
            var value = TomlSerializer.Deserialize<TomlTable>("_x_ = " + o[(eq + 1)..])!["_x_"];
            var node = rebuilt;
            foreach (var part in path[..^1])
            {
                if (!node.TryGetValue(part, out var child)) node[part] = child = new Dictionary<string, object?>();
                node = (Dictionary<string, object?>)child!;
            }
            node[path[^1]] = Plain(value);
        }

        var expected = (Dictionary<string, object?>)Plain(doc.Table)!;
        expected.Remove("model");
        expected.Remove("full_danger");
        rebuilt.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
    }

    [Fact]
    public void An_empty_section_adds_nothing_but_an_empty_inline_table_is_passed()
        => CodexToml.Read(TomlDocument.Parse("[features]\n# plugins = false\n[tools]\nweb = {}\n", "codex.toml")).Overrides
            .Should().Equal("tools.web={}");

    [Fact]
    public void The_init_template_is_all_comments_and_every_line_works_uncommented()
    {
        var template = new CodexAdapter().TomlTemplate;
        CodexToml.Read(TomlDocument.Parse(template, "codex.toml")).Should().BeEquivalentTo(new CodexToml.Settings([], FullDanger: false));

        var uncommented = Regex.Replace(template, @"^# (?=[a-z_]+ = |\[)", "", RegexOptions.Multiline);
        var settings = CodexToml.Read(TomlDocument.Parse(uncommented, "codex.toml"));

        settings.FullDanger.Should().BeFalse();
        settings.Overrides.Should()
            .Equal("model_reasoning_effort=\"medium\"", "approval_policy=\"never\"", "sandbox_workspace_write.network_access=true");
    }

    [Fact]
    public void Full_danger_true_is_read()
        => CodexToml.Read(TomlDocument.Parse("full_danger = true", "codex.toml")).Should()
            .BeEquivalentTo(new CodexToml.Settings([], FullDanger: true));

    [Fact]
    public void A_missing_file_has_no_overrides()
        => CodexToml.Read(TomlDocument.Empty("codex.toml")).Should().BeEquivalentTo(new CodexToml.Settings([], FullDanger: false));

    [Theory]
    [InlineData("workspace-write", "\"workspace-write\"")]
    [InlineData("a\u0001b", "\"a\\u0001b\"")]
    [InlineData(true, "true")]
    [InlineData(12L, "12")]
    [InlineData(-0.25, "-0.25")]
    [InlineData(double.PositiveInfinity, "+inf")]
    public void Single_values_render_as_toml(object value, string toml) => CodexToml.Render(value).Should().Be(toml);

    private static object? Plain(object? value) => value switch
    {
        TomlTable t => t.ToDictionary(kv => kv.Key, kv => Plain(kv.Value)),
        TomlTableArray ta => ta.Select(Plain).ToList(),
        TomlArray a => a.Select(Plain).ToList(),
        TomlDateTime dt => dt.ToString(),
        _ => value,
    };
}
