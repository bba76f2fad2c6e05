using Zwarm.Core.Sessions;

namespace Zwarm.Orchestration.Watchers;

/// <summary>
/// progress: the same call with the same arguments repeated (max_repeats, default 3; sleep excluded), or sessions
/// running while none finished for stall_steps steps (default 15).
/// </summary>
internal sealed class ProgressWatcher(WatcherSettings s) : Watcher("progress")
{
    private readonly int _maxRepeats = Math.Max(2, s.Int("max_repeats", 3));
    private readonly int _stallSteps = Math.Max(2, s.Int("stall_steps", 15));
    private int _repeatFiredAt = -1;
    private int _stallFiredAt = -1;

    public override async ValueTask<WatcherVerdict> CheckAsync(WatchContext ctx, CancellationToken ct)
    {
        var calls = ctx.Calls.Where(c => c.Name != "sleep").ToList();
        if (calls.Count >= _maxRepeats)
        {
            var last = calls[^1];
            var run = calls.TakeLast(_maxRepeats).ToList();
            if (run.All(c => c.Name == last.Name && c.ArgumentsJson == last.ArgumentsJson) && run[0].Step > _repeatFiredAt)
            {
                _repeatFiredAt = last.Step;
                return Nudge(
                    $"You called {last.Name} with the same arguments {_maxRepeats} times in a row; "
                    + "repeating it will not change the result. "
                    + "Do something different: wait for sessions with sleep, converse with one, delegate the next piece, or finish.");
            }
        }
        if (ctx.Step - ctx.LastFinishStep >= _stallSteps && ctx.LastFinishStep > _stallFiredAt)
        {
            var running = (await ctx.SessionsAsync(ct)).Where(m => !m.Status.IsFinished()).ToList();
            if (running.Count > 0)
            {
                _stallFiredAt = ctx.LastFinishStep;
                return Nudge($"No session has finished in {ctx.Step - ctx.LastFinishStep} steps ({running.Count} still running: "
                    + $"{string.Join(", ", running.Select(m => m.ShortId))}). Peek at them; end a stuck one and delegate a smaller task.");
            }
        }
        return WatcherVerdict.Continue;
    }
}

/// <summary>
/// budget: warns once at warn_pct (default 0.8) of the step budget, and when this instance has started max_sessions
/// sessions (default 0 = no limit); max_tokens (default 0 = none) of LLM tokens aborts the run when exceeded.
/// </summary>
internal sealed class BudgetWatcher(WatcherSettings s) : Watcher("budget")
{
    private readonly double _warnPct = Math.Clamp(s.Number("warn_pct", 0.8), 0.1, 1.0);
    private readonly int _maxSteps = s.Int("max_steps", 0);
    private readonly int _maxSessions = s.Int("max_sessions", 0);
    private readonly long _maxTokens = (long)s.Number("max_tokens", 0);
    private bool _stepsWarned;
    private bool _sessionsWarned;
    private bool _tokensWarned;

    public override async ValueTask<WatcherVerdict> CheckAsync(WatchContext ctx, CancellationToken ct)
    {
        var max = _maxSteps > 0 ? Math.Min(_maxSteps, ctx.MaxSteps) : ctx.MaxSteps;
        if (_maxTokens > 0 && ctx.LlmTokens >= _maxTokens)
            return new WatcherVerdict(
                WatcherAction.Abort,
                $"the LLM used {ctx.LlmTokens:N0} tokens, over the budget of {_maxTokens:N0} (watchers budget max_tokens)");
        if (_maxTokens > 0 && !_tokensWarned && ctx.LlmTokens >= _maxTokens * _warnPct)
        {
            _tokensWarned = true;
            return Nudge(
                $"Budget: {ctx.LlmTokens:N0} of {_maxTokens:N0} LLM tokens used ({Pct(ctx.LlmTokens, _maxTokens)}). " +
                "Wrap up: verify the work and finish soon.");
        }
        if (!_stepsWarned && max > 0 && ctx.StepsThisRun >= max * _warnPct)
        {
            _stepsWarned = true;
            return Nudge($"Budget: step {ctx.StepsThisRun + 1} of {max} ({Pct(ctx.StepsThisRun, max)} used). "
                + "Wrap up: let running sessions finish, verify the result and finish; start nothing new unless essential.");
        }
        if (_maxSessions > 0 && !_sessionsWarned)
        {
            var started = (await ctx.SessionsAsync(ct)).Count;
            if (started >= _maxSessions)
            {
                _sessionsWarned = true;
                return Nudge(
                    $"Budget: you have started {started} sessions (limit {_maxSessions}). " +
                    "Do not delegate more; converse with existing sessions instead.");
            }
        }
        return WatcherVerdict.Continue;
    }

    private static string Pct(long used, long of) => $"{100.0 * used / of:0}%";
}
