using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;
using Zwarm.Core.Agents.Claude;
using Zwarm.Core.Config;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Agents.Claude;

/// <summary>The claude command line: flags from claude.toml, resume vs replay, prompts that look like options, IS_SANDBOX.</summary>
public sealed class ClaudeCommandSpecs : IDisposable
{
    private static readonly string[] Base = ["--output-format", "stream-json", "--verbose", "--model", "sonnet"];
    private readonly string _project = Directory.CreateTempSubdirectory("zwarm-claude-cmd-").FullName;
    private readonly string _exe;
    private readonly string _workDir;

    public ClaudeCommandSpecs()
    {
        _exe = Path.Combine(_project, "fake-claude");
        File.WriteAllText(_exe, "#!/bin/sh\n");
        _workDir = Directory.CreateDirectory(Path.Combine(_project, "work")).FullName;
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private ZwarmConfig Config(string claudeToml = "") => ConfigLoader.FromValues(
        new Dictionary<string, object?> { ["adapters.claude.command"] = _exe }, _project,
        new Dictionary<string, TomlDocument> { ["claude"] = TomlDocument.Parse(claudeToml, "claude.toml") });

    private SessionMeta Session(string? agentSessionId = null) => new()
    {
        Id = "5b0e6f4c-0b7e-4c43-9a8e-2f6f0b1d7a11", Task = "fix the bug", Model = "sonnet", WorkingDir = _workDir, Adapter = "claude",
        AgentSessionId = agentSessionId,
        Messages =
        [
            new SessionMessage { Role = "user", Content = "fix the bug" },
            new SessionMessage { Role = "assistant", Content = "Fixed it." },
        ],
    };

    private static AgentCommand Build(
        ZwarmConfig config, SessionMeta session, string prompt = "fix the bug", int turn = 1, bool root = false)
        => new ClaudeAdapter(() => root).BuildCommand(new TurnRequest { Session = session, Turn = turn, Prompt = prompt, Config = config });

    [Fact]
    public void The_first_turn_puts_the_prompt_right_after_p_and_runs_in_the_session_dir()
    {
        var cmd = Build(Config(), Session());

        cmd.FileName.Should().Be(_exe);
        cmd.Arguments.Should().Equal(["-p", "fix the bug", .. Base]);
        cmd.WorkingDirectory.Should().Be(_workDir);
        cmd.Environment.Should().BeEmpty();
    }

    [Fact]
    public void Every_claude_toml_key_maps_to_its_flag()
    {
        var cmd = Build(Config("""
            model = "opus"
            full_danger = true
            permission_mode = "acceptEdits"
            allowed_tools = ["Bash(git log:*)", "Read"]
            disallowed_tools = ["WebFetch"]
            add_dir = ["/srv/data", "libs"]
            append_system_prompt = "Be terse."
            max_turns = 12
            mcp_config = ['{"mcpServers":{}}', "mcp.json"]
            """), Session());

        cmd.Arguments.Should().Equal(
        [
            "-p", "fix the bug", .. Base,
            "--dangerously-skip-permissions",
            "--permission-mode", "acceptEdits",
            "--allowedTools", "Bash(git log:*)", "Read",
            "--disallowedTools", "WebFetch",
            "--add-dir", "/srv/data", Path.Combine(_project, "libs"),
            "--mcp-config", """{"mcpServers":{}}""", Path.Combine(_project, "mcp.json"),
            "--append-system-prompt", "Be terse.",
            "--max-turns", "12",
        ]);
    }

    [Fact]
    public void Single_strings_are_accepted_where_lists_are()
    {
        var cmd = Build(Config("""
            allowed_tools = "Bash Edit"
            disallowed_tools = "WebSearch"
            add_dir = "/tmp/x"
            mcp_config = "/etc/mcp.json"
            """), Session());

        cmd.Arguments.Skip(2 + Base.Length).Should().Equal(
            "--allowedTools", "Bash Edit", "--disallowedTools", "WebSearch", "--add-dir", "/tmp/x", "--mcp-config", "/etc/mcp.json");
    }

    [Fact]
    public void A_home_relative_directory_is_expanded()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Build(Config("add_dir = [\"~/notes\", \"~\"]"), Session()).Arguments.Skip(2 + Base.Length)
            .Should().Equal("--add-dir", Path.Combine(home, "notes"), home);
    }

    [Fact]
    public void The_model_comes_from_the_session_not_from_claude_toml()
    {
        var session = Session();
        session.Model = "claude-haiku-4-5";

        Build(Config("model = \"opus\""), session).Arguments.Should()
            .Equal("-p", "fix the bug", "--output-format", "stream-json", "--verbose", "--model", "claude-haiku-4-5");
        session.Model = "";
        Build(Config(), session).Arguments.Should().Equal(["-p", "fix the bug", .. Base]);
    }

    [Theory]
    [InlineData(
        "model = \"sonnet\"\nfull_danger = true\nallowed_tool = [\"Bash\"]",
        "claude.toml:3: unknown key 'allowed_tool' (did you mean 'allowed_tools'?)")]
    [InlineData("fulldanger = true", "claude.toml:1: unknown key 'fulldanger' (did you mean 'full_danger'?)")]
    [InlineData("\ncolour = \"blue\"", "claude.toml:2: unknown key 'colour'")]
    [InlineData("[sandbox]\nnetwork = true", "claude.toml:1: unknown key 'sandbox'")]
    [InlineData("full_danger = \"yes\"", "claude.toml:1: bad value for 'full_danger': expected true or false, got \"yes\"")]
    [InlineData("max_turns = \"3\"", "claude.toml:1: bad value for 'max_turns': expected an integer, got \"3\"")]
    [InlineData("max_turns = 0", "claude.toml:1: bad value for 'max_turns': must be at least 1, got 0")]
    [InlineData(
        "\n\nallowed_tools = [1, 2]", "claude.toml:3: bad value for 'allowed_tools': expected a string or a list of strings, got an array")]
    [InlineData("add_dir = 5", "claude.toml:1: bad value for 'add_dir': expected a string or a list of strings, got 5")]
    [InlineData("model = 5", "claude.toml:1: bad value for 'model': expected a string, got 5")]
    [InlineData("append_system_prompt = true", "claude.toml:1: bad value for 'append_system_prompt': expected a string, got true")]
    [InlineData("mcp_config = { a = 1 }", "claude.toml:1: bad value for 'mcp_config': expected a string or a list of strings, got a table")]
    [InlineData(
        "permission_mode = \"acceptEdit\"",
        "claude.toml:1: bad value for 'permission_mode': \"acceptEdit\" (did you mean 'acceptEdits'?); " +
        "expected one of acceptEdits, auto, bypassPermissions, default, dontAsk, manual, plan")]
    public void A_bad_claude_toml_is_an_error_naming_file_line_and_key(string toml, string message)
    {
        var act = () => Build(Config(toml), Session());

        act.Should().Throw<ZwarmException>().WithMessage(message);
    }

    [Fact]
    public void A_follow_up_resumes_the_agent_session_with_the_plain_message()
    {
        var cmd = Build(Config(), Session("f116d513-53fd-4e81-8c18-9f30c8b4322a"), "now add tests", turn: 2);

        cmd.Arguments.Should().Equal(["-p", "now add tests", .. Base, "--resume", "f116d513-53fd-4e81-8c18-9f30c8b4322a"]);
    }

    [Fact]
    public void A_follow_up_resumes_the_newest_session_id_when_a_resume_reported_another()
    {
        var session = Session("f116d513-53fd-4e81-8c18-9f30c8b4322a");
        session.AgentSessionIdLatest = "70ab03e1-a243-45fb-a4b5-829f504e7eb8";

        Build(Config(), session, "again", turn: 3).Arguments.Should()
            .Equal(["-p", "again", .. Base, "--resume", "70ab03e1-a243-45fb-a4b5-829f504e7eb8"]);
    }

    [Fact]
    public void A_follow_up_without_an_agent_session_id_replays_the_conversation_in_a_fresh_run()
    {
        var session = Session();

        var cmd = Build(Config(), session, "now add tests", turn: 2);

        var replay = ReplayPrompt.Build(session, "now add tests");
        cmd.Arguments.Should().Equal(["-p", replay, .. Base]);
        replay.Should().Contain("Fixed it.").And.EndWith("now add tests");
    }

    [Fact]
    public void The_first_turn_never_resumes()
    {
        Build(Config(), Session("f116d513-53fd-4e81-8c18-9f30c8b4322a")).Arguments.Should().NotContain("--resume");
    }

    [Theory]
    [InlineData("-v is broken, fix it")]
    [InlineData("--help")]
    [InlineData("-")]
    public void A_prompt_that_looks_like_an_option_goes_last_after_a_double_dash(string prompt)
    {
        Build(Config("add_dir = [\"/a\", \"/b\"]"), Session(), prompt).Arguments.Should()
            .Equal(["-p", .. Base, "--add-dir", "/a", "/b", "--", prompt]);
        Build(Config(), Session("abc"), prompt, turn: 2).Arguments.Should().Equal(["-p", .. Base, "--resume", "abc", "--", prompt]);
    }

    [Theory]
    [InlineData("full_danger = true", true, true)]
    [InlineData("full_danger = true", false, false)]
    [InlineData("full_danger = false", true, false)]
    [InlineData("", true, false)]
    [InlineData("permission_mode = \"bypassPermissions\"", true, true)]
    [InlineData("permission_mode = \"acceptEdits\"", true, false)]
    public void IS_SANDBOX_is_set_only_as_root_when_permissions_are_bypassed(string toml, bool root, bool sandbox)
    {
        var cmd = Build(Config(toml), Session(), root: root);

        if (sandbox) cmd.Environment.Should().Equal(new Dictionary<string, string?> { ["IS_SANDBOX"] = "1" });
        else cmd.Environment.Should().BeEmpty();
    }

    [Fact]
    public void A_missing_executable_is_a_clear_error()
    {
        var config = ConfigLoader.FromValues(
            new Dictionary<string, object?> { ["adapters.claude.command"] = "/nonexistent/claude" }, _project);

        var act = () => Build(config, Session());

        act.Should().Throw<ZwarmException>().WithMessage("claude executable not found at '/nonexistent/claude' (adapters.claude.command)");
    }

    [Fact]
    public void The_working_dir_defaults_to_the_project()
    {
        var session = Session();
        session.WorkingDir = "";

        Build(Config(), session).WorkingDirectory.Should().Be(_project);
    }
}
