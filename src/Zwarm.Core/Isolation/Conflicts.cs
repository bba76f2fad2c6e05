using Zwarm.Core.Sessions;

namespace Zwarm.Core.Isolation;

/// <summary>
/// A file at risk: changed by two or more unmerged sessions of one repository (<see cref="Main"/> false), or changed by a
/// session and by the target branch since that session's base (<see cref="Main"/> true; <see cref="Branch"/> names it).
/// </summary>
public sealed record FileConflict(string Repo, string Path, IReadOnlyList<string> Sessions, bool Main, string? Branch = null);

/// <summary>Finds files that will collide when sessions are merged, before anyone merges.</summary>
public static class Conflicts
{
    /// <summary>Conflicts among <paramref name="sessions"/> (only unmerged worktree sessions count), ordered by repo and path.</summary>
    public static async Task<IReadOnlyList<FileConflict>> FindAsync(IEnumerable<SessionMeta> sessions, CancellationToken ct)
    {
        var result = new List<FileConflict>();
        var candidates = sessions.Where(m => m.Worktree is { Discarded: not true } && !m.IsMerged).ToList();
        foreach (var group in candidates.GroupBy(m => m.Worktree!.Repo, StringComparer.Ordinal))
        {
            if (!Directory.Exists(group.Key)) continue;
            var target = await Merger.CurrentBranchAsync(group.Key, ct);
            var targetHead = target is null ? null
                : (await Git.RunAsync(group.Key, ["rev-parse", "--verify", "-q", "refs/heads/" + target], ct: ct)) is { Ok: true } r
                    ? r.Text
                    : null;
            var byFile = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            var mainFiles = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var m in group.OrderBy(m => m.CreatedAt))
            {
                var wt = m.Worktree!;
                if (!await Worktrees.BranchExistsAsync(wt, ct)) continue;
                var tree = await Worktrees.SnapshotTreeAsync(wt, ct);
                var files = await Worktrees.ChangedFilesAsync(wt.Repo, wt.BaseCommit, tree, ct);
                foreach (var f in files) (byFile.TryGetValue(f, out var l) ? l : byFile[f] = []).Add(m.Id);
                if (targetHead is null || files.Count == 0) continue;
                var mainChanged = (await Worktrees.ChangedFilesAsync(wt.Repo, wt.BaseCommit, targetHead, ct))
                    .ToHashSet(StringComparer.Ordinal);
                foreach (var f in files.Where(mainChanged.Contains))
                    (mainFiles.TryGetValue(f, out var l) ? l : mainFiles[f] = []).Add(m.Id);
            }
            foreach (var (f, ids) in byFile.Where(kv => kv.Value.Count > 1)) result.Add(new FileConflict(group.Key, f, ids, false));
            foreach (var (f, ids) in mainFiles) result.Add(new FileConflict(group.Key, f, ids, true, target));
        }
        return result;
    }

    /// <summary>For one session: the other sessions it collides with (short ids), and whether the target branch collides too.</summary>
    public static (IReadOnlyList<string> Others, bool Main) For(string sessionId, IReadOnlyList<FileConflict> conflicts)
    {
        var mine = conflicts.Where(c => c.Sessions.Contains(sessionId)).ToList();
        var others = mine
            .Where(c => !c.Main)
            .SelectMany(c => c.Sessions)
            .Where(s => s != sessionId)
            .Distinct()
            .Select(s => s.Length > 8 ? s[..8] : s)
            .ToList();
        return (others, mine.Any(c => c.Main));
    }
}
