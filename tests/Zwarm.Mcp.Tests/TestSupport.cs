using System.Collections;
using System.IO.Pipelines;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.TestSupport;

namespace Zwarm.Mcp.Tests;

/// <summary>The programs the tests start and the test's cancellation.</summary>
internal static class TestEnv
{
    /// <summary>The fake agent (codex stand-in) built beside the tests.</summary>
    public static string FakeAgent => Repo.FakeAgent;

    /// <summary>The zwarm command line program.</summary>
    public static string Zwarm => Repo.Zwarm;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;
}

/// <summary>
/// A temp project whose codex is the fake agent, a zwarm MCP server over it in this process, and the SDK's client
/// connected to it through in-memory pipes (the initialize handshake, like Claude Code and Codex).
/// </summary>
internal sealed class McpWorld : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly ZwarmMcpServer _server;
    private readonly Task _serving;

    private McpWorld(
        string dir, SessionManager manager, ZwarmMcpServer server, CancellationTokenSource stop, Task serving, McpClient client)
    {
        _stop = stop;
        Dir = dir;
        Manager = manager;
        _server = server;
        _serving = serving;
        Client = client;
    }

    public string Dir { get; }
    public SessionManager Manager { get; }
    public McpClient Client { get; }

    /// <summary>The name the client gives in initialize: sessions it starts are tagged mcp:spec-client.</summary>
    public const string ClientName = "Spec Client";

    public static async Task<McpWorld> CreateAsync(string extraToml = "")
    {
        var dir = Path.Combine(Path.GetTempPath(), "zwarm-mcp-" + Guid.NewGuid().ToString("N")[..10]);
        var zwarmDir = Path.Combine(dir, ".zwarm");
        Directory.CreateDirectory(zwarmDir);
        await File.WriteAllTextAsync(Path.Combine(zwarmDir, "config.toml"), $"""
            [adapters.codex]
            command = "{TestEnv.FakeAgent}"

            {extraToml}
            """, TestEnv.Ct);
        var config = await ConfigLoader.LoadAsync(zwarmDir, environment: new Hashtable(), ct: TestEnv.Ct);
        var manager = new SessionManager(new FileSessionStore(zwarmDir), config, AgentRegistry.Default, supervisor: null);
        var server = new ZwarmMcpServer(
            manager, new McpServerSettings { WaitPoll = TimeSpan.FromMilliseconds(100), WatchPoll = TimeSpan.FromMilliseconds(100) });

        var toServer = new Pipe();
        var toClient = new Pipe();
        var stop = new CancellationTokenSource();
        var serving = Task.Run(
            () => server.RunAsync(
                new StreamServerTransport(toServer.Reader.AsStream(), toClient.Writer.AsStream(), "zwarm"), null, stop.Token),
            TestEnv.Ct);
        var client = await McpClient.CreateAsync(
            new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream()), new McpClientOptions
        {
            ClientInfo = new Implementation { Name = ClientName, Version = "1.0" },
            ProtocolVersion = "2025-11-25",
        }, cancellationToken: TestEnv.Ct);
        return new McpWorld(dir, manager, server, stop, serving, client);
    }

    /// <summary>Calls a tool; the result and its JSON text parsed.</summary>
    public async Task<(CallToolResult Result, JsonObject Json)> CallAsync(
        string tool, object? args = null, IProgress<ModelContextProtocol.ProgressNotificationValue>? progress = null)
    {
        var dict = args is null ? new Dictionary<string, object?>()
            : args.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(args));
        var result = await Client.CallToolAsync(tool, dict, progress, cancellationToken: TestEnv.Ct);
        var text = result.Content.OfType<TextContentBlock>().Single().Text;
        return (result, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>Delegates a fake-agent task (key=value words, see Zwarm.FakeAgent) and returns the session id.</summary>
    public async Task<string> DelegateAsync(string fakeTask)
    {
        var (result, json) = await CallAsync("delegate", new { task = fakeTask });
        if (result.IsError == true) throw new InvalidOperationException("delegate failed: " + json.ToJsonString());
        return json["session_id"]!.GetValue<string>();
    }

    /// <summary>Waits (reconciling) until the session has finished.</summary>
    public async Task<SessionMeta> UntilFinishedAsync(string id)
    {
        var r = await Manager.WaitAsync([id], TimeSpan.FromSeconds(30), false, TestEnv.Ct);
        if (r.TimedOut) throw new TimeoutException($"session {id} still {r.Sessions[0].Status.ToWire()}");
        return r.Sessions[0];
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _stop.CancelAsync();
        await _serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _server.DisposeAsync();
        foreach (var e in await Manager.ListAsync(CancellationToken.None))
            if (e.Meta is { } m && !m.Status.IsFinished()) await Manager.KillAsync(m.Id, CancellationToken.None);
        _stop.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A process still writing its turn file: the temp folder is left behind.
        }
    }
}
