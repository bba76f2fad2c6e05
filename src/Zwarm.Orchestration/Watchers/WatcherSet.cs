using Zwarm.Core;
using Zwarm.Core.Config;

namespace Zwarm.Orchestration.Watchers;

/// <summary>The outcome of running every watcher before a step.</summary>
internal sealed record WatchOutcome(IReadOnlyList<(string Name, WatcherVerdict Verdict)> Verdicts)
{
    /// <summary>The strongest action: abort over pause over nudge.</summary>
    public WatcherAction Action => Verdicts.Count == 0 ? WatcherAction.Continue : Verdicts.Max(v => v.Verdict.Action);

    /// <summary>The watcher that decided a pause or an abort.</summary>
    public (string Name, WatcherVerdict Verdict)? Stopper => Verdicts.Where(v => v.Verdict.Action >= WatcherAction.Pause)
        .OrderByDescending(v => v.Verdict.Action).Cast<(string, WatcherVerdict)?>().FirstOrDefault();
}

/// <summary>
/// The watchers of a run, built from [watchers]: the built-ins are on by default (pattern does nothing until given
/// patterns); a [[watchers.watchers]] entry configures one by name or turns it off with enabled = false.
/// </summary>
internal sealed class WatcherSet(IReadOnlyList<Watcher> watchers)
{
    /// <summary>The built-in names.</summary>
    public static readonly string[] BuiltIns = ["progress", "budget", "scope", "pattern", "delegation", "quality", "delegation_reminder"];

    /// <summary>The active watchers.</summary>
    public IReadOnlyList<Watcher> Watchers { get; } = watchers;

    /// <summary>Builds the set from config; unknown names are a clear error.</summary>
    public static WatcherSet FromConfig(WatchersConfig config)
    {
        if (!config.Enabled) return new WatcherSet([]);
        foreach (var e in config.Watchers)
            if (!BuiltIns.Contains(e.Name))
                throw new ZwarmException(
                    $"[[watchers.watchers]]: unknown watcher '{e.Name}': expected one of {string.Join(", ", BuiltIns)}", ExitCodes.Usage);
        var list = new List<Watcher>();
        foreach (var name in BuiltIns)
        {
            var entry = config.Watchers.LastOrDefault(e => e.Name == name);
            if (entry is { Enabled: false }) continue;
            var settings = new WatcherSettings(entry?.Config);
            list.Add(name switch
            {
                "progress" => new ProgressWatcher(settings),
                "budget" => new BudgetWatcher(settings),
                "scope" => new ScopeWatcher(settings),
                "pattern" => new PatternWatcher(settings),
                "delegation" => new DelegationWatcher(settings),
                "quality" => new QualityWatcher(settings),
                _ => new DelegationReminderWatcher(settings),
            });
        }
        return new WatcherSet(list);
    }

    /// <summary>Runs every watcher; a watcher that throws is reported as a nudge-free continue, never fatal.</summary>
    public async Task<WatchOutcome> RunAsync(WatchContext ctx, CancellationToken ct)
    {
        var verdicts = new List<(string, WatcherVerdict)>();
        foreach (var w in Watchers)
        {
            WatcherVerdict v;
            try
            {
                v = await w.CheckAsync(ctx, ct);
            }
            catch (Exception ex) when (ex is ZwarmException or IOException or System.Text.Json.JsonException or InvalidOperationException)
            {
                continue;
            }
            if (v.Action != WatcherAction.Continue) verdicts.Add((w.Name, v));
        }
        return new WatchOutcome(verdicts);
    }
}
