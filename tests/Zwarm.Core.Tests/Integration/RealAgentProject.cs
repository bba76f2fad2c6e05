using System.Diagnostics;
using System.Globalization;
using System.Text;
using AwesomeAssertions;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.ScriptedModel;

namespace Zwarm.Core.Tests.Integration;

/// <summary>
/// A temp project whose agents are the real codex / claude CLIs pointed at a scripted model server on 127.0.0.1,
/// configured the way a user would (.zwarm/config.toml, codex.toml, claude.toml), and a manager over it
/// (no supervisor: reconciliation on read finalises). The agents' environment (temp HOME, dummy keys, the
/// server's URL) is set on this process, which they inherit; disposing restores it and kills leftovers.
/// </summary>
internal sealed class RealAgentProject : IAsyncDisposable
{
    // Anything of the real user's that could steer an agent elsewhere is removed while a test runs.
    private static readonly string[] ScrubbedPrefixes = ["OPENAI_", "ANTHROPIC_", "CODEX_", "CLAUDE_", "ZWARM_"];

    private readonly TempDir _dir = new TempDir();
    private readonly Dictionary<string, string?> _savedEnvironment = new(StringComparer.Ordinal);

    private RealAgentProject(ScriptedModelServer server) => Server = server;

    public ScriptedModelServer Server { get; }

    public SessionManager Manager { get; private set; } = null!;

    /// <summary>The project folder: sessions work here.</summary>
    public string WorkDir => Path.Combine(_dir.Path, "project");

    /// <summary>The agents' HOME.</summary>
    public string Home => Path.Combine(_dir.Path, "home");

    private string ZwarmDir => Path.Combine(WorkDir, ".zwarm");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Checks the preconditions, starts the server and writes the project's configuration.</summary>
    public static async Task<RealAgentProject> CreateAsync(
        bool codex = false, bool claude = false, int claudeMaxRetries = 0, double killGrace = 1.0, string? executor = null)
    {
        RealAgents.RequireLoopbackOnly();
        var codexExe = codex ? RealAgents.RequireCli("codex") : null;
        var claudeExe = claude ? RealAgents.RequireCli("claude") : null;
        var p = new RealAgentProject(await ScriptedModelServer.StartAsync(Ct));
        try
        {
            await p.ConfigureAsync(codexExe, claudeExe, claudeMaxRetries, killGrace, executor);
            return p;
        }
        catch
        {
            await p.DisposeAsync();
            throw;
        }
    }

    private async Task ConfigureAsync(string? codexExe, string? claudeExe, int claudeMaxRetries, double killGrace, string? executor)
    {
        Directory.CreateDirectory(ZwarmDir);
        Directory.CreateDirectory(Path.Combine(Home, ".codex"));
        Directory.CreateDirectory(Path.Combine(Home, ".claude"));

        var config = new StringBuilder();
        config.AppendLine("[executor]").AppendLine($"adapter = \"{(codexExe is null ? "claude" : "codex")}\"")
            .AppendLine("sandbox = \"workspace-write\"").AppendLine(FormattableString.Invariant($"kill_grace = {killGrace:0.0##}"));
        if (executor is not null) config.AppendLine(executor);
        if (codexExe is not null) config.AppendLine("[adapters.codex]").AppendLine($"command = \"{codexExe}\"");
        if (claudeExe is not null) config.AppendLine("[adapters.claude]").AppendLine($"command = \"{claudeExe}\"");
        await File.WriteAllTextAsync(Path.Combine(ZwarmDir, "config.toml"), config.ToString(), Ct);
        await File.WriteAllTextAsync(Path.Combine(ZwarmDir, "codex.toml"),
            "model = \"gpt-5.5\"\n" + RealAgents.CodexMockProvider(Server.OpenAiBaseUrl), Ct);
        await File.WriteAllTextAsync(Path.Combine(ZwarmDir, "claude.toml"), """
            model = "claude-sonnet-4-5"
            full_danger = true
            """, Ct);

        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (name == "IS_SANDBOX" || ScrubbedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))) SetEnvironment(name, null);
        SetEnvironment("HOME", Home);
        SetEnvironment("CODEX_HOME", Path.Combine(Home, ".codex"));
        SetEnvironment("MOCK_KEY", "dummy-key");
        SetEnvironment("CLAUDE_CONFIG_DIR", Path.Combine(Home, ".claude"));
        SetEnvironment("ANTHROPIC_BASE_URL", Server.BaseUrl.GetLeftPart(UriPartial.Authority));
        SetEnvironment("ANTHROPIC_API_KEY", "dummy-key");
        foreach (var name in (string[])
                 [
                     "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "DISABLE_AUTOUPDATER", "DISABLE_TELEMETRY", "DISABLE_ERROR_REPORTING",
                     "DISABLE_BUG_COMMAND",
                 ])
            SetEnvironment(name, "1");
        SetEnvironment("CLAUDE_CODE_MAX_RETRIES", claudeMaxRetries.ToString(CultureInfo.InvariantCulture));

        var loaded = await ConfigLoader.LoadAsync(ZwarmDir, null, [], new Dictionary<string, string>(), Ct);
        Manager = new SessionManager(new FileSessionStore(ZwarmDir), loaded, AgentRegistry.Default, supervisor: null);
    }

    private void SetEnvironment(string name, string? value)
    {
        _savedEnvironment.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    /// <summary>The [hosts.NAME] sessions start on (configured through CreateAsync's executor text); null = this machine.</summary>
    public string? Host { get; set; }

    public Task<SessionMeta> StartAsync(string task, string? adapter = null)
        => Manager.StartAsync(new StartRequest(task) { Adapter = adapter, Host = Host }, Ct);

    /// <summary>Waits (reconciling on every poll) until the session leaves pending/running.</summary>
    public async Task<SessionMeta> UntilFinishedAsync(string id, int timeoutMs = 30_000)
    {
        var r = await Manager.WaitAsync([id], TimeSpan.FromMilliseconds(timeoutMs), false, Ct);
        if (r.TimedOut)
            Assert.Fail($"session {id} still {r.Sessions[0].Status.ToWire()} after {timeoutMs} ms\n{Diagnostics(r.Sessions[0])}");
        return r.Sessions[0];
    }

    /// <summary>
    /// Starts a session whose model answers slowly (200 words, 200 ms apart) and kills it once the model is called:
    /// killed, without waiting out the grace (the agents die on SIGTERM; create the project with a long one), and
    /// no process tagged with the session's id left.
    /// </summary>
    public async Task KillMidStreamAsync(Endpoint endpoint)
    {
        var words = string.Join(' ', Enumerable.Range(1, 200).Select(i => $"word{i}"));
        Server.Enqueue(endpoint, ScriptedReply.Answer(words) with { DelayMs = 200 });
        var started = await StartAsync("Talk slowly.");
        (await EventuallyAsync(() => Server.Requests.Count == 1)).Should()
            .BeTrue($"the agent should have called the model\n{Diagnostics(started)}");
        TaggedProcesses(started.Id).Should().NotBeEmpty();

        var watch = Stopwatch.StartNew();
        var result = await Manager.KillAsync(started.Id, Ct);

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(Manager.Config.Executor.KillGraceSeconds - 1), "the agent dies on SIGTERM");
        result.Killed.Should().BeTrue();
        result.Session.Status.Should().Be(SessionStatus.Killed);
        result.Session.Error.Should().Be("Manually killed");
        (await EventuallyAsync(() => TaggedProcesses(started.Id).Count == 0, 5000))
            .Should().BeTrue("no process tagged ZWARM_SESSION_ID={0} may survive a kill", started.Id);
        ProcessInfo.IsAlive(started.Pid, started.PidStartTime).Should().BeFalse();
        (await Manager.GetAsync(started.Id, Ct)).Status.Should().Be(SessionStatus.Killed);
    }

    /// <summary>
    /// Rewrites a finished session's meta.json the way Python zwarm leaves it: messages = the last turn's agent output
    /// only, and none of the fields Python does not know (agent_session_id, turns, …).
    /// </summary>
    public async Task RewriteAsPythonAsync(string id)
    {
        var path = Path.Combine(Manager.Store.SessionDir(id), "meta.json");
        var meta = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(path, Ct))!.AsObject();
        foreach (var ours in new[] { "agent_session_id", "agent_session_id_latest", "pid_start_time", "cost_usd", "turns" })
            meta.Remove(ours);
        var output = meta["messages"]!.AsArray()
            .Where(m => m!["role"]!.GetValue<string>() == "assistant")
            .Select(m => m!.DeepClone())
            .ToArray();
        meta["messages"] = new System.Text.Json.Nodes.JsonArray(output);
        await File.WriteAllTextAsync(path, meta.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), Ct);
    }

    /// <summary>Processes alive and tagged with the session's id (the wrapper, the agent and its children).</summary>
    public static List<int> TaggedProcesses(string sessionId)
        => ProcessInfo.Tagged().Where(t => t.SessionId == sessionId).Select(t => t.Pid).ToList();

    public static Task<bool> EventuallyAsync(Func<bool> condition, int timeoutMs = 15_000) =>
        Eventually.HoldsAsync(condition, TimeSpan.FromMilliseconds(timeoutMs), Ct);

    /// <summary>What to look at when an assertion fails: status, error, the turn files and the server's view.</summary>
    public string Diagnostics(SessionMeta m)
    {
        var sb = new StringBuilder().AppendLine(
            $"session {m.Id}: {m.Status.ToWire()}, error: {m.Error ?? "-"}, " +
            $"exit code: {m.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
        for (var t = 1; t <= m.Turn; t++)
        {
            var path = Manager.Store.TurnFile(m.Id, t);
            var text = File.Exists(path) ? File.ReadAllText(path) : "(no turn file)";
            sb.AppendLine($"--- turn {t}:").AppendLine(text.Length > 4000 ? "…" + text[^4000..] : text);
        }
        sb.AppendLine(
            $"--- server: {Server.Requests.Count} requests ({string.Join(", ", Server.Requests.Select(r => $"{r.Method} {r.Path}"))})");
        foreach (var problem in Server.Problems) sb.AppendLine("problem: " + problem);
        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        // Leave no agent behind, whatever a test did: every process tagged with a session of this store.
        var sessions = Path.Combine(ZwarmDir, "sessions");
        List<int> Leftovers()
            => ProcessInfo.Tagged().Where(t => Directory.Exists(Path.Combine(sessions, t.SessionId))).Select(t => t.Pid).ToList();
        await Eventually.HoldsAsync(() =>
        {
            var pids = Leftovers();
            foreach (var pid in pids) ProcessInfo.Signal(pid, ProcessInfo.SigKill);
            return pids.Count == 0;
        }, TimeSpan.FromSeconds(10), CancellationToken.None);
        await Server.DisposeAsync();
        foreach (var (name, value) in _savedEnvironment) Environment.SetEnvironmentVariable(name, value);
        _dir.Dispose();
    }
}
