namespace Zwarm.Orchestration;

/// <summary>Who drives: an autonomous run (orchestrate) or a conversation with a person (pilot).</summary>
internal enum OrchestratorMode
{
    /// <summary>zwarm orchestrate: the LLM works alone until exit(summary); has bash and exit.</summary>
    Orchestrate,

    /// <summary>zwarm pilot: a person talks, the LLM acts; each turn ends at its text reply.</summary>
    Pilot,
}
