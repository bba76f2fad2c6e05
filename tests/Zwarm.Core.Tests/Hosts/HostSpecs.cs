using AwesomeAssertions;
using Zwarm.Core.Hosts;
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
        done.Messages.Select(m => (m.Role, m.Content)).Should()
            .Equal(("user", "reply=hello_from_the_host"), ("assistant", "hello from the host"));
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
        (await Eventually.HoldsAsync(() => !ProcessInfo.IsAlive(sleeper.Pid, sleeper.PidStartTime), TimeSpan.FromSeconds(10), Ct))
            .Should().BeTrue("the local follower is stopped too");
        (await p.Manager.GetAsync(sleeper.Id, Ct)).Status.Should().Be(SessionStatus.Killed);

        // Removing a session removes its folder on the host, and only a folder named after the session.
        var precious = Directory.CreateDirectory(Path.Combine(p.Ssh.Path, "precious")).FullName;
        var aimed = new SessionMeta { Id = sleeper.Id, Host = new HostInfo { Name = "h1", Dir = precious } };
        (await new SshExecutor(p.Manager.Config.Hosts["h1"]).ForgetAsync(aimed, Ct)).Should()
            .StartWith($"h1:{precious} was left there: ").And.Contain("not a session folder");
        Directory.Exists(precious).Should().BeTrue();
        Directory.Exists(sleeper.Host.Dir).Should().BeTrue();
        var removed = await p.Manager.DeleteAsync(sleeper.Id, force: false, Ct);
        removed.LeftOnHost.Should().BeNull();
        Directory.Exists(sleeper.Host.Dir).Should().BeFalse();
    }
}

/// <summary>Remote turns through dropped connections, a dead follower, refused keys, unreachable hosts and --host auto.</summary>
public sealed class HostFailureSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Ending =
    [
        """{"type":"item.completed","item":{"id":"item_9","type":"agent_message","text":"all lines sent"}}""",
        """{"type":"turn.completed","usage":{"input_tokens":100,"output_tokens":10}}""",
    ];

    // Codex-shaped lines with some bulk, numbered so a lost or doubled line would show.
    private static string[] Lines(int from, int count) => Enumerable.Range(from, count)
        .Select(i => "{\"type\":\"item.completed\",\"item\":{\"id\":\"r" + i + "\",\"type\":\"reasoning\",\"text\":\"line " + i + " "
            + new string('x', 200) + " é✓\"}}").ToArray();

    private static async Task<long> UntilLocalHasAsync(HostProject p, string id, long bytes)
    {
        var path = p.Manager.Store.TurnFile(id, 1);
        (await Eventually.HoldsAsync(() => new FileInfo(path).Length >= bytes, TimeSpan.FromSeconds(30), Ct))
            .Should().BeTrue($"the follower should have streamed {bytes} bytes here");
        return new FileInfo(path).Length;
    }

    private static long Size(IEnumerable<string> lines) => lines.Sum(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1);

    [Fact(Timeout = 120_000)]
    public async Task A_connection_dropped_mid_turn_is_resumed_by_offset_and_the_output_is_byte_identical()
    {
        await using var p = await HostProject.CreateAsync();
        await using var gate = new AgentGate(p.Ssh.Path);
        var s = await p.SpawnAsync(gate.Prompt);
        var first = Lines(1, 400);
        await gate.WriteAsync(Ct, first);
        await UntilLocalHasAsync(p, s.Id, Size(first));

        p.Ssh.Servers[0].DropConnections().Should().BeGreaterThan(0, "the follower streams over a live connection");
        var second = Lines(401, 400);
        await gate.WriteAsync(Ct, [.. second, .. Ending]);
        await gate.CloseAsync();

        var done = await p.UntilFinishedAsync(s.Id, 60_000);
        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        done.Messages.Last().Content.Should().Be("all lines sent");
        var local = p.LocalTurn(s.Id, 1);
        local.Should().Equal(HostProject.RemoteTurn(done, 1), "the local turn file is the remote output byte for byte");
        local.Length.Should().Be((int)Size([.. first, .. second, .. Ending]), "every line once");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_follower_killed_with_the_local_zwarm_is_replaced_on_the_next_read_and_nothing_is_lost()
    {
        await using var p = await HostProject.CreateAsync();
        await using var gate = new AgentGate(p.Ssh.Path);
        var s = await p.SpawnAsync(gate.Prompt);
        var first = Lines(1, 100);
        await gate.WriteAsync(Ct, first);
        await UntilLocalHasAsync(p, s.Id, Size(first));

        // The local machine loses zwarm and the follower (a crash, a reboot); the remote turn runs on.
        ProcessInfo.Signal(-s.Pid!.Value, ProcessInfo.SigKill);
        (await Eventually.HoldsAsync(() => !ProcessInfo.IsAlive(s.Pid, s.PidStartTime), TimeSpan.FromSeconds(10), Ct)).Should().BeTrue();
        var second = Lines(101, 100);
        await gate.WriteAsync(Ct, [.. second, .. Ending]);
        await gate.CloseAsync();
        await p.ReloadAsync();

        var read = await p.Manager.GetAsync(s.Id, Ct);
        read.Status.Should().Be(SessionStatus.Running, "the turn still runs on the host (or its end is not here yet)");
        read.Pid.Should().NotBe(s.Pid, "a new follower took over");
        var done = await p.UntilFinishedAsync(s.Id, 60_000);
        done.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(done));
        p.LocalTurn(s.Id, 1).Should().Equal(HostProject.RemoteTurn(done, 1));
        p.LocalTurn(s.Id, 1).Length.Should().Be((int)Size([.. first, .. second, .. Ending]));
    }

    [Fact(Timeout = 90_000)]
    public async Task A_changed_host_key_is_refused_with_the_new_fingerprint_and_an_unknown_one_too()
    {
        await using var p = await HostProject.CreateAsync();
        var server = p.Ssh.Servers[0];
        var knownBefore = await File.ReadAllTextAsync(p.Ssh.KnownHosts, Ct);
        await server.StopAsync();
        await server.NewHostKeyAsync(Ct);
        await server.StartAsync(Ct);
        var fingerprint = await server.FingerprintAsync(Ct);

        var spawn = () => p.SpawnAsync("reply=never");
        var refused = await spawn.Should().ThrowAsync<ZwarmException>();
        refused.Which.Message.Should().Contain("CHANGED").And.Contain(fingerprint).And.Contain("refused");
        Directory.Exists(Path.Combine(p.Ssh.Path, "h1-state")).Should().BeFalse("nothing ran on the impostor");
        (await File.ReadAllTextAsync(p.Ssh.KnownHosts, Ct)).Should().Be(knownBefore, "known_hosts is never changed by zwarm");

        await File.WriteAllTextAsync(p.Ssh.KnownHosts, "", Ct);
        var check = await p.Manager.CheckHostAsync("h1", Ct);
        check.Reachable.Should().BeFalse();
        check.Problem.Should().Contain("not known").And.Contain(fingerprint).And.Contain("ssh-keyscan");
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unreachable_host_refuses_a_spawn_and_a_lost_one_fails_its_sessions_until_it_comes_back()
    {
        await using var p = await HostProject.CreateAsync(hostExtra: ["lost_after = 2"]);
        var server = p.Ssh.Servers[0];

        var s = await p.SpawnAsync("reply=finished_while_away sleep=3");
        await server.StopAsync();
        var spawn = () => p.SpawnAsync("reply=x");
        (await spawn.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().Contain("unreachable").And.Contain("Connection refused");

        (await Eventually.HoldsAsync(
                () => p.Manager.HostNote(p.Manager.Store.GetAsync(s.Id, Ct).Result) is not null, TimeSpan.FromSeconds(30), Ct))
            .Should().BeTrue("the session is noted while its host is out of reach");
        var lost = await Eventually.ProbeAsync(
            async () => await p.Manager.GetAsync(s.Id, Ct) is { Status: SessionStatus.Failed } m ? m : null,
            TimeSpan.FromSeconds(30), () => "the session should be marked lost after lost_after", Ct);
        lost.Error.Should().StartWith("host unreachable");
        lost.ErrorKind.Should().Be(SessionManager.HostUnreachableKind);

        await server.StartAsync(Ct);
        var back = await Eventually.ProbeAsync(
            async () => await p.Manager.GetAsync(s.Id, Ct) is { Status: SessionStatus.Completed } m ? m : null,
            TimeSpan.FromSeconds(60), () => "the session should be finalised once its host is back", Ct);
        back.Messages.Last().Content.Should().Be("finished while away");
        back.Error.Should().BeNull();
        back.ErrorKind.Should().BeNull();
    }

    [Fact(Timeout = 120_000)]
    public async Task Orphans_on_a_host_are_the_tagged_processes_of_sessions_not_running_there_and_can_be_killed()
    {
        await using var p = await HostProject.CreateAsync();
        var running = await p.SpawnAsync("sleep=forever");
        var stray = await p.SpawnAsync("sleep=forever");
        // The store says the stray session is over while its agent still runs on the host (a zwarm from before a crash).
        await p.Manager.Store.UpdateAsync(stray.Id, m =>
        {
            m.Status = SessionStatus.Completed;
            return true;
        }, Ct);

        var orphans = await p.Manager.FindHostOrphansAsync("h1", Ct);
        orphans.Should().NotBeEmpty();
        orphans.Should().OnlyContain(o => o.SessionId == stray.Id && o.Reason == "its session is completed");
        orphans.Select(o => o.Pid).Should().Contain(stray.Host!.Pid!.Value, "the remote wrapper is tagged");

        await p.Manager.KillHostOrphansAsync("h1", orphans, Ct);
        (await Eventually.HoldsAsync(() => !ProcessInfo.Tagged().Any(t => t.SessionId == stray.Id), TimeSpan.FromSeconds(10), Ct))
            .Should().BeTrue("the orphans are stopped on the host");
        ProcessInfo.Tagged().Should().Contain(t => t.SessionId == running.Id, "a running session's agent is not an orphan");
        (await p.Manager.FindHostOrphansAsync("h1", Ct)).Should().BeEmpty();
        await p.Manager.KillAsync(running.Id, Ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task Host_auto_spreads_sessions_over_two_hosts_with_one_slot_each_and_queues_the_third()
    {
        await using var p = await HostProject.CreateAsync(servers: 2, hostExtra: ["max_running = 1"]);
        await using var a = new AgentGate(p.Ssh.Path);
        await using var b = new AgentGate(p.Ssh.Path);
        var s1 = await p.SpawnAsync(a.Prompt, "auto");
        var s2 = await p.SpawnAsync(b.Prompt, "auto");
        new[] { s1.Host!.Name, s2.Host!.Name }.Should().BeEquivalentTo(["h1", "h2"]);
        s1.Status.Should().Be(SessionStatus.Running);
        s2.Status.Should().Be(SessionStatus.Running);

        var s3 = await p.SpawnAsync("reply=third", "auto");
        s3.Status.Should().Be(SessionStatus.Pending);
        s3.QueuedReason.Should().Contain($"hosts.{s3.Host!.Name}.max_running = 1");

        // The session on the third's host ends: its slot goes to the third.
        var (gate, other) = s3.Host.Name == s1.Host.Name ? (a, b) : (b, a);
        await gate.WriteAsync(Ct, Ending);
        await gate.CloseAsync();
        var third = await p.UntilFinishedAsync(s3.Id, 60_000);
        third.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(third));
        third.Messages.Last().Content.Should().Be("third");
        await other.WriteAsync(Ct, Ending);
        await other.CloseAsync();
    }
}
