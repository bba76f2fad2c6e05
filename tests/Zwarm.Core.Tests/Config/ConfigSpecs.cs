using AwesomeAssertions;
using Zwarm.Core.Config;

namespace Zwarm.Core.Tests.Config;

public sealed class ConfigSpecs
{
    [Fact]
    public async Task Defaults_apply_without_any_file()
    {
        using var dir = new TempDir();
        var c = await ConfigLoader.LoadAsync(dir.Zwarm, environment: new Dictionary<string, string>());
        c.Executor.Adapter.Should().Be("codex");
        c.Orchestrator.MaxSteps.Should().Be(50);
        c.Orchestrator.MaxStepsPerTurn.Should().Be(60);
        c.Orchestrator.ParallelDelegations.Should().Be(4);
        c.Orchestrator.Compaction.Should().Be(new CompactionConfig(100000, 0.85, 0.7, 2, 10));
        c.Executor.KillGraceSeconds.Should().Be(2.0);
        c.ProjectDir.Should().Be(dir.Path);
    }

    [Fact]
    public async Task Layers_apply_in_order_file_then_config_file_then_set_then_environment()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Zwarm);
        await File.WriteAllTextAsync(Path.Combine(dir.Zwarm, "config.toml"), "[executor]\nmodel = \"from-file\"\ntimeout = 10\nmax_running = 3\n[orchestrator]\nmax_steps = 7\n");
        var extra = Path.Combine(dir.Path, "extra.toml");
        await File.WriteAllTextAsync(extra, "[executor]\nmodel = \"from-config-flag\"\ntimeout = 20\n");

        var c = await ConfigLoader.LoadAsync(dir.Zwarm, extra, ["executor.timeout=30", "orchestrator.allowed_dirs=/a,/b"],
            new Dictionary<string, string> { ["ZWARM_EXECUTOR_TIMEOUT"] = "40" });

        c.Executor.Model.Should().Be("from-config-flag");
        c.Executor.TimeoutSeconds.Should().Be(40);
        c.Executor.MaxRunning.Should().Be(3);
        c.Orchestrator.MaxSteps.Should().Be(7);
        c.Orchestrator.AllowedDirs.Should().Equal("/a", "/b");
    }

    [Fact]
    public async Task Bad_TOML_is_an_error_naming_file_and_line()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Zwarm);
        await File.WriteAllTextAsync(Path.Combine(dir.Zwarm, "config.toml"), "[executor]\nmodel = \"ok\"\ntimeout = = 3\n");

        var act = () => ConfigLoader.LoadAsync(dir.Zwarm, environment: new Dictionary<string, string>());

        (await act.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().MatchRegex(@"config\.toml:3: invalid TOML: .+");
    }

    [Fact]
    public async Task A_typo_in_a_key_names_file_line_key_and_the_likely_fix()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Zwarm);
        await File.WriteAllTextAsync(Path.Combine(dir.Zwarm, "config.toml"), "# comment\n[executor]\nmodle = \"x\"\n");

        var act = () => ConfigLoader.LoadAsync(dir.Zwarm, environment: new Dictionary<string, string>());

        (await act.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().Be(
            $"{Path.Combine(dir.Zwarm, "config.toml")}:3: unknown key 'executor.modle' (did you mean 'executor.model'?)");
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_the_key()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Zwarm);
        await File.WriteAllTextAsync(Path.Combine(dir.Zwarm, "config.toml"), "[orchestrator]\nmax_steps = \"many\"\n");

        var act = () => ConfigLoader.LoadAsync(dir.Zwarm, environment: new Dictionary<string, string>());

        (await act.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().EndWith(
            "config.toml:2: bad value for 'orchestrator.max_steps': expected an integer, got \"many\"");
    }

    [Fact]
    public async Task A_bad_set_or_environment_value_is_named()
    {
        using var dir = new TempDir();
        var set = () => ConfigLoader.LoadAsync(dir.Zwarm, null, ["executor.nope=1"], new Dictionary<string, string>());
        (await set.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().StartWith("--set: unknown key 'executor.nope'");
        var env = () => ConfigLoader.LoadAsync(dir.Zwarm, null, null, new Dictionary<string, string> { ["ZWARM_EXECUTOR_MAX_RUNNING"] = "lots" });
        (await env.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().Be(
            "environment ZWARM_EXECUTOR_MAX_RUNNING: bad value for 'executor.max_running': expected an integer, got \"lots\"");
    }

    [Fact]
    public async Task Codex_toml_keys_are_codex_own_and_not_validated()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Zwarm);
        await File.WriteAllTextAsync(Path.Combine(dir.Zwarm, "codex.toml"), "model = \"gpt-5.1-codex\"\nanything_goes = 1\n[sandbox_workspace_write]\nnetwork_access = true\n");

        var c = await ConfigLoader.LoadAsync(dir.Zwarm, environment: new Dictionary<string, string>());

        c.CodexToml.Flatten().Select(f => f.Key).Should().BeEquivalentTo(["model", "anything_goes", "sandbox_workspace_write.network_access"]);
    }

    [Fact]
    public void Dot_env_files_parse_comments_quotes_and_export()
    {
        var vars = DotEnv.Parse("# c\nexport A=1\nB=\"two words\"\nC='x'\n\nbad line\nD = 4 \n");
        vars.Should().BeEquivalentTo(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two words", ["C"] = "x", ["D"] = "4" });
    }

    [Fact]
    public void The_init_template_documents_every_key_and_parses_as_TOML()
    {
        var text = ConfigTemplates.ConfigToml();
        foreach (var k in ConfigSchema.Keys) text.Should().Contain(k.Help);
        var doc = TomlDocument.Parse(text, "config.toml");
        doc.Flatten().Should().BeEmpty("every key is commented out");
    }
}
