using System.Runtime.CompilerServices;

namespace Zwarm.Core.Events;

public sealed partial class EventLog
{
    /// <summary>
    /// The events of the current log from its start, then each new one as it is written, until cancelled. Waits on
    /// file-system notifications (inotify on Linux), not a busy poll. A rotation is followed file by file: when the
    /// log rotated several times while one file was read, the files in between are read in order (events.2.jsonl,
    /// then events.1.jsonl, then events.jsonl), so nothing is skipped unless it was rotated out of the kept files.
    /// </summary>
    public async IAsyncEnumerable<ZwarmEvent> FollowAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        Directory.CreateDirectory(Dir);
        using var signal = new SemaphoreSlim(0);
        var renamed = 0;
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
            if (string.Equals(e.OldName, System.IO.Path.GetFileName(Path), StringComparison.Ordinal)) Interlocked.Exchange(ref renamed, 1);
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
                stream ??= TryOpen(Path);
                if (stream is not null)
                {
                    FileStream? next = null;
                    while (true)
                    {
                        int n;
                        while ((n = await stream.ReadAsync(buffer, ct)) > 0)
                        {
                            pending.AddRange(buffer.AsSpan(0, n));
                            foreach (var e in TakeLines(pending)) yield return e;
                        }
                        // Once the file is known to be rotated, one more read takes what was written to it before that.
                        if (next is not null || (next = NextAfter(stream, Interlocked.Exchange(ref renamed, 0) == 1)) is null) break;
                    }
                    if (next is not null)
                    {
                        // Everything written to this file has been read: continue with the next newer one from its start.
                        await stream.DisposeAsync();
                        stream = next;
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

    /// <summary>
    /// When the file being read has been rotated, the next newer log file, opened; null while it is still the current
    /// log (or the next one is not there yet). The file's present name (Linux: <c>/proc/self/fd</c>) says how far it
    /// was rotated; where that cannot be read, a seen rename of the log moves on to the current file.
    /// </summary>
    private FileStream? NextAfter(FileStream reading, bool sawRename)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (PresentName(reading) is not { } name) return sawRename ? TryOpen(Path) : null;
            var at = Rotations(name);
            if (at == 0) return null;
            FileStream? next = null;
            for (var k = at - 1; k >= 0 && next is null; k--) next = TryOpen(k == 0 ? Path : RotatedPath(k));
            if (next is null) return null;
            // A rotation renames the files one by one; one that ran while the next file was looked for can have made
            // another file look like it. The two must be neighbours now (or nothing kept lies between them).
            var (readingAt, nextAt) = (PresentName(reading) is { } r ? Rotations(r) : -1, PresentName(next) is { } n ? Rotations(n) : -1);
            if (nextAt >= 0 && readingAt > nextAt && Enumerable.Range(nextAt + 1, Math.Max(0, Math.Min(readingAt, Keep + 1) - nextAt - 1))
                    .All(k => !File.Exists(RotatedPath(k))))
                return next;
            next.Dispose();
        }
        return null;
    }

    /// <summary>How many rotations a log file of this name has been through: 0 for the current log, Keep + 1 when deleted.</summary>
    private int Rotations(string name)
    {
        // Names only: the link holds the directory's real path, which a symlinked project spells differently.
        static bool Is(string name, string path) => string.Equals(name, System.IO.Path.GetFileName(path), StringComparison.Ordinal);
        if (Is(name, Path)) return 0;
        var k = Enumerable.Range(1, Keep).FirstOrDefault(k => Is(name, RotatedPath(k)));
        return k == 0 ? Keep + 1 : k;
    }

    /// <summary>The file name an open file has now, or null where that cannot be known.</summary>
    private static string? PresentName(FileStream stream)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}").LinkTarget is { } target
                ? System.IO.Path.GetFileName(target)
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(
                path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
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
