using AwesomeAssertions;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Zwarm.ScriptedModel.Tests;

/// <summary>A clock stuck at 2023-11-14T22:13:20Z (unix 1700000000) so <c>created</c> fields are exact.</summary>
internal sealed class FixedTimeProvider : TimeProvider
{
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1700000000);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>One HTTP answer as a test sees it.</summary>
internal sealed record HttpAnswer(int Status, string? ContentType, string Body, HttpResponseHeaders Headers)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    public IReadOnlyList<SseFrame> Frames => SseFrame.Parse(Body);

    public IReadOnlyList<string> EventNames => [.. Frames.Select(f => f.Event ?? "")];
}

/// <summary>One SSE event: its <c>event:</c> name (null when data-only) and its <c>data:</c> line.</summary>
internal sealed record SseFrame(string? Event, string Data)
{
    public JsonNode Json => JsonNode.Parse(Data)!;

    public static IReadOnlyList<SseFrame> Parse(string body)
    {
        body.Should().EndWith("\n\n", "every SSE event ends with a blank line");
        return [.. body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            var lines = block.Split('\n');
            var name = lines.FirstOrDefault(l => l.StartsWith("event: ", StringComparison.Ordinal))?["event: ".Length..];
            var data = lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
            return new SseFrame(name, data);
        })];
    }
}

/// <summary>A started server with a fixed clock and an HttpClient pointed at it.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    private TestServer(ScriptedModelServer server) => Server = server;

    public ScriptedModelServer Server { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<TestServer> StartAsync(TimeSpan replyWait = default) =>
        new(await ScriptedModelServer.StartAsync(
            new ScriptedModelServerOptions { TimeProvider = new FixedTimeProvider(), ReplyWait = replyWait }, Ct));

    public TestServer With(Endpoint endpoint, params ScriptedReply[] replies)
    {
        foreach (var reply in replies)
        {
            Server.Enqueue(endpoint, reply);
        }

        return this;
    }

    public Task<HttpAnswer> PostAsync(string pathAndQuery, string json, params (string Name, string Value)[] headers) =>
        SendAsync(HttpMethod.Post, pathAndQuery, json, headers);

    public async Task<HttpAnswer> SendAsync(
        HttpMethod method, string pathAndQuery, string? json = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, new Uri(Server.BaseUrl, pathAndQuery));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        return new HttpAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>Request bodies shaped like the real clients' (trimmed to what the server reads).</summary>
internal static class Bodies
{
    public static string Codex(string prompt, bool stream = true) => $$$"""
        {"model":"gpt-5.5","stream":{{{(stream ? "true" : "false")}}},"store":false,"input":[
          {"type":"message","role":"developer","content":[{"type":"input_text","text":"system prompt"}]},
          {"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context>cwd</environment_context>"}]},
          {"type":"message","role":"user","content":[{"type":"input_text","text":"{{{prompt}}}"}]}],
         "tools":[{"type":"function","name":"exec_command","parameters":{}},{"type":"custom","name":"apply_patch"},{"type":"web_search"}]}
        """;

    public static string Claude(string prompt, bool stream = true) => $$$"""
        {"model":"claude-sonnet-4-5","max_tokens":32000,"stream":{{{(stream ? "true" : "false")}}},"messages":[
          {"role":"user","content":[{"type":"text","text":"<system-reminder>ctx</system-reminder>"},{"type":"text","text":"{{{prompt}}}"}]}],
         "tools":[{"name":"Bash","input_schema":{}},{"name":"Read","input_schema":{}}]}
        """;

    public static string Chat(string prompt, bool stream = false, bool includeUsage = false) => $$$"""
        {"model":"gpt-4o-mini","stream":{{{(stream ? "true" : "false")}}}{{{(includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "")}}},
         "messages":[{"role":"system","content":"be brief"},{"role":"user","content":"{{{prompt}}}"}],
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{} } }]}
        """;
}
