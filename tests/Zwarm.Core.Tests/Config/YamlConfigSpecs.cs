using AwesomeAssertions;
using Zwarm.Core.Config;

namespace Zwarm.Core.Tests.Config;

/// <summary>Python zwarm's experiment configs: --config FILE.yaml with the keys of config.toml and extends:.</summary>
public sealed class YamlConfigSpecs
{
    private static readonly Dictionary<string, string> NoEnv = [];

    private static async Task<string> WriteAsync(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
        return path;
    }

    [Fact]
    public async Task A_yaml_config_sets_the_same_keys_as_config_toml_over_it()
    {
        using var dir = TestEnv.Temp();
        await WriteAsync(Path.Combine(dir.Zwarm, "config.toml"), "[executor]\nmodel = \"from-toml\"\ntimeout = 10\nmax_running = 3\n");
        var yaml = await WriteAsync(Path.Combine(dir.Path, "exp.yaml"), """
            # an experiment
            executor:
              model: from-yaml
              timeout: 20
              kill_grace: 1.5
              adapter: claude_code        # Python zwarm's adapter name
            orchestrator:
              allowed_dirs: [src, "tests"]
              compaction:
                keep_last_n: 4
            watchers:
              enabled: yes
              watchers:
                - name: pattern
                  config: {regex: "rm -rf", action: abort}
                - name: quality
                  enabled: false
            pricing:
              my-model.v2:
                input: 1
                output: 2.5
            """);

        var c = await ConfigLoader.LoadAsync(dir.Zwarm, yaml, environment: NoEnv);

        c.Executor.Model.Should().Be("from-yaml");
        c.Executor.TimeoutSeconds.Should().Be(20);
        c.Executor.MaxRunning.Should().Be(3, "keys the YAML does not set come from config.toml");
        c.Executor.KillGraceSeconds.Should().Be(1.5);
        c.Executor.Adapter.Should().Be("claude");
        c.Orchestrator.AllowedDirs.Should().Equal("src", "tests");
        c.Orchestrator.Compaction.KeepLastN.Should().Be(4);
        c.Watchers.Enabled.Should().BeTrue();
        c.Watchers.Watchers.Select(w => (w.Name, w.Enabled)).Should().Equal(("pattern", true), ("quality", false));
        c.Watchers.Watchers[0].Config["regex"].Should().Be("rm -rf");
        c.Prices["my-model.v2"].Should().Be(new ModelPrice(1, 2.5, 0));
    }

    [Fact]
    public async Task Extends_is_resolved_relative_to_the_file_and_the_file_wins()
    {
        using var dir = TestEnv.Temp();
        await WriteAsync(
            Path.Combine(dir.Path, "configs", "base", "base.yaml"),
            "executor:\n  model: base-model\n  timeout: 5\norchestrator:\n  max_steps: 9\n");
        await WriteAsync(Path.Combine(dir.Path, "configs", "mid.yml"), "extends: base/base.yaml\nexecutor:\n  timeout: 6\n");
        var top = await WriteAsync(Path.Combine(dir.Path, "configs", "top.yaml"), "extends: mid.yml\nexecutor:\n  model: top-model\n");

        var c = await ConfigLoader.LoadAsync(dir.Zwarm, top, environment: NoEnv);

        c.Executor.Model.Should().Be("top-model");
        c.Executor.TimeoutSeconds.Should().Be(6);
        c.Orchestrator.MaxSteps.Should().Be(9);
    }

    [Fact]
    public async Task An_extends_cycle_is_refused_naming_the_files()
    {
        using var dir = TestEnv.Temp();
        await WriteAsync(Path.Combine(dir.Path, "a.yaml"), "extends: b.yaml\nexecutor:\n  timeout: 1\n");
        await WriteAsync(Path.Combine(dir.Path, "b.yaml"), "extends: c.yaml\n");
        await WriteAsync(Path.Combine(dir.Path, "c.yaml"), "extends: a.yaml\n");

        var act = () => ConfigLoader.LoadAsync(dir.Zwarm, Path.Combine(dir.Path, "a.yaml"), environment: NoEnv);

        (await act.Should().ThrowAsync<ZwarmException>()).Which.Message.Should()
            .EndWith("extends cycle: a.yaml → b.yaml → c.yaml → a.yaml");
    }

    [Fact]
    public async Task A_file_that_extends_itself_is_a_cycle_too()
    {
        using var dir = TestEnv.Temp();
        var self = await WriteAsync(Path.Combine(dir.Path, "self.yaml"), "extends: ./self.yaml\n");

        var act = () => ConfigLoader.LoadAsync(dir.Zwarm, self, environment: NoEnv);

        (await act.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().Contain("extends cycle: self.yaml → self.yaml");
    }

    [Fact]
    public async Task A_bad_key_is_an_error_naming_file_line_and_key_also_in_a_file_extended()
    {
        using var dir = TestEnv.Temp();
        var bad = await WriteAsync(Path.Combine(dir.Path, "bad.yaml"), "executor:\n  model: x\n  modle: y\n");
        await WriteAsync(Path.Combine(dir.Path, "sub", "base.yaml"), "orchestrator:\n\n  max_stepz: 3\n");
        var child = await WriteAsync(Path.Combine(dir.Path, "sub", "child.yaml"), "extends: base.yaml\n");

        var direct = () => ConfigLoader.LoadAsync(dir.Zwarm, bad, environment: NoEnv);
        var inherited = () => ConfigLoader.LoadAsync(dir.Zwarm, child, environment: NoEnv);

        (await direct.Should().ThrowAsync<ZwarmException>()).Which.Message.Should()
            .Be($"{bad}:3: unknown key 'executor.modle' (did you mean 'executor.model'?)");
        (await inherited.Should().ThrowAsync<ZwarmException>()).Which.Message.Should()
            .Be($"{Path.Combine(dir.Path, "sub", "base.yaml")}:3: " +
                "unknown key 'orchestrator.max_stepz' (did you mean 'orchestrator.max_steps'?)");
    }

    [Theory]
    [InlineData("executor:\n  timeout: soon\n", ":2: bad value for 'executor.timeout': expected an integer, got \"soon\"")]
    [InlineData("executor:\n  timeout: \"10\"\n", ":2: bad value for 'executor.timeout': expected an integer, got \"10\"")]
    [InlineData("executor:\n  model: [a, b\n", ": invalid YAML: ")]
    [InlineData("- just\n- a list\n", ":1: expected a mapping of keys (key: value), got a list")]
    [InlineData("extends: missing.yaml\n", ":1: extends: file not found: ")]
    public async Task Bad_values_and_bad_yaml_are_errors_naming_the_file(string text, string expected)
    {
        using var dir = TestEnv.Temp();
        var path = await WriteAsync(Path.Combine(dir.Path, "x.yaml"), text);

        var act = () => ConfigLoader.LoadAsync(dir.Zwarm, path, environment: NoEnv);

        (await act.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().StartWith(path).And.Contain(expected);
    }

    [Fact]
    public async Task An_empty_value_puts_a_key_back_to_its_default_and_an_empty_section_is_nothing()
    {
        using var dir = TestEnv.Temp();
        await WriteAsync(Path.Combine(dir.Zwarm, "config.toml"), "[executor]\ntimeout = 10\n");
        var yaml = await WriteAsync(Path.Combine(dir.Path, "x.yaml"), "executor:\n  timeout: ~\ntelemetry:\n");

        var c = await ConfigLoader.LoadAsync(dir.Zwarm, yaml, environment: NoEnv);

        c.Executor.TimeoutSeconds.Should().Be(0);
    }

    [Fact]
    public async Task A_yaml_file_may_extend_a_toml_file()
    {
        using var dir = TestEnv.Temp();
        await WriteAsync(Path.Combine(dir.Path, "base.toml"), "[executor]\nmodel = \"toml-model\"\ntimeout = 7\n");
        var yaml = await WriteAsync(Path.Combine(dir.Path, "x.yaml"), "extends: base.toml\nexecutor:\n  timeout: 8\n");

        var c = await ConfigLoader.LoadAsync(dir.Zwarm, yaml, environment: NoEnv);

        (c.Executor.Model, c.Executor.TimeoutSeconds).Should().Be(("toml-model", 8));
    }

    [Fact]
    public void Scalars_are_typed_as_pyyaml_types_them()
    {
        var root = YamlFile.ParseMapping(
            "a: 12\nb: -3\nc: 1.5\nd: 1e3\ne: yes\nf: Off\ng: ~\nh: '12'\ni: text\nj: 0x1F\nk: \"true\"\n", "t.yaml");
        var v = root.Children.ToDictionary(kv => YamlFile.KeyOf(kv.Key), kv => YamlFile.ToValue(kv.Value));

        v["a"].Should().Be(12L);
        v["b"].Should().Be(-3L);
        v["c"].Should().Be(1.5);
        v["d"].Should().Be(1000.0);
        v["e"].Should().Be(true);
        v["f"].Should().Be(false);
        v["g"].Should().BeNull();
        v["h"].Should().Be("12");
        v["i"].Should().Be("text");
        v["j"].Should().Be(31L);
        v["k"].Should().Be("true");
    }
}
