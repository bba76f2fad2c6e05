namespace Zwarm.Core.Sessions;

/// <summary>Crash-safe file replacement: temp file in the same folder, flushed to disk, renamed over the target.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="bytes"/> so readers see the old or the new file, never a mix.
    /// </summary>
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
            {
                await fs.WriteAsync(bytes, ct);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Synchronous variant for code paths that cannot be async (e.g. signal handlers).</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>
    /// For a disk too full for a temp file: rewrites an existing text file in place with one positional write, padded
    /// with trailing spaces to at least its old length so no truncation follows (a JSON reader ignores them). A process
    /// killed mid-call leaves the old or the new content, never a mix, since one write to a regular file is not
    /// interrupted by a signal.
    /// </summary>
    public static void OverwriteInPlace(string path, ReadOnlySpan<byte> bytes)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        var old = RandomAccess.GetLength(handle);
        if (bytes.Length >= old)
        {
            RandomAccess.Write(handle, bytes, 0);
        }
        else
        {
            var padded = new byte[old];
            bytes.CopyTo(padded);
            padded.AsSpan(bytes.Length).Fill((byte)' ');
            RandomAccess.Write(handle, padded, 0);
        }
        RandomAccess.FlushToDisk(handle);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
