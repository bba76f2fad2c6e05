using Zwarm.Core.Agents;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>The final status of a turn, decided from its event stream and exit code (SPEC §3).</summary>
public sealed record TurnOutcome(SessionStatus Status, string? Error)
{
    /// <summary>
    /// Completion event and a reply → completed; an error with a reply → completed with "Completed with error: …";
    /// an error and no reply, no output, or a crash → failed with the reason.
    /// </summary>
    public static TurnOutcome Decide(TurnParseResult parse, int? exitCode, bool timedOut, int timeoutSeconds)
    {
        var reply = parse.Reply;
        if (timedOut)
            return new(
                SessionStatus.Failed,
                $"timed out after {timeoutSeconds} s (executor.timeout)" + (reply is null ? "" : "; partial reply kept"));
        if (reply is not null)
        {
            if (parse.Error is not null) return new(SessionStatus.Completed, $"Completed with error: {parse.Error}");
            if (!parse.CompletionEvent && exitCode is not null and not 0)
                return new(SessionStatus.Completed, $"Completed with error: agent exited with code {exitCode}");
            return new(SessionStatus.Completed, null);
        }
        if (parse.Error is not null) return new(SessionStatus.Failed, parse.Error);
        if (parse.Lines == 0)
            return new(
                SessionStatus.Failed,
                exitCode is null ? "agent process vanished without output" : $"agent produced no output (exit code {exitCode})");
        if (parse.CompletionEvent && exitCode is null or 0) return new(SessionStatus.Completed, null);
        return exitCode switch
        {
            null => new(SessionStatus.Failed, "agent process vanished"),
            0 => new(SessionStatus.Failed, "agent exited without a reply"),
            > 128 and < 160 => new(SessionStatus.Failed, $"agent was terminated by signal {exitCode - 128}"),
            _ => new(SessionStatus.Failed, $"agent exited with code {exitCode} without a reply"),
        };
    }
}
