using System.Text.RegularExpressions;

namespace Zwarm.Core.Config;

/// <summary>
/// TOML forbids defining a table or a key twice, but the parser lets the last one win: a second <c>[executor]</c> would
/// silently replace part of the first. This line scan finds both cases (outside multi-line strings) and names the lines.
/// </summary>
internal static partial class TomlDuplicates
{
    private const string Part = """(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')""";

    [GeneratedRegex($@"^\s*\[\s*(?<name>{Part}(?:\s*\.\s*{Part})*)\s*\]\s*(?:#.*)?$")]
    private static partial Regex Table();

    [GeneratedRegex($@"^\s*\[\[\s*(?<name>{Part}(?:\s*\.\s*{Part})*)\s*\]\]\s*(?:#.*)?$")]
    private static partial Regex TableArray();

    [GeneratedRegex($@"^\s*(?<name>{Part}(?:\s*\.\s*{Part})*)\s*=")]
    private static partial Regex Key();

    [GeneratedRegex(Part)]
    private static partial Regex Parts();

    /// <summary>Throws a <see cref="ZwarmException"/> naming file and line when a table or key is defined twice.</summary>
    public static void Check(string text, string source)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var arrays = new Dictionary<string, int>(StringComparer.Ordinal);
        var table = "";
        string? openString = null;
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var n = 1; n <= lines.Length; n++)
        {
            var line = lines[n - 1];
            if (openString is not null)
            {
                if (Count(line, openString) % 2 == 1) openString = null;
                continue;
            }
            Match m;
            if ((m = TableArray().Match(line)).Success)
            {
                var name = Normalize(m.Groups["name"].Value);
                table = $"{name}[{arrays[name] = arrays.GetValueOrDefault(name) + 1}]";
            }
            else if ((m = Table().Match(line)).Success)
            {
                table = Normalize(m.Groups["name"].Value);
                if (seen.TryGetValue("[" + table, out var first))
                    throw new ZwarmException($"{source}:{n}: invalid TOML: table [{table}] is defined twice (first at line {first})");
                seen["[" + table] = n;
            }
            else if ((m = Key().Match(line)).Success)
            {
                var key = (table.Length > 0 ? table + "." : "") + Normalize(m.Groups["name"].Value);
                if (seen.TryGetValue(key, out var first))
                    throw new ZwarmException($"{source}:{n}: invalid TOML: key '{key}' is defined twice (first at line {first})");
                seen[key] = n;
            }
            foreach (var delimiter in new[] { "\"\"\"", "'''" })
                if (Count(line, delimiter) % 2 == 1) openString = delimiter;
        }
    }

    private static string Normalize(string dotted) => string.Join('.', Parts().Matches(dotted).Select(p => p.Value.Trim('"', '\'')));

    private static int Count(string line, string what)
    {
        var count = 0;
        for (var i = line.IndexOf(what, StringComparison.Ordinal); i >= 0;
             i = line.IndexOf(what, i + what.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
