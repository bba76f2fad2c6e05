using System.Text;
using Zwarm.Core.Text;

namespace Zwarm.Cli.Repl;

/// <summary>Lays out several completion candidates under the line: one per line with hints, else in columns.</summary>
internal static class CompletionList
{
    private const int MaxShown = 60;

    /// <summary>The listing, each line ending in \r\n (the terminal may be in raw mode).</summary>
    public static string Format(IReadOnlyList<CompletionItem> items, int width)
    {
        var sb = new StringBuilder();
        var shown = items.Take(MaxShown).ToList();
        var textWidth = shown.Max(i => i.Text.Length);
        if (shown.Any(i => i.Hint is not null))
        {
            foreach (var i in shown)
            {
                var row = $"  {i.Text.PadRight(textWidth)}  {i.Hint}";
                sb.Append(TextCut.Cut(row, width - 1)).Append("\r\n");
            }
        }
        else
        {
            var column = textWidth + 2;
            var perRow = Math.Max(1, (width - 2) / column);
            for (var r = 0; r < shown.Count; r += perRow)
                sb.Append("  ")
                    .Append(string.Concat(shown.Skip(r).Take(perRow).Select(i => i.Text.PadRight(column))).TrimEnd())
                    .Append("\r\n");
        }
        if (items.Count > shown.Count) sb.Append($"  … and {items.Count - shown.Count} more\r\n");
        return sb.ToString();
    }
}
