using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Zwarm.Core.Agents;

namespace Zwarm.Cli.Json;

// The --json contracts of the commands: snake_case names, declared in output order. A null is written as null unless the
// property says WhenWritingNull (a field that is absent when it does not apply). Sessions are SessionOut.

/// <summary>A session folder whose meta.json could not be read (ls --all, rm, status).</summary>
internal sealed record UnreadableJson(string Id, string ShortId, string? Unreadable);

/// <summary>What show --json adds to a session.</summary>
internal sealed record ShowMore(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Changes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ReviewJson>? Reviews);

/// <summary>A review of a session (show --json).</summary>
internal sealed record ReviewJson(string Id, string Status, string? Reply);

/// <summary>What peek --json adds to a session.</summary>
internal sealed record PeekMore(
    string? LastReply,
    StepWire? LastActivity,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Changes);

/// <summary>What traj --json adds to a session.</summary>
internal sealed record TrajMore(IReadOnlyList<StepWire> Trajectory);

/// <summary>What kill --json adds to a session.</summary>
internal sealed record KillMore(bool Killed, string Note);

/// <summary>What ls --attention --json adds to a session.</summary>
internal sealed record AttentionMore(AttentionJson? Attention);

/// <summary>Why a session needs a person.</summary>
internal sealed record AttentionJson(string Kind, string Reason);

/// <summary>What status --json adds to a session that needs attention.</summary>
internal sealed record ReasonMore(string? Reason);

/// <summary>wait --json.</summary>
internal sealed record WaitJson(bool TimedOut, IReadOnlyList<SessionOut> Sessions);

/// <summary>status --json outside a project.</summary>
internal sealed record StatusUninitializedJson(bool Initialized);

/// <summary>status --json; its events are the last lines of events.jsonl as they are (free-form: each kind has its own fields).</summary>
internal sealed record StatusJson(
    StatusCountsJson Sessions,
    IReadOnlyList<SessionOut> Attention,
    IReadOnlyList<StatusInstanceJson> Instances,
    IReadOnlyList<JsonObject> Events);

/// <summary>The counts of status --json.</summary>
internal sealed record StatusCountsJson(
    int Total, int Running, int Queued, int Completed, int Failed, int Killed, long Tokens, double Cost);

/// <summary>An active orchestrator instance in status --json.</summary>
internal sealed record StatusInstanceJson(string Id, string? Name, string Kind, string Status, int Steps, int Turns, string? Task);

/// <summary>An orchestrate/pilot instance (instances --json).</summary>
internal sealed record InstanceJson(
    string Id, string? Name, string Kind, string Status, string Model, string? Task, int Steps, int Turns,
    string CreatedAt, string UpdatedAt, string? Summary, string? Error);

/// <summary>diff --json.</summary>
internal sealed record DiffJson(
    string Id, string ShortId, string Branch, int? Turn, string From, string To, IReadOnlyList<DiffFileJson> Files,
    int Added, int Removed, string Summary, string Patch);

/// <summary>A file of diff --json.</summary>
internal sealed record DiffFileJson(string Path, int Added, int Removed, bool Binary);

/// <summary>A file two sessions (or a session and main) both change (conflicts --json, merge warnings).</summary>
internal sealed record ConflictJson(string Repo, string Path, string Kind, IReadOnlyList<string> Sessions, string? Branch);

/// <summary>merge --json.</summary>
internal sealed record MergeJson(
    string Id, string ShortId, string Branch, string Into, string Strategy, bool Merged, string? Commit,
    IReadOnlyList<string> Files, IReadOnlyList<string> Conflicts, IReadOnlyList<ConflictJson> Warnings);

/// <summary>A remote host (hosts --json, hosts check --json).</summary>
internal sealed record HostJson(
    string Name, string Ssh, int? Port, bool Reachable, bool Ok, string? Problem, double? Load,
    IReadOnlyDictionary<string, string?> Agents, int Running, int MaxRunning, int? FreeSlots);

/// <summary>A known model (models --json).</summary>
internal sealed record ModelJson(
    string Name, string? Adapter, IReadOnlyList<string> Aliases, bool Default, string Description, PriceJson Price);

/// <summary>Prices in USD per million tokens.</summary>
internal sealed record PriceJson(double Input, double Output, double CachedInput);

/// <summary>An agent process whose session is no longer running (orphans --json).</summary>
internal sealed record OrphanJson(int Pid, string SessionId, string ShortId, string Reason, string CommandLine, bool Killed);

/// <summary>configs list --json.</summary>
internal sealed record ConfigsJson(IReadOnlyList<string> Configs, string? ConfigToml);

/// <summary>Source-generated metadata of every --json contract (written through <see cref="JsonOut"/>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SessionOut))]
[JsonSerializable(typeof(List<SessionOut>))]
[JsonSerializable(typeof(UnreadableJson))]
[JsonSerializable(typeof(ShowMore))]
[JsonSerializable(typeof(PeekMore))]
[JsonSerializable(typeof(TrajMore))]
[JsonSerializable(typeof(KillMore))]
[JsonSerializable(typeof(AttentionMore))]
[JsonSerializable(typeof(ReasonMore))]
[JsonSerializable(typeof(WaitJson))]
[JsonSerializable(typeof(StatusUninitializedJson))]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(List<InstanceJson>))]
[JsonSerializable(typeof(List<JsonObject>))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(DiffJson))]
[JsonSerializable(typeof(List<ConflictJson>))]
[JsonSerializable(typeof(MergeJson))]
[JsonSerializable(typeof(HostJson))]
[JsonSerializable(typeof(List<HostJson>))]
[JsonSerializable(typeof(List<ModelJson>))]
[JsonSerializable(typeof(List<OrphanJson>))]
[JsonSerializable(typeof(ConfigsJson))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>A JSON Lines event with a session (watch: "watch", "end"; watch --json dashboard: "session").</summary>
internal sealed record SessionEventJson(string Event, SessionOut Session);

/// <summary>A step of a followed session (watch ID --json).</summary>
internal sealed record StepEventJson(string Event, string SessionId, StepWire Step);

/// <summary>A status change of a followed session (watch ID --json).</summary>
internal sealed record StatusEventJson(string Event, string SessionId, string From, string Status);

/// <summary>A session gone from the store (watch --json dashboard).</summary>
internal sealed record RemovedEventJson(string Event, string Id, string ShortId);

/// <summary>The body a webhook hook posts.</summary>
internal sealed record HookBodyJson(
    string Ts, string Event, string? SessionId, string? ShortId, int? Turn, string? Adapter, string? Status, string? Reason,
    double? CostUsd, long? Tokens, string? Task, string Project);

/// <summary>Source-generated metadata of the JSON Lines events and the webhook body.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SessionEventJson))]
[JsonSerializable(typeof(StepEventJson))]
[JsonSerializable(typeof(StatusEventJson))]
[JsonSerializable(typeof(RemovedEventJson))]
[JsonSerializable(typeof(HookBodyJson))]
internal sealed partial class CliEventJsonContext : JsonSerializerContext;
