using System.Text.Json.Nodes;

namespace Zwarm.ScriptedModel;

/// <summary>Error bodies in OpenAI and Anthropic shape.</summary>
internal static class ErrorBodies
{
    public const string StreamFailureMessage = "scripted stream failure";

    /// <summary>A stream failure asked for without streaming (OpenAI endpoints): HTTP 500, or a dropped connection.</summary>
    public static WireReply OpenAiNonStreaming(StreamFailureReply failure) => failure.Mode == StreamFailureMode.Failed
        ? new JsonWireReply(500, OpenAi(500, failure.Message ?? StreamFailureMessage, failure.Code))
        : new AbortWireReply();

    public static JsonObject OpenAi(int status, string message, string? code = null)
    {
        var type = OpenAiType(status);
        return new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = message,
                ["type"] = type,
                ["param"] = null,
                ["code"] = code ?? (status >= 500 ? type : null),
            },
        };
    }

    public static JsonObject Anthropic(string type, string message) => new()
    {
        ["type"] = "error",
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
    };

    public static JsonObject Anthropic(int status, string message) => Anthropic(AnthropicType(status), message);

    public static JsonObject For(Endpoint endpoint, int status, string message) =>
        endpoint == Endpoint.Messages ? Anthropic(status, message) : OpenAi(status, message);

    public static string OpenAiType(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    public static string AnthropicType(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    /// <summary>The HTTP status Anthropic uses for an error type (overloaded → 529).</summary>
    public static int AnthropicStatus(string type) => type switch
    {
        "overloaded_error" => 529,
        "rate_limit_error" => 429,
        "invalid_request_error" => 400,
        _ => 500,
    };

    /// <summary>An <see cref="HttpErrorReply"/> as wire bytes for the endpoint.</summary>
    public static JsonWireReply Reply(Endpoint endpoint, HttpErrorReply error, DateTimeOffset now)
    {
        if (error.UsageLimitResetsInSeconds is { } resets)
        {
            return UsageLimit(endpoint, resets, now) with { Headers = error.Headers };
        }

        var wire = error.Body is not null
            ? new JsonWireReply(error.Status, error.Body)
            : new JsonWireReply(error.Status, For(endpoint, error.Status, error.Message ?? $"scripted HTTP {error.Status}"));
        return wire with { Headers = error.Headers };
    }

    /// <summary>
    /// A usage limit: the ChatGPT-plan body codex reads (<c>usage_limit_reached</c> with <c>resets_in_seconds</c> and
    /// <c>resets_at</c>), or for Anthropic a <c>rate_limit_error</c> with the subscription's unified rate-limit headers.
    /// </summary>
    private static JsonWireReply UsageLimit(Endpoint endpoint, int resetsInSeconds, DateTimeOffset now)
    {
        var resetsAt = now.ToUnixTimeSeconds() + resetsInSeconds;
        if (endpoint == Endpoint.Messages)
        {
            return new JsonWireReply(429, Anthropic("rate_limit_error", "This request would exceed your account's rate limit. Please try again later."))
            {
                Headers = new Dictionary<string, string>
                {
                    ["anthropic-ratelimit-unified-status"] = "rejected",
                    ["anthropic-ratelimit-unified-reset"] = resetsAt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["retry-after"] = resetsInSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            };
        }

        return new JsonWireReply(429, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["type"] = "usage_limit_reached",
                ["message"] = "The usage limit has been reached",
                ["plan_type"] = "plus",
                ["resets_at"] = resetsAt,
                ["resets_in_seconds"] = resetsInSeconds,
            },
        });
    }
}
