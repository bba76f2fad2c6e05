using System.CommandLine;
using Zwarm.Core.Config;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm init [-y] [--with-project] [-w DIR]: create .zwarm/ with commented config files (and zwarm.yaml).</summary>
internal static class InitCommand
{
    public static Command Create(CliHost host)
    {
        var yes = new Option<bool>("--yes", "-y") { Description = "never ask; keep existing files" };
        var withProject = new Option<bool>("--with-project") { Description = "also write zwarm.yaml: the project's description, context and constraints for orchestrate and pilot" };
        var cmd = new Command("init", "create .zwarm/ with commented config.toml, codex.toml and claude.toml") { yes, withProject, Options.WorkingDir(mayCreate: true) };
        cmd.SetAction(async (pr, ct) =>
        {
            var code = Run(host, pr.GetValue(yes), pr.GetValue(withProject));
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

    private static int Run(CliHost host, bool yes, bool withProject)
    {
        var dir = host.ZwarmDir;
        Directory.CreateDirectory(Path.Combine(dir, "sessions"));
        foreach (var (name, text) in ConfigTemplates.All(host.Agents))
            Write(host, Path.Combine(dir, name), $".zwarm/{name}", text, yes);
        if (withProject)
            Write(host, Path.Combine(host.ProjectDir, ProjectContext.FileName), ProjectContext.FileName, ProjectContext.Template, yes);
        host.Reset();
        host.Out.WriteLine($"zwarm is ready in {dir}");
        return 0;
    }

    private static void Write(CliHost host, string path, string shown, string text, bool yes)
    {
        if (File.Exists(path) && (yes || !host.Confirm($"{Path.GetFileName(path)} exists; overwrite it? [y/N] ")))
        {
            host.Out.WriteLine($"kept     {shown}");
            return;
        }
        Zwarm.Core.Sessions.AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(text));
        host.Out.WriteLine($"wrote    {shown}");
    }
}
