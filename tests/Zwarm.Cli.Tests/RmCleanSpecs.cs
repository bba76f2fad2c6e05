using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>rm and clean.</summary>
public sealed class RmCleanSpecs
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);

    [Fact(Timeout = 60000)]
    public async Task Rm_removes_a_finished_session_and_kills_a_running_one_first()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var done = await p.SpawnDoneAsync("reply=Hi");
        var pidfile = Path.Combine(p.Dir, "pids");
        var running = await p.SpawnAsync($"ignoreterm grandchild pidfile={pidfile} sleep=forever");
        var pids = await p.WaitForPidsAsync(pidfile, 2, Soon);

        var r = await p.RunAsync("rm", done[..8], running[..8]);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be($"removed {done[..8]}  completed\nkilled and removed {running[..8]}  running\n");
        Directory.GetDirectories(p.SessionsDir).Should().BeEmpty();
        pids.Should().OnlyContain(pid => !TestProject.Alive(pid));
    }

    [Fact(Timeout = 60000)]
    public async Task Rm_finished_keeps_running_sessions_and_one_bad_id_removes_nothing()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var done = await p.SpawnDoneAsync("reply=Hi");
        var failed = await p.SpawnDoneAsync("exit=2");
        var running = await p.SpawnAsync("sleep=forever");
        var before = p.Snapshot();

        var bad = await p.RunAsync("rm", done, "0000dead");
        bad.ExitCode.Should().Be(1);
        bad.ErrLines.Should().ContainSingle().Which.Should().Be("zwarm: no session matches '0000dead'");
        p.Snapshot().Should().Be(before);

        var r = await p.RunAsync("rm", "--finished", "--json");
        r.ExitCode.Should().Be(0, r.ToString());
        JsonNode.Parse(r.Stdout)!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Should().BeEquivalentTo([done, failed]);
        Directory.GetDirectories(p.SessionsDir).Select(Path.GetFileName).Should().Equal(running);
    }

    [Fact(Timeout = 60000)]
    public async Task Rm_of_an_unreadable_session_needs_force()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var id = await p.SpawnDoneAsync("reply=Hi");
        File.WriteAllText(p.MetaPath(id), "{ not json");

        var r = await p.RunAsync("rm", id[..8]);
        r.ExitCode.Should().Be(1);
        r.ErrLines.Should().ContainSingle().Which.Should().StartWith($"zwarm: session {id[..8]} is unreadable: meta.json is corrupt").And.EndWith($"zwarm rm --force {id[..8]}");
        Directory.Exists(Path.Combine(p.SessionsDir, id)).Should().BeTrue();

        var forced = await p.RunAsync("rm", "--force", id[..8]);
        forced.ExitCode.Should().Be(0, forced.ToString());
        forced.Stdout.Should().StartWith($"removed {id[..8]}  (unreadable: meta.json is corrupt");
        Directory.Exists(Path.Combine(p.SessionsDir, id)).Should().BeFalse();
    }

    [Theory(Timeout = 60000)]
    [InlineData("rm")]
    [InlineData("rm", "--finished", "--all")]
    public async Task Rm_needs_exactly_one_way_to_choose_sessions(params string[] args)
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var r = await p.RunAsync(args);

        r.ExitCode.Should().Be(2);
        r.ErrLines.Should().ContainSingle().Which.Should().Be("zwarm: rm needs session ids, --finished or --all (one of them)");
    }

    [Fact(Timeout = 60000)]
    public async Task Clean_y_keep_days_0_removes_finished_sessions_and_lists_them()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var done = await p.SpawnDoneAsync("reply=Hi");
        var failed = await p.SpawnDoneAsync("exit=2");
        var running = await p.SpawnAsync("sleep=forever");

        var r = await p.RunAsync("clean", "-y", "--keep-days", "0");

        r.ExitCode.Should().Be(0, r.ToString());
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        lines[0].Should().Be("2 finished session(s) older than 0 day(s):");
        var (doneLine, failedLine) = ($"  ✓ {done[..8]}  completed", $"  ✗ {failed[..8]}  failed");
        lines.Should().Contain(l => l.StartsWith(doneLine, StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith(failedLine, StringComparison.Ordinal));
        lines[^1].Should().Be("removed 2 session(s)");
        Directory.GetDirectories(p.SessionsDir).Select(Path.GetFileName).Should().Equal(running);
    }

    [Fact(Timeout = 60000)]
    public async Task Clean_asks_first_and_by_default_keeps_a_week()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var old = await p.SpawnDoneAsync("reply=Old");
        var fresh = await p.SpawnDoneAsync("reply=Fresh");
        var meta = p.Meta(old);
        meta["updated_at"] = DateTimeOffset.Now.AddDays(-8).ToString("o");
        File.WriteAllText(p.MetaPath(old), meta.ToJsonString());
        var before = p.Snapshot();

        var declined = await p.RunWithAsync("n\n", null, "clean");
        declined.ExitCode.Should().Be(1);
        declined.Stdout.Should().Contain(old[..8]).And.NotContain(fresh[..8]);
        declined.Stderr.Should().Be("remove these 1 session(s)? [y/N] zwarm: aborted; nothing removed\n");
        p.Snapshot().Should().Be(before);

        var dry = await p.RunAsync("clean", "--dry-run", "--json");
        JsonNode.Parse(dry.Stdout)!.AsArray().Should().ContainSingle().Which!["id"]!.GetValue<string>().Should().Be(old);
        p.Snapshot().Should().Be(before);

        var accepted = await p.RunWithAsync("y\n", null, "clean");
        accepted.ExitCode.Should().Be(0, accepted.ToString());
        Directory.GetDirectories(p.SessionsDir).Select(Path.GetFileName).Should().Equal(fresh);

        var nothing = await p.RunAsync("clean");
        nothing.Stdout.Should().Be("nothing to clean: no finished session older than 7 day(s)\n");
    }
}
