using AwesomeAssertions;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Hosts;

/// <summary>Sessions on hosts over SSH (docs/hosts.md) with the fake agent, against test sshd servers on loopback.</summary>
public sealed class HostSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 90_000)]
    public async Task A_session_runs_continues_and_is_killed_on_its_host_with_the_output_here_byte_for_byte()
    {
        await using var p = await HostProject.CreateAsync();
        var started = await p.SpawnAsync("reply=hello_from_the_host");
        started.Host!.Name.Should().Be("h1");
        started.WorkingDir.Should().EndWith("h1-work");

        var done = await p.UntilFinishedAsync(started.Id);
        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        done.Messages.Select(m => (m.Role, m.Content)).Should().Equal(("user", "reply=hello_from_the_host"), ("assistant", "hello from the host"));
        done.ExitCode.Should().Be(0);
        p.LocalTurn(done.Id, 1).Should().Equal(HostProject.RemoteTurn(done, 1));
        done.Host!.Dir.Should().StartWith(p.Ssh.Path, "the per-session folder is under the host's state_dir");

        var continued = await p.Manager.ContinueAsync(done.Id, "reply=second_answer", Ct);
        continued.Host!.Name.Should().Be("h1");
        var second = await p.UntilFinishedAsync(done.Id);
        second.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(second));
        second.Turn.Should().Be(2);
        second.Messages.Last().Content.Should().Be("second answer");
        second.AgentSessionId.Should().Be(done.AgentSessionId, "the agent resumed its own thread on the host");
        p.LocalTurn(done.Id, 2).Should().Equal(HostProject.RemoteTurn(second, 2));

        var sleeper = await p.SpawnAsync("sleep=forever");
        var remotePid = sleeper.Host!.Pid!.Value;
        ProcessInfo.IsAlive(remotePid, sleeper.Host.PidStartTime).Should().BeTrue("the remote wrapper runs (this machine is the host)");
        var killed = await p.Manager.KillAsync(sleeper.Id, Ct);
        killed.Session.Status.Should().Be(SessionStatus.Killed);
        (await Eventually.HoldsAsync(() => !ProcessInfo.IsAlive(remotePid, sleeper.Host.PidStartTime)
                                           && !ProcessInfo.Tagged().Any(t => t.SessionId == sleeper.Id), TimeSpan.FromSeconds(10), Ct))
            .Should().BeTrue("no process of the killed session may survive on the host");
        ProcessInfo.IsAlive(sleeper.Pid, sleeper.PidStartTime).Should().BeFalse("the local follower is stopped too");
        (await p.Manager.GetAsync(sleeper.Id, Ct)).Status.Should().Be(SessionStatus.Killed);
    }
}
