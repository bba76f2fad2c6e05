using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>What to start.</summary>
public sealed record StartRequest(string Task)
{
    /// <summary>codex | claude; null = inferred from the model or config.</summary>
    public string? Adapter { get; init; }

    /// <summary>Model name or alias; null = config/adapter default.</summary>
    public string? Model { get; init; }

    /// <summary>Working directory; null = the project directory.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>"user" or "orchestrator:&lt;instance id&gt;".</summary>
    public string Source { get; init; } = "user";

    /// <summary>Use <see cref="Model"/> as given even when no adapter knows it (--force-model).</summary>
    public bool ForceModel { get; init; }

    /// <summary>true: its own git worktree (spawn --worktree); false: none; null: executor.isolation decides.</summary>
    public bool? Worktree { get; init; }

    /// <summary>What the worktree's branch starts from (default HEAD).</summary>
    public string? BaseRef { get; init; }

    /// <summary>Set by fork: the origin, and the agent session forked natively.</summary>
    public ForkInfo? ForkOf { get; init; }

    /// <summary>Set by review: the session reviewed.</summary>
    public string? ReviewOf { get; init; }

    /// <summary>The agent must not change files (review).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>What turn 1 sends when it differs from the task (a replayed conversation, a review brief).</summary>
    public string? LaunchPrompt { get; init; }

    /// <summary>A [hosts.NAME] to run on over SSH, "auto" for the least loaded host with a free slot; null = this machine.</summary>
    public string? Host { get; init; }
}
