using Zwarm.Core;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Orchestration.State;

namespace Zwarm.Orchestration.Tools;

/// <summary>What the tools of one instance work with: the session manager, the instance, its state and its limits.</summary>
internal sealed class ToolContext
{
    /// <summary>The same session operations the CLI uses.</summary>
    public required SessionManager Manager { get; init; }

    /// <summary>The instance the tools act for; null when an MCP client calls them.</summary>
    public InstanceRecord? Instance { get; init; }

    /// <summary>Its saved state (sessions already read); null when an MCP client calls them (then kept in memory).</summary>
    public InstanceState? State { get; init; }

    /// <summary>orchestrate (bash, exit) or pilot.</summary>
    public required OrchestratorMode Mode { get; init; }

    /// <summary>Clock for sleep and runtimes.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long bash may run.</summary>
    public TimeSpan BashTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How often sleep looks at the sessions.</summary>
    public TimeSpan SleepPoll { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Set by exit(summary): the run ends after this step.</summary>
    public string? ExitSummary { get; set; }

    /// <summary>The source of every session these tools start: "orchestrator:&lt;instance id&gt;" or "mcp:&lt;client name&gt;".</summary>
    public string Source
    {
        get => field ?? Instance?.Source ?? throw new InvalidOperationException("a tool context needs an instance or a source");
        init;
    }

    /// <summary>Who calls the tools, for telemetry: the instance id, else the source.</summary>
    public string ActorId => Instance?.Id ?? Source;

    /// <summary>Session id → "turn:status" last read with check_session.</summary>
    private Dictionary<string, string> Seen => State?.Progress.Seen ?? _seen;

    private readonly Dictionary<string, string> _seen = [];

    /// <summary>The project folder.</summary>
    public string ProjectDir => Manager.Config.ProjectDir;

    /// <summary>
    /// Allowed directories as real paths (orchestrator.allowed_dirs, relative to the project; default the project): a path is
    /// checked against them after its own symbolic links are resolved, so a link in the project cannot lead outside.
    /// </summary>
    public IReadOnlyList<string> AllowedDirs => field ??= Manager.Config.Orchestrator.AllowedDirs.Count == 0
        ? [RealPath.Resolve(ProjectDir)]
        : [.. Manager.Config.Orchestrator.AllowedDirs.Select(d => RealPath.Resolve(Path.Combine(ProjectDir, ExpandHome(d))))];

    /// <summary>True when the real path of <paramref name="path"/> is inside an allowed directory.</summary>
    public bool IsAllowed(string path) => AllowedDirs.Any(root => Text.IsInside(RealPath.Resolve(path), root));

    /// <summary>Where bash runs: the project when it is allowed, else the first allowed directory.</summary>
    public string BashWorkingDir => IsAllowed(ProjectDir) ? RealPath.Resolve(ProjectDir) : AllowedDirs[0];

    /// <summary>Set once the run was told that bash has no OS sandbox.</summary>
    public bool WarnedNoSandbox { get; set; }

    /// <summary>Sessions this instance started, reconciled, newest first.</summary>
    public async Task<List<SessionMeta>> MySessionsAsync(CancellationToken ct) =>
        [.. (await Manager.ListAsync(ct)).Where(e => e.Meta?.Source == Source).Select(e => e.Meta!)];

    /// <summary>True when a finished session has news the model has not read with check_session.</summary>
    public bool NeedsAttention(SessionMeta m) =>
        (m.Status is SessionStatus.Completed or SessionStatus.Failed && Seen.GetValueOrDefault(m.Id) != SeenKey(m))
        || (m.Status == SessionStatus.Pending && m.RetryAt is not null);

    /// <summary>Set once this run has written its budget_exceeded event.</summary>
    public bool BudgetEventWritten { get; set; }

    /// <summary>Remembers that the model read this state of the session.</summary>
    public void MarkSeen(SessionMeta m)
    {
        if (m.Status.IsFinished()) Seen[m.Id] = SeenKey(m);
    }

    private static string SeenKey(SessionMeta m) => $"{m.Turn}:{m.Status.ToWire()}";

    private static string ExpandHome(string d) =>
        d == "~" || d.StartsWith("~/", StringComparison.Ordinal)
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + d[1..]
            : d;
}
