using Zwarm.Core.Sessions;

namespace Zwarm.Core.Isolation;

/// <summary>How a session branch lands on the target branch.</summary>
public enum MergeStrategy
{
    /// <summary>One new commit with all the session's changes (the default).</summary>
    Squash,

    /// <summary>The session's commits replayed one by one on the target.</summary>
    Rebase,

    /// <summary>A merge commit with the session branch as second parent.</summary>
    Merge,
}

/// <summary>What a merge did: the target, the new head, the files it changed; or the files in conflict (nothing changed).</summary>
public sealed record MergeOutcome(string Target, string? Commit, IReadOnlyList<string> Files, IReadOnlyList<string> Conflicts)
{
    /// <summary>True when the target moved (or already had everything).</summary>
    public bool Merged => Conflicts.Count == 0;
}

/// <summary>
/// Merges a session branch into a target branch without touching anything until it is known to succeed: the merge is
/// made in a temporary detached worktree, then the target is fast-forwarded to the result.
/// </summary>
public static class Merger
{
    /// <summary>The branch checked out in the main worktree of <paramref name="repo"/>, or null when its HEAD is detached.</summary>
    public static async Task<string?> CurrentBranchAsync(string repo, CancellationToken ct)
    {
        var r = await Git.RunAsync(repo, ["symbolic-ref", "-q", "--short", "HEAD"], ct: ct);
        return r.Ok && r.Text.Length > 0 ? r.Text : null;
    }

    /// <summary>
    /// The files the merge of <paramref name="wt"/>'s branch into <paramref name="target"/> would change (since their merge base).
    /// </summary>
    public static async Task<IReadOnlyList<string>> TouchedFilesAsync(WorktreeInfo wt, string target, CancellationToken ct)
    {
        var mb = await Git.RunAsync(wt.Repo, ["merge-base", "refs/heads/" + target, "refs/heads/" + wt.Branch], ct: ct);
        var from = mb.Ok ? mb.Text : wt.BaseCommit;
        return await Worktrees.ChangedFilesAsync(wt.Repo, from, "refs/heads/" + wt.Branch, ct);
    }

    /// <summary>Paths with uncommitted changes (staged, unstaged or untracked) in the worktree at <paramref name="dir"/>.</summary>
    public static async Task<IReadOnlyList<string>> DirtyFilesAsync(string dir, CancellationToken ct)
    {
        var r = await Git.RequireAsync(dir, ["status", "--porcelain=v1", "-z", "--untracked-files=all"], "cannot read git status", ct: ct);
        var entries = Git.SplitZ(r.Stdout);
        var paths = new List<string>();
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Length < 4) continue;
            paths.Add(e[3..]);
            if (e[0] is 'R' or 'C') i++; // the source path of a rename follows
        }
        return paths;
    }

    /// <summary>Merges; on a conflict nothing changes and the conflicting files are returned.</summary>
    public static async Task<MergeOutcome> MergeAsync(
        WorktreeInfo wt, string zwarmDir, string target, MergeStrategy strategy, string message, CancellationToken ct)
    {
        var repo = wt.Repo;
        var targetRef = "refs/heads/" + target;
        var targetHead = (await Git.RunAsync(repo, ["rev-parse", "--verify", "-q", targetRef], ct: ct)) is { Ok: true } th
            ? th.Text : throw new ZwarmException($"no branch '{target}' in {repo}", ExitCodes.Usage);
        var branchHead = (await Git.RequireAsync(
            repo, ["rev-parse", "--verify", "-q", "refs/heads/" + wt.Branch], $"branch {wt.Branch} is missing", ct: ct)).Text;
        var checkedOutAt = await CheckedOutAtAsync(repo, targetRef, ct);
        if (checkedOutAt is not null && !SamePath(checkedOutAt, repo))
            throw new ZwarmException($"{target} is checked out in another worktree ({checkedOutAt}); merge there or pick another --into");

        var touched = await TouchedFilesAsync(wt, target, ct);
        if (checkedOutAt is not null)
        {
            var dirty = (await DirtyFilesAsync(repo, ct)).Intersect(touched, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (dirty.Count > 0)
                throw new ZwarmException(
                    $"the main worktree has uncommitted changes to files this merge touches: {string.Join(", ", dirty)}; " +
                    "commit or stash them first");
        }
        if ((await Git.RunAsync(repo, ["merge-base", "--is-ancestor", branchHead, targetHead], ct: ct)).Ok)
            return new MergeOutcome(target, targetHead, [], []);

        var identity = await IdentityAsync(repo, ct);
        var scratch = Path.Combine(new Sessions.StoreLayout(zwarmDir).WorktreesDir, $".merge-{Guid.NewGuid():N}"[..20]);
        await Git.RequireAsync(repo, ["worktree", "add", "-q", "--detach", scratch, targetHead], "cannot prepare the merge", ct: ct);
        try
        {
            var ok = strategy switch
            {
                MergeStrategy.Squash => (await Git.RunAsync(scratch, ["merge", "--squash", "-q", branchHead], identity, ct)).Ok,
                MergeStrategy.Merge
                    => (await Git.RunAsync(scratch, ["merge", "--no-ff", "--no-verify", "-q", "-m", message, branchHead], identity, ct)).Ok,
                _ => await CherryPickAsync(repo, scratch, targetHead, branchHead, identity, ct),
            };
            if (!ok)
            {
                var conflicts = Git.SplitZ((await Git.RunAsync(scratch, ["diff", "--name-only", "--diff-filter=U", "-z"], ct: ct)).Stdout);
                return new MergeOutcome(target, null, [],
                    conflicts.Count > 0
                        ? conflicts.Order(StringComparer.Ordinal).ToList()
                        : ["(git could not merge; no single file named)"]);
            }
            if (strategy == MergeStrategy.Squash)
            {
                if ((await Git.RunAsync(scratch, ["diff", "--cached", "--quiet"], ct: ct)).Ok)
                    return new MergeOutcome(target, targetHead, [], []);
                await Git.RequireAsync(
                    scratch, ["commit", "-q", "--no-verify", "-m", message], "cannot commit the squashed merge", identity, ct);
            }
            var result = (await Git.RequireAsync(scratch, ["rev-parse", "HEAD"], "cannot read the merge result", ct: ct)).Text;
            var files = await Worktrees.ChangedFilesAsync(repo, targetHead, result, ct);
            if (checkedOutAt is not null)
                await Git.RequireAsync(repo, ["merge", "--ff-only", "-q", result], $"cannot fast-forward {target} in {repo}", ct: ct);
            else
                await Git.RequireAsync(
                    repo, ["update-ref", "-m", $"zwarm merge {wt.Branch}", targetRef, result, targetHead], $"cannot move {target}", ct: ct);
            return new MergeOutcome(target, result, files, []);
        }
        finally
        {
            await Git.RunAsync(repo, ["worktree", "remove", "--force", "--force", scratch], ct: CancellationToken.None);
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            await Git.RunAsync(repo, ["worktree", "prune"], ct: CancellationToken.None);
        }
    }

    private static async Task<bool> CherryPickAsync(
        string repo, string scratch, string targetHead, string branchHead, IReadOnlyDictionary<string, string?> identity,
        CancellationToken ct)
    {
        var commits = (await Git.RequireAsync(
            repo, ["rev-list", "--reverse", "--no-merges", $"{targetHead}..{branchHead}"], "cannot list the session's commits",
            ct: ct)).Lines;
        if (commits.Count == 0) return true;
        return (await Git.RunAsync(scratch, ["cherry-pick", "--keep-redundant-commits", .. commits], identity, ct)).Ok;
    }

    /// <summary>The user's git identity when configured, else zwarm's, as environment for commits.</summary>
    private static async Task<IReadOnlyDictionary<string, string?>> IdentityAsync(string repo, CancellationToken ct)
    {
        var name = await Git.RunAsync(repo, ["config", "user.name"], ct: ct);
        var email = await Git.RunAsync(repo, ["config", "user.email"], ct: ct);
        return name.Ok && email.Ok && name.Text.Length > 0 && email.Text.Length > 0
            ? new Dictionary<string, string?>()
            : Worktrees.ZwarmIdentity;
    }

    private static async Task<string?> CheckedOutAtAsync(string repo, string branchRef, CancellationToken ct)
    {
        var r = await Git.RequireAsync(repo, ["worktree", "list", "--porcelain"], "cannot list worktrees", ct: ct);
        string? path = null;
        foreach (var line in r.Stdout.Split('\n'))
        {
            if (line.StartsWith("worktree ", StringComparison.Ordinal)) path = line["worktree ".Length..];
            else if (line == "branch " + branchRef) return path;
        }
        return null;
    }

    private static bool SamePath(string a, string b)
        => string.Equals(
            Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)),
            StringComparison.Ordinal);
}
