using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Zwarm.Core;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;

namespace Zwarm.Mcp;

/// <summary>
/// zwarm://sessions (the summary list, as `ls --json`) and zwarm://sessions/{id} (a session with its conversation, as
/// `show --json`); a subscribed resource gets notifications/resources/updated when a session's status changes.
/// </summary>
internal sealed class SessionResources(SessionManager manager, McpServerSettings settings) : IAsyncDisposable
{
    /// <summary>The list of sessions.</summary>
    public const string ListUri = "zwarm://sessions";

    private const string SessionPrefix = "zwarm://sessions/";
    private const string Json = "application/json";

    // Subscribed URI (as the client wrote it) → the full session id, or "" for the list.
    private readonly ConcurrentDictionary<string, string> _subscriptions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task? _watch;
    private TaskCompletionSource? _firstLook;
    private McpServer? _server;

    /// <summary>The server notifications go through.</summary>
    public void Attach(McpServer server) => _server = server;

    public async ValueTask<ListResourcesResult> ListAsync(RequestContext<ListResourcesRequestParams> request, CancellationToken ct)
    {
        var sessions = await SessionsAsync(ct);
        var list = new List<Resource>
        {
            new()
            {
                Uri = ListUri, Name = "sessions", MimeType = Json,
                Description = "every session of the project: status, agent, model, task, tokens, cost (no conversation)",
            },
        };
        list.AddRange(sessions.OrderByDescending(m => m.UpdatedAt).Take(100).Select(m => new Resource
        {
            Uri = SessionPrefix + m.Id,
            Name = $"{m.ShortId} {m.Status.ToWire()}",
            MimeType = Json,
            Description = $"{m.Adapter}/{m.Model}: {OneLine(m.Task)}",
        }));
        return new ListResourcesResult { Resources = list };
    }

    public ValueTask<ListResourceTemplatesResult> ListTemplatesAsync(
        RequestContext<ListResourceTemplatesRequestParams> request, CancellationToken ct) =>
        ValueTask.FromResult(new ListResourceTemplatesResult
        {
            ResourceTemplates =
            [
                new ResourceTemplate
                {
                    UriTemplate = SessionPrefix + "{id}", Name = "session", MimeType = Json,
                    Description = "one session with its whole conversation; id: the full id or a unique prefix",
                },
            ],
        });

    public async ValueTask<ReadResourceResult> ReadAsync(RequestContext<ReadResourceRequestParams> request, CancellationToken ct)
    {
        var uri = request.Params?.Uri ?? "";
        JsonNode json;
        if (uri == ListUri)
            json = new JsonArray([.. (await SessionsAsync(ct)).OrderByDescending(m => m.UpdatedAt)
                .Select(m => (JsonNode)SessionShape.Summary(m, manager.Agents.Models, manager.Config))]);
        else
            json = SessionShape.Full(await SessionAsync(uri, ct), manager.Agents.Models, manager.Config);
        return new ReadResourceResult
        {
            Contents = [new TextResourceContents { Uri = uri, MimeType = Json, Text = json.ToJsonString(Compact) }],
        };
    }

    public async ValueTask<EmptyResult> SubscribeAsync(RequestContext<SubscribeRequestParams> request, CancellationToken ct)
    {
        var uri = request.Params?.Uri ?? "";
        var id = uri == ListUri ? "" : (await SessionAsync(uri, ct)).Id;
        _subscriptions[uri] = id;
        await EnsureWatchingAsync();
        return new EmptyResult();
    }

    public ValueTask<EmptyResult> UnsubscribeAsync(RequestContext<UnsubscribeRequestParams> request, CancellationToken ct)
    {
        _subscriptions.TryRemove(request.Params?.Uri ?? "", out _);
        return ValueTask.FromResult(new EmptyResult());
    }

    /// <summary>Starts the watcher once; returns after its first look at the store, so no change after a subscribe is missed.</summary>
    private Task EnsureWatchingAsync()
    {
        lock (_gate)
        {
            if (_watch is null)
            {
                _firstLook = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _watch = Task.Run(() => WatchAsync(_stop.Token));
            }
            return _firstLook!.Task;
        }
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        Dictionary<string, string>? last = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var now = (await SessionsAsync(ct)).ToDictionary(m => m.Id, m => $"{m.Status.ToWire()}:{m.Turn}", StringComparer.Ordinal);
                if (last is not null)
                {
                    var changed = now.Where(kv => last.GetValueOrDefault(kv.Key) != kv.Value).Select(kv => kv.Key)
                        .Concat(last.Keys.Where(id => !now.ContainsKey(id))).ToHashSet(StringComparer.Ordinal);
                    if (changed.Count > 0)
                        foreach (var (uri, id) in _subscriptions)
                            if (id.Length == 0 || changed.Contains(id)) await NotifyAsync(uri, ct);
                }
                last = now;
                _firstLook?.TrySetResult();
                await Task.Delay(settings.WatchPoll, settings.Time, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ZwarmException or JsonException or McpException
                or InvalidOperationException)
            {
                // A store being written or a client gone: look again next time.
                _firstLook?.TrySetResult();
                await Task.Delay(settings.WatchPoll, settings.Time, ct);
            }
        }
    }

    private async Task NotifyAsync(string uri, CancellationToken ct)
    {
        if (_server is null) return;
        await _server.SendNotificationAsync(
            NotificationMethods.ResourceUpdatedNotification,
            new ResourceUpdatedNotificationParams { Uri = uri },
            McpJsonUtilities.DefaultOptions, ct);
    }

    private async Task<List<SessionMeta>> SessionsAsync(CancellationToken ct) =>
        [.. (await manager.ListAsync(ct)).Where(e => e.Meta is not null).Select(e => e.Meta!)];

    private async Task<SessionMeta> SessionAsync(string uri, CancellationToken ct)
    {
        if (!uri.StartsWith(SessionPrefix, StringComparison.Ordinal) || uri.Length == SessionPrefix.Length)
            throw new McpProtocolException(
                $"unknown resource '{uri}': use {ListUri} or {SessionPrefix}{{id}}",
                McpErrorCode.ResourceNotFound);
        try
        {
            return await manager.GetAsync(SessionIds.Validate(Uri.UnescapeDataString(uri[SessionPrefix.Length..])), ct);
        }
        catch (ZwarmException ex)
        {
            throw new McpProtocolException($"{ex.Message} (read {ListUri} for the session ids)", McpErrorCode.ResourceNotFound);
        }
    }

    private static string OneLine(string text)
    {
        return TextCut.Cut(text.ReplaceLineEndings(" ").Trim(), 100);
    }

    private static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_watch is not null) await _watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
