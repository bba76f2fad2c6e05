using System.Diagnostics;
using AwesomeAssertions;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Lifecycle;

/// <summary>
/// A turn whose wrapper was killed lives on while any process of the wrapper's (setsid) session does, tagged or not: a
/// process in the middle of exec can show an empty environment for an instant, and the fault suite once saw a session
/// finalised as failed while its agent went on to write the reply.
/// </summary>
public sealed class WrapperGoneSpecs
{
    [Fact(Timeout = 60_000)]
    public async Task A_turn_is_alive_while_an_untagged_process_of_its_dead_wrappers_session_runs()
    {
        var ct = TestContext.Current.CancellationToken;
        using var p = await LifecycleProject.CreateAsync();
        using var dir = new TempDir();
        var pidFile = Path.Combine(dir.Path, "child");
        // A session leader that starts a child with an empty environment (no ZWARM_SESSION_ID) and exits at once.
        var psi = new ProcessStartInfo("setsid")
        {
            ArgumentList = { "sh", "-c", $"env -i sleep 30 & echo $! > {pidFile}.tmp && mv {pidFile}.tmp {pidFile}" },
            UseShellExecute = false,
        };
        using var leader = Process.Start(psi)!;
        var leaderStart = ProcessInfo.StartTime(leader.Id);
        await leader.WaitForExitAsync(ct);
        (await LifecycleProject.EventuallyAsync(() => File.Exists(pidFile))).Should().BeTrue();
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            ProcessInfo.SessionOf(child).Should().Be(leader.Id, "the child stays in the dead leader's session");
            var meta = new SessionMeta
            {
                Id = SessionIds.New(), Status = SessionStatus.Running, Pid = leader.Id, PidStartTime = leaderStart,
            };

            p.Manager.Reconciler.IsTurnAlive(meta).Should().BeTrue("a process of the wrapper's session still runs");
            ProcessInfo.Signal(child, ProcessInfo.SigKill);
            (await LifecycleProject.EventuallyAsync(() => !p.Manager.Reconciler.IsTurnAlive(meta))).Should()
                .BeTrue("with the session empty, the turn is over");
        }
        finally
        {
            ProcessInfo.Signal(child, ProcessInfo.SigKill);
        }
    }
}
