namespace Zwarm.Core.Sessions;

/// <summary>
/// The store cannot be written (read-only file system, disk full, no permission). Reads go on without writing; a
/// command whose point is a change fails with this one line.
/// </summary>
public sealed class StoreWriteException(string message, Exception? inner = null) : ZwarmException(message, 1, inner)
{
    /// <summary>What stops writes, as the OS says it ("read-only file system", "no space left on device", …), or null.</summary>
    public static string? Describe(Exception ex) => ex switch
    {
        UnauthorizedAccessException => "permission denied",
        IOException io => (io.HResult & 0xFFFF) switch
        {
            30 => "read-only file system",
            28 => "no space left on device",
            122 => "disk quota exceeded",
            _ => io.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) ? "read-only file system"
                : io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) ? "no space left on device" : null,
        },
        _ => null,
    };

    /// <summary>True for a full disk or quota, where rewriting a file in place may still work.</summary>
    public static bool IsFull(Exception ex) => Describe(ex) is "no space left on device" or "disk quota exceeded";
}
