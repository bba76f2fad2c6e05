using System.Text.Json.Nodes;

namespace Zwarm.Cli.Tests.Infra;

/// <summary>
/// Commands through the real command tree inside the test process (<see cref="InProcessRun"/>: a fresh host per
/// command, as a new process would have) over a <see cref="TestProject"/>, from its folder or another one.
/// </summary>
internal sealed class InProcessCli(TestProject project)
{
    /// <summary>The project.</summary>
    public TestProject Project => project;

    /// <summary>
    /// Runs one command with <paramref name="stdin"/>; the current folder is <paramref name="cwd"/> (default: the project).
    /// </summary>
    public Task<CliResult> RunInAsync(string? cwd, string? stdin, params string[] args) =>
        InProcessRun.RunAsync(cwd ?? project.Dir, args, TestProject.RunTimeout, new RunOptions { Stdin = stdin }, project.Ct);

    /// <summary>Runs one command in the project folder.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunInAsync(null, null, args);

    /// <summary>Runs one command in the project folder with stdin.</summary>
    public Task<CliResult> RunWithAsync(string stdin, params string[] args) => RunInAsync(null, stdin, args);

    /// <summary>Starts a session through `spawn --json` and returns its id.</summary>
    public async Task<string> SpawnAsync(string prompt, params string[] more)
    {
        var r = await RunAsync(["spawn", prompt, "--json", .. more]);
        if (r.ExitCode is not (0 or 1)) throw new InvalidOperationException("spawn failed: " + r);
        return JsonNode.Parse(r.Stdout)!["id"]!.GetValue<string>();
    }

    /// <summary>The ids of the sessions on disk.</summary>
    public IReadOnlyList<string> SessionIds(string? projectDir = null)
    {
        var dir = Path.Combine(projectDir ?? project.Dir, ".zwarm", "sessions");
        return Directory.Exists(dir)
            ? [.. Directory.GetDirectories(dir).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal)]
            : [];
    }
}
