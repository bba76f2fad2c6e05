using System.CommandLine;
using Zwarm.Core.Config;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm init [-y]: create .zwarm/ with commented config files.</summary>
internal static class InitCommand
{
    public static Command Create(CliHost host)
    {
        var yes = new Option<bool>("--yes", "-y") { Description = "never ask; keep existing files" };
        var cmd = new Command("init", "create .zwarm/ with commented config.toml, codex.toml and claude.toml") { yes };
        cmd.SetAction(async (pr, ct) =>
        {
            var code = Run(host, pr.GetValue(yes));
            // In a git repository zwarm's folder is kept out of git at once (worktrees live in it too).
            if ((await Zwarm.Core.Isolation.Git.RunAsync(host.ProjectDir, ["rev-parse", "--show-toplevel"], ct: ct)) is { Ok: true } top)
            {
                await Zwarm.Core.Isolation.Worktrees.ExcludeZwarmAsync(top.Text, ct);
                host.Out.WriteLine("git: .zwarm/ is excluded (info/exclude); spawn --worktree gives a session its own worktree and branch");
            }
            return code;
        });
        return cmd;
    }

    private static int Run(CliHost host, bool yes)
    {
        var dir = host.LocalZwarmDir;
        Directory.CreateDirectory(Path.Combine(dir, "sessions"));
        foreach (var (name, text) in ConfigTemplates.All(host.Agents))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                if (yes || !host.Confirm($"{name} exists; overwrite it? [y/N] "))
                {
                    host.Out.WriteLine($"kept     .zwarm/{name}");
                    continue;
                }
            }
            Zwarm.Core.Sessions.AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(text));
            host.Out.WriteLine($"wrote    .zwarm/{name}");
        }
        host.Reset();
        host.Out.WriteLine($"zwarm is ready in {dir}");
        return 0;
    }
}
