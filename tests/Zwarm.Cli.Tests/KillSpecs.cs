using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>kill of one session, of all, and bad kill input.</summary>
public sealed class KillSpecs
{
    [Fact(Timeout = 120000)]
    public async Task Kill_stops_an_agent_that_ignores_SIGTERM_and_its_grandchild_in_another_process_group()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var pidfile = Path.Combine(p.Dir, "pids");
        var id = await p.SpawnAsync($"ignoreterm grandchild_pgid pidfile={pidfile} sleep=forever");
        var pids = await p.WaitForPidsAsync(pidfile, 2, TestProject.Soon);
        pids.Should().OnlyContain(pid => TestProject.Alive(pid));

        var r = await p.RunAsync("kill", id[..8], "--set", "executor.kill_grace=0.5");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be($"killed {id[..8]}\n");
        pids.Should().OnlyContain(pid => !TestProject.Alive(pid), "the agent and its grandchild are gone");
        var meta = p.Meta(id);
        meta["status"]!.GetValue<string>().Should().Be("killed");
        meta["error"]!.GetValue<string>().Should().Be("Manually killed");

        var again = await p.RunAsync("kill", id[..8]);
        again.ExitCode.Should().Be(0);
        again.Stdout.Should().Be($"session {id[..8]} is already killed; nothing to kill\n");

        var c = await p.RunAsync("c", id, "reply=more");
        c.ExitCode.Should().Be(1);
        c.ErrLines.Should().ContainSingle().Which.Should().Contain("was killed");
    }
}
