using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>rm of ids, running sessions and unreadable ones.</summary>
public sealed class RmSpecs
{
    [Fact(Timeout = 120000)]
    public async Task Rm_removes_a_finished_session_and_kills_a_running_one_first()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var done = await p.SpawnDoneAsync("reply=Hi");
        var pidfile = Path.Combine(p.Dir, "pids");
        var running = await p.SpawnAsync($"ignoreterm grandchild pidfile={pidfile} sleep=forever");
        var pids = await p.WaitForPidsAsync(pidfile, 2, TestProject.Soon);

        var r = await p.RunAsync("rm", done[..8], running[..8]);

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be($"removed {done[..8]}  completed\nkilled and removed {running[..8]}  running\n");
        Directory.GetDirectories(p.SessionsDir).Should().BeEmpty();
        pids.Should().OnlyContain(pid => !TestProject.Alive(pid));
    }

    [Fact(Timeout = 120000)]
    public async Task Rm_of_an_unreadable_session_needs_force()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var id = await p.SpawnDoneAsync("reply=Hi");
        File.WriteAllText(p.MetaPath(id), "{ not json");

        var r = await p.RunAsync("rm", id[..8]);
        r.ExitCode.Should().Be(1);
        r.ErrLines.Should().ContainSingle().Which.Should()
            .StartWith($"zwarm: session {id[..8]} is unreadable: meta.json is corrupt").And.EndWith($"zwarm rm --force {id[..8]}");
        Directory.Exists(Path.Combine(p.SessionsDir, id)).Should().BeTrue();

        var forced = await p.RunAsync("rm", "--force", id[..8]);
        forced.ExitCode.Should().Be(0, forced.ToString());
        forced.Stdout.Should().StartWith($"removed {id[..8]}  (unreadable: meta.json is corrupt");
        Directory.Exists(Path.Combine(p.SessionsDir, id)).Should().BeFalse();
    }
}
