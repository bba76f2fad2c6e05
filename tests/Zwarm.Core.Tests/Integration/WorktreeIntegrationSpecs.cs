using AwesomeAssertions;
using Zwarm.Core.Isolation;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.ScriptedModel;

namespace Zwarm.Core.Tests.Integration;

/// <summary>Worktree isolation with the real agent CLIs against the scripted model: real git, real shell tool calls.</summary>
[Collection(RealAgentsCollection.Name)]
public sealed class WorktreeIntegrationSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> GitAsync(string dir, params string[] args)
    {
        var r = await Git.RunAsync(dir, ["-c", "user.name=Test", "-c", "user.email=test@localhost", .. args], ct: Ct);
        return r.Ok ? r.Text : throw new InvalidOperationException($"git {string.Join(' ', args)}: {r.Stderr}");
    }

    private static async Task InitRepoAsync(string dir)
    {
        await GitAsync(dir, "init", "-q", "-b", "main");
        await Worktrees.ExcludeZwarmAsync(dir, Ct);
        await File.WriteAllTextAsync(Path.Combine(dir, "shared.txt"), "base\n", Ct);
        await GitAsync(dir, "add", "-A");
        await GitAsync(dir, "commit", "-q", "-m", "initial");
    }

    private static ScriptedReply Shell(string when, string cmd)
        => ScriptedReply.ToolCalls(ScriptedToolCall.Function("exec_command", new System.Text.Json.Nodes.JsonObject { ["cmd"] = cmd }))
            with { When = when };

    [Fact(Timeout = 180_000)]
    public async Task Two_codex_sessions_in_worktrees_checkpoint_flag_the_shared_file_and_only_the_first_merges()
    {
        await using var p = await RealAgentProject.CreateAsync(codex: true);
        await InitRepoAsync(p.WorkDir);
        var s = p.Server;
        s.Enqueue(Endpoint.Responses, Shell("Task A", "printf 'from A\\n' > shared.txt && printf 'a\\n' > a.txt"));
        s.Enqueue(Endpoint.Responses, ScriptedReply.Answer("A is done.") with { When = "Task A" });
        s.Enqueue(Endpoint.Responses, Shell("Task B", "printf 'from B\\n' > shared.txt && printf 'b\\n' > b.txt"));
        s.Enqueue(Endpoint.Responses, ScriptedReply.Answer("B is done.") with { When = "Task B" });

        var a = await p.Manager.StartAsync(new StartRequest("Task A: edit shared.txt and add a.txt.") { Worktree = true }, Ct);
        var b = await p.Manager.StartAsync(new StartRequest("Task B: edit shared.txt and add b.txt.") { Worktree = true }, Ct);
        a = await p.UntilFinishedAsync(a.Id, 60_000);
        b = await p.UntilFinishedAsync(b.Id, 60_000);
        a.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(a));
        b.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(b));
        File.Exists(Path.Combine(p.WorkDir, "a.txt")).Should().BeFalse("codex worked in the session's worktree");

        var a1 = a.Turns!.Single().Commit;
        a1.Should().NotBeNull();
        (await GitAsync(p.WorkDir, "log", "-1", "--format=%s%n%b", a1!)).Should().Be("zwarm: turn 1\nA is done.");
        (await GitAsync(p.WorkDir, "show", $"{a1}:shared.txt")).Should().Be("from A");
        b.Turns!.Single().Commit.Should().NotBeNull();

        s.Enqueue(Endpoint.Responses, Shell("Turn two of A", "printf 'a2\\n' > a2.txt"));
        s.Enqueue(Endpoint.Responses, ScriptedReply.Answer("Added a2.txt.") with { When = "Turn two of A" });
        await p.Manager.ContinueAsync(a.Id, "Turn two of A: add a2.txt.", Ct);
        a = await p.UntilFinishedAsync(a.Id, 60_000);
        a.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(a));
        var a2 = a.Turns!.Single(t => t.Turn == 2).Commit;
        (await GitAsync(p.WorkDir, "rev-parse", a2 + "^")).Should().Be(a1);

        var diffA = await p.Manager.DiffAsync(a, null, patch: true, Ct);
        diffA.Files.Select(f => (f.Path, f.Added, f.Removed)).Should().Equal(("a.txt", 1, 0), ("a2.txt", 1, 0), ("shared.txt", 1, 1));
        diffA.Patch.Should().Contain("-base\n+from A\n");
        (await p.Manager.DiffAsync(a, 2, patch: false, Ct)).Files.Select(f => f.Path).Should().Equal("a2.txt");
        (await p.Manager.DiffAsync(b, null, patch: false, Ct)).Files.Select(f => f.Path).Should().Equal("b.txt", "shared.txt");

        var conflicts = await p.Manager.ConflictsAsync(null, Ct);
        var shared = conflicts.Should().ContainSingle().Subject;
        (shared.Path, shared.Main).Should().Be(("shared.txt", false));
        shared.Sessions.Should().Equal(a.Id, b.Id);

        var first = await p.Manager.MergeAsync(a.Id, MergeStrategy.Squash, null, null, Ct);
        first.Outcome.Merged.Should().BeTrue();
        first.Session.MergedInto.Should().Be("main");
        (await File.ReadAllTextAsync(Path.Combine(p.WorkDir, "shared.txt"), Ct)).Should().Be("from A\n");
        File.Exists(Path.Combine(p.WorkDir, "a2.txt")).Should().BeTrue();
        var mainHead = await GitAsync(p.WorkDir, "rev-parse", "main");
        var branchB = await GitAsync(p.WorkDir, "rev-parse", b.Worktree!.Branch);

        var second = await p.Manager.MergeAsync(b.Id, MergeStrategy.Squash, null, null, Ct);
        second.Outcome.Merged.Should().BeFalse();
        second.Outcome.Conflicts.Should().Equal("shared.txt");
        (await GitAsync(p.WorkDir, "rev-parse", "main")).Should().Be(mainHead);
        (await GitAsync(p.WorkDir, "rev-parse", b.Worktree.Branch)).Should().Be(branchB);
        (await GitAsync(p.WorkDir, "rev-parse", a.Worktree!.Branch)).Should().Be(a2);
        (await GitAsync(p.WorkDir, "status", "--porcelain")).Should().BeEmpty();
        (await p.Manager.GetAsync(b.Id, Ct)).MergedInto.Should().BeNull();

        // A fork at turn 1 starts from turn 1's files, its conversation replayed.
        s.Enqueue(Endpoint.Responses, ScriptedReply.Answer("Forked from turn one.") with { When = "Try another way" });
        var fork = await p.Manager.ForkAsync(a.Id, "Try another way.", 1, Ct);
        fork = await p.UntilFinishedAsync(fork.Id, 60_000);
        fork.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(fork));
        File.Exists(Path.Combine(fork.Worktree!.Path, "a.txt")).Should().BeTrue();
        File.Exists(Path.Combine(fork.Worktree.Path, "a2.txt")).Should().BeFalse();
        fork.Worktree.BaseCommit.Should().Be(a1);
        s.Requests.Last().Body.Should().Contain("Task A: edit shared.txt").And.NotContain("Turn two of A");

        // rm of the unmerged session keeps its branch and checkpoints.
        var removed = await p.Manager.DeleteAsync(b.Id, force: false, Ct);
        removed.KeptBranch.Should().Be(b.Worktree.Branch);
        (await GitAsync(p.WorkDir, "rev-parse", b.Worktree.Branch)).Should().Be(branchB);
        Directory.Exists(b.Worktree.Path).Should().BeFalse();
        s.Problems.Should().BeEmpty();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_codex_review_reads_the_diff_in_the_worktree_and_cannot_write()
    {
        await using var p = await RealAgentProject.CreateAsync(codex: true);
        await InitRepoAsync(p.WorkDir);
        var s = p.Server;
        s.Enqueue(Endpoint.Responses, Shell("Add a greeting", "printf 'hello\\n' > greeting.txt"));
        s.Enqueue(Endpoint.Responses, ScriptedReply.Answer("Added greeting.txt.") with { When = "Add a greeting" });
        var src = await p.Manager.StartAsync(new StartRequest("Add a greeting file.") { Worktree = true }, Ct);
        src = await p.UntilFinishedAsync(src.Id, 60_000);
        src.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(src));
        var head = await GitAsync(p.WorkDir, "rev-parse", src.Worktree!.Branch);

        s.Enqueue(Endpoint.Responses, Shell("Review the changes", "echo sneaky > review-was-here.txt"));
        s.Enqueue(Endpoint.Responses, ScriptedReply.Answer("APPROVE\nThe greeting file is fine.") with { When = "Review the changes" });
        var review = await p.Manager.ReviewAsync(src.Id, null, null, Ct);
        review = await p.UntilFinishedAsync(review.Id, 60_000);

        review.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(review));
        review.ReviewOf.Should().Be(src.Id);
        review.WorkingDir.Should().Be(src.Worktree.Path);
        review.Messages.Last().Content.Should().StartWith("APPROVE");
        var asked = s.Requests.First(r => r.LastUserPrompt?.Contains("Review the changes", StringComparison.Ordinal) == true);
        asked.LastUserPrompt.Should().Contain("+hello").And.Contain("greeting.txt");
        File.Exists(Path.Combine(src.Worktree.Path, "review-was-here.txt")).Should()
            .BeFalse("the review runs in codex's read-only sandbox");
        (await GitAsync(p.WorkDir, "rev-parse", src.Worktree.Branch)).Should().Be(head, "a review makes no checkpoint");
        (await p.Manager.ReviewsOfAsync(src.Id, Ct)).Select(r => r.Id).Should().Equal(review.Id);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_claude_fork_of_the_latest_turn_uses_fork_session_in_its_own_worktree()
    {
        await using var p = await RealAgentProject.CreateAsync(claude: true);
        await InitRepoAsync(p.WorkDir);
        var s = p.Server;
        s.Enqueue(Endpoint.Messages, ScriptedReply.ToolCalls(
            ScriptedToolCall.Function("Bash", """{"command":"echo original > story.txt","description":"write"}""")));
        s.Enqueue(Endpoint.Messages, ScriptedReply.Answer("Wrote the original story."));
        var src = await p.Manager.StartAsync(new StartRequest("Write the original story.") { Worktree = true }, Ct);
        src = await p.UntilFinishedAsync(src.Id, 60_000);
        src.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(src));
        var before = SessionJson.Serialize(src);

        s.Enqueue(Endpoint.Messages, ScriptedReply.ToolCalls(
            ScriptedToolCall.Function("Bash", """{"command":"echo alternative > story.txt","description":"write"}""")));
        s.Enqueue(Endpoint.Messages, ScriptedReply.Answer("Wrote an alternative."));
        var fork = await p.Manager.ForkAsync(src.Id, "Now write an alternative ending.", null, Ct);
        fork = await p.UntilFinishedAsync(fork.Id, 60_000);

        fork.Status.Should().Be(SessionStatus.Completed, p.Diagnostics(fork));
        fork.ForkOf!.AgentSessionId.Should().Be(src.AgentSessionId);
        fork.AgentSessionId.Should().NotBe(src.AgentSessionId, "--fork-session gives the fork its own session id");
        var forkRequest = s.Requests.First(r => r.LastUserPrompt == "Now write an alternative ending.");
        forkRequest.Body.Should().Contain("Write the original story.")
            .And.Contain("Wrote the original story.", "the conversation was forked, not replayed");
        (await File.ReadAllTextAsync(Path.Combine(fork.Worktree!.Path, "story.txt"), Ct)).Should().Be("alternative\n");
        (await File.ReadAllTextAsync(Path.Combine(src.Worktree!.Path, "story.txt"), Ct)).Should().Be("original\n");
        fork.Turns!.Single().Commit.Should().NotBeNull();
        SessionJson.Serialize(await p.Manager.GetAsync(src.Id, Ct)).Should().Equal(before, "the original is untouched");
        s.Problems.Should().BeEmpty();
    }
}
