using System.CommandLine;
using Zwarm.Core;
using Zwarm.Mcp;

namespace Zwarm.Cli.Commands;

/// <summary>zwarm mcp [--project DIR] [--print-config claude|codex]: zwarm as an MCP server over stdio.</summary>
internal static class McpCommand
{
    public static Command Create(CliHost host)
    {
        var project = new Option<string?>("--project") { Description = "the project folder (holding .zwarm); default the current folder" };
        var printConfig = new Option<string?>("--print-config")
        {
            Description = "print the registration snippet for a client instead of serving: claude (.mcp.json) or codex (config.toml)",
        };
        var cmd = new Command(
            "mcp", "serve zwarm's session tools to an MCP client (Claude Code, Codex, …) over stdio; stdout carries only the protocol")
        {
            project, printConfig,
        };
        cmd.SetAction(async (pr, ct) =>
        {
            var dir = ProjectDir(host, pr.GetValue(project));
            if (pr.GetValue(printConfig) is { } client)
            {
                host.Out.Write(McpRegistration.Snippet(Client(client), McpLaunch.ForCurrentProcess(dir)));
                return ExitCodes.Success;
            }
            var served = dir == host.ProjectDir ? host : host.ForProject(dir);
            var manager = await served.ManagerAsync(ct);
            return await McpHost.ServeStdioAsync(manager, host.Err, host.Verbose, ct);
        });
        return cmd;
    }

    /// <summary>The client named on the command line, checked.</summary>
    internal static string Client(string name)
    {
        var client = name.Trim().ToLowerInvariant();
        return McpRegistration.Clients.Contains(client) ? client
            : throw new ZwarmException($"unknown MCP client '{name}': use {string.Join(" or ", McpRegistration.Clients)}", ExitCodes.Usage);
    }

    private static string ProjectDir(CliHost host, string? project)
    {
        if (project is null) return host.ProjectDir;
        var dir = Path.GetFullPath(project, host.ProjectDir);
        return Directory.Exists(dir) ? dir : throw new ZwarmException($"project folder not found: {dir}", ExitCodes.Usage);
    }
}
