using AwesomeAssertions;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.ScriptedModel;

namespace Zwarm.Core.Tests.Integration;

/// <summary>
/// The real codex CLI on a host over SSH (a test sshd on 127.0.0.2, this machine), against the scripted Responses API on
/// 127.0.0.1 in the same loopback-only namespace: spawn, continue (native resume there), kill mid-stream.
/// </summary>
[Collection(RealAgentsCollection.Name)]
public sealed class HostCodexIntegrationSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 150_000)]
    public async Task Codex_on_a_host_answers_resumes_its_thread_there_and_is_killed_mid_stream()
    {
        RealAgents.RequireLoopbackOnly();
        var codex = RealAgents.RequireCli("codex");
        await using var ssh = await SshHosts.StartAsync(Ct, "127.0.0.2");
        // The agent's settings travel as -c arguments; its home and key only through forward_env.
        var host = ssh.HostToml("h1", 0, codex, "forward_env = [\"CODEX_HOME\", \"MOCK_KEY\", \"HOME\"]");
        await using var p = await RealAgentProject.CreateAsync(codex: true, killGrace: 20, executor: "\n" + host);
        p.Host = "h1";
        var remoteDir = Path.Combine(ssh.Path, "h1-work");

        p.Server.Enqueue(
            Endpoint.Responses,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("exec_command", """{"cmd":"echo remote > there.txt"}""")));
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.Answer("Wrote there.txt on the host.", new ScriptedUsage(150, 25)));
        var started = await p.StartAsync("Write there.txt.");
        started.Host!.Name.Should().Be("h1");
        started.WorkingDir.Should().Be(remoteDir);
        var first = await p.UntilFinishedAsync(started.Id, 60_000);
        first.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(first));
        first.Messages.Last().Content.Should().Be("Wrote there.txt on the host.");
        File.ReadAllText(Path.Combine(remoteDir, "there.txt")).Should().Be("remote\n", "the agent worked in the remote dir");
        File.ReadAllBytes(p.Manager.Store.TurnFile(first.Id, 1)).Should()
            .Equal(File.ReadAllBytes(Path.Combine(first.Host!.Dir!, "turn_1.out")));
        Guid.TryParse(first.AgentSessionId, out _).Should().BeTrue();

        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.Answer("The second answer.", new ScriptedUsage(200, 40)));
        await p.Manager.ContinueAsync(first.Id, "Second question.", Ct);
        var second = await p.UntilFinishedAsync(first.Id, 60_000);
        second.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(second));
        second.Host!.Name.Should().Be("h1");
        second.Turns!.Single(t => t.Turn == 2).Resume.Should().Be("native");
        var resumed = p.Server.Requests.Last();
        resumed.SessionId.Should().Be(first.AgentSessionId, "codex exec resume ran on the host, where the thread's files are");
        resumed.LastUserPrompt.Should().Be("Second question.");
        resumed.Body.Should().Contain("Write there.txt.");
        p.Server.Problems.Should().BeEmpty();

        // A slow answer (200 words, 200 ms apart), killed once codex on the host called the model.
        p.Server.Enqueue(
            Endpoint.Responses,
            ScriptedReply.Answer(string.Join(' ', Enumerable.Range(1, 200).Select(i => $"word{i}"))) with { DelayMs = 200 });
        var slow = await p.StartAsync("Talk slowly.");
        (await RealAgentProject.EventuallyAsync(() => p.Server.Requests.Count == 4, 60_000)).Should().BeTrue(p.Diagnostics(slow));
        RealAgentProject.TaggedProcesses(slow.Id).Should().NotBeEmpty("codex runs on the host (this machine), tagged with the session");
        var killed = await p.Manager.KillAsync(slow.Id, Ct);
        killed.Session.Status.Should().Be(SessionStatus.Killed);
        killed.Session.Error.Should().Be("Manually killed");
        (await RealAgentProject.EventuallyAsync(() => RealAgentProject.TaggedProcesses(slow.Id).Count == 0, 10_000))
            .Should().BeTrue("no process of the session may survive on the host");
        ProcessInfo.IsAlive(slow.Host!.Pid, slow.Host.PidStartTime).Should().BeFalse("the remote wrapper is gone");
        ProcessInfo.IsAlive(slow.Pid, slow.PidStartTime).Should().BeFalse("the local follower is stopped");
        (await p.Manager.GetAsync(slow.Id, Ct)).Status.Should().Be(SessionStatus.Killed);
        File.ReadAllText(p.Manager.Store.TurnFile(slow.Id, 1)).Should()
            .Contain("thread.started", "what codex wrote before the kill was brought here");
    }
}
