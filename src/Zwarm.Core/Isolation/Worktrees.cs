using System.Globalization;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;

namespace Zwarm.Core.Isolation;

/// <summary>Lines added and removed in one file.</summary>
public sealed record FileStat(string Path, int Added, int Removed, bool Binary = false);

/// <summary>A diff: per-file counts and the patch text.</summary>
public sealed record DiffResult(string From, string To, IReadOnlyList<FileStat> Files, string Patch)
{
    /// <summary>Sum of added lines.</summary>
    public int Added => Files.Sum(f => f.Added);

    /// <summary>Sum of removed lines.</summary>
    public int Removed => Files.Sum(f => f.Removed);

    /// <summary>"+12 −3 in 4 files".</summary>
    public string Summary => Worktrees.Summary(Added, Removed, Files.Count);
}

/// <summary>Git worktrees of sessions: create, checkpoint, snapshot, diff, recreate and remove (git CLI).</summary>
public static class Worktrees
{
    /// <summary>The identity of checkpoint commits.</summary>
    public static readonly IReadOnlyDictionary<string, string?> ZwarmIdentity = new Dictionary<string, string?>
    {
        ["GIT_AUTHOR_NAME"] = "zwarm", ["GIT_AUTHOR_EMAIL"] = "zwarm@localhost",
        ["GIT_COMMITTER_NAME"] = "zwarm", ["GIT_COMMITTER_EMAIL"] = "zwarm@localhost",
    };

    /// <summary>"+12 −3 in 4 files".</summary>
    public static string Summary(int added, int removed, int files)
        => $"+{added} −{removed} in {files} file{(files == 1 ? "" : "s")}";

    /// <summary>The top level of the git work tree holding <paramref name="dir"/>; a clear error outside a repository.</summary>
    public static async Task<string> RepoTopAsync(string dir, CancellationToken ct)
    {
        var r = await Git.RunAsync(dir, ["rev-parse", "--show-toplevel"], ct: ct);
        if (!r.Ok || r.Text.Length == 0)
            throw new ZwarmException(
                $"{dir} is not in a git repository; worktree isolation needs one (run 'git init' and commit, or drop --worktree)");
        return Path.GetFullPath(r.Text);
    }

    /// <summary>Adds ".zwarm/" to the repository's info/exclude once, so zwarm's folder never shows in git status.</summary>
    public static async Task ExcludeZwarmAsync(string repo, CancellationToken ct)
    {
        var common = (await Git.RequireAsync(repo, ["rev-parse", "--git-common-dir"], "cannot find the repository's git dir", ct: ct)).Text;
        var info = Path.Combine(Path.GetFullPath(Path.Combine(repo, common)), "info");
        Directory.CreateDirectory(info);
        var exclude = Path.Combine(info, "exclude");
        var lines = File.Exists(exclude) ? await File.ReadAllLinesAsync(exclude, ct) : [];
        if (lines.Any(l => l.Trim() is ".zwarm/" or ".zwarm" or "/.zwarm/" or "/.zwarm")) return;
        var prefix = lines.Length > 0 && !(await File.ReadAllTextAsync(exclude, ct)).EndsWith('\n') ? "\n" : "";
        await File.AppendAllTextAsync(exclude, $"{prefix}# zwarm's sessions and worktrees\n.zwarm/\n", ct);
    }

    /// <summary>
    /// Creates the worktree <paramref name="path"/> on a new branch from <paramref name="baseRef"/> (default HEAD), copies the
    /// listed untracked files and runs .zwarm/worktree-setup.sh; on any failure nothing is left behind.
    /// </summary>
    public static async Task<WorktreeInfo> CreateAsync(string repo, string path, string branch, string? baseRef, IReadOnlyList<string> copy,
        string? setupScript, IReadOnlyDictionary<string, string?> setupEnv, CancellationToken ct)
    {
        var what = baseRef is null ? "HEAD" : $"'{baseRef}'";
        var resolved = await Git.RunAsync(repo, ["rev-parse", "--verify", "-q", (baseRef ?? "HEAD") + "^{commit}"], ct: ct);
        if (!resolved.Ok)
            throw new ZwarmException(baseRef is null
                ? $"the repository {repo} has no commit yet; commit something first (worktrees start from HEAD)"
                : $"--base {baseRef} is not a commit of {repo}", 2);
        var baseCommit = resolved.Text;
        if ((await Git.RunAsync(repo, ["rev-parse", "--verify", "-q", "refs/heads/" + branch], ct: ct)).Ok)
            throw new ZwarmException($"branch {branch} already exists in {repo}; remove it or discard the session that owns it");
        await ExcludeZwarmAsync(repo, ct);
        await Git.RunAsync(repo, ["worktree", "prune"], ct: ct);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Git.RequireAsync(
            repo, ["worktree", "add", "-q", "-b", branch, path, baseCommit], $"cannot create a worktree from {what}", ct: ct);
        var info = new WorktreeInfo { Path = path, Branch = branch, BaseCommit = baseCommit, Repo = repo };
        try
        {
            foreach (var rel in copy) CopyUntracked(repo, path, rel);
            if (setupScript is not null && File.Exists(setupScript))
            {
                var env = new Dictionary<string, string?>(setupEnv) { ["ZWARM_REPO"] = repo, ["ZWARM_WORKTREE"] = path };
                var r = await RunSetupAsync(setupScript, path, env, ct);
                if (r is not null) throw new ZwarmException($"{Path.GetFileName(setupScript)} failed in the new worktree: {r}");
            }
            return info;
        }
        catch
        {
            await RemoveAsync(info, deleteBranch: true, CancellationToken.None);
            throw;
        }
    }

    // Returns null on success, else the script's last line of output (or its exit code).
    private static async Task<string?> RunSetupAsync(
        string script, string dir, IReadOnlyDictionary<string, string?> env, CancellationToken ct)
    {
        var r = await CliWrap.Buffered.BufferedCommandExtensions.ExecuteBufferedAsync(
            CliWrap.Cli.Wrap("sh")
                .WithArguments([script])
                .WithWorkingDirectory(dir)
                .WithEnvironmentVariables(env)
                .WithValidation(CliWrap.CommandResultValidation.None),
            ct);
        if (r.ExitCode == 0) return null;
        var last = (r.StandardError + "\n" + r.StandardOutput).Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
        return last ?? $"exit code {r.ExitCode.ToString(CultureInfo.InvariantCulture)}";
    }

    private static void CopyUntracked(string repo, string worktree, string rel)
    {
        if (Path.IsPathRooted(rel) || rel.Split('/', '\\').Contains(".."))
            throw new ZwarmException($"executor.worktree_copy: '{rel}' must be a path inside the repository");
        var from = Path.Combine(repo, rel);
        var to = Path.Combine(worktree, rel);
        if (File.Exists(from))
        {
            if (File.Exists(to)) return;
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
        }
        else if (Directory.Exists(from))
        {
            foreach (var f in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
                CopyUntracked(repo, worktree, Path.GetRelativePath(repo, f));
        }
    }

    /// <summary>
    /// The tree of everything in the worktree now (respecting .gitignore), built in a temporary index; the branch's tree when the folder is
    /// gone.
    /// </summary>
    public static async Task<string> SnapshotTreeAsync(WorktreeInfo wt, CancellationToken ct)
    {
        if (!Directory.Exists(wt.Path))
            return (await Git.RequireAsync(wt.Repo, ["rev-parse", wt.Branch + "^{tree}"], $"cannot read branch {wt.Branch}", ct: ct)).Text;
        var index = Path.Combine(Path.GetTempPath(), $"zwarm-index-{Guid.NewGuid():N}");
        try
        {
            var real = (await Git.RequireAsync(
                wt.Path, ["rev-parse", "--git-path", "index"], "cannot find the worktree's index", ct: ct)).Text;
            real = Path.GetFullPath(Path.Combine(wt.Path, real));
            if (File.Exists(real)) File.Copy(real, index);
            var env = new Dictionary<string, string?> { ["GIT_INDEX_FILE"] = index };
            await Git.RequireAsync(wt.Path, ["add", "-A", "--", "."], "cannot stage the worktree's files", env, ct);
            return (await Git.RequireAsync(wt.Path, ["write-tree"], "cannot write the worktree's tree", env, ct)).Text;
        }
        finally
        {
            File.Delete(index);
        }
    }

    /// <summary>The commit HEAD of the worktree points at (or the branch head when the folder is gone).</summary>
    public static async Task<string> HeadAsync(WorktreeInfo wt, CancellationToken ct)
        => Directory.Exists(wt.Path)
            ? (await Git.RequireAsync(wt.Path, ["rev-parse", "HEAD"], "cannot read the worktree's HEAD", ct: ct)).Text
            : (await Git.RequireAsync(wt.Repo, ["rev-parse", "refs/heads/" + wt.Branch], $"cannot read branch {wt.Branch}", ct: ct)).Text;

    /// <summary>
    /// Commits everything in the worktree on top of HEAD as "zwarm: turn N" with <paramref name="body"/>; null when the tree
    /// equals HEAD's (an empty turn). Built in a temporary index and moved with a guarded update-ref: the agent's own index
    /// and commits are never rewritten.
    /// </summary>
    public static async Task<string?> CheckpointAsync(WorktreeInfo wt, int turn, string? body, CancellationToken ct)
    {
        if (!Directory.Exists(wt.Path)) return null;
        var head = await HeadAsync(wt, ct);
        var tree = await SnapshotTreeAsync(wt, ct);
        var headTree = (await Git.RequireAsync(wt.Path, ["rev-parse", head + "^{tree}"], "cannot read HEAD's tree", ct: ct)).Text;
        if (tree == headTree) return null;
        List<string> args = ["commit-tree", tree, "-p", head, "-m", $"zwarm: turn {turn.ToString(CultureInfo.InvariantCulture)}"];
        if (!string.IsNullOrWhiteSpace(body)) args.AddRange(["-m", TextCut.Cut(body, 8000)]);
        var commit = (await Git.RequireAsync(wt.Path, args, "cannot write the checkpoint commit", ZwarmIdentity, ct)).Text;
        // Guarded by the old value: if HEAD moved meanwhile (a concurrent finaliser), this checkpoint is dropped, not forced.
        var moved = await Git.RunAsync(
            wt.Path, ["update-ref", "-m", $"zwarm: turn {turn.ToString(CultureInfo.InvariantCulture)}", "HEAD", commit, head], ct: ct);
        if (!moved.Ok) return null;
        // The worktree's index follows the new HEAD so `git status` there is clean; failing (a held index.lock) loses nothing.
        await Git.RunAsync(wt.Path, ["reset", "-q"], ct: ct);
        return commit;
    }

    /// <summary>Per-file line counts and the patch between two trees or commits.</summary>
    public static async Task<DiffResult> DiffAsync(string repo, string from, string to, bool patch, CancellationToken ct)
    {
        var numstat = await Git.RequireAsync(
            repo, ["diff", "--no-renames", "--numstat", "-z", from, to], "cannot compute the diff", ct: ct);
        var files = new List<FileStat>();
        foreach (var rec in Git.SplitZ(numstat.Stdout))
        {
            var parts = rec.Split('\t', 3);
            if (parts.Length < 3) continue;
            var binary = parts[0] == "-";
            files.Add(new FileStat(
                parts[2].Trim('\n'),
                binary ? 0 : int.Parse(parts[0], CultureInfo.InvariantCulture),
                binary ? 0 : int.Parse(parts[1], CultureInfo.InvariantCulture),
                binary));
        }
        var text = patch
            ? (await Git.RequireAsync(repo, ["diff", "--no-renames", "--no-color", from, to], "cannot compute the diff", ct: ct)).Stdout
            : "";
        return new DiffResult(from, to, files, text);
    }

    /// <summary>Paths that differ between two trees or commits.</summary>
    public static async Task<IReadOnlyList<string>> ChangedFilesAsync(string repo, string from, string to, CancellationToken ct)
        => Git.SplitZ((await Git.RequireAsync(
            repo, ["diff", "--no-renames", "--name-only", "-z", from, to], "cannot compute the diff", ct: ct)).Stdout);

    /// <summary>Recreates a removed worktree folder from its branch (after `git worktree prune`).</summary>
    public static async Task EnsureAsync(WorktreeInfo wt, CancellationToken ct)
    {
        if (Directory.Exists(wt.Path)) return;
        if (wt.Discarded == true) throw new ZwarmException($"the worktree of this session was discarded (branch {wt.Branch} deleted)");
        await Git.RunAsync(wt.Repo, ["worktree", "prune"], ct: ct);
        if (!(await Git.RunAsync(wt.Repo, ["rev-parse", "--verify", "-q", "refs/heads/" + wt.Branch], ct: ct)).Ok)
            throw new ZwarmException($"branch {wt.Branch} no longer exists in {wt.Repo}; the worktree cannot be recreated");
        Directory.CreateDirectory(Path.GetDirectoryName(wt.Path)!);
        await Git.RequireAsync(wt.Repo, ["worktree", "add", "-q", wt.Path, wt.Branch], $"cannot recreate the worktree {wt.Path}", ct: ct);
    }

    /// <summary>Removes the worktree folder (and with <paramref name="deleteBranch"/> the branch); missing pieces are fine.</summary>
    public static async Task RemoveAsync(WorktreeInfo wt, bool deleteBranch, CancellationToken ct)
    {
        if (Directory.Exists(wt.Path))
        {
            var r = await Git.RunAsync(wt.Repo, ["worktree", "remove", "--force", "--force", wt.Path], ct: ct);
            if (!r.Ok && Directory.Exists(wt.Path)) Directory.Delete(wt.Path, recursive: true);
        }
        await Git.RunAsync(wt.Repo, ["worktree", "prune"], ct: ct);
        if (deleteBranch) await Git.RunAsync(wt.Repo, ["branch", "-D", "-q", wt.Branch], ct: ct);
    }

    /// <summary>True when the branch still exists.</summary>
    public static async Task<bool> BranchExistsAsync(WorktreeInfo wt, CancellationToken ct)
        => (await Git.RunAsync(wt.Repo, ["rev-parse", "--verify", "-q", "refs/heads/" + wt.Branch], ct: ct)).Ok;
}
