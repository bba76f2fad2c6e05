using System.Diagnostics;

namespace Zwarm.Cli.Tests.Isolation;

/// <summary>The real git CLI run by tests in a project folder (identity given on the command line, branch main).</summary>
internal static class GitRepo
{
    /// <summary>git init -b main, the given files, one commit.</summary>
    public static void Init(string dir, params (string Path, string Text)[] files)
    {
        Run(dir, "init", "-q", "-b", "main");
        foreach (var (path, text) in files) File.WriteAllText(Path.Combine(dir, path), text);
        Run(dir, "add", "-A");
        Run(dir, "commit", "-q", "-m", "initial");
    }

    /// <summary>Commits everything in <paramref name="dir"/>.</summary>
    public static void CommitAll(string dir, string message)
    {
        Run(dir, "add", "-A");
        Run(dir, "commit", "-q", "-m", message);
    }

    /// <summary>Runs git and returns its stdout without the final newline; throws on a non-zero exit.</summary>
    public static string Run(string dir, params string[] args)
    {
        var (code, stdout, stderr) = TryRun(dir, args);
        return code == 0 ? stdout : throw new InvalidOperationException($"git {string.Join(' ', args)} failed ({code}): {stderr}");
    }

    /// <summary>Runs git; exit code, stdout (trimmed at the end) and stderr.</summary>
    public static (int Code, string Stdout, string Stderr) TryRun(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir,
        };
        foreach (var a in (string[])["-c", "user.name=Test", "-c", "user.email=test@localhost", .. args]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result.TrimEnd('\n'), stderr);
    }
}
