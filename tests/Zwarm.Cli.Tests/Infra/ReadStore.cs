using System.Text.Json.Nodes;

[assembly: AssemblyFixture(typeof(Zwarm.Cli.Tests.Infra.ReadStore))]

namespace Zwarm.Cli.Tests.Infra;

/// <summary>
/// One project with finished sessions of every interesting shape, built once for all read-only specs
/// (show, traj, peek, logs, ls). Tests must not change it.
/// </summary>
public sealed class ReadStore : IAsyncLifetime
{
    private readonly TestProject _project = new(CancellationToken.None);

    internal TestProject Project => _project;

    /// <summary>A command (echo) between two replies.</summary>
    public string Shell { get; private set; } = "";

    /// <summary>Reasoning, then a reply.</summary>
    public string Reasoning { get; private set; } = "";

    /// <summary>A failing command (exit 2) with output.</summary>
    public string CommandFails { get; private set; } = "";

    /// <summary>Five retries, then the turn fails: status failed.</summary>
    public string Http500 { get; private set; } = "";

    /// <summary>A file change.</summary>
    public string Patch { get; private set; } = "";

    /// <summary>A command with 30 lines of output.</summary>
    public string LongOutput { get; private set; } = "";

    /// <summary>Two turns: "First", then "Second".</summary>
    public string TwoTurns { get; private set; } = "";

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        var longOutput = Path.Combine(_project.Dir, "long_output.jsonl");
        var output = string.Concat(Enumerable.Range(1, 30).Select(i => $"line {i}\n"));
        await File.WriteAllLinesAsync(longOutput,
        [
            """{"type":"thread.started","thread_id":"0000-long"}""",
            new JsonObject
            {
                ["type"] = "item.completed",
                ["item"] = new JsonObject
                {
                    ["id"] = "item_0", ["type"] = "command_execution", ["command"] = "seq 30", ["aggregated_output"] = output,
                    ["exit_code"] = 0, ["status"] = "completed",
                },
            }.ToJsonString(),
            """{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Printed 30 lines."}}""",
            """{"type":"turn.completed","usage":{"input_tokens":20,"output_tokens":4}}""",
        ]);
        var spawns = new[]
        {
            "replay=codex/02_tool_shell.jsonl", "replay=codex/06_reasoning.jsonl", "replay=codex/08_command_fails.jsonl",
            "replay=codex/04_http500.jsonl exit=1", "replay=codex/07_apply_patch.jsonl", $"replay={longOutput}", "reply=First",
        }.Select(t => _project.SpawnAsync(t)).ToArray();
        var ids = await Task.WhenAll(spawns);
        (Shell, Reasoning, CommandFails, Http500, Patch, LongOutput, TwoTurns) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6]);
        var wait = await _project.RunAsync(["wait", .. ids]);
        if (wait.ExitCode != 1) throw new InvalidOperationException("fixture sessions did not finish as expected: " + wait);
        var c = await _project.RunAsync("c", TwoTurns, "reply=Second", "--wait");
        if (c.ExitCode != 0) throw new InvalidOperationException("continue failed: " + c);
    }

    /// <summary>Runs zwarm in this store, stopped by the test's token.</summary>
    internal Task<CliResult> RunAsync(CancellationToken ct, params string[] args) => _project.RunAsync(ct, args);

    /// <summary>The raw bytes of a turn file, as text.</summary>
    public string TurnFile(string id, int turn) => File.ReadAllText(Path.Combine(_project.SessionsDir, id, "turns", $"turn_{turn}.jsonl"));

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _project.DisposeAsync();
}
