using AwesomeAssertions;
using Zwarm.Cli.Commands;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>
/// The turn wrapper's <c>zwarm _finalize DIR N</c> is recognised before the command tree is built (it runs once per
/// turn); every other spelling still goes through the tree. And the error policy's last resort: a failure nobody
/// planned for is one line and exit 1, never a stack trace.
/// </summary>
public sealed class FinalizeDirectSpecs
{
    public static TheoryData<string[], bool> Calls() => new()
    {
        { ["_finalize", "/p/.zwarm/sessions/x", "1"], true },
        { ["_finalize", "rel/x", "12"], true },
        { ["_finalize", "/p/x", "one"], false },
        { ["_finalize", "/p/x", "-1"], false },
        { ["_finalize", "--help"], false },
        { ["_finalize", "--verbose", "1"], false },
        { ["_finalize", "/p/x", "1", "--verbose"], false },
        { ["ls", "/p/x", "1"], false },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void Only_the_wrappers_exact_call_is_taken_directly(string[] args, bool direct)
    {
        FinalizeCommand.IsDirectCall(args, out var dir, out var turn).Should().Be(direct);
        if (direct) (dir, turn).Should().Be((args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact(Timeout = 60000)]
    public async Task The_direct_call_records_the_end_of_a_turn_like_the_tree_did()
    {
        await using var project = new TestProject(TestContext.Current.CancellationToken);
        var id = Guid.NewGuid().ToString("D");
        var dir = Path.Combine(project.SessionsDir, id);
        Directory.CreateDirectory(Path.Combine(dir, "turns"));
        await File.WriteAllTextAsync(Path.Combine(dir, "meta.json"), $$"""
            {
              "id": "{{id}}", "task": "say hi", "status": "running", "working_dir": "{{project.Dir}}",
              "created_at": "2026-12-02T10:00:00", "updated_at": "2026-12-02T10:00:00", "adapter": "codex",
              "model": "gpt-5.1-codex-mini", "turn": 1,
              "messages": [{ "role": "user", "content": "say hi", "timestamp": "2026-12-02T10:00:00", "turn": 1 }],
              "turns": [{ "turn": 1, "started_at": "2026-12-02T10:00:00" }]
            }
            """, project.Ct);
        File.Copy(Path.Combine(Paths.Fixtures, "codex", "01_plain.jsonl"), Path.Combine(dir, "turns", "turn_1.jsonl"));
        await File.WriteAllTextAsync(Path.Combine(dir, "turns", "turn_1.exit"), "0\n", project.Ct);

        var r = await project.RunAsync("_finalize", Path.Combine(".zwarm", "sessions", id), "1");

        r.ExitCode.Should().Be(0, r.ToString());
        var meta = project.Meta(id);
        meta["status"]!.GetValue<string>().Should().Be("completed");
        meta["messages"]!.AsArray().Should().Contain(m => m!["role"]!.GetValue<string>() == "assistant");
        meta["turns"]![0]!["exit_code"]!.GetValue<int>().Should().Be(0);
    }

    [Fact(Timeout = 60000)]
    public async Task The_direct_call_on_a_missing_session_is_one_line_and_changes_nothing()
    {
        await using var project = new TestProject(TestContext.Current.CancellationToken);
        var before = project.Snapshot();

        var r = await project.RunAsync("_finalize", Path.Combine(".zwarm", "sessions", "nope"), "1");

        r.ExitCode.Should().NotBe(0, r.ToString());
        r.ErrLines.Should().ContainSingle(r.ToString()).Which.Should().StartWith("zwarm: ");
        project.Snapshot().Should().Be(before);
    }

    [Fact]
    public async Task An_error_nobody_planned_for_is_one_line_and_exit_1()
    {
        var err = new StringWriter();
        var host = new CliHost(new Spectre.Console.Testing.TestConsole(), new StringWriter(), err, Path.GetTempPath());

        var code = await CliApp.GuardAsync(host,
            () => throw new TypeInitializationException("Zwarm.Some", new NotSupportedException("no such thing\nsecond line")));

        code.Should().Be(1);
        err.ToString().Should().Be(
            "zwarm: unexpected error (NotSupportedException): no such thing (--verbose shows where; please report it)"
            + Environment.NewLine);
    }
}
