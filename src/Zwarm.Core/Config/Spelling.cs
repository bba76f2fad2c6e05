namespace Zwarm.Core.Config;

/// <summary>"Did you mean" hints for misspelt keys and values.</summary>
public static class Spelling
{
    /// <summary>The candidate closest to <paramref name="input"/> (case-insensitive edit distance), or null when none is close.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates, int lengthDivisor = 3)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var a = input.ToLowerInvariant();
        foreach (var c in candidates)
        {
            var d = Distance(a, c.ToLowerInvariant());
            if (d < bestDistance) (bestDistance, best) = (d, c);
        }
        return bestDistance <= Math.Max(2, input.Length / lengthDivisor) ? best : null;
    }

    /// <summary>Up to <paramref name="count"/> candidates close to <paramref name="input"/>, nearest first.</summary>
    public static List<string> Nearest(string input, IEnumerable<string> candidates, int count)
    {
        var a = input.ToLowerInvariant();
        var limit = Math.Max(2, input.Length / 3);
        return candidates.Select(c => (c, d: Distance(a, c.ToLowerInvariant())))
            .Where(x => x.d <= limit)
            .OrderBy(x => x.d).ThenBy(x => x.c, StringComparer.Ordinal)
            .Take(count).Select(x => x.c).ToList();
    }

    private static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
