using System.Text.Json.Nodes;
using Spectre.Console;
using Zwarm.Core.Lifecycle;

namespace Zwarm.Cli.Tests.Infra;

/// <summary>
/// The real command tree run inside the test process, one fresh <see cref="CliHost"/> per command (as a new process would
/// have), over a <see cref="TestProject"/>'s folder. Turns are still detached processes finalised by the built zwarm.
/// </summary>
internal sealed class InProcessCli(TestProject project)
{
    /// <summary>The project.</summary>
    public TestProject Project => project;

    /// <summary>Runs one command with <paramref name="stdin"/>; the current folder is <paramref name="cwd"/> (default: the project).</summary>
    public async Task<CliResult> RunInAsync(string? cwd, string? stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        var host = new CliHost(console, stdout, stderr, cwd ?? project.Dir, new StringReader(stdin ?? ""))
        {
            Supervisor = new SupervisorCommand(Paths.Zwarm),
        };
        var code = await CliApp.RunAsync(args, host, project.Ct);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

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
        return Directory.Exists(dir) ? [.. Directory.GetDirectories(dir).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal)] : [];
    }
}
