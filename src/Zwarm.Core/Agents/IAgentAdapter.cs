using Zwarm.Core.Config;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Agents;

/// <summary>A process to start for one turn.</summary>
public sealed record AgentCommand(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    /// <summary>Environment variables to set (null value = remove) on top of the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
}

/// <summary>Everything an adapter needs to build one turn's command line.</summary>
public sealed record TurnRequest
{
    /// <summary>The session as it is before this turn starts (model, working dir, agent session id, messages).</summary>
    public required SessionMeta Session { get; init; }

    /// <summary>1-based number of the turn being started.</summary>
    public required int Turn { get; init; }

    /// <summary>The text to send: the task on turn 1, the follow-up message later.</summary>
    public required string Prompt { get; init; }

    /// <summary>Effective configuration (adapter toml, executable path, sandbox).</summary>
    public required ZwarmConfig Config { get; init; }

    /// <summary>The agent command as given, for a turn on another machine (not looked up here); null = resolved locally.</summary>
    public string? Executable { get; init; }

    /// <summary>
    /// On turn 1 of a fork: the agent session to fork natively (codex thread, claude session); null = a fresh conversation.
    /// </summary>
    public string? ForkFrom { get; init; }
}

/// <summary>A model an adapter knows, with aliases and prices (USD per million tokens).</summary>
public sealed record ModelInfo(string Name, string Adapter, IReadOnlyList<string> Aliases, ModelPrice Price, string Description = "");

/// <summary>
/// One coding-agent CLI. Nothing outside an adapter's folder knows its flags or events; the adapter is
/// registered by one line in <see cref="AgentRegistry"/>.
/// </summary>
public interface IAgentAdapter
{
    /// <summary>Name used in meta.json and on the command line (codex, claude).</summary>
    string Name { get; }

    /// <summary>Other names of this adapter in configs (Python zwarm's, e.g. codex_mcp), read as <see cref="Name"/>.</summary>
    IReadOnlyList<string> Aliases => [];

    /// <summary>Its settings file in .zwarm/ (e.g. codex.toml): model, full_danger and the agent's own keys.</summary>
    string SettingsFile => $"{Name}.toml";

    /// <summary>Model used when nothing else chooses one.</summary>
    string DefaultModel { get; }

    /// <summary>Models this adapter offers (for the registry).</summary>
    IReadOnlyList<ModelInfo> Models { get; }

    /// <summary>
    /// The process for one turn. Uses the agent's own resume when <see cref="SessionMeta.AgentSessionId"/> is
    /// known, else replays the conversation. Throws <see cref="ZwarmException"/> for bad settings or a missing binary.
    /// </summary>
    AgentCommand BuildCommand(TurnRequest request);

    /// <summary>A fresh streaming parser for one turn's output.</summary>
    ITurnParser CreateParser(bool collectTrajectory);

    /// <summary>Commented contents of .zwarm/&lt;name&gt;.toml written by `zwarm init`.</summary>
    string TomlTemplate => $"# Settings for the {Name} agent.\n# model = \"{DefaultModel}\"\n# full_danger = false\n";
}
