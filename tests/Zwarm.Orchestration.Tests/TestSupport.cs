using System.Collections;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Orchestration.Llm;
using Zwarm.Orchestration.Loop;
using Zwarm.ScriptedModel;

namespace Zwarm.Orchestration.Tests;

/// <summary>Paths of the repository and the programs the tests start.</summary>
internal static class TestEnv
{
    public static string RepoRoot => Repo.Root;

    /// <summary>The fake agent (codex stand-in) built beside the tests.</summary>
    public static string FakeAgent => Repo.FakeAgent;

    /// <summary>The zwarm command line program.</summary>
    public static string Zwarm => Repo.Zwarm;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;
}

/// <summary>
/// One test's world: a scripted model server on 127.0.0.1, a temp project whose .zwarm/config.toml points the
/// orchestrator at the server and codex at the fake agent, and a session manager over its store.
/// </summary>
internal sealed class World : IAsyncDisposable
{
    private World(ScriptedModelServer server, string dir) => (Server, Dir) = (server, dir);

    public ScriptedModelServer Server { get; }
    public string Dir { get; }
    public string ZwarmDir => Path.Combine(Dir, ".zwarm");
    public SessionManager Manager { get; private set; } = null!;
    public StringWriter Output { get; } = new();

    private TextWriter? _sync;

    /// <summary>What the run printed so far (safe while it runs).</summary>
    public string OutputText
    {
        get
        {
            var sync = _sync ??= TextWriter.Synchronized(Output);
            lock (sync) return Output.ToString();
        }
    }

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    public Task WaitForOutputAsync(string text, double seconds = 30) =>
        Eventually.UntilAsync(() => OutputText.Contains(text, StringComparison.Ordinal), TimeSpan.FromSeconds(seconds),
            () => $"output never contained '{text}':\n{OutputText}", TestEnv.Ct);

    /// <summary>Starts a server and writes a project; <paramref name="extraToml"/> is appended to config.toml.</summary>
    /// <remarks>The bash tool runs without the codex sandbox unless <paramref name="bashSandbox"/> says otherwise (the fake agent is no
    /// sandbox).</remarks>
    public static async Task<World> CreateAsync(
        string extraToml = "", string orchestratorToml = "", string? codexCommand = null, string bashSandbox = "none")
    {
        // A reply the test enqueues while the run goes on (after it saw a session start, say) may come after the
        // orchestrator asked for it: the request waits for it instead of failing.
        var server = await ScriptedModelServer.StartAsync(
            new ScriptedModelServerOptions { ReplyWait = TimeSpan.FromSeconds(30) }, TestEnv.Ct);
        var dir = Path.Combine(Path.GetTempPath(), "zwarm-orch-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(dir, ".zwarm"));
        var world = new World(server, dir);
        await File.WriteAllTextAsync(Path.Combine(world.ZwarmDir, "config.toml"), $"""
            [orchestrator]
            model = "scripted-orchestrator"
            base_url = "{server.OpenAiBaseUrl}"
            api_key_env = "ZWARM_TEST_UNSET_KEY"
            bash_sandbox = "{bashSandbox}"
            {orchestratorToml}

            [adapters.codex]
            command = "{codexCommand ?? TestEnv.FakeAgent}"

            {extraToml}
            """, TestEnv.Ct);
        await world.ReloadAsync();
        return world;
    }

    /// <summary>Reads the config again (after a test changed it).</summary>
    public async Task ReloadAsync()
    {
        var config = await ConfigLoader.LoadAsync(ZwarmDir, environment: new Hashtable(), ct: TestEnv.Ct);
        Manager = new SessionManager(new FileSessionStore(ZwarmDir), config, AgentRegistry.Default, supervisor: null);
    }

    public OrchestratorServices Services(TextWriter? output = null) => new()
    {
        Manager = Manager,
        Out = output ?? (_sync ??= TextWriter.Synchronized(Output)),
        Env = _ => null,
        Retry = new LlmRetryOptions(MaxRetries: 2, BaseDelaySeconds: 0.01, MaxDelaySeconds: 0.05),
        SleepPoll = TimeSpan.FromMilliseconds(100),
        BashTimeout = TimeSpan.FromSeconds(5),
    };

    public Task<RunResult> OrchestrateAsync(
        string? task, int? maxSteps = null, bool resume = false, string? instance = null, CancellationToken? ct = null) =>
        new OrchestrateRunner(Services())
            .RunAsync(new OrchestrateRequest { Task = task, MaxSteps = maxSteps, Resume = resume, Instance = instance }, ct ?? TestEnv.Ct);

    /// <summary>Enqueues chat replies for the orchestrator.</summary>
    public World Chat(params ScriptedReply[] replies)
    {
        foreach (var r in replies) Server.Enqueue(Endpoint.Chat, r);
        return this;
    }

    /// <summary>The chat requests the orchestrator sent, in order.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests => [.. Server.Requests.Where(r => r.Endpoint == Endpoint.Chat)];

    /// <summary>The JSON tool result the model received for a call id (from the recorded requests).</summary>
    public JsonObject ToolResult(string callId) =>
        JsonNode.Parse(ChatRequests.Select(r => r.ToolOutputFor(callId)).First(o => o is not null)!.Output)!.AsObject();

    /// <summary>Sessions started by orchestrator instances, oldest first.</summary>
    public async Task<List<SessionMeta>> OrchestratorSessionsAsync() =>
        [.. (await Manager.ListAsync(TestEnv.Ct))
            .Select(e => e.Meta!)
            .Where(m => m.Source.StartsWith("orchestrator:", StringComparison.Ordinal))
            .OrderBy(m => m.CreatedAt)];

    /// <summary>Waits until <paramref name="count"/> orchestrator sessions exist (scripts need their ids).</summary>
    public async Task<List<SessionMeta>> WaitForSessionsAsync(int count, double seconds = 30)
    {
        var store = new FileSessionStore(ZwarmDir);
        var found = 0;
        return await Eventually.ProbeAsync(async () =>
        {
            List<SessionMeta> list = [.. (await store.ListAsync(TestEnv.Ct))
                .Where(e => e.Meta?.Source.StartsWith("orchestrator:", StringComparison.Ordinal) == true)
                .Select(e => e.Meta!)
                .OrderBy(m => m.CreatedAt)];
            found = list.Count;
            return list.Count >= count ? list : null;
        }, TimeSpan.FromSeconds(seconds), () => $"expected {count} orchestrator sessions, found {found}. Output:\n{Output}", TestEnv.Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            foreach (var e in await new FileSessionStore(ZwarmDir).ListAsync(CancellationToken.None))
                if (e.Meta is { } m && !m.Status.IsFinished()) await Manager.KillAsync(m.Id, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or Zwarm.Core.ZwarmException) { }
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Short ways to script the orchestrator's replies.</summary>
internal static class Llm
{
    public static ScriptedToolCall Call(string name, string args = "{}", string? id = null)
        => ScriptedToolCall.Function(name, args) with { Id = id };

    public static ToolCallsReply Calls(params ScriptedToolCall[] calls) => ScriptedReply.ToolCalls(calls);

    public static ToolCallsReply One(string name, string args = "{}", string? id = null) => Calls(Call(name, args, id));

    public static TextReply Say(string text) => ScriptedReply.Answer(text);

    /// <summary>The messages of a chat request as (role, content) pairs.</summary>
    public static List<(string Role, string Content)> Messages(RecordedRequest r) =>
        [.. (r.Json?["messages"] as JsonArray ?? []).OfType<JsonObject>().Select(m => (
            m["role"]?.GetValue<string>() ?? "",
            m["content"] is JsonValue v && v.TryGetValue(out string? s) ? s : ""))];

    /// <summary>Every tool call in an assistant message of the request must have a tool result and vice versa.</summary>
    public static void AssertPairs(RecordedRequest r)
    {
        var messages = (r.Json?["messages"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var calls = messages.SelectMany(m => m["tool_calls"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(c => c["id"]!.GetValue<string>()).ToList();
        var results = messages.Where(m => m["role"]?.GetValue<string>() == "tool")
            .Select(m => m["tool_call_id"]!.GetValue<string>()).ToList();
        if (!calls.Order().SequenceEqual(results.Order()))
            throw new Xunit.Sdk.XunitException(
                $"request #{r.Index}: calls [{string.Join(",", calls)}] vs results [{string.Join(",", results)}]");
    }
}

/// <summary>Messages for tests that build message lists.</summary>
internal static class Msg
{
    public static ChatMessage User(string text) => new(ChatRole.User, text);
}
