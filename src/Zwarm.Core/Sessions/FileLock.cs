using System.Runtime.InteropServices;

namespace Zwarm.Core.Sessions;

/// <summary>
/// An exclusive advisory lock on a file (flock), held across processes, released when disposed or when the process dies.
/// </summary>
/// <remarks>
/// A contended lock is waited for in the kernel (a blocking flock on a thread of its own), not by polling: waiters are
/// woken as the lock frees, so under load no writer starves while others keep taking the lock between its polls. A
/// waiter that gives up (timeout, cancellation) leaves its thread to release the lock as soon as it gets it.
/// </remarks>
public sealed partial class FileLock : IAsyncDisposable, IDisposable
{
    private readonly int _fd;
    private readonly FileStream? _stream;
    private int _released;

    private FileLock(int fd) => _fd = fd;

    private FileLock(FileStream stream) => (_fd, _stream) = (-1, stream);

    /// <summary>Waits until the lock on <paramref name="path"/> is ours, or throws after <paramref name="timeout"/>.</summary>
    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken ct = default)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return await PollAsync(path, timeout, ct);
        var fd = Open(path);
        if (Flock(fd, LockEx | LockNb) == 0) return new FileLock(fd);
        var waiter = new Waiter(fd);
        var thread = new Thread(waiter.Run) { IsBackground = true, Name = "zwarm lock wait" };
        thread.Start();
        try
        {
            await waiter.Acquired.Task.WaitAsync(timeout, ct);
            return new FileLock(fd);
        }
        catch (TimeoutException ex)
        {
            waiter.Abandon();
            throw new ZwarmException($"timed out waiting for the lock {path}", 1, ex);
        }
        catch (OperationCanceledException)
        {
            waiter.Abandon();
            throw;
        }
    }

    /// <summary>The lock of one blocked acquisition; whoever comes second of "acquired" and "abandoned" closes the descriptor.</summary>
    private sealed class Waiter(int fd)
    {
        private int _state; // 0 waiting, 1 acquired, 2 abandoned

        public TaskCompletionSource Acquired { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Run()
        {
            int rc;
            while ((rc = Flock(fd, LockEx)) != 0 && Marshal.GetLastPInvokeError() == EIntr) { }
            if (rc != 0)
            {
                if (Interlocked.CompareExchange(ref _state, 2, 0) == 0) _ = Close(fd);
                Acquired.TrySetException(new IOException($"flock failed (errno {Marshal.GetLastPInvokeError()})"));
                return;
            }
            if (Interlocked.CompareExchange(ref _state, 1, 0) == 0) Acquired.TrySetResult();
            else _ = Close(fd); // abandoned meanwhile: closing releases the lock at once
        }

        public void Abandon()
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 1) _ = Close(fd); // acquired just as we gave up
        }
    }

    private static int Open(string path)
    {
        var flags = OperatingSystem.IsMacOS() ? 0x2 | 0x200 | 0x1000000 : 0x2 | 0x40 | 0x80000; // O_RDWR|O_CREAT|O_CLOEXEC
        int fd;
        while ((fd = SysOpen(path, flags, 0x1A4)) < 0 && Marshal.GetLastPInvokeError() == EIntr) { }
        if (fd >= 0) return fd;
        var errno = Marshal.GetLastPInvokeError();
        var why = errno switch
        {
            30 => "read-only file system",
            28 => "no space left on device",
            122 when OperatingSystem.IsLinux() => "disk quota exceeded",
            13 or 1 => "permission denied",
            _ => null,
        };
        if (why is not null) throw new StoreWriteException($"{why}: cannot lock {path}");
        if (errno == 2) throw new DirectoryNotFoundException($"cannot lock {path}: its folder does not exist");
        throw new IOException($"cannot lock {path} (errno {errno})");
    }

    /// <summary>Where there is no flock: retry a non-blocking exclusive open (FileShare.None) with a growing pause.</summary>
    private static async Task<FileLock> PollAsync(string path, TimeSpan timeout, CancellationToken ct)
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
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1) return;
        if (_stream is not null) _stream.Dispose();
        else _ = Close(_fd);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private const int LockEx = 2;
    private const int LockNb = 4;
    private const int EIntr = 4;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SysOpen(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
