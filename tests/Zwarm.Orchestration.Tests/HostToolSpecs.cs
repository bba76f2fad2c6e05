using AwesomeAssertions;
using Zwarm.Core.Sessions;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

/// <summary>delegate(…, host=…): the orchestrator (and the MCP server, which shares the tools) starts sessions on SSH hosts.</summary>
public sealed class HostToolSpecs
{
    [Fact(Timeout = 120_000)]
    public async Task Delegate_with_a_host_starts_the_session_there_and_an_unknown_host_is_a_tool_error()
    {
        await using var ssh = await SshHosts.StartAsync(TestEnv.Ct, "127.0.0.2");
        await using var w = await World.CreateAsync(extraToml: ssh.HostToml("h1", 0, TestEnv.FakeAgent));
        w.Chat(
            Calls(
                Call("delegate", """{"task":"reply=done_on_h1","host":"h1"}""", "d1"),
                Call("delegate", """{"task":"reply=x","host":"elsewhere"}""", "d2")),
            One("exit", """{"summary":"delegated"}"""));
        (await w.OrchestrateAsync("Use the host")).Status.Should().Be("completed", w.Output.ToString());
        // The session outlives the orchestrator (on_exit = keep) and finishes on its host.
        var session = (await w.WaitForSessionsAsync(1)).Single();
        var done = await w.Manager.WaitAsync([session.Id], TimeSpan.FromSeconds(60), false, TestEnv.Ct);
        done.TimedOut.Should().BeFalse();

        var d1 = w.ToolResult("d1");
        d1["host"]!.GetValue<string>().Should().Be("h1");
        d1["working_dir"]!.GetValue<string>().Should().Be(Path.Combine(ssh.Path, "h1-work"));
        var meta = done.Sessions[0];
        meta.Status.Should().Be(SessionStatus.Completed);
        meta.Host!.Name.Should().Be("h1");
        meta.Source.Should().StartWith("orchestrator:");
        meta.Messages.Last().Content.Should().Be("done on h1");
        w.ToolResult("d2")["error"]!.GetValue<string>().Should().Contain("unknown host 'elsewhere'");
    }
}
