using System.Diagnostics;
using AwesomeAssertions;
using Zwarm.Core.Sessions;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

/// <summary>delegate(…, isolation="worktree") and the conflicts list_sessions reports.</summary>
public sealed class IsolationToolSpecs
{
    private static void Git(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { UseShellExecute = false, WorkingDirectory = dir, RedirectStandardError = true };
        foreach (var a in (string[])["-c", "user.name=Test", "-c", "user.email=test@localhost", .. args]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)}: {p.StandardError.ReadToEnd()}");
    }

    [Fact(Timeout = 90_000)]
    public async Task Delegated_worktree_sessions_get_their_own_branches_and_list_sessions_reports_their_conflict()
    {
        await using var w = await World.CreateAsync();
        Git(w.Dir, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(w.Dir, ".gitignore"), ".zwarm/\n");
        File.WriteAllText(Path.Combine(w.Dir, "shared.txt"), "base\n");
        Git(w.Dir, "add", "-A");
        Git(w.Dir, "commit", "-q", "-m", "initial");
        // The whole run is scripted up front: each sleep wakes when a session finishes (the second returns at once
        // when both have), so list_sessions runs after both turns ended, however slow the machine.
        w.Chat(
            Calls(
                Call("delegate", """{"task":"write=shared.txt:one reply=a","isolation":"worktree"}""", "d1"),
                Call("delegate", """{"task":"write=shared.txt:two reply=b","isolation":"worktree"}""", "d2"),
                Call("delegate", """{"task":"reply=c","isolation":"sideways"}""", "d3")),
            One("sleep", """{"seconds":120}"""),
            One("sleep", """{"seconds":120}"""),
            One("list_sessions", "{}", "l1"),
            One("exit", """{"summary":"done"}"""));
        (await w.OrchestrateAsync("Work in parallel")).Status.Should().Be("completed", w.Output.ToString());

        var d1 = w.ToolResult("d1");
        d1["branch"]!.GetValue<string>().Should().Be($"zwarm/{d1["session_id"]!.GetValue<string>()[..8]}");
        d1["working_dir"]!.GetValue<string>().Should().StartWith(Path.Combine(w.Dir, ".zwarm", "worktrees"));
        w.ToolResult("d3")["error"]!.GetValue<string>().Should().Contain("unknown isolation 'sideways'");
        File.ReadAllText(Path.Combine(w.Dir, "shared.txt")).Should().Be("base\n", "the sessions wrote in their worktrees");

        var listed = w.ToolResult("l1")["sessions"]!.AsArray().Select(n => n!.AsObject()).ToList();
        listed.Should().HaveCount(2);
        foreach (var o in listed)
        {
            var conflicts = o["conflicts"]!.AsObject();
            conflicts["files"]!.AsArray().Select(f => f!.GetValue<string>()).Should().Equal("shared.txt");
            conflicts["with_sessions"]!.AsArray().Should().ContainSingle().Which!.GetValue<string>().Should()
                .NotBe(o["session_id"]!.GetValue<string>()[..8]);
        }
    }
}
