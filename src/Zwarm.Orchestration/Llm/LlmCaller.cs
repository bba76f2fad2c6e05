using System.ClientModel;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Retry;
using Zwarm.Core;

namespace Zwarm.Orchestration.Llm;

/// <summary>How often and how long to retry rate limits and server errors.</summary>
internal sealed record LlmRetryOptions(int MaxRetries = 4, double BaseDelaySeconds = 1, double MaxDelaySeconds = 30);

/// <summary>An LLM failure for the user: one line naming the fix.</summary>
internal sealed class LlmException(string message, int status, Exception? inner = null) : ZwarmException(message, 1, inner)
{
    /// <summary>HTTP status (0 when the endpoint could not be reached).</summary>
    public int Status { get; } = status;
}

/// <summary>
/// Calls the chat client with retries (Polly: exponential backoff with jitter, Retry-After honoured) on 408/429/5xx
/// and dropped connections, and turns every failure into an <see cref="LlmException"/> with a one-line message.
/// </summary>
internal sealed class LlmCaller
{
    private readonly IChatClient _client;
    private readonly LlmSettings _settings;
    private readonly LlmRetryOptions _retry;
    private readonly ResiliencePipeline<ChatResponse> _pipeline;

    public LlmCaller(
        IChatClient client, LlmSettings settings, LlmRetryOptions? retry = null, Action<string>? onRetry = null, TimeProvider? time = null)
    {
        _client = client;
        _settings = settings;
        _retry = retry ?? new LlmRetryOptions();
        _pipeline = new ResiliencePipelineBuilder<ChatResponse> { TimeProvider = time ?? TimeProvider.System }
            .AddRetry(new RetryStrategyOptions<ChatResponse>
            {
                MaxRetryAttempts = Math.Max(1, _retry.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(_retry.BaseDelaySeconds),
                MaxDelay = TimeSpan.FromSeconds(_retry.MaxDelaySeconds),
                ShouldHandle = args => ValueTask.FromResult(
                    _retry.MaxRetries > 0 && args.Outcome.Exception is { } ex && IsTransient(ex, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception)),
                OnRetry = args =>
                {
                    onRetry?.Invoke(
                        $"LLM {Short(args.Outcome.Exception)}; " +
                        $"retry {args.AttemptNumber + 1}/{_retry.MaxRetries} in {args.RetryDelay.TotalSeconds:0.#}s");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>One model call; throws <see cref="LlmException"/> with a clear message after retries.</summary>
    public async Task<ChatResponse> GetResponseAsync(IList<ChatMessage> messages, ChatOptions options, CancellationToken ct)
    {
        ChatResponse response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token => await _client.GetResponseAsync(messages, options, token), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is ClientResultException or HttpRequestException or TimeoutException or OperationCanceledException
                                       or IOException)
        {
            throw Describe(ex);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException)
        {
            // The SDK's parser message ("'<' is an invalid start of a value. LineNumber: 0 …") says nothing to a user.
            throw new LlmException(
                $"the LLM endpoint {_settings.Where} answered with a body that is not a chat completion: " +
                "check orchestrator.base_url (it should end in /v1)", 0, ex);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException or InvalidOperationException
                                       or NullReferenceException or KeyNotFoundException)
        {
            throw new LlmException(
                $"the LLM endpoint {_settings.Where} answered without a choice (an empty or incomplete chat completion)", 0, ex);
        }
        if (response.Messages.Count == 0)
            throw new LlmException($"the LLM endpoint {_settings.Where} answered without a choice (an empty chat completion)", 0);
        return response;
    }

    private static bool IsTransient(Exception ex, CancellationToken ct) => ex switch
    {
        ClientResultException { Status: 408 or 409 or 429 or >= 500 } => true,
        ClientResultException { Status: 0 } c => !IsRefused(c),
        HttpRequestException h => !IsRefused(h),
        TimeoutException or IOException => true,
        OperationCanceledException => !ct.IsCancellationRequested,
        _ => false,
    };

    private static bool IsRefused(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is SocketException
                {
                    SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NetworkUnreachable
                        or SocketError.HostUnreachable,
                })
                return true;
        return false;
    }

    private static TimeSpan? RetryAfter(Exception? ex)
    {
        if (ex is not ClientResultException c || c.GetRawResponse() is not { } response) return null;
        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, System.Globalization.CultureInfo.InvariantCulture, out var m))
            return TimeSpan.FromMilliseconds(Math.Clamp(m, 0, 60_000));
        if (response.Headers.TryGetValue("retry-after", out var s)
            && double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var sec))
            return TimeSpan.FromSeconds(Math.Clamp(sec, 0, 60));
        return null;
    }

    private LlmException Describe(Exception ex)
    {
        var where = _settings.Where;
        var retried = _retry.MaxRetries > 0 ? $" after {_retry.MaxRetries} retries" : "";
        return ex switch
        {
            ClientResultException { Status: 401 or 403 } c => new(
                $"the LLM endpoint {where} rejected the API key (HTTP {c.Status}): check ${_settings.ApiKeyEnv} (orchestrator.api_key_env)",
                c.Status, ex),
            ClientResultException { Status: 404 } c => new(
                $"the LLM endpoint {where} answered 404 for model '{_settings.Model}': " +
                $"check orchestrator.model and orchestrator.base_url (it should end in /v1){Detail(c)}", 404, ex),
            ClientResultException { Status: 429 } c
                => new($"the LLM is rate-limiting (HTTP 429){retried}: try again later{Detail(c)}", 429, ex),
            ClientResultException { Status: >= 500 } c
                => new($"the LLM endpoint {where} failed (HTTP {c.Status}){retried}{Detail(c)}", c.Status, ex),
            ClientResultException { Status: > 0 } c => new($"the LLM rejected the request (HTTP {c.Status}){Detail(c)}", c.Status, ex),
            _ when IsRefused(ex)
                => new($"cannot reach the LLM at {where} ({Root(ex)}): check orchestrator.base_url and that the server is running", 0, ex),
            OperationCanceledException or TimeoutException => new($"the LLM at {where} did not answer in time{retried}", 0, ex),
            _ => new($"cannot reach the LLM at {where} ({Root(ex)}){retried}", 0, ex),
        };
    }

    private static string Short(Exception? ex) => ex switch
    {
        ClientResultException { Status: > 0 } c => $"HTTP {c.Status}",
        null => "failed",
        _ => Root(ex),
    };

    private static string Root(Exception ex)
    {
        var e = ex;
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message.Split('\n')[0].Trim();
    }

    private static string Detail(ClientResultException c)
    {
        try
        {
            var body = c.GetRawResponse()?.Content.ToString();
            if (!string.IsNullOrWhiteSpace(body) && JsonNode.Parse(body)?["error"]?["message"]?.GetValue<string>() is { Length: > 0 } m)
                return $": {m.Split('\n')[0]}";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            // Not a JSON error body: fall back to nothing.
        }
        return "";
    }
}
