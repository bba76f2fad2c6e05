using System.Diagnostics;
using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;
using Zwarm.Core.Lifecycle;

namespace Zwarm.Cli.Tests;

/// <summary>Issue 12 item 7: a full disk and a read-only store (a small tmpfs).</summary>
public sealed class FullStoreSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A running session whose wrapper and agent were killed: the next read must reconcile (write) it.</summary>
    private static async Task<string> StaleRunningAsync(TestProject p)
    {
        var id = await p.SpawnAsync("sleep=forever");
        var pid = p.Meta(id)["pid"]!.GetValue<int>();
        var started = ProcessInfo.StartTime(pid);
        // Killed until none is left: under load the agent may appear after a first scan (its wrapper forks it late).
        // The wrapper only while it is the same process: a pid is reused, and another test's process must live.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (ProcessInfo.IsAlive(pid, started) || ProcessInfo.Tagged().Any(t => t.SessionId == id))
        {
            foreach (var (tagged, sid) in ProcessInfo.Tagged().ToList())
                if (sid == id) ProcessInfo.Signal(tagged, ProcessInfo.SigKill);
            if (ProcessInfo.IsAlive(pid, started)) ProcessInfo.Signal(pid, ProcessInfo.SigKill);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the processes of session {id} did not die");
            await Task.Delay(50, Ct);
        }
        p.Status(id).Should().Be("running");
        return id;
    }

    [Fact(Timeout = 120_000)]
    public async Task On_a_full_disk_ls_show_peek_kill_and_rm_work()
    {
        using var fs = Tmpfs.Mount(4096);
        await using var p = new TestProject(Ct, dir: Path.Combine(fs.Path, "project"));
        var done = await p.SpawnDoneAsync("reply=done_before");
        var stale = await StaleRunningAsync(p);
        var running = await p.SpawnAsync("sleep=forever");
        var corrupt = await p.SpawnDoneAsync("reply=x");
        File.WriteAllText(p.MetaPath(corrupt), "{\"id\": ");
        fs.Fill();

        var ls = await p.RunAsync("ls", "--json");
        ls.ExitCode.Should().Be(0, ls.ToString());
        JsonNode.Parse(ls.Stdout)!.AsArray().Select(n => n!["id"]!.GetValue<string>()).Should().Contain([done, stale, running]);
        (await p.RunAsync("show", done[..8])).ExitCode.Should().Be(0);
        var peek = await p.RunAsync("peek", stale[..8]);
        peek.ExitCode.Should().Be(0, peek.ToString());

        var agentPid = p.Meta(running)["pid"]!.GetValue<int>();
        var kill = await p.RunAsync("kill", running[..8]);
        kill.ExitCode.Should().Be(0, kill.ToString());
        ProcessInfo.Tagged().Should().NotContain(t => t.SessionId == running);
        ProcessInfo.StartTime(agentPid).Should().BeNull();

        var rm = await p.RunAsync("rm", done[..8]);
        rm.ExitCode.Should().Be(0, rm.ToString());
        var rmForce = await p.RunAsync("rm", "--force", corrupt[..8]);
        rmForce.ExitCode.Should().Be(0, rmForce.ToString());
        Directory.Exists(Path.Combine(p.SessionsDir, done)).Should().BeFalse();
        Directory.Exists(Path.Combine(p.SessionsDir, corrupt)).Should().BeFalse();
        fs.Unfill();
    }

    [Fact(Timeout = 120_000)]
    public async Task On_a_read_only_store_ls_says_so_at_once_and_still_lists()
    {
        using var fs = Tmpfs.Mount(4096);
        await using var p = new TestProject(Ct, dir: Path.Combine(fs.Path, "project"));
        var done = await p.SpawnDoneAsync("reply=done_before");
        var stale = await StaleRunningAsync(p);
        fs.ReadOnly(true);
        try
        {
            var sw = Stopwatch.StartNew();
            var ls = await p.RunAsync("ls", "--json");
            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(25), "no waiting for a lock that can never be taken");
            ls.ExitCode.Should().Be(0, ls.ToString());
            ls.Stderr.Should().Contain("read-only file system");
            var listed = JsonNode.Parse(ls.Stdout)!.AsArray();
            listed.Select(n => n!["id"]!.GetValue<string>()).Should().BeEquivalentTo([done, stale]);
            listed.Single(n => n!["id"]!.GetValue<string>() == stale)!["status"]!.GetValue<string>().Should()
                .Be("failed", "reconciled in memory");
        }
        finally
        {
            fs.ReadOnly(false);
        }
    }
}
