namespace Zwarm.Orchestration;

/// <summary>Who drives: an autonomous run (orchestrate), a conversation with a person (pilot), or another agent over MCP.</summary>
internal enum OrchestratorMode
{
    /// <summary>zwarm orchestrate: the LLM works alone until exit(summary); has bash and exit.</summary>
    Orchestrate,

    /// <summary>zwarm pilot: a person talks, the LLM acts; each turn ends at its text reply.</summary>
    Pilot,

    /// <summary>zwarm mcp: an MCP client (Claude Code, Codex, …) calls the tools; no bash, exit or sleep, but wait_for_sessions.</summary>
    Mcp,
}
