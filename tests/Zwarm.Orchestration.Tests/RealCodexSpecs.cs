using AwesomeAssertions;
using Zwarm.Core.Sessions;
using Zwarm.ScriptedModel;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

/// <summary>The orchestrator driving the real codex CLI, both against the scripted model server, offline.</summary>
public sealed class RealCodexSpecs
{
    [Fact(Timeout = 180_000)]
    public async Task Zwarm_orchestrate_delegates_to_the_real_codex_cli_and_reads_its_answer()
    {
        RealAgents.RequireLoopbackOnly();
        var codex = RealAgents.RequireCli("codex");

        await using var w = await World.CreateAsync(codexCommand: codex);
        var home = Path.Combine(w.Dir, "home");
        Directory.CreateDirectory(Path.Combine(home, ".codex"));
        await File.WriteAllTextAsync(Path.Combine(w.ZwarmDir, "codex.toml"), RealAgents.CodexMockProvider(w.Server.OpenAiBaseUrl),
            TestEnv.Ct);
        await File.WriteAllTextAsync(Path.Combine(w.Dir, "task.txt"), "Get a greeting from codex.", TestEnv.Ct);
        const string sessionTask = "Say hello to the orchestrator.";
        w.Server.Enqueue(Endpoint.Responses, ScriptedReply.Answer("Hello from the real codex!"));
        w.Chat(One("delegate", $$"""{"task":"{{sessionTask}}","model":"gpt-5.5"}""", "d1"), One("sleep", """{"seconds":60}""", "s1"));

        var env = new Dictionary<string, string>
        {
            ["HOME"] = home, ["CODEX_HOME"] = Path.Combine(home, ".codex"), ["MOCK_KEY"] = "dummy-key",
        };
        SessionMeta? session = null;
        var result = await ZwarmProcess.RunAsync(
            w.Dir, ["orchestrate", "--task-file", "task.txt", "--max-steps", "10"], env: env, timeoutSeconds: 150,
            whileRunning: async _ =>
            {
                session = (await w.WaitForSessionsAsync(1, seconds: 60))[0];
                w.Chat(
                    One("check_session", $$"""{"session_id":"{{session.ShortId}}"}""", "c1"),
                    One("exit", """{"summary":"codex said hello"}"""));
            });

        result.ExitCode.Should().Be(0, $"stdout:\n{result.Stdout}\nstderr:\n{result.Stderr}");
        result.Stdout.Should().Contain("step 1 → delegate(").And.Contain("✓ done in 4 steps: codex said hello");
        var meta = await w.Manager.GetAsync(session!.Id, TestEnv.Ct);
        meta.Status.Should().Be(SessionStatus.Completed, meta.Error);
        meta.Adapter.Should().Be("codex");
        meta.Model.Should().Be("gpt-5.5");
        meta.Source.Should().StartWith("orchestrator:");
        meta.Messages.Last(m => m.Role == "assistant").Content.Should().Be("Hello from the real codex!");
        meta.AgentSessionId.Should().NotBeNullOrEmpty();
        var responses = w.Server.Requests.Where(r => r.Endpoint == Endpoint.Responses).ToList();
        responses.Should().ContainSingle().Which.LastUserPrompt.Should().Be(sessionTask);
        w.ToolResult("c1")["last_reply"]!.GetValue<string>().Should().Be("Hello from the real codex!");
        w.Server.Problems.Should().BeEmpty();
    }

    [Fact(Timeout = 90_000)]
    public async Task The_bash_tool_runs_inside_the_codex_sandbox_and_cannot_write_outside_the_allowed_dirs()
    {
        var interfaces = Directory.Exists("/sys/class/net")
            ? Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).ToList()
            : [];
        if (interfaces is not ["lo"])
            Assert.Fail(
                $"this test runs the real codex CLI and must run in a network namespace with only loopback " +
                $"(found: {string.Join(", ", interfaces)})");
        var codex = Path.Combine(TestEnv.RepoRoot, "node_modules", ".bin", "codex");
        if (!File.Exists(codex))
        {
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
                Assert.Fail($"codex is not installed at {codex}: CI must run 'npm ci' first");
            Assert.Skip($"codex is not installed at {codex} (run 'npm ci' in the repository)");
        }
        await using var w = await World.CreateAsync(codexCommand: codex, bashSandbox: "auto");
        var outside = Directory.CreateTempSubdirectory("zwarm-outside-").FullName;
        try
        {
            var home = Path.Combine(w.Dir, "home");
            Directory.CreateDirectory(Path.Combine(home, ".codex"));
            var command = $"pwd; echo in > inside.txt && echo wrote-inside; echo out > {outside}/f && echo wrote-outside; " +
                $"echo tmp > /tmp/zwarm-bash-{Guid.NewGuid():N} && echo wrote-tmp";
            w.Chat(
                One("bash", System.Text.Json.JsonSerializer.Serialize(new { command }), "b1"),
                One("exit", """{"summary":"verified"}"""));
            var env = new Dictionary<string, string> { ["HOME"] = home, ["CODEX_HOME"] = Path.Combine(home, ".codex") };

            var result = await ZwarmProcess.RunAsync(
                w.Dir, ["orchestrate", "--task", "Verify", "--max-steps", "5"], env: env, timeoutSeconds: 75);

            result.ExitCode.Should().Be(0, $"stdout:\n{result.Stdout}\nstderr:\n{result.Stderr}");
            var b1 = w.ToolResult("b1");
            var output = b1["output"]!.GetValue<string>();
            // stdout and stderr are two pipes: their order in the merged output is not fixed.
            output.Split('\n').Should().Contain(w.Dir, "bash runs in the project");
            output.Should().Contain("wrote-inside").And.Contain("Read-only file system");
            output.Should().NotContain("wrote-outside").And.NotContain("wrote-tmp");
            File.ReadAllText(Path.Combine(w.Dir, "inside.txt")).Should().Be("in\n");
            File.Exists(Path.Combine(outside, "f")).Should().BeFalse();
            b1["sandbox"]!.GetValue<string>().Should().StartWith("codex");
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }
}
