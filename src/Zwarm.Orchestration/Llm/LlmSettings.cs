using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using Zwarm.Core;
using Zwarm.Core.Config;
using Zwarm.Orchestration.Telemetry;

namespace Zwarm.Orchestration.Llm;

/// <summary>Where the orchestrating LLM is: model, OpenAI-compatible base URL (null = OpenAI) and key.</summary>
internal sealed record LlmSettings(string Model, string? BaseUrl, string ApiKey, string ApiKeyEnv)
{
    /// <summary>What the user sees in messages: the base URL or "OpenAI".</summary>
    public string Where => BaseUrl ?? "https://api.openai.com/v1";

    /// <summary>From [orchestrator] and the environment; a clear error when the key is needed and missing.</summary>
    public static LlmSettings Resolve(OrchestratorConfig config, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var baseUrl = string.IsNullOrWhiteSpace(config.BaseUrl) ? null : config.BaseUrl.Trim().TrimEnd('/');
        if (baseUrl is not null && (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            throw new ZwarmException(
                $"orchestrator.base_url '{config.BaseUrl}' is not an http(s) URL (e.g. http://localhost:11434/v1)", ExitCodes.Usage);
        if (string.IsNullOrWhiteSpace(config.Model))
            throw new ZwarmException("orchestrator.model is empty: set it in .zwarm/config.toml", ExitCodes.Usage);
        var keyEnv = string.IsNullOrWhiteSpace(config.ApiKeyEnv) ? "OPENAI_API_KEY" : config.ApiKeyEnv;
        var key = env(keyEnv);
        if (string.IsNullOrWhiteSpace(key))
        {
            // Local OpenAI-compatible servers (Ollama, vLLM, llama.cpp) usually need no key; the SDK needs a non-empty one.
            if (baseUrl is not null) key = "unused";
            else
                throw new ZwarmException(
                    $"{keyEnv} is not set: export it (or put it in .env), or point orchestrator.base_url at an OpenAI-compatible server",
                    ExitCodes.Usage);
        }
        return new LlmSettings(config.Model, baseUrl, key, keyEnv);
    }

    /// <summary>
    /// The chat client: the OpenAI SDK (its own retries off: <see cref="LlmCaller"/> retries) behind
    /// Microsoft.Extensions.AI, with OpenTelemetry GenAI spans (exported only when telemetry is on).
    /// </summary>
    public IChatClient CreateClient(TimeSpan? networkTimeout = null)
    {
        var options = new OpenAIClientOptions
        {
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = networkTimeout ?? TimeSpan.FromMinutes(5),
            UserAgentApplicationId = "zwarm",
        };
        if (BaseUrl is not null) options.Endpoint = new Uri(BaseUrl);
        var chat = new ChatClient(Model, new ApiKeyCredential(ApiKey), options);
        return new ChatClientBuilder(chat.AsIChatClient())
            .UseOpenTelemetry(sourceName: ZwarmTelemetry.SourceName)
            .Build();
    }
}
