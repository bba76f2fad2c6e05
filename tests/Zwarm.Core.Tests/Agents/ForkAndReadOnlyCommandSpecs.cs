using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Agents;

/// <summary>The command lines of a native fork (turn 1 of a forked session) and of a read-only session (a review), both agents.</summary>
public sealed class ForkAndReadOnlyCommandSpecs : IDisposable
{
    private const string Thread = "01a21dc4-7b9f-7de0-b530-721eb6978559";
    private readonly string _project = Directory.CreateTempSubdirectory("zwarm-fork-").FullName;

    public ForkAndReadOnlyCommandSpecs()
    {
        File.WriteAllText(Path.Combine(_project, "agent-bin"), "#!/bin/sh\n");
        Directory.CreateDirectory(WorkDir);
    }

    private string WorkDir => Path.Combine(_project, "work");

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private AgentCommand Build(string adapter, string toml = "", string? sandbox = null, bool readOnly = false, string? forkFrom = null)
    {
        var values = new Dictionary<string, object?> { [$"adapters.{adapter}.command"] = Path.Combine(_project, "agent-bin") };
        if (sandbox is not null) values["executor.sandbox"] = sandbox;
        var config = adapter == "codex"
            ? ConfigLoader.FromValues(
                values, _project, new Dictionary<string, TomlDocument> { ["codex"] = TomlDocument.Parse(toml, "codex.toml") })
            : ConfigLoader.FromValues(
                values, _project, new Dictionary<string, TomlDocument> { ["claude"] = TomlDocument.Parse(toml, "claude.toml") });
        var session = new SessionMeta
        {
            Id = "6f1c2b8e-0000-4000-8000-000000000001", Task = "go on", WorkingDir = WorkDir,
            Model = adapter == "codex" ? "gpt-5.5" : "sonnet", Adapter = adapter, ReadOnly = readOnly ? true : null,
        };
        return AgentRegistry.Default.Get(adapter)
            .BuildCommand(new TurnRequest { Session = session, Turn = 1, Prompt = "go on", Config = config, ForkFrom = forkFrom });
    }

    [Fact]
    public void A_codex_fork_runs_exec_fork_of_the_thread_in_the_new_working_dir_with_the_sandbox_as_an_override()
    {
        var cmd = Build("codex", sandbox: "workspace-write", forkFrom: Thread);
        cmd.Arguments.Should().Equal(
            "exec", "fork", "--json", "--skip-git-repo-check", "--model", "gpt-5.5", "-c", "sandbox_mode=\"workspace-write\"", Thread, "--",
            "go on");
        cmd.WorkingDirectory.Should().Be(WorkDir);
    }

    [Fact]
    public void A_read_only_codex_session_is_sandboxed_read_only_even_with_full_danger()
    {
        Build("codex", "full_danger = true", sandbox: "danger-full-access", readOnly: true).Arguments.Should().Equal(
            "exec", "--json", "--skip-git-repo-check", "--model", "gpt-5.5", "-C", WorkDir, "--sandbox", "read-only", "--", "go on");
    }

    [Fact]
    public void A_claude_fork_resumes_the_session_with_fork_session()
    {
        Build("claude", forkFrom: Thread).Arguments.Should().Equal(
            "-p", "go on", "--output-format", "stream-json", "--verbose", "--model", "sonnet", "--resume", Thread, "--fork-session");
    }

    [Fact]
    public void A_read_only_claude_session_gets_no_editing_tools()
    {
        Build("claude", readOnly: true).Arguments.Should()
            .ContainInConsecutiveOrder("--disallowedTools", "Edit,MultiEdit,Write,NotebookEdit");
    }
}
