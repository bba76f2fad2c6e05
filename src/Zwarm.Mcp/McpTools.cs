using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Zwarm.Core.Lifecycle;
using Zwarm.Orchestration;
using Zwarm.Orchestration.Tools;

namespace Zwarm.Mcp;

/// <summary>tools/list and tools/call: the orchestrator's tool catalog and runner, for an MCP client.</summary>
internal sealed class McpTools(SessionManager manager, McpServerSettings settings)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ToolRunner> _runners = new(StringComparer.Ordinal);

    public ValueTask<ListToolsResult> ListAsync(RequestContext<ListToolsRequestParams> request, CancellationToken ct) =>
        ValueTask.FromResult(new ListToolsResult
        {
            Tools = [.. ToolCatalog.Definitions(OrchestratorMode.Mcp)
                .Select(d => new Tool { Name = d.Name, Description = d.Description, InputSchema = d.Schema })],
        });

    public async ValueTask<CallToolResult> CallAsync(RequestContext<CallToolRequestParams> request, CancellationToken ct)
    {
        var name = request.Params?.Name ?? "";
        var args = request.Params?.Arguments?.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        var runner = RunnerFor(request.Server.ClientInfo?.Name);
        var token = request.Params?.ProgressToken;
        Func<ToolProgress, CancellationToken, ValueTask>? progress = token is { } t
            ? (p, c) => new ValueTask(request.Server.NotifyProgressAsync(
                t,
                new ProgressNotificationValue { Progress = (float)p.Progress, Total = (float?)p.Total, Message = p.Message },
                cancellationToken: c))
            : null;
        var outcome = await runner.RunAsync(new FunctionCallContent(Guid.NewGuid().ToString("N")[..12], name, args), progress, ct);
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = outcome.Text }],
            IsError = !outcome.Success,
        };
    }

    /// <summary>One runner (and so one pool and one "already read" memory) per client name.</summary>
    private ToolRunner RunnerFor(string? clientName)
    {
        var source = Source(clientName);
        lock (_gate)
        {
            if (_runners.TryGetValue(source, out var runner)) return runner;
            var context = new ToolContext
            {
                Manager = manager, Mode = OrchestratorMode.Mcp, Source = source, Time = settings.Time, SleepPoll = settings.WaitPoll,
            };
            return _runners[source] = new ToolRunner(context);
        }
    }

    /// <summary>"mcp:&lt;client name&gt;", the name reduced to lower-case letters, digits, '.', '_' and '-'.</summary>
    public static string Source(string? clientName)
    {
        var sb = new StringBuilder();
        foreach (var c in (clientName ?? "").Trim().ToLowerInvariant())
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        var name = sb.ToString().Trim('-');
        if (name.Length > 60) name = name[..60];
        return "mcp:" + (name.Length == 0 ? "client" : name);
    }
}
