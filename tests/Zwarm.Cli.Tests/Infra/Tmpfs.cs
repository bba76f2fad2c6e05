using System.Diagnostics;

namespace Zwarm.Cli.Tests.Infra;

/// <summary>A small tmpfs mounted on a fresh temp folder (needs root), to fill up or make read-only; unmounted when disposed.</summary>
internal sealed class Tmpfs : IDisposable
{
    private Tmpfs(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="sizeKb"/> KiB, or fails/skips (Need) where mounting is not allowed.</summary>
    public static Tmpfs Mount(int sizeKb)
    {
        var dir = Directory.CreateTempSubdirectory("zwarm-tmpfs-").FullName;
        var ok = Zwarm.Core.Lifecycle.ProcessInfo.IsRoot && Run("mount", "-t", "tmpfs", "-o", $"size={sizeKb}k", "tmpfs", dir) == 0;
        if (!ok) Directory.Delete(dir);
        Need.Tool(ok, "mounting a tmpfs needs root (the disk-full and read-only store tests)");
        return new Tmpfs(dir);
    }

    /// <summary>Writes zeros into a file until the file system is full.</summary>
    public void Fill()
    {
        // Unbuffered: nothing is left to flush (and fail) when the stream is disposed on a full disk.
        using var fs = new FileStream(
            System.IO.Path.Combine(Path, "filler"), FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[64 * 1024];
        try { while (true) fs.Write(block); }
        catch (IOException) { }
        try { fs.Write(new byte[1]); fs.Flush(); } catch (IOException) { }
    }

    /// <summary>Frees what <see cref="Fill"/> took.</summary>
    public void Unfill() => File.Delete(System.IO.Path.Combine(Path, "filler"));

    /// <summary>Remounts read-only (true) or read-write (false).</summary>
    public void ReadOnly(bool on)
    {
        // A remount read-only is refused while a file on it is open for writing (a finaliser just ending): retry a while.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Run("mount", "-o", on ? "remount,ro" : "remount,rw", Path) != 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"remount failed; open on it: {string.Join("; ", Holders())}");
            Thread.Sleep(100);
        }
    }

    /// <summary>Processes with a file on this mount open, as "pid comm → file" (what keeps a remount read-only busy).</summary>
    private IEnumerable<string> Holders()
    {
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(proc), out var pid)) continue;
            string[] fds;
            try { fds = Directory.GetFileSystemEntries(System.IO.Path.Combine(proc, "fd")); } catch (Exception) { continue; }
            foreach (var fd in fds)
            {
                string? target;
                try { target = new FileInfo(fd).LinkTarget; } catch (Exception) { continue; }
                if (target is null || !target.StartsWith(Path, StringComparison.Ordinal)) continue;
                string comm;
                try { comm = File.ReadAllText(System.IO.Path.Combine(proc, "cmdline")).Replace('\0', ' ').Trim(); }
                catch (Exception) { comm = "?"; }
                yield return $"{pid} {comm} → {target}";
            }
        }
    }

    private static int Run(params string[] args)
    {
        var psi = new ProcessStartInfo(args[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args[1..]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode;
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
