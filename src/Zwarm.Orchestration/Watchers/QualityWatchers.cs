using Zwarm.Core.Agents;
using Zwarm.Core.Sessions;

namespace Zwarm.Orchestration.Watchers;

/// <summary>
/// quality: many files changed by this instance's sessions (max_files_changed, default 25), or code changed with no
/// test file touched (require_tests, default true). Each warning is given once.
/// </summary>
internal sealed class QualityWatcher(WatcherSettings s) : Watcher("quality")
{
    private static readonly HashSet<string> CodeExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".py", ".cs", ".js", ".ts", ".tsx", ".jsx", ".go", ".rs", ".java", ".kt", ".rb", ".php", ".c", ".h", ".cpp", ".hpp", ".swift",
        ".scala",
    };

    private readonly int _maxFiles = s.Int("max_files_changed", 25);
    private readonly bool _requireTests = s.Bool("require_tests", true);
    private readonly Dictionary<string, (int Turn, List<string> Paths)> _changes = [];
    private bool _manyWarned;
    private bool _testsWarned;

    public override async ValueTask<WatcherVerdict> CheckAsync(WatchContext ctx, CancellationToken ct)
    {
        if (_manyWarned && (_testsWarned || !_requireTests)) return WatcherVerdict.Continue;
        foreach (var m in (await ctx.SessionsAsync(ct)).Where(m => m.Status.IsFinished()))
        {
            if (_changes.TryGetValue(m.Id, out var known) && known.Turn == m.Turn) continue;
            var steps = await ctx.Tools.Manager.TrajectoryAsync(m, ct);
            _changes[m.Id] = (m.Turn,
                [.. steps.Where(x => x.Kind == StepKind.FileChange).Select(x => x.Path ?? x.Text).Where(p => p.Length > 0)]);
        }
        var paths = _changes.Values.SelectMany(v => v.Paths).Distinct(StringComparer.Ordinal).ToList();
        if (!_manyWarned && _maxFiles > 0 && paths.Count > _maxFiles)
        {
            _manyWarned = true;
            return Nudge($"Your sessions changed {paths.Count} files (more than {_maxFiles}). Check that the change is in scope: "
                + "review with bash (git diff --stat) and run the tests before you finish.");
        }
        var code = paths.Where(p => CodeExtensions.Contains(Path.GetExtension(p)) && !IsTest(p)).ToList();
        if (_requireTests && !_testsWarned && code.Count > 0 && !paths.Any(IsTest))
        {
            _testsWarned = true;
            return Nudge($"Code changed ({string.Join(", ", code.Take(3).Select(Path.GetFileName))}{(code.Count > 3 ? ", …" : "")}) "
                + "but no test file did. "
                + "Ask a session to add or run tests, or verify with bash, before you finish.");
        }
        return WatcherVerdict.Continue;
    }

    private static bool IsTest(string path) =>
        path.Contains("test", StringComparison.OrdinalIgnoreCase) || path.Contains("spec", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// delegation_reminder: after_steps (default 5) tool calls in a row with no delegate/converse, most of them bash: a
/// reminder that the work belongs in sessions.
/// </summary>
internal sealed class DelegationReminderWatcher(WatcherSettings s) : Watcher("delegation_reminder")
{
    private readonly int _after = Math.Max(2, s.Int("after_steps", 5));
    private int _firedAtCall = -1;

    public override ValueTask<WatcherVerdict> CheckAsync(WatchContext ctx, CancellationToken ct)
    {
        if (ctx.Tools.Mode != OrchestratorMode.Orchestrate || ctx.Calls.Count < _after)
            return ValueTask.FromResult(WatcherVerdict.Continue);
        var lastDelegation = -1;
        for (var i = ctx.Calls.Count - 1; i >= 0; i--)
            if (ctx.Calls[i].Name is "delegate" or "converse") { lastDelegation = i; break; }
        var since = ctx.Calls.Skip(lastDelegation + 1).ToList();
        if (since.Count < _after || lastDelegation + _after <= _firedAtCall) return ValueTask.FromResult(WatcherVerdict.Continue);
        if (since.Count(c => c.Name == "bash") * 2 < since.Count) return ValueTask.FromResult(WatcherVerdict.Continue);
        _firedAtCall = ctx.Calls.Count - 1;
        return ValueTask.FromResult(Nudge($"{since.Count} tool calls without delegating, mostly bash. You are the coordinator: "
            + "delegate implementation to sessions (delegate), keep bash for checking their work."));
    }
}
