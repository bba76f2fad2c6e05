using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;
using Zwarm.Core.Agents.Codex;
using Zwarm.Core.Config;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Agents.Codex;

/// <summary>The codex command line of a first turn, a resumed turn and a replayed turn.</summary>
public sealed class CodexCommandSpecs : IDisposable
{
    private const string Thread = "01a21dc4-7b9f-7de0-b530-721eb6978559";
    private readonly string _project = Directory.CreateTempSubdirectory("zwarm-codex-").FullName;
    private readonly string _codex;
    private readonly CodexAdapter _adapter = new();

    public CodexCommandSpecs()
    {
        _codex = Path.Combine(_project, "codex-bin");
        File.WriteAllText(_codex, "#!/bin/sh\n");
    }

    private string WorkDir => Path.Combine(_project, "work");

    public void Dispose() => Directory.Delete(_project, recursive: true);

    [Fact]
    public void A_first_turn_runs_exec_in_the_working_dir_with_the_session_model_in_the_workspace_write_sandbox_by_default()
    {
        var cmd = Build(Config(), Session());

        cmd.FileName.Should().Be(_codex);
        cmd.Arguments.Should().Equal("exec", "--json", "--skip-git-repo-check", "--model", "gpt-5.1-codex", "-C", WorkDir,
            "--sandbox", "workspace-write", "--", "fix the bug");
        cmd.WorkingDirectory.Should().Be(WorkDir);
        cmd.Environment.Should().BeEmpty();
    }

    [Fact]
    public void The_session_model_wins_over_the_toml_model_and_an_empty_one_means_the_default()
    {
        Build(Config("model = \"gpt-5.1-codex-max\""), Session(model: "gpt-5.5")).Arguments.Should()
            .ContainInConsecutiveOrder("--model", "gpt-5.5");
        Build(Config(), Session(model: "")).Arguments.Should().ContainInConsecutiveOrder("--model", "gpt-5.1-codex-mini");
    }

    [Fact]
    public void An_empty_sandbox_setting_leaves_the_choice_to_codex()
        => Build(Config(sandbox: ""), Session()).Arguments.Should().NotContain("--sandbox");

    [Fact]
    public void The_sandbox_setting_becomes_the_sandbox_flag()
    {
        Build(Config(sandbox: "workspace-write"), Session()).Arguments.Should().Equal(
            "exec", "--json", "--skip-git-repo-check", "--model", "gpt-5.1-codex", "-C", WorkDir, "--sandbox", "workspace-write", "--",
            "fix the bug");
    }

    [Fact]
    public void Full_danger_adds_the_bypass_flag_and_drops_the_sandbox()
    {
        Build(Config("full_danger = true", sandbox: "read-only"), Session()).Arguments.Should().Equal(
            "exec", "--json", "--skip-git-repo-check", "--model", "gpt-5.1-codex", "-C", WorkDir,
            "--dangerously-bypass-approvals-and-sandbox", "--", "fix the bug");
        Build(Config("full_danger = false"), Session()).Arguments.Should().NotContain("--dangerously-bypass-approvals-and-sandbox");
    }

    [Fact]
    public void Codex_toml_keys_become_config_overrides_before_exec()
    {
        var cmd = Build(
            Config("model_reasoning_effort = \"high\"\n[sandbox_workspace_write]\nnetwork_access = true\n", sandbox: ""), Session());

        cmd.Arguments.Should().Equal(
            "-c", "model_reasoning_effort=\"high\"", "-c", "sandbox_workspace_write.network_access=true",
            "exec", "--json", "--skip-git-repo-check", "--model", "gpt-5.1-codex", "-C", WorkDir, "--", "fix the bug");
    }

    [Fact]
    public void A_follow_up_with_a_thread_id_resumes_the_thread_from_the_working_dir()
    {
        var cmd = Build(
            Config("approval_policy = \"never\"", sandbox: "workspace-write"), Session(Thread), turn: 2, prompt: "and now the tests");

        cmd.Arguments.Should().Equal(
            "-c", "approval_policy=\"never\"", "exec", "resume", "--json", "--skip-git-repo-check", "--model", "gpt-5.1-codex",
            "-c", "sandbox_mode=\"workspace-write\"", Thread, "--", "and now the tests");
        cmd.WorkingDirectory.Should().Be(WorkDir);
    }

    [Fact]
    public void A_resumed_turn_keeps_full_danger()
    {
        Build(Config("full_danger = true", sandbox: "workspace-write"), Session(Thread), turn: 3, prompt: "more").Arguments.Should().Equal(
            "exec", "resume", "--json", "--skip-git-repo-check", "--model", "gpt-5.1-codex",
            "--dangerously-bypass-approvals-and-sandbox", Thread, "--", "more");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("--last")]
    [InlineData("has space")]
    public void A_follow_up_without_a_usable_thread_id_replays_the_conversation_in_a_fresh_exec(string? threadId)
    {
        var session = Session(threadId);
        var cmd = Build(Config(sandbox: ""), session, turn: 2, prompt: "and now the tests");

        var expectedPrompt = ReplayPrompt.Build(session, "and now the tests");
        cmd.Arguments.Should()
            .Equal("exec", "--json", "--skip-git-repo-check", "--model", "gpt-5.1-codex", "-C", WorkDir, "--", expectedPrompt);
        expectedPrompt.Should().Contain("fix the bug").And.Contain("I fixed it.").And.EndWith("and now the tests");
    }

    [Fact]
    public void A_first_turn_never_resumes_even_with_a_thread_id()
        => Build(Config(sandbox: ""), Session(Thread)).Arguments.Should().Equal(
            "exec", "--json", "--skip-git-repo-check", "--model", "gpt-5.1-codex", "-C", WorkDir, "--", "fix the bug");

    [Fact]
    public void A_prompt_that_looks_like_an_option_stays_a_prompt()
        => Build(Config(), Session(), prompt: "--help me").Arguments.Should().EndWith(["--", "--help me"]);

    [Fact]
    public void A_relative_working_dir_is_resolved_against_the_project()
    {
        var session = Session();
        session.WorkingDir = "sub/dir";

        var cmd = Build(Config(), session);

        cmd.Arguments.Should().ContainInConsecutiveOrder("-C", Path.Combine(_project, "sub", "dir"));
        cmd.WorkingDirectory.Should().Be(Path.Combine(_project, "sub", "dir"));
    }

    [Theory]
    [InlineData("full_danger = \"yes\"", "codex.toml:1: bad value for 'full_danger': expected true or false, got \"yes\"")]
    [InlineData("# comment\nfull_danger = 1", "codex.toml:2: bad value for 'full_danger': expected true or false, got 1")]
    [InlineData("\n\nmodel = 5", "codex.toml:3: bad value for 'model': expected a string, got 5")]
    [InlineData("[a]\n\"b.c\" = 1", "codex.toml:2: key 'a.b.c' cannot be passed to codex")]
    [InlineData("\"x=y\" = 1", "codex.toml:1: key 'x=y' cannot be passed to codex")]
    [InlineData("\" pad\" = 1", "codex.toml:1: key ' pad' cannot be passed to codex")]
    public void A_bad_codex_toml_is_an_error_naming_file_line_and_key(string toml, string message)
    {
        var act = () => Build(Config(toml), Session());

        act.Should().Throw<ZwarmException>().Which.Message.Should().StartWith(message);
    }

    [Fact]
    public void An_unknown_sandbox_mode_is_an_error()
        => ((Action)(() => Build(Config(sandbox: "yolo"), Session()))).Should().Throw<ZwarmException>()
            .WithMessage("*executor.sandbox*read-only, workspace-write, danger-full-access*\"yolo\"*");

    [Fact]
    public void A_missing_executable_is_an_error_naming_the_setting()
    {
        var values = new Dictionary<string, object?> { ["adapters.codex.command"] = Path.Combine(_project, "nope") };
        var act = () => Build(ConfigLoader.FromValues(values, _project), Session());

        act.Should().Throw<ZwarmException>().WithMessage("*adapters.codex.command*");
    }

    [Fact]
    public void The_parser_is_a_codex_parser()
    {
        _adapter.CreateParser(collectTrajectory: true).Should().BeOfType<CodexParser>();
        _adapter.CreateParser(collectTrajectory: false).Result.Steps.Should().BeEmpty();
    }

    private AgentCommand Build(ZwarmConfig config, SessionMeta session, int turn = 1, string prompt = "fix the bug")
        => _adapter.BuildCommand(new TurnRequest { Session = session, Turn = turn, Prompt = prompt, Config = config });

    private ZwarmConfig Config(string toml = "", string? sandbox = null)
    {
        var values = new Dictionary<string, object?> { ["adapters.codex.command"] = _codex };
        if (sandbox is not null) values["executor.sandbox"] = sandbox;
        return ConfigLoader.FromValues(
            values, _project, new Dictionary<string, TomlDocument> { ["codex"] = TomlDocument.Parse(toml, "codex.toml") });
    }

    private SessionMeta Session(string? threadId = null, string model = "gpt-5.1-codex") => new()
    {
        Id = "6f1c2b8e-0000-4000-8000-000000000001",
        Task = "fix the bug",
        WorkingDir = WorkDir,
        Model = model,
        Adapter = "codex",
        AgentSessionId = threadId,
        Messages =
        [
            new SessionMessage { Role = "user", Content = "fix the bug" },
            new SessionMessage { Role = "assistant", Content = "I fixed it." },
        ],
    };
}
