using AwesomeAssertions;

namespace Zwarm.Core.Tests;

/// <summary>
/// Rules of the house checked over the whole tree. Lines are at most 140 characters (.editorconfig
/// <c>max_line_length</c>); the files that were longer when the rule came in are listed, with their count, in
/// <c>tests/long-lines.baseline</c>: a count may only go down, a file not listed may have none.
/// </summary>
public sealed class HouseRulesSpecs
{
    private const int MaxLineLength = 140;
    private static readonly string BaselineFile = Path.Combine(Repo.Root, "tests", "long-lines.baseline");

    [Fact]
    public void No_cs_line_is_longer_than_140_characters_beyond_the_baseline()
    {
        var baseline = ReadBaseline();
        var offenders = new List<string>();
        foreach (var (file, lines) in LongLines())
        {
            var allowed = baseline.GetValueOrDefault(file);
            if (lines.Count > allowed)
                offenders.Add($"{file}: {lines.Count} line(s) over {MaxLineLength} (allowed {allowed}): lines {string.Join(", ", lines)}");
        }
        offenders.Should().BeEmpty("wrap lines at {0} characters; the baseline may only shrink", MaxLineLength);
    }

    [Fact]
    public void The_editorconfig_states_the_line_limit()
    {
        File.ReadAllText(Path.Combine(Repo.Root, ".editorconfig")).Should().Contain($"max_line_length = {MaxLineLength}");
    }

    /// <summary>Every .cs file under src/ and tests/ (no build output, no captured fixtures) with its long lines' numbers.</summary>
    internal static IEnumerable<(string File, List<int> Lines)> LongLines()
    {
        foreach (var top in new[] { "src", "tests" })
            foreach (var path in Directory.EnumerateFiles(Path.Combine(Repo.Root, top), "*.cs", SearchOption.AllDirectories))
            {
                var rel = Path.GetRelativePath(Repo.Root, path).Replace('\\', '/');
                if (rel.Contains("/obj/", StringComparison.Ordinal) || rel.Contains("/bin/", StringComparison.Ordinal)
                    || rel.StartsWith("tests/fixtures/", StringComparison.Ordinal)) continue;
                var lines = File.ReadLines(path).Select((line, i) => (line.Length, Number: i + 1))
                    .Where(x => x.Length > MaxLineLength).Select(x => x.Number).ToList();
                if (lines.Count > 0) yield return (rel, lines);
            }
    }

    private static Dictionary<string, int> ReadBaseline() =>
        File.ReadLines(BaselineFile)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2))
            .ToDictionary(p => p[1], p => int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
}
