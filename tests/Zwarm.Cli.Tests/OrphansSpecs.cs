using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>orphans: find and kill processes whose session is not running.</summary>
public sealed class OrphansSpecs
{
    [Fact(Timeout = 120000)]
    public async Task Orphans_finds_agent_processes_of_sessions_that_are_not_running_and_kills_them()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var pidfile = Path.Combine(p.Dir, "pids");
        var id = await p.SpawnAsync($"pidfile={pidfile} sleep=forever");
        var agent = (await p.WaitForPidsAsync(pidfile, 1, TestProject.Soon))[0];
        (await p.RunAsync("orphans")).Stdout.Should().Be("no orphan processes\n");

        // Lose track of it, as a crash between writes or a Python zwarm would.
        var meta = p.Meta(id);
        meta["status"] = "failed";
        File.WriteAllText(p.MetaPath(id), meta.ToJsonString());

        var listed = await p.RunAsync("orphans", "--json");
        listed.ExitCode.Should().Be(0, listed.ToString());
        var orphans = JsonNode.Parse(listed.Stdout)!.AsArray();
        orphans.Select(o => o!["pid"]!.GetValue<int>()).Should().Contain(agent);
        var shortId = id[..8];
        orphans.Should().OnlyContain(o => o!["session_id"]!.GetValue<string>() == id && o["short_id"]!.GetValue<string>() == shortId
                                          && o["reason"]!.GetValue<string>() == "its session is failed" && !o["killed"]!.GetValue<bool>());

        var text = await p.RunAsync("orphans");
        text.Stdout.Should()
            .Contain(agent.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain("stop them with: zwarm orphans --kill");

        var killed = await p.RunAsync("orphans", "--kill", "--set", "executor.kill_grace=0.5");
        killed.ExitCode.Should().Be(0, killed.ToString());
        killed.Stdout.Should().Contain($"killed {orphans.Count} orphan process(es)");
        // SIGKILL after the grace is sent, not waited for: the process is gone a moment later.
        (await Eventually.HoldsAsync(() => !TestProject.Alive(agent), TestProject.Soon, TestContext.Current.CancellationToken))
            .Should().BeTrue();
        p.Status(id).Should().Be("failed", "orphans never rewrites the session");
    }
}
