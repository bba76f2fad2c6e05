using System.Globalization;
using System.Text.RegularExpressions;

namespace Zwarm.Core.Sessions;

/// <summary>
/// ISO 8601 date-times in every common form: extended or basic (<c>2026-12-01T22:25:26</c>, <c>20261201T222526</c>),
/// <c>T</c> or a space between date and time, any number of fraction digits (<c>.</c> or <c>,</c>), an offset (<c>Z</c>,
/// <c>+05:30</c>, <c>+0530</c>, <c>+05</c>) or none (local time, as Python writes it), or a date alone.
/// </summary>
public static partial class IsoTimestamp
{
    [GeneratedRegex("""
        ^(?<y>\d{4})-?(?<mo>\d{2})-?(?<d>\d{2})
        (?:[Tt ](?<h>\d{2})(?::?(?<mi>\d{2})(?::?(?<s>\d{2})(?:[.,](?<f>\d+))?)?)?
           \s*(?<z>[Zz]|[+\-−]\d{2}(?::?\d{2})?)?)?$
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Parses <paramref name="text"/>; a time without offset is local time.</summary>
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        var m = Pattern().Match(text.Trim());
        if (!m.Success) return false;
        int N(string g) => m.Groups[g].Success ? int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
        try
        {
            var fraction = m.Groups["f"].Value;
            var ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0')[..7], CultureInfo.InvariantCulture);
            var hour = N("h");
            var dt = new DateTime(N("y"), N("mo"), N("d"), 0, 0, 0, DateTimeKind.Unspecified)
                .AddHours(hour).AddMinutes(N("mi")).AddSeconds(N("s")).AddTicks(ticks); // 24:00:00 is the next midnight
            if (hour > 24 || N("mi") > 59 || N("s") > 60) return false;
            var zone = m.Groups["z"].Value;
            value = zone.Length == 0 ? new DateTimeOffset(dt, TimeZoneInfo.Local.GetUtcOffset(dt)) : new DateTimeOffset(dt, Offset(zone));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Seconds since the Unix epoch (Python's <c>time.time()</c>).</summary>
    public static DateTimeOffset FromEpochSeconds(double seconds)
        => DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)).ToLocalTime();

    private static TimeSpan Offset(string zone)
    {
        if (zone is "Z" or "z") return TimeSpan.Zero;
        var sign = zone[0] == '+' ? 1 : -1;
        var digits = zone[1..].Replace(":", "", StringComparison.Ordinal);
        var h = int.Parse(digits[..2], CultureInfo.InvariantCulture);
        var mi = digits.Length >= 4 ? int.Parse(digits[2..4], CultureInfo.InvariantCulture) : 0;
        return sign * new TimeSpan(h, mi, 0);
    }
}
