using System.Runtime.CompilerServices;

namespace Zwarm.Core.Events;

public sealed partial class EventLog
{
    /// <summary>
    /// The events of the current log from its start, then each new one as it is written, until cancelled. Waits on
    /// file-system notifications (inotify on Linux), not a busy poll; a rotation is followed into the new file.
    /// </summary>
    public async IAsyncEnumerable<ZwarmEvent> FollowAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        Directory.CreateDirectory(Dir);
        using var signal = new SemaphoreSlim(0);
        var rotated = 0;
        void Wake()
        {
            if (signal.CurrentCount == 0) signal.Release();
        }
        using var watcher = new FileSystemWatcher(Dir, "events*.jsonl")
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            IncludeSubdirectories = false,
        };
        watcher.Changed += (_, _) => Wake();
        watcher.Created += (_, _) => Wake();
        watcher.Renamed += (_, e) =>
        {
            if (string.Equals(e.OldName, System.IO.Path.GetFileName(Path), StringComparison.Ordinal)) Interlocked.Exchange(ref rotated, 1);
            Wake();
        };
        watcher.EnableRaisingEvents = true;

        FileStream? stream = null;
        var pending = new List<byte>();
        var buffer = new byte[64 * 1024];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                stream ??= TryOpen();
                if (stream is not null)
                {
                    int n;
                    while ((n = await stream.ReadAsync(buffer, ct)) > 0)
                    {
                        pending.AddRange(buffer.AsSpan(0, n));
                        foreach (var e in TakeLines(pending)) yield return e;
                    }
                    if (Interlocked.Exchange(ref rotated, 0) == 1)
                    {
                        // Everything written to the old file has been read: continue with the new one from its start.
                        await stream.DisposeAsync();
                        stream = null;
                        pending.Clear();
                        continue;
                    }
                }
                // The timeout is a safety net for a missed notification, not the way new lines are found.
                await signal.WaitAsync(TimeSpan.FromSeconds(2), ct);
            }
        }
        finally
        {
            if (stream is not null) await stream.DisposeAsync();
        }
    }

    private FileStream? TryOpen()
    {
        try
        {
            return new FileStream(
                Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static List<ZwarmEvent> TakeLines(List<byte> pending)
    {
        var events = new List<ZwarmEvent>();
        var start = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            if (pending[i] != (byte)'\n') continue;
            var line = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending).Slice(start, i - start);
            if (Parse(line) is { } e) events.Add(e);
            start = i + 1;
        }
        pending.RemoveRange(0, start);
        return events;
    }
}
