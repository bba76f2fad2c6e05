namespace Zwarm.ScriptedModel;

/// <summary>The model API endpoints the server speaks, each with its own reply queue.</summary>
public enum Endpoint
{
    /// <summary>OpenAI Responses API, <c>POST /v1/responses</c> (codex).</summary>
    Responses,

    /// <summary>Anthropic Messages API, <c>POST /v1/messages</c> (claude).</summary>
    Messages,

    /// <summary>OpenAI Chat Completions, <c>POST /v1/chat/completions</c> (the orchestrator).</summary>
    Chat,
}
