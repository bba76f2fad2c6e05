using System.Diagnostics;
using AwesomeAssertions;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Lifecycle;

public sealed class LifecycleSpecs
{
    [Fact(Timeout = 60_000)]
    public async Task Start_returns_while_the_agent_runs_and_the_session_completes_with_exit_code_0()
    {
        using var p = await LifecycleProject.CreateAsync();
        await using var gate = new AgentGate(p.Path);

        // The agent is blocked on the gate until the test closes it: Start returning at all proves it does not wait.
        var started = await p.SpawnAsync($"{gate.Prompt} reply=All_done");

        started.Status.Should().Be(SessionStatus.Running);
        started.Pid.Should().NotBeNull();
        started.PidStartTime.Should().NotBeNull();
        (await p.Manager.GetAsync(started.Id, TestContext.Current.CancellationToken)).Status.Should().Be(SessionStatus.Running);
        await gate.WriteAsync(TestContext.Current.CancellationToken);
        await gate.CloseAsync();

        var done = await p.UntilFinishedAsync(started.Id);

        done.Status.Should().Be(SessionStatus.Completed);
        done.ExitCode.Should().Be(0);
        done.Error.Should().BeNull();
        done.Messages.Select(m => (m.Role, m.Content)).Should().Equal(("user", $"{gate.Prompt} reply=All_done"), ("assistant", "All done"));
        done.TokenUsage["input_tokens"].Should().Be(100);
        done.Turns!.Single().ExitCode.Should().Be(0);
        File.ReadAllText(p.Manager.Store.TurnFile(done.Id, 1)).Should().Contain("\"agent_message\"");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_non_zero_exit_without_a_reply_fails_with_the_reason()
    {
        using var p = await LifecycleProject.CreateAsync();
        var s = await p.SpawnAsync("exit=3");

        var done = await p.UntilFinishedAsync(s.Id);

        done.Status.Should().Be(SessionStatus.Failed);
        done.ExitCode.Should().Be(3);
        done.Error.Should().Be("agent produced no output (exit code 3)");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failed_turn_reports_the_agents_error()
    {
        using var p = await LifecycleProject.CreateAsync();
        var s = await p.SpawnAsync("replay=codex/04b_http400.jsonl exit=1");

        var done = await p.UntilFinishedAsync(s.Id);

        done.Status.Should().Be(SessionStatus.Failed);
        done.ExitCode.Should().Be(1);
        done.Error.Should().Contain("fake invalid request (scripted HTTP 400)");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_error_event_with_a_reply_completes_with_error()
    {
        using var p = await LifecycleProject.CreateAsync();
        var transcript = Path.Combine(p.Path, "t.jsonl");
        await File.WriteAllLinesAsync(transcript,
        [
            """{"type":"thread.started","thread_id":"0199aaaa-0000-7000-8000-000000000001"}""",
            """{"type":"turn.started"}""",
            """{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"Half of it is done."}}""",
            """{"type":"turn.failed","error":{"message":"stream disconnected before completion"}}""",
        ], TestContext.Current.CancellationToken);
        var s = await p.SpawnAsync($"replay={transcript} exit=1");

        var done = await p.UntilFinishedAsync(s.Id);

        done.Status.Should().Be(SessionStatus.Completed);
        done.Error.Should().Be("Completed with error: stream disconnected before completion");
        done.Messages.Last().Content.Should().Be("Half of it is done.");
    }

    [Fact(Timeout = 60_000)]
    public async Task Kill_escalates_to_SIGKILL_and_leaves_no_descendant_alive()
    {
        using var p = await LifecycleProject.CreateAsync();
        var pidfile = Path.Combine(p.Path, "pids");
        var s = await p.SpawnAsync($"ignoreterm grandchild grandchild_pgid pidfile={pidfile} sleep=forever");
        (await LifecycleProject.EventuallyAsync(() => File.Exists(pidfile) && File.ReadAllLines(pidfile).Length == 3)).Should().BeTrue();
        var pids = File.ReadAllLines(pidfile).Select(int.Parse).ToList();
        pids.Should().OnlyContain(pid => ProcessInfo.StartTime(pid) != null);

        var result = await p.Manager.KillAsync(s.Id[..8], TestContext.Current.CancellationToken);

        result.Killed.Should().BeTrue();
        result.Session.Status.Should().Be(SessionStatus.Killed);
        result.Session.Error.Should().Be("Manually killed");
        (await LifecycleProject.EventuallyAsync(() => pids.All(pid => ProcessInfo.StartTime(pid) is null), 5000))
            .Should().BeTrue("the agent ignoring SIGTERM, its grandchild and the one in its own process group must all be gone");
        ProcessInfo.IsAlive(s.Pid, s.PidStartTime).Should().BeFalse();
        (await p.Manager.GetAsync(s.Id, TestContext.Current.CancellationToken)).Status.Should().Be(SessionStatus.Killed);
    }

    [Fact(Timeout = 60_000)]
    public async Task Killing_a_finished_session_is_a_no_op_with_a_note()
    {
        using var p = await LifecycleProject.CreateAsync();
        var s = await p.SpawnAsync("reply=ok");
        await p.UntilFinishedAsync(s.Id);

        var result = await p.Manager.KillAsync(s.Id, TestContext.Current.CancellationToken);

        result.Killed.Should().BeFalse();
        result.Note.Should().Be($"session {s.ShortId} is already completed; nothing to kill");
        result.Session.Status.Should().Be(SessionStatus.Completed);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reused_pid_is_not_the_session_it_is_reconciled_and_never_signalled()
    {
        using var p = await LifecycleProject.CreateAsync();
        var s = await p.SpawnAsync("reply=ok");
        await p.UntilFinishedAsync(s.Id);
        using var unrelated = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            var realStart = ProcessInfo.StartTime(unrelated.Id)!.Value;
            await p.Manager.Store.UpdateAsync(s.Id, m =>
            {
                m.Status = SessionStatus.Running;
                m.Pid = unrelated.Id;
                m.PidStartTime = realStart - 12345;
                m.Turn = 2;
                m.UpdatedAt = DateTimeOffset.Now.AddMinutes(-5);
                return true;
            }, TestContext.Current.CancellationToken);

            var listed = (await p.Manager.ListAsync(TestContext.Current.CancellationToken)).Single().Meta!;
            listed.Status.Should().Be(SessionStatus.Failed);
            listed.Error.Should().Be("agent process vanished without output");

            var result = await p.Manager.KillAsync(s.Id, TestContext.Current.CancellationToken);
            result.Killed.Should().BeFalse();
            unrelated.HasExited.Should().BeFalse("an unrelated process with a reused pid must never be signalled");
        }
        finally
        {
            unrelated.Kill();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task When_the_wrapper_dies_mid_turn_reconciliation_finalises_the_session_once_the_agent_is_gone()
    {
        using var p = await LifecycleProject.CreateAsync();
        var pidfile = Path.Combine(p.Path, "pids");
        var s = await p.SpawnAsync($"pidfile={pidfile} replay=codex/01_plain.jsonl sleep=30");
        (await LifecycleProject.EventuallyAsync(() => File.ReadAllText(p.Manager.Store.TurnFile(s.Id, 1)).Contains("turn.completed")))
            .Should().BeTrue();
        var agent = int.Parse(File.ReadAllLines(pidfile)[0]);

        ProcessInfo.Signal(s.Pid!.Value, ProcessInfo.SigKill);
        (await LifecycleProject.EventuallyAsync(() => !ProcessInfo.IsAlive(s.Pid, s.PidStartTime))).Should().BeTrue();
        (await p.Manager.GetAsync(s.Id, TestContext.Current.CancellationToken)).Status.Should()
            .Be(SessionStatus.Running, "the agent still runs");
        ProcessInfo.Signal(agent, ProcessInfo.SigKill);
        (await LifecycleProject.EventuallyAsync(() => ProcessInfo.StartTime(agent) is null)).Should().BeTrue();

        var after = await p.Manager.GetAsync(s.Id, TestContext.Current.CancellationToken);
        after.Status.Should().Be(SessionStatus.Completed, "the agent's completion event and reply decide, even with no exit code");
        after.ExitCode.Should().BeNull();
        after.Messages.Last().Role.Should().Be("assistant");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_turn_over_the_timeout_is_killed_and_marked_failed()
    {
        using var p = await LifecycleProject.CreateAsync("executor.timeout=1");
        var s = await p.SpawnAsync("sleep=forever");

        var done = await p.UntilFinishedAsync(s.Id, 15_000);

        done.Status.Should().Be(SessionStatus.Failed);
        done.Error.Should().Be("timed out after 1 s (executor.timeout)");
        done.Turns!.Single().TimedOut.Should().BeTrue();
    }

    [Fact(Timeout = 60_000)]
    public async Task Max_running_queues_extra_sessions_as_pending_and_starts_them_when_a_slot_frees()
    {
        using var p = await LifecycleProject.CreateAsync("executor.max_running=1");
        await using var gate = new AgentGate(p.Path);
        var first = await p.SpawnAsync($"{gate.Prompt} reply=one");
        var second = await p.SpawnAsync("reply=two");

        first.Status.Should().Be(SessionStatus.Running);
        second.Status.Should().Be(SessionStatus.Pending);
        second.QueuedReason.Should().Contain("executor.max_running = 1");
        await gate.WriteAsync(TestContext.Current.CancellationToken);
        await gate.CloseAsync();

        (await p.UntilFinishedAsync(first.Id)).Status.Should().Be(SessionStatus.Completed);
        var s2 = await p.UntilFinishedAsync(second.Id);
        s2.Status.Should().Be(SessionStatus.Completed);
        s2.Messages.Last().Content.Should().Be("two");
    }

    [Fact(Timeout = 60_000)]
    public async Task Continue_is_refused_while_running_and_after_a_kill_and_runs_a_new_turn_otherwise()
    {
        using var p = await LifecycleProject.CreateAsync();
        await using var gate = new AgentGate(p.Path);
        var s = await p.SpawnAsync($"{gate.Prompt} reply=first");
        var running = () => p.Manager.ContinueAsync(s.Id, "reply=again", TestContext.Current.CancellationToken);
        (await running.Should().ThrowAsync<SessionRefusedException>()).WithMessage($"session {s.ShortId} is still running*")
            .Which.Reason.Should().Be(Refusal.Busy);
        await gate.WriteAsync(TestContext.Current.CancellationToken);
        await gate.CloseAsync();
        var first = await p.UntilFinishedAsync(s.Id);

        await p.Manager.ContinueAsync(s.Id, "reply=second", TestContext.Current.CancellationToken);
        var done = await p.UntilFinishedAsync(s.Id);

        done.Turn.Should().Be(2);
        done.AgentSessionId.Should().Be(first.AgentSessionId, "the fake agent keeps the thread id it is resumed with");
        done.Messages.Select(m => m.Content).Should().Equal($"{gate.Prompt} reply=first", "first", "reply=second", "second");
        done.TokenUsage["input_tokens"].Should().Be(100, "codex usage is cumulative per thread: turn 2 reports 100 again, so it adds 0");
        File.Exists(p.Manager.Store.TurnFile(s.Id, 2)).Should().BeTrue();

        var k = await p.SpawnAsync("sleep=forever");
        await p.Manager.KillAsync(k.Id, TestContext.Current.CancellationToken);
        var killed = () => p.Manager.ContinueAsync(k.Id, "more", TestContext.Current.CancellationToken);
        (await killed.Should().ThrowAsync<SessionRefusedException>()).WithMessage("*was killed*")
            .Which.Reason.Should().Be(Refusal.Killed);
    }

    [Fact(Timeout = 60_000)]
    public async Task Wait_times_out_and_delete_and_clean_remove_sessions()
    {
        using var p = await LifecycleProject.CreateAsync();
        var slow = await p.SpawnAsync("sleep=forever");
        var fast = await p.SpawnAsync("reply=ok");

        var r = await p.Manager.WaitAsync([slow.Id, fast.Id], TimeSpan.FromMilliseconds(600), false, TestContext.Current.CancellationToken);
        r.TimedOut.Should().BeTrue();
        r.ExitCode.Should().Be(124);
        (await p.Manager.WaitAsync([slow.Id, fast.Id], TimeSpan.FromSeconds(30), any: true, TestContext.Current.CancellationToken))
            .ExitCode.Should().Be(0, "the one that finished completed; the other is still running, not failed");

        await p.Manager.DeleteAsync(slow.ShortId, TestContext.Current.CancellationToken);
        Directory.Exists(p.Manager.Store.SessionDir(slow.Id)).Should().BeFalse();
        ProcessInfo.IsAlive(slow.Pid, slow.PidStartTime).Should().BeFalse();

        (await p.Manager.CleanCandidatesAsync(7, TestContext.Current.CancellationToken)).Should().BeEmpty();
        (await p.Manager.CleanCandidatesAsync(0, TestContext.Current.CancellationToken)).Select(m => m.Id).Should().Equal(fast.Id);
    }

    [Fact(Timeout = 60_000)]
    public async Task Orphans_are_tagged_processes_whose_session_is_not_running()
    {
        using var p = await LifecycleProject.CreateAsync();
        var pidfile = Path.Combine(p.Path, "pids");
        var s = await p.SpawnAsync($"reply=ok grandchild_pgid pidfile={pidfile}");
        await p.UntilFinishedAsync(s.Id);
        var grandchild = File.ReadAllLines(pidfile).Select(int.Parse).Last();
        ProcessInfo.StartTime(grandchild).Should().NotBeNull();

        var orphans = await p.Manager.FindOrphansAsync(TestContext.Current.CancellationToken);

        orphans.Should().ContainSingle(o => o.Pid == grandchild).Which.SessionId.Should().Be(s.Id);
        await p.Manager.KillOrphansAsync(orphans, TestContext.Current.CancellationToken);
        (await LifecycleProject.EventuallyAsync(() => ProcessInfo.StartTime(grandchild) is null)).Should().BeTrue();
        (await p.Manager.FindOrphansAsync(TestContext.Current.CancellationToken)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_missing_agent_binary_is_a_clear_error_and_creates_nothing()
    {
        using var p = await LifecycleProject.CreateAsync("adapters.codex.command=/nonexistent/codex");

        var act = () => p.SpawnAsync("hello");

        (await act.Should().ThrowAsync<ZwarmException>()).WithMessage("codex executable not found at '/nonexistent/codex'*");
        Directory.Exists(p.Manager.Store.SessionsDir).Should().BeFalse();
    }
}
