using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;
using Zwarm.TestSupport;

namespace Zwarm.Cli.Tests;

/// <summary>
/// Agent output is untrusted text: escape sequences in replies, commands, outputs, errors and tasks reach the terminal
/// visible (ESC as ␛), never raw — raw, `traj` would clear the screen, set the title, or write the clipboard (OSC 52).
/// </summary>
public sealed class UntrustedOutputSpecs
{
    private const string Esc = "\u001b";

    // A codex transcript whose command, output, reasoning and reply carry escape sequences, and a raw (non-JSON) stderr line.
    private static readonly string[] Hostile =
    [
        """{"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}""",
        """{"type":"turn.started"}""",
        """{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"thinking \u001b[5mblink\u001b[0m"}}""",
        """{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"printf '\u001b[2J'","aggregated_output":"\u001b[2J\u001b]0;pwned title\u0007 cleared\r\n\u009b31mc1 csi\n","exit_code":0,"status":"completed"}}""",
        """{"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"Done \u001b]52;c;cHduZWQ=\u0007 clipboard"}}""",
        "raw stderr \u001b[31mred\u001b[0m",
        """{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":5,"reasoning_output_tokens":0}}""",
    ];

    public static TheoryData<string[], bool> Views() => new()
    {
        { ["traj", "{id}"], false },
        { ["traj", "{id}", "--full"], false },
        { ["show", "{id}", "-v"], true },
        { ["peek", "{id}"], true },
        { ["ls"], true },
        { ["wait", "{id}"], false },
        { ["watch", "{id}"], false },
        { ["clean", "--keep-days", "0", "--dry-run"], true },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Views))]
    public async Task Escape_sequences_in_agent_output_and_tasks_are_shown_visible_never_raw(string[] view, bool showsTask)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);
        var transcript = Path.Combine(p.Dir, "hostile.jsonl");
        await File.WriteAllLinesAsync(transcript, Hostile, ct);
        var id = await p.SpawnDoneAsync($"{Esc}]0;task title\u0007 replay={transcript}");

        var r = await p.RunAsync(view.Select(a => a == "{id}" ? id : a).ToArray());

        r.ExitCode.Should().Be(0, r.ToString());
        (r.Stdout + r.Stderr).Should().NotContain(Esc).And.NotContain("\u009b").And.NotContain("\u0007");
        if (showsTask) (r.Stdout + r.Stderr).Should().Contain("␛]0;task title␇", "the task is shown, made visible");
    }

    [Fact(Timeout = 60_000)]
    public async Task Traj_shows_each_escape_sequence_in_visible_form()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);
        var transcript = Path.Combine(p.Dir, "hostile.jsonl");
        await File.WriteAllLinesAsync(transcript, Hostile, ct);
        var id = await p.SpawnDoneAsync($"replay={transcript}");

        var r = await p.RunAsync("traj", id, "--full");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Contain("$ printf '␛[2J'")
            .And.Contain("␛[2J␛]0;pwned title␇ cleared")
            .And.Contain("␛[31mc1 csi", "a C1 CSI is the same as ESC [")
            .And.Contain("Done ␛]52;c;cHduZWQ=␇ clipboard")
            .And.Contain("thinking ␛[5mblink␛[0m");
    }

    [Fact(Timeout = 60_000)]
    public async Task Logs_on_a_terminal_makes_escape_sequences_visible_and_a_pipe_gets_the_bytes_unchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);
        var transcript = Path.Combine(p.Dir, "hostile.jsonl");
        await File.WriteAllLinesAsync(transcript, Hostile, ct);
        var id = await p.SpawnDoneAsync($"replay={transcript}");
        Need.Tool(Zwarm.Core.Agents.AgentExecutable.FindOnPath("script") is not null, "needs `script` (bsdutils) for a pseudo-terminal");

        await using var pty = CliProcess.Start(p.Dir, ["-qec", $"{Repo.Zwarm} logs {id}", "/dev/null"],
            env: new Dictionary<string, string?> { ["TERM"] = "xterm-256color" }, file: "script", ct: ct);
        var onTerminal = await pty.WaitAsync(TimeSpan.FromSeconds(30), ct);
        var piped = await p.RunProcessAsync(null, "logs", id);

        onTerminal.ExitCode.Should().Be(0, onTerminal.ToString());
        onTerminal.Stdout.Should().Contain("raw stderr ␛[31mred␛[0m").And.NotContain(Esc + "[31m");
        piped.Stdout.Should().Be(string.Join("\n", Hostile) + "\n", "logs into a pipe or file is the agent's output byte for byte");
    }
}
