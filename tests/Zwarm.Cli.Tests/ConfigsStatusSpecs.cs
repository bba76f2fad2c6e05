using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>zwarm configs list/show, --config/-c with YAML, and zwarm status (in process, the real command tree).</summary>
public sealed class ConfigsStatusSpecs
{
    [Fact(Timeout = 60000)]
    public async Task Configs_list_finds_yaml_here_in_configs_and_in_zwarm_and_names_the_toml()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        Directory.CreateDirectory(Path.Combine(p.Dir, "configs"));
        Directory.CreateDirectory(Path.Combine(p.Dir, "more"));
        File.WriteAllText(Path.Combine(p.Dir, "top.yaml"), "executor:\n  timeout: 1\n");
        File.WriteAllText(Path.Combine(p.Dir, "configs", "base.yml"), "executor:\n  timeout: 2\n");
        File.WriteAllText(Path.Combine(p.Dir, ".zwarm", "exp.yaml"), "executor:\n  timeout: 3\n");
        File.WriteAllText(Path.Combine(p.Dir, "more", "other.yaml"), "executor:\n  timeout: 4\n");
        var cli = new InProcessCli(p);

        var text = await cli.RunAsync("configs", "list");
        var json = await cli.RunAsync("configs", "list", "--dir", "more", "--json");

        text.Stdout.Should().Be("top.yaml\nconfigs/base.yml\n.zwarm/exp.yaml\nalways loaded: .zwarm/config.toml\n");
        var o = JsonNode.Parse(json.Stdout)!;
        o["configs"]!.AsArray().Select(x => x!.GetValue<string>()).Should().Equal("more/other.yaml", "configs/base.yml", ".zwarm/exp.yaml");
        o["config_toml"]!.GetValue<string>().Should().Be(".zwarm/config.toml");
    }

    [Fact(Timeout = 60000)]
    public async Task Configs_show_prints_the_resolved_config_as_json_with_extends_applied()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        Directory.CreateDirectory(Path.Combine(p.Dir, "configs"));
        File.WriteAllText(
            Path.Combine(p.Dir, "configs", "base.yaml"),
            "executor:\n  model: base-model\n  timeout: 5\npricing:\n  gpt-5.1-x:\n    input: 2\n");
        var top = Path.Combine(p.Dir, "configs", "top.yaml");
        File.WriteAllText(
            top, "extends: base.yaml\nexecutor:\n  timeout: 6\nwatchers:\n  watchers:\n    - name: budget\n      config: {max_steps: 3}\n");
        var cli = new InProcessCli(p);

        var r = await cli.RunAsync("configs", "show", top);
        var bad = await cli.RunAsync("configs", "show", Path.Combine(p.Dir, "nope.yaml"));

        r.ExitCode.Should().Be(0, r.ToString());
        var o = JsonNode.Parse(r.Stdout)!;
        o["executor"]!["model"]!.GetValue<string>().Should().Be("base-model");
        o["executor"]!["timeout"]!.GetValue<long>().Should().Be(6);
        o["executor"]!["kill_grace"]!.GetValue<double>().Should().Be(0.5, "config.toml is under the file");
        o["orchestrator"]!["compaction"]!["keep_last_n"]!.GetValue<long>().Should().Be(10, "defaults are shown too");
        o["watchers"]!["watchers"]![0]!["config"]!["max_steps"]!.GetValue<long>().Should().Be(3);
        o["pricing"]!["gpt-5.1-x"]!["input"]!.GetValue<long>().Should().Be(2);
        bad.ExitCode.Should().Be(2);
        bad.ErrLines.Should().ContainSingle().Which.Should().StartWith("zwarm: config file not found: ");
    }

    [Fact(Timeout = 60000)]
    public async Task Short_c_with_a_yaml_file_configures_a_spawn_as_long_config_with_toml_does()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var yaml = Path.Combine(p.Dir, "exp.yaml");
        var toml = Path.Combine(p.Dir, "exp.toml");
        File.WriteAllText(yaml, "executor:\n  model: gpt-5.1-codex-max\n");
        File.WriteAllText(toml, "[executor]\nmodel = \"gpt-5.1-codex-max\"\n");
        var cli = new InProcessCli(p);

        var python = await cli.RunAsync("-c", yaml, "exec", "--task", "reply=Hi", "--json");
        var native = await cli.RunAsync("spawn", "reply=Hi", "--config", toml, "--json");
        var badKey = await cli.RunAsync("spawn", "reply=Hi", "-c", Path.Combine(p.Dir, "bad.yaml"));
        File.WriteAllText(Path.Combine(p.Dir, "bad.yaml"), "executor:\n  modell: x\n");
        var badKey2 = await cli.RunAsync("spawn", "reply=Hi", "-c", Path.Combine(p.Dir, "bad.yaml"));

        JsonNode.Parse(python.Stdout)!["model"]!.GetValue<string>().Should().Be("gpt-5.1-codex-max");
        JsonNode.Parse(native.Stdout)!["model"]!.GetValue<string>().Should().Be("gpt-5.1-codex-max");
        badKey.ExitCode.Should().Be(2);
        badKey2.ExitCode.Should().Be(1);
        badKey2.ErrLines.Should()
            .Equal($"zwarm: {Path.Combine(p.Dir, "bad.yaml")}:2: unknown key 'executor.modell' (did you mean 'executor.model'?)");
    }

    [Fact(Timeout = 60000)]
    public async Task Status_shows_counts_what_needs_attention_and_the_last_events()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);
        var done = await cli.SpawnAsync("reply=Done", "--wait");
        var failed = await cli.SpawnAsync("exit=3", "--wait");
        var running = await cli.SpawnAsync("sleep=forever");
        var lines = Enumerable.Range(1, 7).Select(i => $$"""{"ts":"2026-12-01T10:00:0{{i}}+00:00","event":"completed","session_id":"{{done}}","short_id":"{{done[..8]}}","reason":"event {{i}}"}""");
        File.WriteAllText(Path.Combine(p.Dir, ".zwarm", "events.jsonl"), string.Join("\n", lines) + "\n{torn\n");

        var text = await cli.RunAsync("status");
        var json = await cli.RunAsync("status", "--json");

        text.ExitCode.Should().Be(0, text.ToString());
        text.Stdout.Should().StartWith("sessions   1 running · 0 queued · 2 finished (1 done, 1 failed, 0 killed)");
        text.Stdout.Should().Contain($"✗ {failed[..8]}  failed").And.NotContain($"{done[..8]}  completed");
        text.Stdout.Should().Contain("instances\n  none active\n");
        text.Stdout.Should().Contain("event 7").And.Contain("event 3").And.NotContain("event 2");
        var o = JsonNode.Parse(json.Stdout)!;
        o["sessions"]!["running"]!.GetValue<int>().Should().Be(1);
        o["sessions"]!["failed"]!.GetValue<int>().Should().Be(1);
        o["attention"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).Should().Equal(failed);
        o["events"]!.AsArray().Select(e => e!["reason"]!.GetValue<string>()).Should()
            .Equal("event 3", "event 4", "event 5", "event 6", "event 7");
        _ = running;
    }

    [Fact(Timeout = 30000)]
    public async Task Status_without_a_store_or_events_says_so()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);
        var empty = Path.Combine(p.Dir, "empty");
        Directory.CreateDirectory(empty);

        var none = await cli.RunAsync("status", "-w", "empty");
        var quiet = await cli.RunAsync("status");

        none.Stdout.Should().Be("no .zwarm/ here; run 'zwarm init' or 'zwarm spawn \"task\"'\n");
        quiet.Stdout.Should().EndWith("events\n  none\n");
    }
}
