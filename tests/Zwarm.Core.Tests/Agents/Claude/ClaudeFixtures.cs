using Xunit;
using Zwarm.Core.Agents;
using Zwarm.Core.Agents.Claude;

namespace Zwarm.Core.Tests.Agents.Claude;

/// <summary>The real Claude Code captures in tests/fixtures/agents/claude.</summary>
internal static class ClaudeFixtures
{
    /// <summary>tests/fixtures/agents.</summary>
    public static string AgentsDir => Repo.Fixtures;

    /// <summary>Full path of a file in tests/fixtures/agents/claude.</summary>
    public static string Path(string name) => System.IO.Path.Combine(AgentsDir, "claude", name);

    /// <summary>Every stream-json and json capture.</summary>
    public static IEnumerable<string> All() => Directory.EnumerateFiles(System.IO.Path.Combine(AgentsDir, "claude"))
        .Where(f => f.EndsWith(".jsonl", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
        .Select(System.IO.Path.GetFileName)
        .Order(StringComparer.Ordinal)!;

    /// <summary>Parses a capture the way zwarm reads a turn file.</summary>
    public static async Task<TurnParseResult> ParseAsync(string name, bool collectTrajectory = true)
    {
        var parser = new ClaudeParser(collectTrajectory);
        await TurnReader.ParseFileAsync(Path(name), parser, TestContext.Current.CancellationToken);
        return parser.Result;
    }

    /// <summary>Parses lines given as text (one JSON object per line).</summary>
    public static TurnParseResult ParseLines(IEnumerable<string> lines, bool collectTrajectory = true)
    {
        var parser = new ClaudeParser(collectTrajectory);
        foreach (var line in lines) parser.Feed(System.Text.Encoding.UTF8.GetBytes(line));
        return parser.Result;
    }
}
