using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>zwarm run by a session's agent (ZWARM_DEPTH in its environment): through the real executable.</summary>
public sealed class NestingCliSpecs
{
    [Fact(Timeout = 120000)]
    public async Task Zwarm_inside_an_agent_starts_sessions_one_level_deeper_and_refuses_beyond_max_depth()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var p = new TestProject(ct);

        var nested = await p.RunProcessAsync(null, new Dictionary<string, string?> { ["ZWARM_DEPTH"] = "1" },
            "spawn", "--wait", "reply=x echoenv=ZWARM_DEPTH");
        nested.ExitCode.Should().Be(0, nested.ToString());
        nested.Stdout.Should().Contain("ZWARM_DEPTH=2", "the nested session's agent is one level deeper");
        var id = Directory.GetDirectories(p.SessionsDir).Single().Split('/')[^1];
        p.Meta(id)["nesting"]!.GetValue<int>().Should().Be(1);

        var refused = await p.RunProcessAsync(null, new Dictionary<string, string?> { ["ZWARM_DEPTH"] = "2" }, "spawn", "reply=x");
        refused.ExitCode.Should().Be(1);
        refused.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should()
            .StartWith("zwarm: refused: this zwarm runs inside a session's agent, 2 level(s) deep, and executor.max_depth is 2");
        Directory.GetDirectories(p.SessionsDir).Should().ContainSingle("a refused spawn creates nothing");

        var allowed = await p.RunProcessAsync(null, new Dictionary<string, string?> { ["ZWARM_DEPTH"] = "2" },
            "spawn", "--set", "executor.max_depth=3", "--wait", "reply=x echoenv=ZWARM_DEPTH");
        allowed.ExitCode.Should().Be(0, allowed.ToString());
        allowed.Stdout.Should().Contain("ZWARM_DEPTH=3");
    }
}
