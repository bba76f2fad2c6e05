namespace Zwarm.Core.Sessions;

/// <summary>
/// Every path of a project's <c>.zwarm/</c> folder, named once. Python zwarm reads and writes the same folder, so the
/// names that both know (sessions/, meta.json, turns/turn_N.jsonl, config.toml, codex.toml, claude.toml) never change.
/// </summary>
public sealed class StoreLayout
{
    /// <summary>The layout of the <c>.zwarm</c> folder at <paramref name="zwarmDir"/>.</summary>
    public StoreLayout(string zwarmDir) => Root = Path.GetFullPath(zwarmDir);

    /// <summary>The .zwarm folder.</summary>
    public string Root { get; }

    /// <summary>The folder of every session (<c>sessions/</c>).</summary>
    public string SessionsDir => Path.Combine(Root, "sessions");

    /// <summary>A session's folder; the id must be a full session id.</summary>
    public string SessionDir(string id)
        => Path.Combine(SessionsDir, SessionIds.IsFull(id) ? id : throw new ZwarmException($"invalid session id '{id}'", ExitCodes.Usage));

    /// <summary>A session's meta.json, the truth about it.</summary>
    public string MetaFile(string id) => Path.Combine(SessionDir(id), MetaFileName);

    /// <summary>The lock file that serialises writers of a session.</summary>
    public string LockFile(string id) => Path.Combine(SessionDir(id), ".lock");

    /// <summary>A session's folder of raw turn outputs.</summary>
    public string TurnsDir(string id) => Path.Combine(SessionDir(id), TurnFiles.TurnsDirName);

    /// <summary>Every file of a turn.</summary>
    public TurnFiles Turn(string id, int turn) => new(SessionDir(id), turn);

    /// <summary>The raw agent output of a turn (<c>turns/turn_N.jsonl</c>).</summary>
    public string TurnFile(string id, int turn) => Turn(id, turn).Output;

    /// <summary>The exit code of a turn, written by its wrapper when the agent ends (<c>turns/turn_N.exit</c>).</summary>
    public string ExitFile(string id, int turn) => Turn(id, turn).Exit;

    /// <summary>
    /// Since when the follower of a remote turn has not reached its host (<c>turns/.turn_N.link</c>, epoch seconds;
    /// absent while it has). Written by the follower script (docs/hosts.md).
    /// </summary>
    public string HostLinkFile(string id, int turn) => Turn(id, turn).HostLink;

    /// <summary>Marks a remote turn whose process vanished on its host without an exit code (<c>turns/.turn_N.vanished</c>).</summary>
    public string HostVanishedFile(string id, int turn) => Turn(id, turn).HostVanished;

    /// <summary>The project settings (<c>config.toml</c>).</summary>
    public string ConfigFile => Path.Combine(Root, "config.toml");

    /// <summary>An adapter's settings file (e.g. <c>codex.toml</c>), named by the adapter.</summary>
    public string AdapterSettings(string fileName) => Path.Combine(Root, fileName);

    /// <summary>The event log (<c>events.jsonl</c>).</summary>
    public string EventsFile => Path.Combine(Root, "events.jsonl");

    /// <summary>A rotated event log (<c>events.1.jsonl</c> is the newest).</summary>
    public string RotatedEventsFile(int n) => Path.Combine(Root, $"events.{n}.jsonl");

    /// <summary>The lock taken while the event log rotates.</summary>
    public string EventsLock => Path.Combine(Root, ".events.lock");

    /// <summary>What hooks printed (<c>hooks.log</c>).</summary>
    public string HooksLog => Path.Combine(Root, "hooks.log");

    /// <summary>The REPL's command history.</summary>
    public string ReplHistory => Path.Combine(Root, "history");

    /// <summary>The folder of session worktrees (<c>worktrees/</c>).</summary>
    public string WorktreesDir => Path.Combine(Root, "worktrees");

    /// <summary>A worktree session's working tree.</summary>
    public string WorktreeDir(string shortId) => Path.Combine(WorktreesDir, shortId);

    /// <summary>The optional script that prepares a new worktree.</summary>
    public string WorktreeSetupScript => Path.Combine(Root, "worktree-setup.sh");

    /// <summary>The orchestrator's instance registry (<c>instances.json</c>).</summary>
    public string InstancesFile => Path.Combine(Root, "instances.json");

    /// <summary>The lock of the instance registry.</summary>
    public string InstancesLock => Path.Combine(Root, ".instances.lock");

    /// <summary>The folder of the orchestrator's instances.</summary>
    public string InstancesDir => Path.Combine(Root, "instances");

    /// <summary>Scratch space of zwarm's own tools (e.g. the orchestrator's bash tool).</summary>
    public string TmpDir(string purpose) => Path.Combine(Root, "tmp", purpose);

    /// <summary>The name of a session's metadata file.</summary>
    public const string MetaFileName = "meta.json";

    /// <summary>The name of a turn's raw output file.</summary>
    public static string TurnFileName(int turn) => $"turn_{turn}.jsonl";
}
