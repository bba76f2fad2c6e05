using System.Globalization;
using System.Text.RegularExpressions;

namespace Zwarm.Core.Agents;

/// <summary>
/// When an agent said its rate or usage limit resets: an absolute time, or a wall-clock time ("try again at 12:40 AM",
/// local time, to the minute, optionally with a date) that is resolved against the time the agent said it.
/// </summary>
public sealed partial record RetryHint(DateTimeOffset? At = null, TimeOnly? Clock = null, DateOnly? Date = null)
{
    /// <summary>The time to retry at; a wall-clock time is rounded up to the end of its minute (the agent prints no seconds).</summary>
    public DateTimeOffset? Resolve(DateTimeOffset said)
    {
        if (At is { } at) return at;
        if (Clock is not { } clock) return null;
        var local = said.ToLocalTime();
        var date = Date ?? DateOnly.FromDateTime(local.DateTime);
        var offset = TimeZoneInfo.Local.GetUtcOffset(date.ToDateTime(clock));
        var when = new DateTimeOffset(date.ToDateTime(clock), offset).AddMinutes(1);
        // "12:05 AM" said at 23:59 means tomorrow.
        if (Date is null && when < local - TimeSpan.FromMinutes(1)) when = when.AddDays(1);
        return when;
    }

    /// <summary>Finds a stated reset in an agent's error text; null when there is none.</summary>
    public static RetryHint? FromText(string text)
    {
        var epoch = EpochPattern().Match(text);
        if (epoch.Success && long.TryParse(epoch.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return new RetryHint(At: DateTimeOffset.FromUnixTimeSeconds(seconds).ToLocalTime());
        var m = ClockPattern().Match(text);
        if (!m.Success) return null;
        var hour = int.Parse(m.Groups["h"].ValueSpan, CultureInfo.InvariantCulture);
        var minute = m.Groups["m"].Success ? int.Parse(m.Groups["m"].ValueSpan, CultureInfo.InvariantCulture) : 0;
        if (hour is < 1 or > 12 || minute > 59) return null;
        var pm = m.Groups["ampm"].Value.StartsWith('P') || m.Groups["ampm"].Value.StartsWith('p');
        hour = hour % 12 + (pm ? 12 : 0);
        DateOnly? date = null;
        if (m.Groups["mon"].Success && DateTime.TryParseExact(
                $"{m.Groups["mon"].Value} {m.Groups["day"].Value} " +
                $"{(m.Groups["year"].Success ? m.Groups["year"].Value : DateTime.Now.Year.ToString(CultureInfo.InvariantCulture))}",
                "MMM d yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            date = DateOnly.FromDateTime(d);
        return new RetryHint(Clock: new TimeOnly(hour, minute), Date: date);
    }

    // "usage limit reached|1767225600" (Claude Code's subscription limit message carries the reset as epoch seconds).
    [GeneratedRegex(@"limit reached\|(\d{9,11})", RegexOptions.IgnoreCase)]
    private static partial Regex EpochPattern();

    // "try again at 12:40 AM", "try again at Dec 3rd, 2026 9:15 PM", "resets 3pm".
    [GeneratedRegex(@"(?:try again at|resets(?: at)?)\s+(?:(?<mon>[A-Z][a-z]{2})\s+(?<day>\d{1,2})(?:st|nd|rd|th)?,?\s+" +
        @"(?:(?<year>\d{4}),?\s+)?)?(?<h>\d{1,2})(?::(?<m>\d{2}))?\s*(?<ampm>[AaPp][Mm])")]
    private static partial Regex ClockPattern();
}
