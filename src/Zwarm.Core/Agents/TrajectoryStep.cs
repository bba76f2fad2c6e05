namespace Zwarm.Core.Agents;

/// <summary>Kinds of steps in a session's trajectory (SPEC §4).</summary>
public enum StepKind
{
    /// <summary>The agent's thinking, shown apart from what it said.</summary>
    Reasoning,
    /// <summary>A shell command the agent ran, with its output and exit code.</summary>
    Command,
    /// <summary>A call of any other tool (MCP, web search, a todo list, claude's tools).</summary>
    ToolCall,
    /// <summary>What a tool call returned, matched to it by call id.</summary>
    ToolOutput,
    /// <summary>A file the agent added, changed or deleted.</summary>
    FileChange,
    /// <summary>Text the agent said; the turn's last one is its reply.</summary>
    Message,
    /// <summary>An error the agent reported; the turn may still go on.</summary>
    Error,
    /// <summary>The agent retrying after a provider error, so a slow turn shows why.</summary>
    Retry,
}

/// <summary>One step an agent took, in order. Fields beyond <see cref="Text"/> are set where the kind has them.</summary>
public sealed record TrajectoryStep(StepKind Kind, string Text)
{
    /// <summary>Turn the step belongs to (1-based); set by whoever reads several turns.</summary>
    public int Turn { get; init; }

    /// <summary>Shell command as run (Command).</summary>
    public string? Command { get; init; }

    /// <summary>Command or tool output (Command, ToolOutput).</summary>
    public string? Output { get; init; }

    /// <summary>Exit code of a command; null while running or unknown.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Tool name (ToolCall, ToolOutput).</summary>
    public string? ToolName { get; init; }

    /// <summary>Tool call id, to pair calls with outputs.</summary>
    public string? CallId { get; init; }

    /// <summary>Changed path (FileChange) with <see cref="ChangeKind"/>.</summary>
    public string? Path { get; init; }

    /// <summary>add | update | delete (FileChange).</summary>
    public string? ChangeKind { get; init; }

    /// <summary>True when a tool output or command reports failure.</summary>
    public bool IsError { get; init; }
}
