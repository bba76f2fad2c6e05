using Zwarm.Core.Sessions;
using System.CommandLine;
using Zwarm.Core;
using Zwarm.Core.Config;
using Zwarm.Mcp;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm init [-y] [--with-project] [-w DIR]: create .zwarm/ with commented config files (and zwarm.yaml).</summary>
internal static class InitCommand
{
    public static Command Create(CliHost host)
    {
        var yes = new Option<bool>("--yes", "-y") { Description = "never ask; keep existing files" };
        var withProject = new Option<bool>("--with-project")
        {
            Description = "also write zwarm.yaml: the project's description, context and constraints for orchestrate and pilot",
        };
        var mcp = new Option<string?>("--mcp")
        {
            Description = "also register zwarm as an MCP server for a client: claude (writes the project's .mcp.json)",
        };
        var cmd = new Command("init", "create .zwarm/ with commented config.toml, codex.toml and claude.toml")
        {
            yes, withProject, mcp, Options.WorkingDir(mayCreate: true),
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var code = Run(host, pr.GetValue(yes), pr.GetValue(withProject), pr.GetValue(mcp));
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

    private static int Run(CliHost host, bool yes, bool withProject, string? mcp)
    {
        if (mcp is not null && McpCommand.Client(mcp) != "claude")
            throw new ZwarmException("codex keeps MCP servers in ~/.codex/config.toml: "
                                     + "run `zwarm mcp --print-config codex` and add its output there "
                                     + "(or `codex mcp add zwarm -- zwarm mcp --project DIR`)", 2);
        // Checked before anything is written: a broken .mcp.json changes nothing.
        (string Path, string Text, bool Replaced)? mcpJson = mcp is null ? null : McpJson(host);
        var layout = new StoreLayout(host.LocalZwarmDir);
        Directory.CreateDirectory(layout.SessionsDir);
        foreach (var (name, text) in ConfigTemplates.All(host.Agents))
            Write(host, layout.AdapterSettings(name), $".zwarm/{name}", text, yes);
        if (withProject)
            Write(host, Path.Combine(host.ProjectDir, ProjectContext.FileName), ProjectContext.FileName, ProjectContext.Template, yes);
        if (mcpJson is { } m) WriteMcpJson(host, m, yes);
        host.Reset();
        host.Out.WriteLine($"zwarm is ready in {layout.Root}");
        return ExitCodes.Success;
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

    /// <summary>Adds the zwarm server to the project's .mcp.json (Claude Code's project MCP servers), keeping the others.</summary>
    private static (string Path, string Text, bool Replaced) McpJson(CliHost host)
    {
        var path = Path.Combine(host.ProjectDir, ".mcp.json");
        var existing = File.Exists(path) ? File.ReadAllText(path) : null;
        var text = McpRegistration.MergeClaudeProject(existing, McpLaunch.ForCurrentProcess(host.ProjectDir), out var replaced)
                   ?? throw new ZwarmException(
                       $"{path} is not a JSON object with an \"mcpServers\" object; " +
                       "fix or remove it, then run zwarm init --mcp claude again");
        return (path, text, replaced);
    }

    private static void WriteMcpJson(CliHost host, (string Path, string Text, bool Replaced) mcp, bool yes)
    {
        var (path, text, replaced) = mcp;
        if (replaced && (yes || !host.Confirm(".mcp.json already has a zwarm server; replace it? [y/N] ")))
        {
            host.Out.WriteLine("kept     .mcp.json");
            return;
        }
        Zwarm.Core.Sessions.AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(text));
        host.Out.WriteLine($"wrote    .mcp.json (claude starts `zwarm mcp` for this project; claude mcp list shows it)");
    }
}
