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
        cmd.SetAction((pr, ct) => Task.FromResult(Run(host, pr.GetValue(yes))));
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
