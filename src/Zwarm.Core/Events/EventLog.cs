using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Events;

/// <summary>
/// .zwarm/events.jsonl: append-only, one JSON object per line. Each line goes out in one write(2) on a descriptor
/// opened with O_APPEND, so lines of concurrent zwarm processes never interleave. Rotated to events.1.jsonl … when
/// it reaches <see cref="MaxBytes"/>.
/// </summary>
public sealed partial class EventLog
{
    /// <summary>Reasons longer than this are cut (keeps every line one small write).</summary>
    public const int MaxReasonChars = 500;

    private static readonly JsonSerializerOptions Options = new(EventJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
    private static readonly EventJsonContext Json = new(Options);

    /// <summary>A log in <paramref name="zwarmDir"/> (the .zwarm folder).</summary>
    public EventLog(string zwarmDir, long maxBytes = 10 * 1024 * 1024, int keep = 3)
    {
        _layout = new StoreLayout(zwarmDir);
        MaxBytes = maxBytes;
        Keep = Math.Max(1, keep);
    }

    private readonly StoreLayout _layout;

    /// <summary>The .zwarm folder.</summary>
    public string Dir => _layout.Root;

    /// <summary>The current log file.</summary>
    public string Path => _layout.EventsFile;

    /// <summary>Size at which the log is rotated (0 = never).</summary>
    public long MaxBytes { get; }

    /// <summary>How many rotated files are kept (events.1.jsonl is the newest).</summary>
    public int Keep { get; }

    /// <summary>The path of rotated file <paramref name="n"/> (1 = newest).</summary>
    public string RotatedPath(int n) => _layout.RotatedEventsFile(n);

    /// <summary>Appends one event as one line (one write). Safe with any number of concurrent writers.</summary>
    public void Append(ZwarmEvent e)
    {
        var bytes = Line(e);
        Directory.CreateDirectory(Dir);
        if (MaxBytes > 0) RotateIfFull();
        AppendBytes(Path, bytes);
    }

    /// <summary>The bytes of one log line, newline included.</summary>
    public static byte[] Line(ZwarmEvent e)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(e, Json.ZwarmEvent);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>Parses one log line; null when it is not an event.</summary>
    public static ZwarmEvent? Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            var e = JsonSerializer.Deserialize(line, Json.ZwarmEvent);
            return e is { Event.Length: > 0 } ? e : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Every readable event, oldest first (rotated files, then the current one).</summary>
    public IEnumerable<ZwarmEvent> ReadAll()
    {
        for (var n = Keep; n >= 1; n--)
            foreach (var e in ReadFile(RotatedPath(n))) yield return e;
        foreach (var e in ReadFile(Path)) yield return e;
    }

    /// <summary>The events of one (rotated) log file, oldest first.</summary>
    public IEnumerable<ZwarmEvent> ReadRotated(string path) => ReadFile(path);

    private static IEnumerable<ZwarmEvent> ReadFile(string path)
    {
        if (!File.Exists(path)) yield break;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            yield break;
        }
        var start = 0;
        while (start < bytes.Length)
        {
            var nl = Array.IndexOf(bytes, (byte)'\n', start);
            if (nl < 0) break; // a line still being written
            if (Parse(bytes.AsSpan(start, nl - start)) is { } e) yield return e;
            start = nl + 1;
        }
    }

    private void RotateIfFull()
    {
        if (!IsFull()) return;
        try
        {
            // One rotator at a time; the size is checked again under the lock (another process may have rotated).
            using var held = FileLock.AcquireAsync(_layout.EventsLock, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            if (!IsFull()) return;
            for (var n = Keep - 1; n >= 1; n--)
                if (File.Exists(RotatedPath(n))) File.Move(RotatedPath(n), RotatedPath(n + 1), overwrite: true);
            File.Move(Path, RotatedPath(1), overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ZwarmException)
        {
            // A rotation that fails leaves a longer log, never a lost event.
        }
    }

    private bool IsFull()
    {
        var info = new FileInfo(Path);
        return info.Exists && info.Length >= MaxBytes;
    }

    /// <summary>
    /// Appends <paramref name="bytes"/> to a file in one write(2) with O_APPEND (creating it): never interleaved with other appenders.
    /// </summary>
    public static void AppendBytes(string path, byte[] bytes)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            using var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            fs.Write(bytes);
            return;
        }
        var flags = OperatingSystem.IsMacOS()
            ? 0x1 | 0x8 | 0x200 | 0x1000000
            : 0x1 | 0x400 | 0x40 | 0x80000; // O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC
        var fd = SysOpen(path, flags, 0x1A4); // 0644
        if (fd < 0) throw new IOException($"cannot open {path} (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            unsafe
            {
                fixed (byte* p = bytes)
                {
                    var done = 0;
                    while (done < bytes.Length)
                    {
                        var n = SysWrite(fd, p + done, bytes.Length - done);
                        if (n < 0)
                        {
                            if (Marshal.GetLastPInvokeError() == 4) continue; // EINTR
                            throw new IOException($"cannot write {path} (errno {Marshal.GetLastPInvokeError()})");
                        }
                        done += (int)n;
                    }
                }
            }
        }
        finally
        {
            _ = SysClose(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SysOpen(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint SysWrite(int fd, byte* buf, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int SysClose(int fd);
}
