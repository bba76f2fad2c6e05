using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests.Isolation;

/// <summary>
/// spawn --worktree, checkpoints, diff, conflicts, merge, fork, rm and discard through the real executable, real git and the fake agent.
/// </summary>
public sealed class WorktreeSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TestProject NewRepo()
    {
        var p = new TestProject(Ct);
        GitRepo.Init(p.Dir, ("notes.txt", "base\n"), ("keep.txt", "keep\n"));
        return p;
    }

    private static string Short(string id) => id[..8];

    private static string Commit(JsonNode meta, int turn)
        => meta["turns"]!.AsArray().First(t => t!["turn"]!.GetValue<int>() == turn)!["commit"]?.GetValue<string>()!;

    [Fact(Timeout = 120_000)]
    public async Task Two_sessions_checkpoint_per_turn_show_their_diffs_flag_the_shared_file_and_only_the_first_merges()
    {
        await using var p = NewRepo();
        var head = GitRepo.Run(p.Dir, "rev-parse", "HEAD");
        var one = await p.SpawnAsync("write=a.txt:from_one write=notes.txt:one reply=First_done", "--worktree", "--wait");
        var two = await p.SpawnAsync("write=b.txt:from_two write=notes.txt:two reply=Second_done", "--worktree", "--wait");

        var meta1 = p.Meta(one);
        var wt1 = meta1["worktree"]!;
        wt1["path"]!.GetValue<string>().Should().Be(Path.Combine(p.Dir, ".zwarm", "worktrees", Short(one)));
        wt1["branch"]!.GetValue<string>().Should().Be($"zwarm/{Short(one)}");
        wt1["base_commit"]!.GetValue<string>().Should().Be(head);
        wt1["repo"]!.GetValue<string>().Should().Be(p.Dir);
        meta1["working_dir"]!.GetValue<string>().Should().Be(wt1["path"]!.GetValue<string>());
        File.Exists(Path.Combine(p.Dir, "a.txt")).Should().BeFalse("the agent worked in its own worktree");
        File.ReadAllText(Path.Combine(p.Dir, "notes.txt")).Should().Be("base\n");
        GitRepo.Run(p.Dir, "status", "--porcelain").Should().BeEmpty(".zwarm/ is excluded from git");

        var c1 = Commit(meta1, 1);
        GitRepo.Run(p.Dir, "log", "-1", "--format=%s%n%n%b", c1).Should().Be("zwarm: turn 1\n\nFirst done");
        GitRepo.Run(p.Dir, "rev-parse", $"zwarm/{Short(one)}").Should().Be(c1);
        GitRepo.Run(p.Dir, "rev-parse", c1 + "^").Should().Be(head);

        (await p.RunAsync("c", one, "write=c.txt:turn_two reply=Two", "--wait")).ExitCode.Should().Be(0);
        (await p.RunAsync("c", one, "reply=Nothing_changed", "--wait")).ExitCode.Should().Be(0);
        meta1 = p.Meta(one);
        var c2 = Commit(meta1, 2);
        GitRepo.Run(p.Dir, "rev-parse", c2 + "^").Should().Be(c1);
        Commit(meta1, 3).Should().BeNull("an empty turn makes no commit");
        GitRepo.Run(p.Dir, "rev-parse", $"zwarm/{Short(one)}").Should().Be(c2);

        var stat = await p.RunAsync("diff", one, "--stat");
        stat.Stdout.Should().Be(" a.txt      +1 −0\n c.txt      +1 −0\n notes.txt  +1 −1\n+3 −1 in 3 files\n", stat.ToString());
        var patch = await p.RunAsync("diff", one, "--turn", "2");
        patch.Stdout.Should().Contain("+++ b/c.txt").And.Contain("+turn two").And.NotContain("a.txt");
        var json = JsonNode.Parse((await p.RunAsync("diff", two, "--json")).Stdout)!;
        json["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).Should().Equal("b.txt", "notes.txt");
        json["patch"]!.GetValue<string>().Should().Contain("-base\n+two\n");
        (await p.RunAsync("peek", one)).Stdout.Should().Contain("+3 −1 in 3 files");

        var conflicts = await p.RunAsync("conflicts");
        conflicts.Stdout.Should().Be($"⚠ notes.txt: changed by {Short(one)} and {Short(two)}\n", conflicts.ToString());
        (await p.RunAsync("ls")).Stdout.Should().Contain($"⚠ {Short(two)}").And.Contain($"⚠ {Short(one)}");

        var merged = await p.RunAsync("merge", one);
        merged.ExitCode.Should().Be(0, merged.ToString());
        merged.Stdout.Should().Contain($"⚠ notes.txt: also changed by {Short(two)}")
            .And.Contain($"✓ merged {Short(one)} (zwarm/{Short(one)}) into main (squash): 3 files");
        File.ReadAllText(Path.Combine(p.Dir, "notes.txt")).Should().Be("one\n");
        File.ReadAllText(Path.Combine(p.Dir, "c.txt")).Should().Be("turn two\n");
        GitRepo.Run(p.Dir, "status", "--porcelain").Should().BeEmpty();
        p.Meta(one)["merged_into"]!.GetValue<string>().Should().Be("main");
        var mainAfterFirst = GitRepo.Run(p.Dir, "rev-parse", "main");
        var branchTwo = GitRepo.Run(p.Dir, "rev-parse", $"zwarm/{Short(two)}");

        var refused = await p.RunAsync("merge", two);
        refused.ExitCode.Should().Be(1, refused.ToString());
        refused.Stdout.Should()
            .Contain("conflicts with main in 1 file; merge aborted, nothing changed").And.Contain("  CONFLICT notes.txt\n");
        GitRepo.Run(p.Dir, "rev-parse", "main").Should().Be(mainAfterFirst);
        GitRepo.Run(p.Dir, "rev-parse", $"zwarm/{Short(two)}").Should().Be(branchTwo);
        GitRepo.Run(p.Dir, "rev-parse", $"zwarm/{Short(one)}").Should().Be(c2);
        GitRepo.Run(p.Dir, "status", "--porcelain").Should().BeEmpty();
        File.ReadAllText(Path.Combine(p.Dir, "notes.txt")).Should().Be("one\n");
        p.Meta(two)["merged_into"].Should().BeNull();
        Directory.GetDirectories(Path.Combine(p.Dir, ".zwarm", "worktrees")).Select(Path.GetFileName).Should()
            .BeEquivalentTo([Short(one), Short(two)]);
        GitRepo.Run(p.Dir, "worktree", "list").Split('\n').Should().HaveCount(3, "no temporary merge worktree is left");
        (await p.RunAsync("ls")).Stdout.Should().Contain("→ main");
        (await p.RunAsync("conflicts")).Stdout.Should().Be($"⚠ notes.txt: changed by {Short(two)} and on main since its base\n");
    }

    [Fact(Timeout = 90_000)]
    public async Task Fork_at_turn_1_starts_from_turn_1s_files_and_forking_the_latest_turn_forks_the_conversation()
    {
        await using var p = NewRepo();
        var src = await p.SpawnAsync("write=a.txt:one reply=One", "--worktree", "--wait");
        (await p.RunAsync("c", src, "write=b.txt:two reply=Two", "--wait")).ExitCode.Should().Be(0);
        var before = File.ReadAllText(p.MetaPath(src));

        var r = await p.RunAsync("fork", src, "write=f.txt:forked reply=Forked", "--turn", "1", "--wait", "--json");
        r.ExitCode.Should().Be(0, r.ToString());
        var fork = JsonNode.Parse(r.Stdout)!;
        var dir = fork["worktree"]!["path"]!.GetValue<string>();
        File.Exists(Path.Combine(dir, "a.txt")).Should().BeTrue();
        File.Exists(Path.Combine(dir, "b.txt")).Should().BeFalse("turn 2 came after the fork point");
        File.Exists(Path.Combine(dir, "f.txt")).Should().BeTrue();
        fork["worktree"]!["base_commit"]!.GetValue<string>().Should().Be(Commit(p.Meta(src), 1));
        fork["fork_of"]!["session"]!.GetValue<string>().Should().Be(src);
        fork["fork_of"]!["turn"]!.GetValue<int>().Should().Be(1);
        fork["fork_of"]!["agent_session_id"].Should().BeNull("turn 1 is not the latest: the conversation is replayed");
        fork["launch_prompt"]!.GetValue<string>().Should().Contain("One").And.NotContain("Two");
        File.ReadAllText(p.MetaPath(src)).Should().Be(before, "the original is untouched");

        var latest = JsonNode.Parse((await p.RunAsync("fork", src, "reply=Native", "--wait", "--json")).Stdout)!;
        var srcMeta = p.Meta(src);
        var thread = (srcMeta["agent_session_id_latest"] ?? srcMeta["agent_session_id"])!.GetValue<string>();
        latest["fork_of"]!["agent_session_id"]!.GetValue<string>().Should().Be(thread);
        latest["agent_session_id"]!.GetValue<string>().Should().NotBe(thread, "exec fork starts a new thread");
        File.Exists(Path.Combine(latest["worktree"]!["path"]!.GetValue<string>(), "b.txt")).Should().BeTrue();
    }

    [Fact(Timeout = 90_000)]
    public async Task Rm_keeps_an_unmerged_branch_with_its_checkpoints_unless_forced_and_discard_deletes_it()
    {
        await using var p = NewRepo();
        var kept = await p.SpawnAsync("write=a.txt:one reply=One", "--worktree", "--wait");
        var forced = await p.SpawnAsync("write=b.txt:two reply=Two", "--worktree", "--wait");
        var thrown = await p.SpawnAsync("write=c.txt:three reply=Three", "--worktree", "--wait");
        var keptCommit = Commit(p.Meta(kept), 1);

        var rm = await p.RunAsync("rm", kept);
        rm.ExitCode.Should().Be(0, rm.ToString());
        rm.ErrLines.Should().ContainSingle().Which.Should()
            .Be($"zwarm: kept branch zwarm/{Short(kept)} of {Short(kept)} (not merged; its checkpoints stay; rm --force deletes it)");
        GitRepo.Run(p.Dir, "rev-parse", $"zwarm/{Short(kept)}").Should().Be(keptCommit);
        Directory.Exists(Path.Combine(p.Dir, ".zwarm", "worktrees", Short(kept))).Should().BeFalse();

        (await p.RunAsync("rm", "--force", forced)).ExitCode.Should().Be(0);
        GitRepo.TryRun(p.Dir, "rev-parse", "--verify", "-q", $"zwarm/{Short(forced)}").Code.Should().NotBe(0);

        var no = await p.RunWithInputAsync("n\n", "discard", thrown);
        no.ExitCode.Should().Be(1);
        GitRepo.TryRun(p.Dir, "rev-parse", "--verify", "-q", $"zwarm/{Short(thrown)}").Code.Should().Be(0);
        (await p.RunAsync("discard", thrown, "-y")).ExitCode.Should().Be(0);
        GitRepo.TryRun(p.Dir, "rev-parse", "--verify", "-q", $"zwarm/{Short(thrown)}").Code.Should().NotBe(0);
        p.Meta(thrown)["worktree"]!["discarded"]!.GetValue<bool>().Should().BeTrue();
        GitRepo.Run(p.Dir, "worktree", "list").Split('\n').Should().ContainSingle();
    }

    [Fact(Timeout = 90_000)]
    public async Task Merge_refuses_a_dirty_main_file_it_touches_and_a_removed_worktree_comes_back_on_continue()
    {
        await using var p = NewRepo();
        var id = await p.SpawnAsync("write=notes.txt:session reply=One", "--worktree", "--wait");
        File.WriteAllText(Path.Combine(p.Dir, "notes.txt"), "local edit\n");
        var head = GitRepo.Run(p.Dir, "rev-parse", "HEAD");

        var r = await p.RunAsync("merge", id);
        r.ExitCode.Should().Be(1);
        r.ErrLines.Should().ContainSingle().Which.Should().Be(
            "zwarm: the main worktree has uncommitted changes to files this merge touches: notes.txt; commit or stash them first");
        GitRepo.Run(p.Dir, "rev-parse", "HEAD").Should().Be(head);
        File.ReadAllText(Path.Combine(p.Dir, "notes.txt")).Should().Be("local edit\n");

        var wt = p.Meta(id)["worktree"]!["path"]!.GetValue<string>();
        Directory.Delete(wt, recursive: true);
        var c = await p.RunAsync("c", id, "write=more.txt:x reply=Two", "--wait");
        c.ExitCode.Should().Be(0, c.ToString());
        File.ReadAllText(Path.Combine(wt, "notes.txt")).Should().Be("session\n", "the worktree is recreated from its branch");
        File.Exists(Path.Combine(wt, "more.txt")).Should().BeTrue();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_killed_turn_is_checkpointed_and_an_agents_own_commit_is_kept()
    {
        await using var p = NewRepo();
        var own = await p.SpawnAsync("write=mine.txt:agent_work commit reply=Committed", "--worktree", "--wait");
        var meta = p.Meta(own);
        GitRepo.Run(p.Dir, "log", "-1", "--format=%s", Commit(meta, 1)).Should()
            .Be("agent's own commit", "the agent committed everything itself");

        var killed = await p.SpawnAsync("write=half.txt:partial sleep=forever", "--worktree");
        var wt = p.Meta(killed)["worktree"]!["path"]!.GetValue<string>();
        // Wait for the whole text, not the file: the agent creates it before it writes to it.
        var half = Path.Combine(wt, "half.txt");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(File.Exists(half) && File.ReadAllText(half) == "partial\n") && DateTime.UtcNow < deadline) await Task.Delay(50, Ct);
        (await p.RunAsync("kill", killed)).ExitCode.Should().Be(0);
        var commit = Commit(p.Meta(killed), 1);
        commit.Should().NotBeNull();
        GitRepo.Run(p.Dir, "show", $"{commit}:half.txt").Should().Be("partial");
    }

    [Fact(Timeout = 90_000)]
    public async Task Review_starts_a_read_only_session_in_the_worktree_whose_verdict_show_lists()
    {
        await using var p = NewRepo();
        var id = await p.SpawnAsync("write=a.txt:one reply=Looks_fine", "--worktree", "--wait");
        var head = GitRepo.Run(p.Dir, "rev-parse", $"zwarm/{Short(id)}");

        var r = await p.RunAsync("review", Short(id), "--wait", "--json");
        r.ExitCode.Should().Be(0, r.ToString());
        var review = JsonNode.Parse(r.Stdout)!;
        var reviewId = review["id"]!.GetValue<string>();
        review["review_of"]!.GetValue<string>().Should().Be(id);
        review["read_only"]!.GetValue<bool>().Should().BeTrue();
        review["worktree"].Should().BeNull("a review works in the reviewed session's worktree");
        review["working_dir"]!.GetValue<string>().Should().Be(p.Meta(id)["worktree"]!["path"]!.GetValue<string>());
        review["task"]!.GetValue<string>().Should().Be($"review of {Short(id)}: write=a.txt:one reply=Looks_fine");
        review["launch_prompt"]!.GetValue<string>().Should().Contain("+one").And.Contain("Do not modify any file")
            .And.Contain($"git diff {p.Meta(id)["worktree"]!["base_commit"]!.GetValue<string>()}");
        review["turns"]![0]!["commit"].Should().BeNull("a review makes no checkpoint");
        GitRepo.Run(p.Dir, "rev-parse", $"zwarm/{Short(id)}").Should().Be(head);

        var show = await p.RunAsync("show", Short(id));
        show.Stdout.Should().Contain("changes  +1 −0 in 1 file").And.Contain($"✓ {Short(reviewId)} Looks fine");
        (await p.RunAsync("show", Short(reviewId))).Stdout.Should().Contain($"review of {Short(id)}");
        JsonNode.Parse((await p.RunAsync("show", Short(id), "--json")).Stdout)!["reviews"]![0]!["id"]!.GetValue<string>().Should()
            .Be(reviewId);
    }

    [Fact(Timeout = 120_000)]
    public async Task Rebase_keeps_one_commit_per_turn_merge_makes_a_merge_commit_and_into_moves_a_branch_not_checked_out()
    {
        await using var p = NewRepo();
        GitRepo.Run(p.Dir, "branch", "release");
        var rebased = await p.SpawnAsync("write=r1.txt:one reply=One", "--worktree", "--wait");
        (await p.RunAsync("c", rebased, "write=r2.txt:two reply=Two", "--wait")).ExitCode.Should().Be(0);
        var merged = await p.SpawnAsync("write=m.txt:m reply=M", "--worktree", "--wait");
        var released = await p.SpawnAsync("write=rel.txt:r reply=R", "--worktree", "--wait");

        (await p.RunAsync("merge", rebased, "--rebase")).ExitCode.Should().Be(0);
        GitRepo.Run(p.Dir, "log", "--format=%s", "-3", "main").Should().Be("zwarm: turn 2\nzwarm: turn 1\ninitial");
        (await p.RunAsync("merge", merged, "--merge", "-m", "Merge the m work")).ExitCode.Should().Be(0);
        GitRepo.Run(p.Dir, "log", "-1", "--format=%p", "main").Split(' ').Should().HaveCount(2, "a merge commit has two parents");
        GitRepo.Run(p.Dir, "log", "-1", "--format=%s", "main").Should().Be("Merge the m work");
        var squash = await p.RunAsync("merge", released, "--into", "release", "--squash", "--rebase");
        squash.ExitCode.Should().Be(2, "one strategy at a time");
        (await p.RunAsync("merge", released, "--into", "release")).ExitCode.Should().Be(0);
        GitRepo.Run(p.Dir, "show", "release:rel.txt").Should().Be("r");
        File.Exists(Path.Combine(p.Dir, "rel.txt")).Should().BeFalse("main, checked out here, did not move");
        p.Meta(released)["merged_into"]!.GetValue<string>().Should().Be("release");
        GitRepo.Run(p.Dir, "status", "--porcelain").Should().BeEmpty();
    }

    [Fact(Timeout = 90_000)]
    public async Task A_new_worktree_gets_the_listed_untracked_files_and_runs_the_setup_script_whose_failure_leaves_nothing()
    {
        await using var p = new TestProject(Ct, "worktree_copy = [\".env\"]");
        GitRepo.Init(p.Dir, ("notes.txt", "base\n"));
        File.WriteAllText(Path.Combine(p.Dir, ".env"), "SECRET=1\n");
        File.WriteAllText(Path.Combine(p.Dir, ".zwarm", "worktree-setup.sh"), "printf '%s' \"$ZWARM_SESSION_ID\" > setup-ran.txt\n");

        var id = await p.SpawnAsync("reply=ok", "--worktree", "--wait");
        var wt = p.Meta(id)["worktree"]!["path"]!.GetValue<string>();
        File.ReadAllText(Path.Combine(wt, ".env")).Should().Be("SECRET=1\n");
        File.ReadAllText(Path.Combine(wt, "setup-ran.txt")).Should().Be(id);

        File.WriteAllText(Path.Combine(p.Dir, ".zwarm", "worktree-setup.sh"), "echo 'npm install failed' >&2\nexit 3\n");
        var sessions = Directory.GetDirectories(p.SessionsDir).Length;
        var r = await p.RunAsync("spawn", "reply=never", "--worktree");
        r.ExitCode.Should().Be(1);
        r.ErrLines.Should().ContainSingle().Which.Should().Be("zwarm: worktree-setup.sh failed in the new worktree: npm install failed");
        Directory.GetDirectories(p.SessionsDir).Should().HaveCount(sessions);
        GitRepo.Run(p.Dir, "branch", "--list", "zwarm/*").Split('\n').Should().ContainSingle();
        GitRepo.Run(p.Dir, "worktree", "list").Split('\n').Should().HaveCount(2);
    }

    [Fact(Timeout = 30_000)]
    public async Task Worktree_outside_a_git_repository_is_one_clear_error_and_changes_nothing()
    {
        await using var p = new TestProject(Ct);
        var before = p.Snapshot();
        var r = await p.RunAsync("spawn", "reply=x", "--worktree");
        r.ExitCode.Should().Be(1);
        r.ErrLines.Should().ContainSingle().Which.Should().Be(
            $"zwarm: {p.Dir} is not in a git repository; worktree isolation needs one (run 'git init' and commit, or drop --worktree)");
        p.Snapshot().Should().Be(before);
    }
}
