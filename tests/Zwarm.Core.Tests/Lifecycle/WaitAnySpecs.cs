using AwesomeAssertions;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Lifecycle;

public sealed class WaitAnySpecs
{
    [Fact(Timeout = 60_000)]
    public async Task Waiting_for_any_exits_0_when_the_session_that_finished_completed()
    {
        using var p = await LifecycleProject.CreateAsync();
        var quick = await p.SpawnAsync("reply=Quick");
        var slow = await p.SpawnAsync("reply=Slow sleep=forever");

        var result = await p.Manager.WaitAsync(
            [quick.Id, slow.Id], TimeSpan.FromSeconds(40), any: true, TestContext.Current.CancellationToken);

        result.TimedOut.Should().BeFalse();
        result.Sessions.Select(s => s.Status).Should().Equal(SessionStatus.Completed, SessionStatus.Running);
        result.ExitCode.Should().Be(0, "the one that finished completed; the other is still running, not failed");
        await p.Manager.KillAsync(slow.Id, TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task Waiting_for_any_exits_1_when_the_session_that_finished_failed()
    {
        using var p = await LifecycleProject.CreateAsync();
        var broken = await p.SpawnAsync("exit=3");
        var slow = await p.SpawnAsync("reply=Slow sleep=forever");

        var result = await p.Manager.WaitAsync(
            [broken.Id, slow.Id], TimeSpan.FromSeconds(40), any: true, TestContext.Current.CancellationToken);

        result.Sessions[0].Status.Should().Be(SessionStatus.Failed);
        result.ExitCode.Should().Be(1);
        await p.Manager.KillAsync(slow.Id, TestContext.Current.CancellationToken);
    }
}
