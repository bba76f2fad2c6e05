namespace Zwarm.Core;

/// <summary>
/// Every exit code zwarm returns, named once (after Aspire.Cli's <c>ExitCodeConstants</c>): scripts and the README
/// depend on these numbers, so a command never writes a bare one.
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked (a waited-for session completed, an orchestrator finished).</summary>
    public const int Success = 0;

    /// <summary>The operation failed, or a waited-for session failed or was killed.</summary>
    public const int Failure = 1;

    /// <summary>Bad input: an unknown option, a missing argument, a value out of range; nothing was changed.</summary>
    public const int Usage = 2;

    /// <summary>An orchestrator run paused or stopped (a watcher, the step limit) with its state saved for --resume.</summary>
    public const int Paused = 3;

    /// <summary><c>wait --timeout</c> ran out before the sessions finished (as timeout(1) does).</summary>
    public const int Timeout = 124;

    /// <summary>Interrupted by Ctrl+C (128 + SIGINT, as a shell reports it).</summary>
    public const int Interrupted = 130;
}
