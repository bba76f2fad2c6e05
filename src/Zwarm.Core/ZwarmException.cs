namespace Zwarm.Core;

/// <summary>A user-facing failure: one clear line, a non-zero exit code, never a stack trace.</summary>
public class ZwarmException : Exception
{
    /// <summary>Exit code used by the command line: one of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; }

    /// <summary>Creates an error with a message meant for the user.</summary>
    public ZwarmException(string message, int exitCode = ExitCodes.Failure, Exception? inner = null) : base(message, inner)
        => ExitCode = exitCode;
}
