using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Zwarm.Core.Lifecycle;

namespace Zwarm.Mcp;

/// <summary>
/// zwarm as an MCP server: the orchestrator's session tools (the same definitions and code) plus wait_for_sessions,
/// and the sessions as resources with update notifications. Nothing is written to stdout but the protocol.
/// </summary>
internal sealed class ZwarmMcpServer : IAsyncDisposable
{
    private readonly McpTools _tools;
    private readonly SessionResources _resources;

    public ZwarmMcpServer(SessionManager manager, McpServerSettings? settings = null)
    {
        Settings = settings ?? new McpServerSettings();
        _tools = new McpTools(manager, Settings);
        _resources = new SessionResources(manager, Settings);
    }

    /// <summary>Polling intervals and the clock.</summary>
    public McpServerSettings Settings { get; }

    /// <summary>The SDK's options: server info, capabilities and every handler.</summary>
    public McpServerOptions Options() => new()
    {
        ServerInfo = new Implementation
        {
            Name = "zwarm",
            Version = typeof(ZwarmMcpServer).Assembly.GetName().Version?.ToString(3) ?? "0.1.0",
        },
        ServerInstructions = "zwarm runs coding-agent sessions (Codex CLI, Claude Code) in the background. "
            + "delegate starts one and returns at once; "
            + "wait_for_sessions blocks until they finish; check_session reads a session's full reply; converse sends a follow-up.",
        Capabilities = new ServerCapabilities
        {
            Tools = new ToolsCapability(),
            Resources = new ResourcesCapability { Subscribe = true },
        },
        Handlers = new McpServerHandlers
        {
            ListToolsHandler = _tools.ListAsync,
            CallToolHandler = _tools.CallAsync,
            ListResourcesHandler = _resources.ListAsync,
            ListResourceTemplatesHandler = _resources.ListTemplatesAsync,
            ReadResourceHandler = _resources.ReadAsync,
            SubscribeToResourcesHandler = _resources.SubscribeAsync,
            UnsubscribeFromResourcesHandler = _resources.UnsubscribeAsync,
        },
    };

    /// <summary>Serves one client over <paramref name="transport"/> until it disconnects or <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(ITransport transport, ILoggerFactory? logging, CancellationToken ct)
    {
        await using var server = McpServer.Create(transport, Options(), logging);
        _resources.Attach(server);
        await server.RunAsync(ct);
    }

    public async ValueTask DisposeAsync() => await _resources.DisposeAsync();
}

/// <summary>How often the server looks at the store, and its clock.</summary>
internal sealed record McpServerSettings
{
    /// <summary>How often wait_for_sessions looks at its sessions.</summary>
    public TimeSpan WaitPoll { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>How often subscribed resources are checked for status changes.</summary>
    public TimeSpan WatchPoll { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Clock for waits.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
