using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace Zwarm.Core.Isolation;

/// <summary>The outcome of one git run.</summary>
public sealed record GitResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>True for exit code 0.</summary>
    public bool Ok => ExitCode == 0;

    /// <summary>Stdout without the trailing newline.</summary>
    public string Text => Stdout.TrimEnd('\n', '\r');

    /// <summary>Non-empty stdout lines.</summary>
    public IReadOnlyList<string> Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The first line git wrote on stderr (or stdout), for an error message.</summary>
    public string Complaint => FirstLine(Stderr) ?? FirstLine(Stdout) ?? $"exit code {ExitCode}";

    private static string? FirstLine(string s)
        => s.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("hint:", StringComparison.Ordinal));
}

/// <summary>Runs the real git CLI (CliWrap), never through a shell; output is UTF-8, the locale is C so messages are stable.</summary>
public static class Git
{
    /// <summary>Runs git in <paramref name="dir"/>; never throws for a non-zero exit.</summary>
    public static async Task<GitResult> RunAsync(
        string dir, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null, CancellationToken ct = default)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["LC_ALL"] = "C",
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_OPTIONAL_LOCKS"] = "0",
            // A turn's environment (a hook, an agent) must not redirect our git to another repository or index.
            ["GIT_DIR"] = null,
            ["GIT_WORK_TREE"] = null,
            ["GIT_INDEX_FILE"] = null,
        };
        if (env is not null)
            foreach (var (k, v) in env) environment[k] = v;
        try
        {
            var r = await Cli.Wrap("git")
                .WithArguments(["-c", "core.quotepath=off", .. args])
                .WithWorkingDirectory(dir)
                .WithEnvironmentVariables(environment)
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(Encoding.UTF8, ct);
            return new GitResult(r.ExitCode, r.StandardOutput, r.StandardError);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ZwarmException($"git could not be started ({ex.Message}); install git to use worktrees", 1, ex);
        }
    }

    /// <summary>Runs git and returns its output; a non-zero exit becomes a <see cref="ZwarmException"/> saying what failed.</summary>
    public static async Task<GitResult> RequireAsync(
        string dir, IEnumerable<string> args, string what, IReadOnlyDictionary<string, string?>? env = null, CancellationToken ct = default)
    {
        var r = await RunAsync(dir, args, env, ct);
        return r.Ok ? r : throw new ZwarmException($"{what}: git says: {r.Complaint}");
    }

    /// <summary>Paths from a NUL-separated listing (-z).</summary>
    public static IReadOnlyList<string> SplitZ(string stdout) => stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries);
}
