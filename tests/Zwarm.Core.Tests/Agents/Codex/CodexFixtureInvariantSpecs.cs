using System.Text.Json;
using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;
using static Zwarm.Core.Tests.Agents.Codex.CodexFixtures;

namespace Zwarm.Core.Tests.Agents.Codex;

/// <summary>What holds for every codex fixture: stderr in the same file, parsing without a trajectory, exit codes.</summary>
public sealed class CodexFixtureInvariantSpecs
{
    public static TheoryData<string, int> Fixtures => new()
    {
        { "01_plain.jsonl", 2 },
        { "02_tool_shell.jsonl", 2 },
        { "03_resume.jsonl", 1 },
        { "03b_resume_last.jsonl", 1 },
        { "04_http500.jsonl", 2 },
        { "04b_http400.jsonl", 2 },
        { "05_response_failed.jsonl", 2 },
        { "06_reasoning.jsonl", 2 },
        { "07_apply_patch.jsonl", 2 },
        { "08_command_fails.jsonl", 2 },
        { "09_unknown_model_warning.jsonl", 2 },
        { "10_rate_limit_429.jsonl", 2 },
        { "11_usage_limit.jsonl", 2 },
        { "12_rate_limit_retry_after.jsonl", 2 },
    };

    [Fact]
    public void Every_codex_fixture_is_covered()
        => Directory.GetFiles(Dir, "*.jsonl").Select(Path.GetFileName)
            .Should().BeEquivalentTo(Fixtures.Select(row => row.Data.Item1));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Stderr_text_in_the_same_file_is_counted_as_malformed_and_changes_nothing_else(string name, int stderrLines)
    {
        var stdoutOnly = await ParseAsync(name);
        StderrLines(name).Should().HaveCount(stderrLines);

        foreach (var stderrFirst in new[] { true, false })
        {
            var combined = await ParseCombinedAsync(name, stderrFirst);

            combined.MalformedLines.Should().Be(stderrLines);
            combined.Lines.Should().Be(stdoutOnly.Lines + stderrLines);
            combined.Should().BeEquivalentTo(stdoutOnly, o => o.Excluding(r => r.MalformedLines).Excluding(r => r.Lines));
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Without_a_trajectory_the_parse_is_the_same_but_has_no_steps(string name, int stderrLines)
    {
        _ = stderrLines;
        var full = await ParseAsync(name, collectTrajectory: true);
        var light = await ParseAsync(name, collectTrajectory: false);

        light.Steps.Should().BeEmpty();
        light.Should().BeEquivalentTo(full, o => o.Excluding(r => r.Steps));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task The_parse_agrees_with_the_recorded_exit_code(string name, int stderrLines)
    {
        _ = stderrLines;
        using var codes = JsonDocument.Parse(
            await File.ReadAllTextAsync(Path.Combine(AgentsDir, "exit_codes.json"), TestContext.Current.CancellationToken));
        var exitCode = codes.RootElement.GetProperty("codex/" + name).GetProperty("exit_code").GetInt32();
        var r = await ParseAsync(name);

        r.AgentSessionId.Should().NotBeNullOrEmpty();
        if (exitCode == 0)
        {
            r.CompletionEvent.Should().BeTrue();
            r.Reply.Should().NotBeNullOrEmpty();
            r.Error.Should().BeNull();
        }
        else
        {
            r.CompletionEvent.Should().BeFalse();
            r.Reply.Should().BeNull();
            r.Error.Should().NotBeNullOrEmpty();
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Every_prefix_of_every_line_parses_without_throwing(string name, int stderrLines)
    {
        _ = stderrLines;
        var lines = await File.ReadAllLinesAsync(PathOf(name), TestContext.Current.CancellationToken);
        foreach (var line in lines)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(line);
            for (var n = 1; n < bytes.Length; n++)
            {
                var parser = new Zwarm.Core.Agents.Codex.CodexParser(collectTrajectory: true);
                parser.Feed(bytes.AsSpan(0, n));
                parser.Result.MalformedLines.Should().Be(1, "a truncated line is never a complete event");
            }
        }
    }
}
