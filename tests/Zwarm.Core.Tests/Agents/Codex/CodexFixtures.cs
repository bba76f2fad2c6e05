using System.Text;
using Xunit;
using Zwarm.Core.Agents;
using Zwarm.Core.Agents.Codex;

namespace Zwarm.Core.Tests.Agents.Codex;

/// <summary>The captured codex output in tests/fixtures/agents/codex, and ways to parse it.</summary>
internal static class CodexFixtures
{
    public static string AgentsDir => Repo.Fixtures;

    public static string Dir => Path.Combine(AgentsDir, "codex");

    public static string PathOf(string name) => Path.Combine(Dir, name);

    public static string[] StderrLines(string name)
    {
        var path = PathOf(Path.ChangeExtension(name, null) + ".stderr.txt");
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    public static async Task<TurnParseResult> ParseAsync(string name, bool collectTrajectory = true)
    {
        var parser = new CodexParser(collectTrajectory);
        await TurnReader.ParseFileAsync(PathOf(name), parser, TestContext.Current.CancellationToken);
        return parser.Result;
    }

    /// <summary>Parses stdout and stderr as one file, as a turn file holds them (stderr's lines first or last).</summary>
    public static async Task<TurnParseResult> ParseCombinedAsync(string name, bool stderrFirst)
    {
        var stdout = await File.ReadAllBytesAsync(PathOf(name), TestContext.Current.CancellationToken);
        var stderr = Encoding.UTF8.GetBytes(string.Concat(StderrLines(name).Select(l => l + "\n")));
        using var combined = new MemoryStream();
        combined.Write(stderrFirst ? stderr : stdout);
        combined.Write(stderrFirst ? stdout : stderr);
        combined.Position = 0;
        var parser = new CodexParser(collectTrajectory: true);
        await TurnReader.FeedStreamAsync(combined, parser, finalPartialLine: true, TestContext.Current.CancellationToken);
        return parser.Result;
    }

    /// <summary>Feeds the given lines directly, one at a time.</summary>
    public static TurnParseResult ParseLines(params string[] lines) => ParseLines(true, lines);

    public static TurnParseResult ParseLines(bool collectTrajectory, params string[] lines)
    {
        var parser = new CodexParser(collectTrajectory);
        foreach (var line in lines) parser.Feed(Encoding.UTF8.GetBytes(line));
        return parser.Result;
    }

    public static Dictionary<string, long> Usage(long input, long cached, long cacheWrite, long output, long reasoning, long total) => new()
    {
        ["input_tokens"] = input,
        ["cached_input_tokens"] = cached,
        ["cache_write_input_tokens"] = cacheWrite,
        ["output_tokens"] = output,
        ["reasoning_output_tokens"] = reasoning,
        ["total_tokens"] = total,
    };
}
