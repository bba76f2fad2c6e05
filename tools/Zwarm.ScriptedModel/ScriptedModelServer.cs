using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Zwarm.ScriptedModel;

/// <summary>
/// A scripted model server on 127.0.0.1 speaking the OpenAI Responses API (codex), the Anthropic Messages API
/// (claude) and OpenAI Chat Completions, answering each request with the next scripted reply of its endpoint.
/// </summary>
public sealed class ScriptedModelServer : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Endpoint, ReplyQueue> _queues = Enum.GetValues<Endpoint>().ToDictionary(e => e, _ => new ReplyQueue());
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<string> _problems = [];
    private readonly ScriptedModelServerOptions _options;
    private TaskCompletionSource _enqueued = NewSignal();
    private int _waiting;
    private WebApplication? _app;

    private ScriptedModelServer(ScriptedModelServerOptions options) => _options = options;

    /// <summary>The server's root, <c>http://127.0.0.1:PORT</c> (Claude's <c>ANTHROPIC_BASE_URL</c>).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The OpenAI base URL, <c>http://127.0.0.1:PORT/v1</c> (codex provider <c>base_url</c>, OpenAI SDK endpoint).</summary>
    public string OpenAiBaseUrl => $"{BaseUrl.GetLeftPart(UriPartial.Authority)}/v1";

    /// <summary>The bound port.</summary>
    public int Port => BaseUrl.Port;

    /// <summary>Every request received so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>What went wrong so far (queue exhausted, unexpected paths); a test should expect this to be empty.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_lock)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>Starts a server on a free port of 127.0.0.1.</summary>
    public static Task<ScriptedModelServer> StartAsync(CancellationToken ct = default) =>
        StartAsync(new ScriptedModelServerOptions(), ct);

    /// <summary>Starts a server on 127.0.0.1 with the given options.</summary>
    public static async Task<ScriptedModelServer> StartAsync(ScriptedModelServerOptions options, CancellationToken ct = default)
    {
        var server = new ScriptedModelServer(options);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            // Loopback only, always: nothing of ours may be reachable from outside the machine.
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var handler = new RequestHandler(server, options);
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server._app = app;
        server.BaseUrl = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    /// <summary>Adds a reply to the end of an endpoint's queue.</summary>
    public void Enqueue(Endpoint endpoint, ScriptedReply reply)
    {
        reply.Validate();
        TaskCompletionSource signal;
        lock (_lock)
        {
            _queues[endpoint].Add(reply);
            (signal, _enqueued) = (_enqueued, NewSignal());
        }

        signal.TrySetResult();
    }

    /// <summary>Enqueues every reply of a JSON script file (see <c>README.md</c> of this project for the format).</summary>
    public void LoadScript(string path) => Load(ScriptParser.ParseFile(path));

    /// <summary>Enqueues every reply of a JSON script given as text.</summary>
    public void LoadScriptJson(string json) => Load(ScriptParser.Parse(json, "script"));

    /// <summary>How many replies are still queued for an endpoint (an entry with <c>times</c> &gt; 1 counts once).</summary>
    public int Pending(Endpoint endpoint)
    {
        lock (_lock)
        {
            return _queues[endpoint].Count;
        }
    }

    /// <summary>Stops the server, dropping any stream still running.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_app is null)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
        _app = null;
    }

    /// <summary>
    /// <see cref="Receive"/>, but a request that finds no reply waits up to <paramref name="wait"/> for one to be
    /// enqueued (see <see cref="ScriptedModelServerOptions.ReplyWait"/>).
    /// </summary>
    internal async Task<RecordedRequest> ReceiveAsync(Endpoint? endpoint, string? prompt, TimeSpan wait,
        Func<int, ScriptedReply?, int?, RecordedRequest> create, CancellationToken ct)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            Task enqueued;
            lock (_lock)
            {
                var left = wait - TimeProvider.System.GetElapsedTime(started);
                if (endpoint is not { } e || left <= TimeSpan.Zero || _queues[e].CanTake(prompt))
                    return Receive(endpoint, prompt, create);
                enqueued = _enqueued.Task;
            }

            Interlocked.Increment(ref _waiting);
            try
            {
                await enqueued.WaitAsync(wait - TimeProvider.System.GetElapsedTime(started), ct);
            }
            catch (TimeoutException)
            {
                // Answered below as the queue stands.
            }
            catch (ArgumentOutOfRangeException)
            {
                // The time ran out between the check and the wait.
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }

    /// <summary>How many requests are waiting for a reply to be enqueued right now.</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Takes the next reply for the request (if any) and records the request, atomically so both keep arrival order.</summary>
    internal RecordedRequest Receive(Endpoint? endpoint, string? prompt, Func<int, ScriptedReply?, int?, RecordedRequest> create)
    {
        lock (_lock)
        {
            ScriptedReply? reply = null;
            int? replyIndex = null;
            if (endpoint is { } e && _queues[e].TryTake(prompt, out var taken, out var index))
            {
                (reply, replyIndex) = (taken, index);
            }

            var request = create(_requests.Count, reply, replyIndex);
            _requests.Add(request);
            return request;
        }
    }

    internal void AddProblem(string problem)
    {
        lock (_lock)
        {
            _problems.Add(problem);
        }

        _options.Log?.Invoke($"PROBLEM: {problem}");
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Load(IReadOnlyList<(Endpoint Endpoint, ScriptedReply Reply)> script)
    {
        foreach (var (endpoint, reply) in script)
        {
            Enqueue(endpoint, reply);
        }
    }
}
