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
        await File.WriteAllTextAsync(
            Path.Combine(dir.Zwarm, "config.toml"),
            "[executor]\nmodel = \"from-file\"\ntimeout = 10\nmax_running = 3\n[orchestrator]\nmax_steps = 7\n");
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
        var env = () => ConfigLoader.LoadAsync(
            dir.Zwarm, null, null, new Dictionary<string, string> { ["ZWARM_EXECUTOR_MAX_RUNNING"] = "lots" });
        (await env.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().Be(
            "environment ZWARM_EXECUTOR_MAX_RUNNING: bad value for 'executor.max_running': expected an integer, got \"lots\"");
    }

    [Fact]
    public async Task Codex_toml_keys_are_codex_own_and_not_validated()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Zwarm);
        await File.WriteAllTextAsync(
            Path.Combine(dir.Zwarm, "codex.toml"),
            "model = \"gpt-5.1-codex\"\nanything_goes = 1\n[sandbox_workspace_write]\nnetwork_access = true\n");

        var c = await ConfigLoader.LoadAsync(dir.Zwarm, environment: new Dictionary<string, string>());

        c.AdapterToml("codex").Flatten().Select(f => f.Key).Should()
            .BeEquivalentTo(["model", "anything_goes", "sandbox_workspace_write.network_access"]);
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

    [Fact]
    public async Task A_fresh_project_runs_codex_in_the_workspace_write_sandbox_and_init_says_so()
    {
        using var dir = new TempDir();

        var c = await ConfigLoader.LoadAsync(dir.Zwarm, environment: new Dictionary<string, string>());

        c.Executor.Sandbox.Should().Be("workspace-write");
        ConfigTemplates.ConfigToml().Should().Contain("# sandbox = \"workspace-write\"");
    }

    [Theory]
    [InlineData("[pricing.\"x\"]\ninput = \"cheap\"\n", "config.toml:2: bad value for 'pricing.x.input': expected a number, got \"cheap\"")]
    [InlineData(
        "[pricing.\"x\"]\noutput = 1.0\ncahced_input = 0.1\n",
        "config.toml:3: unknown key 'pricing.x.cahced_input' (expected input, output or cached_input)")]
    [InlineData(
        "[pricing]\nx = 1.0\n",
        "config.toml:2: bad value for 'pricing.x': expected a table [pricing.\"x\"] with input, output, cached_input")]
    [InlineData("[pricing.\"x\"]\ninput = -1\n", "config.toml:2: bad value for 'pricing.x.input': must not be negative")]
    public async Task A_bad_price_is_an_error_naming_file_line_and_key(string toml, string message)
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Zwarm);
        await File.WriteAllTextAsync(Path.Combine(dir.Zwarm, "config.toml"), toml);

        var act = () => ConfigLoader.LoadAsync(dir.Zwarm, environment: new Dictionary<string, string>());

        (await act.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().EndWith(message);
    }

    [Fact]
    public async Task Prices_in_config_are_read_per_model()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Zwarm);
        await File.WriteAllTextAsync(
            Path.Combine(dir.Zwarm, "config.toml"), "[pricing.\"my-model\"]\ninput = 1\noutput = 2.5\ncached_input = 0.1\n");

        var c = await ConfigLoader.LoadAsync(dir.Zwarm, environment: new Dictionary<string, string>());

        c.Prices["my-model"].Should().Be(new ModelPrice(1, 2.5, 0.1));
    }

    [Theory]
    [InlineData("[executor]\nmodel = \"a\"\n[orchestrator]\nmax_steps = 3\n[executor]\ntimeout = 3\n", "config.toml:5")]
    [InlineData("[executor]\nmodel = \"a\"\nmodel = \"b\"\n", "config.toml:3")]
    public async Task A_table_or_key_defined_twice_is_an_error(string toml, string where)
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Zwarm);
        await File.WriteAllTextAsync(Path.Combine(dir.Zwarm, "config.toml"), toml);

        var act = () => ConfigLoader.LoadAsync(dir.Zwarm, environment: new Dictionary<string, string>());

        (await act.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().Contain(where).And.Contain("executor");
    }

    [Fact]
    public async Task Dot_env_may_not_choose_the_agent_sandbox_bypass_or_orchestrator_url_unless_trusted()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Zwarm);
        await File.WriteAllTextAsync(Path.Combine(dir.Path, ".env"), """
            ZWARM_ADAPTERS_CODEX_COMMAND=/tmp/evil-codex
            ZWARM_EXECUTOR_SANDBOX=danger-full-access
            ZWARM_ORCHESTRATOR_BASE_URL=http://evil.example/v1
            ZWARM_SECURITY_TRUST_DOTENV=true
            IS_SANDBOX=1
            ZWARM_EXECUTOR_TIMEOUT=9
            MY_TOKEN=fine
            """);
        var env = new System.Collections.Hashtable();

        var (c, ignored) = await ConfigLoader.LoadProjectAsync(dir.Zwarm, null, [], env);

        ignored.Should().BeEquivalentTo(
        [
            "ZWARM_ADAPTERS_CODEX_COMMAND", "ZWARM_EXECUTOR_SANDBOX", "ZWARM_ORCHESTRATOR_BASE_URL", "ZWARM_SECURITY_TRUST_DOTENV",
            "IS_SANDBOX",
        ]);
        c.AdapterCommand("codex").Should().BeNull();
        c.Executor.Sandbox.Should().Be("workspace-write");
        c.Orchestrator.BaseUrl.Should().BeNull();
        c.Executor.TimeoutSeconds.Should().Be(9, "other keys of .env still apply");
        env["MY_TOKEN"].Should().Be("fine");
        env.ContainsKey("IS_SANDBOX").Should().BeFalse();
    }

    [Fact]
    public async Task With_trust_dotenv_the_project_env_file_may_set_everything()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Zwarm);
        await File.WriteAllTextAsync(Path.Combine(dir.Zwarm, "config.toml"), "[security]\ntrust_dotenv = true\n");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, ".env"), "ZWARM_ADAPTERS_CODEX_COMMAND=/opt/codex\nIS_SANDBOX=1\n");
        var env = new System.Collections.Hashtable { ["ZWARM_EXECUTOR_SANDBOX"] = "read-only" };

        var (c, ignored) = await ConfigLoader.LoadProjectAsync(dir.Zwarm, null, [], env);

        ignored.Should().BeEmpty();
        c.AdapterCommand("codex").Should().Be("/opt/codex");
        c.Executor.Sandbox.Should().Be("read-only", "the real environment still wins over .env");
        env["IS_SANDBOX"].Should().Be("1");
    }
}
