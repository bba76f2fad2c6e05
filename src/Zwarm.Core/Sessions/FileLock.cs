namespace Zwarm.Core.Sessions;

/// <summary>
/// An exclusive advisory lock on a file, held across processes (on Unix .NET maps FileShare.None to flock),
/// released when disposed or when the process dies.
/// </summary>
public sealed class FileLock : IAsyncDisposable, IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    /// <summary>Waits until the lock on <paramref name="path"/> is ours, or throws after <paramref name="timeout"/>.</summary>
    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 1;
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (Exception ex) when (StoreWriteException.Describe(ex) is { } why)
            {
                // Not contention: waiting would only turn a read-only or full store into a 30 s hang.
                throw new StoreWriteException($"{why}: cannot lock {path}", ex);
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(path))
            {
                await Task.Delay(delay, ct);
                delay = Math.Min(delay * 2, 20);
            }
            catch (IOException ex) when (File.Exists(path))
            {
                throw new ZwarmException($"timed out waiting for the lock {path}", 1, ex);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
