using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Zwarm.Core;
using Zwarm.Core.Events;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm events [--follow] [--since T] [--session ID] [--json]: the event log, as lines or JSON Lines.</summary>
internal static partial class EventsCommand
{
    public static Command Create(CliHost host)
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "keep printing new events as they happen (until Ctrl+C)" };
        var since = new Option<string?>("--since")
        {
            Description = "only events at or after T: an ISO 8601 time, or an age like 30s, 10m, 2h, 1d",
        };
        var session = new Option<string?>("--session", "-s")
        {
            Description = "only events of this session (id or prefix; removed sessions too)",
        };
        var json = Options.Json();
        var cmd = new Command("events", "the event log: every status change and lifecycle act, oldest first")
        {
            follow, since, session, json,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var from = pr.GetValue(since) is { } s ? ParseSince(s, host.Now) : (DateTimeOffset?)null;
            var prefix = pr.GetValue(session) is { } p ? SessionIds.Validate(p) : null;
            var asJson = pr.GetValue(json);
            var config = await host.ConfigAsync(ct);
            var log = new EventLog(host.ZwarmDir, config.Events.MaxBytes, config.Events.Keep);
            bool Wanted(ZwarmEvent e) =>
                (from is null || e.Ts >= from) && (prefix is null || e.SessionId?.StartsWith(prefix, StringComparison.Ordinal) == true);
            void Print(ZwarmEvent e)
            {
                if (!Wanted(e)) return;
                host.Out.WriteLine(asJson ? Encoding.UTF8.GetString(EventLog.Line(e)).TrimEnd('\n') : Human(e));
            }
            if (!pr.GetValue(follow))
            {
                foreach (var e in log.ReadAll()) Print(e);
                return ExitCodes.Success;
            }
            // Rotated files first; the current file is read from its start by the follower, so nothing falls in between.
            for (var n = log.Keep; n >= 1; n--)
                foreach (var e in log.ReadRotated(log.RotatedPath(n))) Print(e);
            try
            {
                await foreach (var e in log.FollowAsync(ct))
                {
                    Print(e);
                    host.Out.Flush();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C is how following ends.
            }
            return ExitCodes.Success;
        });
        return cmd;
    }

    /// <summary>One event as a plain line; text that came from an agent is made safe for a terminal.</summary>
    public static string Human(ZwarmEvent e)
    {
        var sb = new StringBuilder();
        sb.Append(e.Ts.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append("  ");
        sb.Append((e.ShortId ?? "-").PadRight(8)).Append("  ").Append(e.Event.PadRight(15));
        if (e.Turn is { } t) sb.Append(CultureInfo.InvariantCulture, $" turn {t}");
        if (e.Adapter is { } a) sb.Append("  ").Append(a);
        if (e.Status is { } st && st != e.Event) sb.Append("  ").Append(st);
        if (e.Tokens is > 0) sb.Append(CultureInfo.InvariantCulture, $"  {e.Tokens:N0} tok");
        if (e.CostUsd is { } c and > 0) sb.Append(CultureInfo.InvariantCulture, $"  ${c:0.0000}");
        if (e.Reason is { Length: > 0 } r) sb.Append("  — ").Append(Safe(r));
        return sb.ToString();
    }

    /// <summary>Control characters (escape sequences included) shown as \uXXXX, so agent text cannot steer a terminal.</summary>
    public static string Safe(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s)
        {
            if (ch is '\n' or '\r' or '\t') sb.Append(' ');
            else if (char.IsControl(ch)) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)ch:x4}");
            else sb.Append(ch);
        }
        return sb.ToString();
    }

    /// <summary>An ISO 8601 time or an age (30s, 10m, 2h, 1d, 1w) before <paramref name="now"/>.</summary>
    public static DateTimeOffset ParseSince(string text, DateTimeOffset now)
    {
        var m = AgePattern().Match(text.Trim());
        if (m.Success)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var unit = m.Groups[2].Value switch { "s" => 1, "m" => 60, "h" => 3600, "d" => 86400, _ => 604800 };
            return now - TimeSpan.FromSeconds(n * unit);
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var at)) return at;
        throw new ZwarmException(
            $"--since {text}: expected an ISO 8601 time (2026-12-01T22:00) or an age like 30s, 10m, 2h, 1d", ExitCodes.Usage);
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*([smhdw])$")]
    private static partial Regex AgePattern();
}
