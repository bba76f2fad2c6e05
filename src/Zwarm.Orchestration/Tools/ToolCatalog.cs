using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Zwarm.Orchestration.Tools;

/// <summary>The tools offered to the model (SPEC §7): names, arguments and descriptions are the contract the prompts describe.</summary>
internal static class ToolCatalog
{
    private sealed record Spec(string Name, string Signature, string Description, string Schema, ToolModes Modes = ToolModes.All);

    /// <summary>Where a tool is offered.</summary>
    [Flags]
    private enum ToolModes
    {
        Orchestrate = 1,
        Pilot = 2,
        Mcp = 4,
        All = Orchestrate | Pilot | Mcp,
    }

    private const string SessionId = "\"session_id\":{\"type\":\"string\",\"description\":\"session id or a unique prefix of it (8 characters are enough)\"}";

    private static readonly Spec[] Specs =
    [
        new("delegate", "delegate(task, adapter?, model?, working_dir?, isolation?, host?)",
            "Start a coding-agent session in the background on a well-scoped, self-contained task; returns at once with its session_id. "
            + "The agent sees only the task text: include goal, files, constraints and how to verify.",
            """{"type":"object","properties":{"task":{"type":"string","description":"complete instructions for the agent"},"adapter":{"type":"string","enum":@ADAPTERS@,"description":"which agent CLI (default from config, or inferred from model)"},"model":{"type":"string","description":"model name or alias (default from config)"},"working_dir":{"type":"string","description":"folder to work in, absolute or relative to the project (must be inside the allowed directories; default the project)"},"isolation":{"type":"string","enum":["none","worktree"],"description":"worktree: the session works in its own git worktree and branch, so parallel sessions never edit the same files; its changes are merged later by the user (default from config executor.isolation)"},"host":{"type":"string","description":"run on another machine over SSH: a host the user configured ([hosts.NAME]) or auto (the least loaded with a free slot); working_dir is then a path on that host (default its dir). Leave it out to run here"}},"required":["task"]}"""),
        new("converse", "converse(session_id, message)",
            "Send a follow-up message to a finished session (a new turn; the agent keeps its context). Refused while the session is still running.",
            """{"type":"object","properties":{@SID@,"message":{"type":"string","description":"the follow-up instruction or question"}},"required":["session_id","message"]}"""),
        new("check_session", "check_session(session_id)",
            "Full status of a session: status, the agent's complete last reply, error, tokens, runtime. Use it when a session has finished.",
            """{"type":"object","properties":{@SID@},"required":["session_id"]}"""),
        new("peek_session", "peek_session(session_id)",
            "Quick look at a session: status, the start of its last reply and its latest steps. Cheap; use it while a session runs.",
            """{"type":"object","properties":{@SID@},"required":["session_id"]}"""),
        new("get_trajectory", "get_trajectory(session_id, full?)",
            "The steps a session took (reasoning, commands with exit codes, file changes, messages). Summarised unless full is true.",
            """{"type":"object","properties":{@SID@,"full":{"type":"boolean","description":"untruncated steps (long)"}},"required":["session_id"]}"""),
        new("list_sessions", "list_sessions(status?)",
            "All sessions with status, model, task and needs_attention (finished and not yet read with check_session).",
            """{"type":"object","properties":{"status":{"type":"string","enum":["pending","running","completed","failed","killed"],"description":"only sessions with this status"}}}"""),
        new("end_session", "end_session(session_id, reason?, delete?)",
            "Stop a session you started (kills it if running); delete: true also removes its record.",
            """{"type":"object","properties":{@SID@,"reason":{"type":"string","description":"why, for the record"},"delete":{"type":"boolean","description":"also remove the session's folder"}},"required":["session_id"]}"""),
        new("sleep", "sleep(seconds)",
            "Wait while sessions work: up to 300 seconds; wakes early when one of your running sessions finishes.",
            """{"type":"object","properties":{"seconds":{"type":"number","minimum":1,"maximum":300,"description":"1 to 300"}},"required":["seconds"]}""",
            ToolModes.Orchestrate | ToolModes.Pilot),
        new("wait_for_sessions", "wait_for_sessions(session_ids, any?, timeout_seconds?)",
            "Wait until the given sessions finish (or the first of them with any: true), at most timeout_seconds (1 to 300, default 60); "
            + "returns as soon as they do, with each session's status and the start of its last reply.",
            """{"type":"object","properties":{"session_ids":{"type":"array","items":{"type":"string"},"minItems":1,"description":"session ids or unique prefixes"},"any":{"type":"boolean","description":"return when the first of them finishes (default: when all have)"},"timeout_seconds":{"type":"number","minimum":1,"maximum":300,"description":"most seconds to wait, 1 to 300 (default 60)"}},"required":["session_ids"]}""",
            ToolModes.Mcp),
        new("bash", "bash(command)",
            "Run a shell command in the project directory to VERIFY work (run tests, build, git diff, ls, cat). Never to write code: delegate that.",
            """{"type":"object","properties":{"command":{"type":"string","description":"a bash command line; 120 s limit"}},"required":["command"]}""",
            ToolModes.Orchestrate),
        new("exit", "exit(summary)",
            "Finish the run once the task is done and verified: a summary of what was done, by which sessions, and how it was checked.",
            """{"type":"object","properties":{"summary":{"type":"string","description":"what was achieved and how it was verified"}},"required":["summary"]}""",
            ToolModes.Orchestrate),
    ];

    /// <summary>The tool names offered in a mode.</summary>
    public static IReadOnlyList<string> Names(OrchestratorMode mode) => [.. In(mode).Select(s => s.Name)];

    /// <summary>Declarations (name, description, JSON schema) for the chat options.</summary>
    public static IList<AITool> Declarations(OrchestratorMode mode) =>
        [.. In(mode).Select(s => (AITool)AIFunctionFactory.CreateDeclaration(s.Name, s.Description, SchemaOf(s)))];

    /// <summary>Name, description and JSON schema of every tool offered in a mode (for the MCP server's tools/list).</summary>
    public static IReadOnlyList<(string Name, string Description, JsonElement Schema)> Definitions(OrchestratorMode mode) =>
        [.. In(mode).Select(s => (s.Name, s.Description, SchemaOf(s)))];

    private static IEnumerable<Spec> In(OrchestratorMode mode)
    {
        var flag = mode switch
        {
            OrchestratorMode.Orchestrate => ToolModes.Orchestrate,
            OrchestratorMode.Pilot => ToolModes.Pilot,
            _ => ToolModes.Mcp,
        };
        return Specs.Where(s => s.Modes.HasFlag(flag));
    }

    private static JsonElement SchemaOf(Spec s) =>
        JsonDocument.Parse(s.Schema.Replace("@SID@", SessionId, StringComparison.Ordinal)
            .Replace("@ADAPTERS@", Adapters, StringComparison.Ordinal)).RootElement.Clone();

    // The adapter argument's choices come from the adapters themselves: a third agent needs no change here.
    private static readonly string Adapters =
        "[" + string.Join(",", Zwarm.Core.Agents.AgentRegistry.Default.Names.Select(n => "\"" + n + "\"")) + "]";

    /// <summary>How to call a tool, for hints: "converse(session_id, message)".</summary>
    public static string Signature(string name) => Specs.FirstOrDefault(s => s.Name == name)?.Signature ?? name;

    /// <summary>True when the tool exists in this mode.</summary>
    public static bool Exists(string name, OrchestratorMode mode) => Names(mode).Contains(name);
}
