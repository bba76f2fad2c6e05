using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Zwarm.ScriptedModel;

/// <summary>Routes a request on its path, records it, takes the next scripted reply and writes it.</summary>
internal sealed class RequestHandler(ScriptedModelServer server, ScriptedModelServerOptions options)
{
    private readonly IdGenerator _ids = new();

    public static Endpoint? Route(string method, string path) => (method, path.TrimEnd('/')) switch
    {
        ("POST", "/v1/responses") => Endpoint.Responses,
        ("POST", "/v1/messages") => Endpoint.Messages,
        ("POST", "/v1/chat/completions") => Endpoint.Chat,
        _ => null,
    };

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await ServeAsync(context);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            // A client hanging up mid-stream (CLI killed, test timeout) is not our bug; anything else is.
            server.AddProblem($"scripted server bug on {context.Request.Method} {context.Request.Path}: {e}");
            throw;
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var ct = context.RequestAborted;
        var path = request.Path.Value ?? "/";
        var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync(ct);
        var json = TryParse(body);
        var endpoint = Route(request.Method, path);
        var prompt = endpoint is { } e ? RequestInspector.LastUserPrompt(e, json) : null;

        var recorded = await server.ReceiveAsync(endpoint, prompt, options.ReplyWait, (index, reply, replyIndex) => new RecordedRequest
        {
            Index = index,
            ReceivedAt = options.TimeProvider.GetUtcNow(),
            Method = request.Method,
            Path = path,
            Query = request.QueryString.Value ?? "",
            Headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Body = body,
            Json = json,
            Endpoint = endpoint,
            Stream = Flag(json?["stream"]),
            Model = Str(json?["model"]),
            Reply = reply,
            ReplyIndex = replyIndex,
            LastUserPrompt = prompt,
            ToolOutputs = endpoint is { } ep ? RequestInspector.ToolOutputs(ep, json) : [],
            OfferedTools = endpoint is { } ep2 ? RequestInspector.OfferedTools(ep2, json) : [],
            SessionId = Header(request, "session-id") ?? Header(request, "x-claude-code-session-id"),
        }, ct);

        if (endpoint is null)
        {
            await NotFoundAsync(context, recorded, ct);
            return;
        }

        if (recorded.Reply is not { } scripted)
        {
            var message = $"scripted server: queue exhausted for {path}";
            server.AddProblem($"{message} (request #{recorded.Index}, prompt: {Abbreviate(prompt)})");
            await new ReplyWriter(context).WriteAsync(new JsonWireReply(400, ErrorBodies.For(endpoint.Value, 400, message)), 0, ct);
            return;
        }

        var reply = Placeholders.Fill(scripted, recorded.ToolOutputs, server.AddProblem);
        options.Log?.Invoke(Describe(recorded, reply));
        var replyContext = new ReplyContext(
            recorded.Model ?? "scripted-model",
            recorded.Stream,
            Flag(json?["stream_options"]?["include_usage"]),
            _ids,
            options.TimeProvider.GetUtcNow());
        var wire = reply is RawBodyReply raw ? new JsonWireReply(raw.Status, raw.Body) : endpoint switch
        {
            Endpoint.Responses => ResponsesFormatter.Format(reply, replyContext),
            Endpoint.Messages => MessagesFormatter.Format(reply, replyContext),
            _ => ChatFormatter.Format(reply, replyContext),
        };
        context.Response.Headers[endpoint == Endpoint.Messages ? "request-id" : "x-request-id"] = _ids.NextId("req");
        await new ReplyWriter(context).WriteAsync(wire, reply.DelayMs, ct);
    }

    private async Task NotFoundAsync(HttpContext context, RecordedRequest recorded, CancellationToken ct)
    {
        var path = recorded.Path;
        if (path == "/api/hello" && recorded.Method is "HEAD" or "GET")
        {
            options.Log?.Invoke($"#{recorded.Index} {recorded.Method} {path} -> 200");
            context.Response.StatusCode = 200;
            return;
        }

        server.AddProblem($"unexpected request #{recorded.Index}: {recorded.Method} {path}{recorded.Query}");
        var message = $"scripted server: no route for {recorded.Method} {path}";
        var body = path.StartsWith("/v1/messages", StringComparison.Ordinal)
            ? ErrorBodies.Anthropic("not_found_error", message)
            : ErrorBodies.OpenAi(404, message);
        await new ReplyWriter(context).WriteAsync(new JsonWireReply(404, body), 0, ct);
    }

    private static string Describe(RecordedRequest r, ScriptedReply reply)
    {
        var outputs = string.Join(", ", r.ToolOutputs.Select(o => $"{o.CallId}{(o.IsError ? " (error)" : "")}"));
        return $"#{r.Index} {r.Method} {r.Path}{r.Query} stream={r.Stream} -> {r.Endpoint} reply #{r.ReplyIndex} {reply.GetType().Name}; "
            + $"prompt: {Abbreviate(r.LastUserPrompt)}; session: {r.SessionId ?? "none"}; tools offered: {r.OfferedTools.Count}; tool outputs: [{outputs}]";
    }

    private static JsonNode? TryParse(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Flag(JsonNode? node) => node is JsonValue v && v.TryGetValue(out bool b) && b;

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;

    private static string Abbreviate(string? prompt) => prompt switch
    {
        null => "none",
        { Length: > 80 } => $"\"{prompt[..80]}…\"",
        _ => $"\"{prompt}\"",
    };
}
