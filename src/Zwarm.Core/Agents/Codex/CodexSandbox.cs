using Zwarm.Core.Config;

namespace Zwarm.Core.Agents.Codex;

/// <summary>
/// Codex's OS sandbox as a wrapper for any command (<c>codex sandbox … -- cmd</c>): workspace-write, with the given
/// writable roots only — /tmp and $TMPDIR excluded, network off — so the command cannot write outside them.
/// </summary>
public static class CodexSandbox
{
    /// <summary>
    /// The command line running <paramref name="command"/> (argv) inside the sandbox, with <paramref name="tempDir"/> as its
    /// writable TMPDIR; throws <see cref="ZwarmException"/> when codex is not installed.
    /// </summary>
    public static AgentCommand Wrap(
        ZwarmConfig config, IReadOnlyList<string> command, string workingDir, IReadOnlyList<string> writableRoots, string tempDir)
    {
        var exe = AgentExecutable.Resolve("codex", config.AdapterCommand("codex"), config.ProjectDir, "@openai/codex");
        var roots = "[" + string.Join(", ", writableRoots.Append(tempDir).Distinct(StringComparer.Ordinal).Select(CodexToml.Render)) + "]";
        List<string> args =
        [
            "sandbox",
            "-c", "sandbox_mode=" + CodexToml.Render("workspace-write"),
            "-c", "sandbox_workspace_write.writable_roots=" + roots,
            "-c", "sandbox_workspace_write.exclude_slash_tmp=true",
            "-c", "sandbox_workspace_write.exclude_tmpdir_env_var=true",
            "-c", "sandbox_workspace_write.network_access=false",
            "--", .. command,
        ];
        return new AgentCommand(exe, args, workingDir) { Environment = new Dictionary<string, string?> { ["TMPDIR"] = tempDir } };
    }
}
