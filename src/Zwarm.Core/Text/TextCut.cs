namespace Zwarm.Core.Text;

/// <summary>
/// The one way zwarm shortens text for a line, a table cell, a hook or an LLM's context, so every surface cuts
/// alike: the limit is the whole length, "…" included, and a cut never splits a surrogate pair.
/// </summary>
public static class TextCut
{
    /// <summary>The mark of a cut.</summary>
    public const string Ellipsis = "…";

    /// <summary>At most <paramref name="max"/> characters, the ellipsis counted, so columns and budgets hold.</summary>
    public static string Cut(string? s, int max)
    {
        s ??= "";
        return s.Length <= max ? s : s[..Keep(s, max - 1)] + Ellipsis;
    }

    /// <summary>Whitespace (newlines included) collapsed to single spaces, then cut: a line that cannot break a layout.</summary>
    public static string OneLine(string? s, int max) =>
        Cut(string.Join(' ', (s ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), max);

    /// <summary>
    /// The first <paramref name="maxLines"/> lines of a text, at most <paramref name="maxChars"/> characters of them, with
    /// " …" when anything was left out: for blocks that keep their line breaks (a task, a reply, a thought).
    /// </summary>
    public static string Excerpt(string text, int maxLines, int maxChars)
    {
        var lines = text.Trim().ReplaceLineEndings("\n").Split('\n');
        var cut = string.Join("\n", lines.Take(maxLines));
        if (cut.Length > maxChars) cut = cut[..Keep(cut, maxChars)];
        return cut.Length < text.Trim().Length ? cut.TrimEnd() + " " + Ellipsis : cut;
    }

    // How many leading characters to keep for a budget of n: one fewer when the last would be half a surrogate pair.
    private static int Keep(string s, int n)
    {
        n = Math.Clamp(n, 0, s.Length);
        return n > 0 && char.IsHighSurrogate(s[n - 1]) ? n - 1 : n;
    }
}
