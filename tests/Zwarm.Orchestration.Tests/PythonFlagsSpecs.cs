using System.Text.Json.Nodes;
using AwesomeAssertions;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

/// <summary>
/// orchestrate/pilot with Python zwarm's flags (-w, -n, -i, -v, -c YAML) and zwarm.yaml in their system prompt, through the built zwarm.
/// </summary>
public sealed class PythonFlagsSpecs
{
    private const string ZwarmYaml = """
        description: "Billing service for the shop"
        context: |
          FastAPI backend in src/api/, tests in tests/ (pytest -q).
        constraints:
          - Never modify migration files directly
        """;

    [Fact(Timeout = 120_000)]
    public async Task Orchestrate_from_elsewhere_with_working_dir_name_verbose_and_then_resume_by_short_instance()
    {
        await using var w = await World.CreateAsync();
        await File.WriteAllTextAsync(Path.Combine(w.Dir, "zwarm.yaml"), ZwarmYaml, TestEnv.Ct);
        var elsewhere = Path.Combine(w.Dir, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        w.Chat(One("exit", """{"summary":"first run done"}"""), One("exit", """{"summary":"resumed and done"}"""));

        var run = await ZwarmProcess.RunAsync(
            elsewhere, ["orchestrate", "-w", "..", "-n", "night-shift", "-v", "-t", "Check the billing tests"]);
        var instances = await ZwarmProcess.RunAsync(elsewhere, ["instances", "-w", w.Dir, "--all", "--json"]);
        var history = await ZwarmProcess.RunAsync(elsewhere, ["history", "--working-dir", w.Dir, "--limit", "1"]);
        var resumed = await ZwarmProcess.RunAsync(w.Dir, ["orchestrate", "--resume", "-i", "night-shift", "-t", "one more check"]);

        run.ExitCode.Should().Be(0, run.Stdout + run.Stderr);
        run.Stdout.Should().Contain("(night-shift)").And.Contain("first run done");
        var system = Messages(w.ChatRequests[0])[0];
        system.Role.Should().Be("system");
        system.Content.Should().Contain("About this project (from zwarm.yaml, written by the user):\nBilling service for the shop")
            .And.Contain("FastAPI backend in src/api/, tests in tests/ (pytest -q).")
            .And.Contain("- Never modify migration files directly")
            .And.Contain($"Project directory: {w.Dir}");
        var list = JsonNode.Parse(instances.Stdout)!.AsArray();
        list.Should().ContainSingle().Which!["name"]!.GetValue<string>().Should().Be("night-shift");
        history.Stdout.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("run_finished");
        resumed.ExitCode.Should().Be(0, resumed.Stdout + resumed.Stderr);
        resumed.Stdout.Should().Contain("resumed and done");
        Directory.Exists(Path.Combine(elsewhere, ".zwarm")).Should().BeFalse("-w made the project the store, not the current folder");
    }

    [Fact(Timeout = 90_000)]
    public async Task Pilot_with_short_flags_puts_zwarm_yaml_in_its_system_prompt()
    {
        await using var w = await World.CreateAsync();
        await File.WriteAllTextAsync(Path.Combine(w.Dir, "zwarm.yaml"), ZwarmYaml, TestEnv.Ct);
        w.Chat(Say("Hello from the pilot."));

        var pilot = await ZwarmProcess.RunAsync(w.Dir, ["pilot", "-n", "copilot", "-v", "-w", "."], stdin: "hi\n:quit\n");

        pilot.ExitCode.Should().Be(0, pilot.Stdout + pilot.Stderr);
        pilot.Stdout.Should().Contain("(copilot)").And.Contain("Hello from the pilot.");
        Messages(w.ChatRequests[0])[0].Content.Should()
            .Contain("- Never modify migration files directly").And.Contain("Billing service for the shop");
    }

    [Fact(Timeout = 90_000)]
    public async Task Orchestrate_takes_a_yaml_experiment_config_with_short_c_and_a_bad_zwarm_yaml_changes_nothing()
    {
        await using var w = await World.CreateAsync();
        await File.WriteAllTextAsync(Path.Combine(w.Dir, "base.yaml"), "orchestrator:\n  max_steps: 1\n", TestEnv.Ct);
        await File.WriteAllTextAsync(
            Path.Combine(w.Dir, "exp.yaml"), "extends: base.yaml\norchestrator:\n  model: yaml-model\n", TestEnv.Ct);
        w.Chat(One("list_sessions"));

        var run = await ZwarmProcess.RunAsync(w.Dir, ["orchestrate", "-c", "exp.yaml", "--task", "Look around"]);
        await File.WriteAllTextAsync(Path.Combine(w.Dir, "zwarm.yaml"), "descripshun: typo\n", TestEnv.Ct);
        var bad = await ZwarmProcess.RunAsync(w.Dir, ["orchestrate", "--task", "Anything"]);

        run.ExitCode.Should().Be(3, "max_steps 1 from base.yaml ends the run out of steps: " + run.Stdout + run.Stderr);
        w.ChatRequests[0].Json!["model"]!.GetValue<string>().Should().Be("yaml-model");
        bad.ExitCode.Should().Be(1);
        bad.Stderr.Trim().Should().Be(
            $"zwarm: {Path.Combine(w.Dir, "zwarm.yaml")}:1: unknown key 'descripshun' (did you mean 'description'?): " +
            "zwarm.yaml holds description, context and constraints");
        w.ChatRequests.Should().HaveCount(1, "a bad zwarm.yaml stops the run before the LLM is called");
        JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(w.ZwarmDir, "instances.json"), TestEnv.Ct))!["instances"]!.AsObject()
            .Should().HaveCount(1);
    }
}
