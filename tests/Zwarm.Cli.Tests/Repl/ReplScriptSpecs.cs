using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests.Repl;

/// <summary>
/// zwarm interactive driven through stdin by a script, against fake-agent sessions: in process, except SIGINT,
/// which only a real process receives.
/// </summary>
[Collection(ReplSpecs.Name)]
public sealed class ReplScriptSpecs
{
    private static readonly TimeSpan Finish = TestProject.Soon;

    [Fact(Timeout = 180000)]
    public async Task A_script_spawns_lists_continues_kills_and_removes_sessions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);
        var done = await p.SpawnDoneAsync("reply=First");
        var forever = await p.SpawnAsync("sleep=forever");
        var old = await p.SpawnDoneAsync("reply=Old");

        var r = await p.RunWithInputAsync($"""
            # a comment, then a blank line

            spawn reply=From_the_REPL --wait
            ls
            c {done[..8]} reply=Second --wait
            kill {forever[..8]}
            rm {old[..8]}
            ? {done[..8]}
            quit
            spawn reply=Never
            """, "interactive");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stderr.Should().BeEmpty();
        r.Stdout.Should().Contain("From the REPL").And.Contain("Second")
            .And.Contain($"killed {forever[..8]}").And.Contain($"removed {old[..8]}");
        r.Stdout.Should().Contain(done[..8]).And.Contain("1 running", "ls ran while the forever session was still running");
        r.Stdout.Should().NotContain("zwarm>", "no prompt when stdin is not a terminal");

        var spawned = Directory.GetDirectories(p.SessionsDir).Select(Path.GetFileName).Except([done, forever]).Should()
            .ContainSingle().Subject!;
        var meta = p.Meta(spawned);
        meta["task"]!.GetValue<string>().Should().Be("reply=From_the_REPL", "nothing after quit ran");
        meta["status"]!.GetValue<string>().Should().Be("completed");
        Messages(p.Meta(done)).Should().Equal("reply=First", "First", "reply=Second", "Second");
        p.Meta(done)["turn"]!.GetValue<int>().Should().Be(2);
        p.Status(forever).Should().Be("killed");
        p.Meta(forever)["error"]!.GetValue<string>().Should().Be("Manually killed");
        Directory.Exists(Path.Combine(p.SessionsDir, old)).Should().BeFalse();
    }

    [Fact(Timeout = 180000)]
    public async Task Rm_all_asks_first_and_the_old_spellings_killall_ca_and_spawn_async_work()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);
        var a = await p.SpawnDoneAsync("reply=A");
        var b = await p.SpawnDoneAsync("reply=B");
        var forever = await p.SpawnAsync("sleep=forever");

        var r = await p.RunWithInputAsync($"""
            rm all
            n
            ca {a[..8]} reply=Again sleep=forever
            rm all
            y
            killall
            spawn --async reply=Async
            """, "i");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stderr.Should().Contain("remove all 2 finished session(s)? [y/N] zwarm: aborted; nothing removed")
            .And.Contain("remove all 1 finished session(s)? [y/N] ");
        r.Stdout.Should().Contain($"removed {b[..8]}").And.Contain($"killed {a[..8]}").And.Contain($"killed {forever[..8]}");

        Directory.Exists(Path.Combine(p.SessionsDir, b)).Should().BeFalse("b was the one finished session at the second rm all");
        var again = p.Meta(a);
        again["status"]!.GetValue<string>().Should()
            .Be("killed", "a was running its second turn, so rm all left it and killall stopped it");
        Messages(again).Should().StartWith(["reply=A", "A", "reply=Again sleep=forever"], "ca joined the unquoted words into one message");
        p.Status(forever).Should().Be("killed");
        var spawned = Directory.GetDirectories(p.SessionsDir).Select(Path.GetFileName).Except([a, forever]).Should()
            .ContainSingle().Subject!;
        (await p.WaitForDiskStatusAsync(spawned, "completed", Finish))["task"]!.GetValue<string>().Should().Be("reply=Async");
    }

    [Fact(Timeout = 180000)]
    public async Task Rm_of_a_running_session_asks_first_unless_yes_and_a_message_may_hold_an_apostrophe()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);
        var done = await p.SpawnDoneAsync("reply=First");
        var a = await p.SpawnAsync("sleep=forever");
        var b = await p.SpawnAsync("sleep=forever");

        var r = await p.RunWithInputAsync($"""
            rm {a[..8]}
            n
            rm {b[..8]} -y
            c {done[..8]} reply=it's_fine --wait
            """, "interactive");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stderr.Should().Contain($"session {a[..8]} is running; kill and remove it? [y/N] zwarm: aborted; nothing removed");
        p.Status(a).Should().Be("running", "the answer was no");
        Directory.Exists(Path.Combine(p.SessionsDir, b)).Should().BeFalse("-y does not ask");
        r.Stdout.Should().Contain($"killed and removed {b[..8]}").And.Contain("it's fine");
        Messages(p.Meta(done)).Should().Equal("reply=First", "First", "reply=it's_fine", "it's fine");
    }

    [Fact(Timeout = 180000)]
    public async Task Errors_print_one_line_each_and_the_REPL_carries_on_to_the_end_of_input()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);

        var r = await p.RunWithInputAsync("""
            peek ffffffff
            frobnicate
            spawn 'open
            ls --bogus
            !echo still here; exit 3
            kill all
            """, "interactive");

        r.ExitCode.Should().Be(0, "the last command succeeded: " + r);
        r.ErrLines.Should().Equal(
            "zwarm: no session matches 'ffffffff'",
            "zwarm: unknown command 'frobnicate' (type 'help' for the list)",
            "zwarm: unterminated ' quote",
            "zwarm: Unrecognized command or argument '--bogus'. (see 'zwarm ls --help')",
            "(exit 3)");
        r.Stdout.Should().Be("still here\nnothing running\n");
    }

    [Fact(Timeout = 120000)]
    public async Task Interactive_inside_interactive_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);

        var r = await p.RunWithInputAsync("i\nls --json\n", "i");

        r.ErrLines.Should().Equal("zwarm: already in interactive mode");
        r.Stdout.Trim().Should().Be("[]");
    }

    [Fact(Timeout = 120000)]
    public async Task SIGINT_stops_the_running_command_and_the_REPL_goes_on()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);
        var forever = await p.SpawnAsync("sleep=forever");
        await using var repl = p.StartProcess($"watch {forever[..8]}\nls --json\n", "interactive");

        // watch prints its header once it runs: from then on SIGINT (what Ctrl+C sends) is the command's.
        await repl.WaitForOutputAsync(o => o.Contains("following; Ctrl+C stops watching", StringComparison.Ordinal), TestProject.Soon);
        repl.Signal(2);
        var r = await repl.WaitAsync(TestProject.Soon, ct);

        r.ExitCode.Should().Be(0, r.ToString());
        JsonNode.Parse(r.Stdout[r.Stdout.LastIndexOf("\n[", StringComparison.Ordinal)..])!.AsArray().Should()
            .ContainSingle("ls ran after watch stopped");
        p.Status(forever).Should().Be("running", "stopping a watch does not touch the session");
    }

    private static IEnumerable<string> Messages(JsonNode meta)
        => meta["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>());
}
