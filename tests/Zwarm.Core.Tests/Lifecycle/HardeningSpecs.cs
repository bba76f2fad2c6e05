using AwesomeAssertions;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Lifecycle;

/// <summary>Issue 12, items 3–6: each test failed before its fix.</summary>
public sealed class HardeningSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_queued_follow_up_starts_when_the_slot_frees()
    {
        using var p = await LifecycleProject.CreateAsync("executor.max_running=1");
        var other = await p.SpawnAsync("reply=first");
        await p.UntilFinishedAsync(other.Id);
        // The blocker holds the only slot until the test opens its gate.
        await using var gate = new AgentGate(p.Path);
        var blocker = await p.SpawnAsync($"{gate.Prompt} reply=blocker");

        var queued = await p.Manager.ContinueAsync(other.Id, "reply=second", Ct);

        queued.Status.Should().Be(SessionStatus.Pending);
        await gate.WriteAsync(Ct);
        await gate.CloseAsync();
        (await p.UntilFinishedAsync(blocker.Id)).Status.Should().Be(SessionStatus.Completed);
        var done = await p.UntilFinishedAsync(other.Id);
        done.Status.Should().Be(SessionStatus.Completed);
        done.Turn.Should().Be(2);
        done.Messages.Last().Content.Should().Be("second");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_timeout_a_session_started_with_decides_its_end_whoever_finalises_it()
    {
        using var p = await LifecycleProject.CreateAsync("executor.timeout=1");
        var s = await p.SpawnAsync("sleep=forever");
        // The finaliser (another zwarm process) was started without --set: it must still know the session's timeout.
        var other = await p.OtherManagerAsync();

        var done = await WaitFinishedAsync(other, s.Id, 15_000);

        done.Status.Should().Be(SessionStatus.Failed);
        done.Error.Should().Be("timed out after 1 s (executor.timeout)");
        done.Turns!.Single().TimedOut.Should().BeTrue();
    }

    [Fact(Timeout = 60_000)]
    public async Task The_max_running_a_session_was_queued_with_holds_when_another_process_pumps_the_queue()
    {
        using var p = await LifecycleProject.CreateAsync("executor.max_running=2");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await p.SpawnAsync("sleep=forever")).Id);
        var other = await p.OtherManagerAsync();

        await other.PumpQueueAsync(Ct);
        await other.ListAsync(Ct);

        var statuses = new List<SessionStatus>();
        foreach (var id in ids) statuses.Add((await other.GetAsync(id, Ct)).Status);
        statuses.Count(s => s == SessionStatus.Running).Should().Be(2, "the sessions were started with executor.max_running = 2");
    }

    [Theory]
    [InlineData("executor.timeout=4294967297", "executor.timeout")]
    [InlineData("executor.kill_grace=NaN", "executor.kill_grace")]
    [InlineData("executor.kill_grace=-1", "executor.kill_grace")]
    [InlineData("executor.max_running=99999999999", "executor.max_running")]
    public async Task Out_of_range_settings_are_errors_naming_the_key(string set, string key)
    {
        using var dir = TestEnv.Temp();
        var act = () => ConfigLoader.LoadAsync(dir.Zwarm, null, [set], new Dictionary<string, string>());
        (await act.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().StartWith($"--set: bad value for '{key}'");
    }

    [Fact]
    public async Task Out_of_range_settings_in_a_file_name_file_and_key()
    {
        using var dir = TestEnv.Temp();
        Directory.CreateDirectory(dir.Zwarm);
        await File.WriteAllTextAsync(Path.Combine(dir.Zwarm, "config.toml"), "[executor]\nkill_grace = nan\n", Ct);
        var act = () => ConfigLoader.LoadAsync(dir.Zwarm, null, null, new Dictionary<string, string>());
        (await act.Should().ThrowAsync<ZwarmException>()).Which.Message.Should()
            .MatchRegex(@"config\.toml:2: bad value for 'executor.kill_grace'");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_timeout_leaves_no_process_tagged_with_the_session_alive_not_even_one_in_its_own_session()
    {
        // The timeout leaves the agent time to start its grandchildren even on a busy machine (a .NET start can take seconds).
        using var p = await LifecycleProject.CreateAsync("executor.timeout=8");
        var pidfile = Path.Combine(p.Path, "pids");
        var s = await p.SpawnAsync($"grandchild grandchild_pgid pidfile={pidfile} sleep=forever");
        (await LifecycleProject.EventuallyAsync(() => File.Exists(pidfile) && File.ReadAllLines(pidfile).Length == 3, 30_000)).Should()
            .BeTrue();
        var pids = File.ReadAllLines(pidfile).Select(int.Parse).ToList();

        var done = await p.UntilFinishedAsync(s.Id, 60_000);

        done.Error.Should().Be("timed out after 8 s (executor.timeout)");
        (await LifecycleProject.EventuallyAsync(() => pids.All(pid => ProcessInfo.StartTime(pid) is null), 10_000))
            .Should().BeTrue("every process of a timed-out turn is gone after the grace period (0.5 s)");
        ProcessInfo.Tagged().Should().NotContain(t => t.SessionId == s.Id);
    }

    [Fact(Timeout = 60_000)]
    public async Task Killing_the_wrapper_keeps_the_session_running_while_the_agent_runs_then_records_its_reply()
    {
        using var p = await LifecycleProject.CreateAsync();
        var pidfile = Path.Combine(p.Path, "pids");
        var s = await p.SpawnAsync($"pidfile={pidfile} delay=1500 reply=late_reply");
        (await LifecycleProject.EventuallyAsync(() => File.Exists(pidfile))).Should().BeTrue();
        var agent = int.Parse(File.ReadAllLines(pidfile)[0]);

        ProcessInfo.Signal(s.Pid!.Value, ProcessInfo.SigKill);
        (await LifecycleProject.EventuallyAsync(() => !ProcessInfo.IsAlive(s.Pid, s.PidStartTime))).Should().BeTrue();
        ProcessInfo.StartTime(agent).Should().NotBeNull("the agent outlives its wrapper");

        (await p.Manager.GetAsync(s.Id, Ct)).Status.Should().Be(SessionStatus.Running, "its agent still runs");
        (await p.Manager.ListAsync(Ct)).Single().Meta!.Status.Should().Be(SessionStatus.Running);

        var done = await p.UntilFinishedAsync(s.Id);
        ProcessInfo.StartTime(agent).Should().BeNull();
        done.Status.Should().Be(SessionStatus.Completed);
        done.Messages.Last().Content.Should().Be("late reply");
    }

    private static async Task<SessionMeta> WaitFinishedAsync(SessionManager m, string id, int timeoutMs)
    {
        var r = await m.WaitAsync([id], TimeSpan.FromMilliseconds(timeoutMs), false, Ct);
        if (r.TimedOut) throw new TimeoutException($"session {id} still {r.Sessions[0].Status}");
        return r.Sessions[0];
    }
}
