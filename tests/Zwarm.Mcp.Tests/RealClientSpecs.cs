using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.ScriptedModel;
using Zwarm.TestSupport;

namespace Zwarm.Mcp.Tests;

/// <summary>
/// The real claude and codex CLIs as MCP clients of `zwarm mcp`, registered with the snippet `zwarm mcp --print-config`
/// prints. Their model is the scripted server: it delegates a task, waits for the session, then answers with the
/// session's reply. The delegated session is a real codex session against the same server. All offline, on 127.0.0.1.
/// </summary>
[Collection(RealClientsCollection.Name)]
public sealed class RealClientSpecs
{
    private const string Prompt = "DELEGATE: get a greeting from codex";
    private const string SessionTask = "Say hello to the client.";
    private const string SessionReply = "Hello from the real codex!";

    private const string WaitArgs = """{"session_ids":["{{tool_output:session_id}}"],"timeout_seconds":120}""";
    private const string FinalText =
        "Session {{tool_output:sessions.0.short_id}} {{tool_output:sessions.0.status}}: {{tool_output:sessions.0.reply_preview}}";
    private const string DelegateArgs = $$"""{"task":"{{SessionTask}}","adapter":"codex","model":"gpt-5.5"}""";

    [Fact(Timeout = 150_000)]
    public async Task Real_claude_delegates_to_a_real_codex_session_through_zwarm_mcp_and_reports_its_reply()
    {
        await using var p = await RealClientProject.CreateAsync();
        var claude = RealAgents.RequireCli("claude");
        var config = await p.ZwarmAsync("mcp", "--print-config", "claude", "--project", p.Project);
        config.ExitCode.Should().Be(0, config.Stderr);
        var configFile = Path.Combine(p.Dir, "mcp.json");
        await File.WriteAllTextAsync(configFile, config.Stdout, TestEnv.Ct);

        p.Server.Enqueue(
            Endpoint.Messages,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("mcp__zwarm__delegate", DelegateArgs)) with { When = "DELEGATE" });
        p.Server.Enqueue(
            Endpoint.Messages,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("mcp__zwarm__wait_for_sessions", WaitArgs)) with { When = "DELEGATE" });
        p.Server.Enqueue(Endpoint.Messages, ScriptedReply.Answer(FinalText) with { When = "DELEGATE" });
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.Answer(SessionReply) with { When = SessionTask });

        var env = p.Environment();
        env["CLAUDE_CONFIG_DIR"] = Path.Combine(p.Home, ".claude");
        env["ANTHROPIC_BASE_URL"] = p.Server.BaseUrl.GetLeftPart(UriPartial.Authority);
        env["ANTHROPIC_API_KEY"] = "dummy-key";
        env["CLAUDE_CODE_MAX_RETRIES"] = "0";
        foreach (var name in (string[])
                 [
                     "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "DISABLE_AUTOUPDATER", "DISABLE_TELEMETRY", "DISABLE_ERROR_REPORTING",
                     "DISABLE_BUG_COMMAND",
                 ])
            env[name] = "1";
        // Only zwarm's two tools are allowed, by name: no permission bypass anywhere.
        var run = await RealClientProject.RunAsync(claude,
            ["-p", Prompt, "--mcp-config", configFile, "--strict-mcp-config", "--allowedTools", "mcp__zwarm__delegate",
             "mcp__zwarm__wait_for_sessions",
             "--output-format", "stream-json", "--verbose", "--model", "claude-sonnet-4-5"],
            p.Project, env, timeoutSeconds: 120);

        run.ExitCode.Should().Be(0, p.Diagnostics(run));
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var transcript = Transcript(lines);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", transcript));
        var calls = lines.Where(l => l["type"]?.GetValue<string>() == "assistant").SelectMany(l => l["message"]!["content"]!.AsArray())
            .Where(b => b!["type"]!.GetValue<string>() == "tool_use").Select(b => b!["name"]!.GetValue<string>());
        calls.Should().Equal(["mcp__zwarm__delegate", "mcp__zwarm__wait_for_sessions"], p.Diagnostics(run));
        lines.Where(l => l["type"]?.GetValue<string>() == "user").SelectMany(l => l["message"]!["content"]!.AsArray())
            .Should().OnlyContain(b => b!["is_error"] == null || !b["is_error"]!.GetValue<bool>(), p.Diagnostics(run));

        var session = (await p.SessionsAsync()).Should().ContainSingle().Subject!;
        session["status"]!.GetValue<string>().Should().Be("completed", p.Diagnostics(run));
        session["source"]!.GetValue<string>().Should().Be("mcp:claude-code");
        session["adapter"]!.GetValue<string>().Should().Be("codex");
        session["task"]!.GetValue<string>().Should().Be(SessionTask);
        var result = lines.Single(l => l["type"]?.GetValue<string>() == "result");
        result["result"]!.GetValue<string>().Should().Be($"Session {session["short_id"]!.GetValue<string>()} completed: {SessionReply}");
        p.Server.Requests.Where(r => r.Endpoint == Endpoint.Responses).Should().ContainSingle()
            .Which.LastUserPrompt.Should().Be(SessionTask);
        p.Server.Problems.Should().BeEmpty();
    }

    [Fact(Timeout = 150_000)]
    public async Task Real_codex_delegates_to_a_real_codex_session_through_zwarm_mcp_and_reports_its_reply()
    {
        await using var p = await RealClientProject.CreateAsync();
        var snippet = await p.ZwarmAsync("mcp", "--print-config", "codex", "--project", p.Project);
        snippet.ExitCode.Should().Be(0, snippet.Stderr);
        var clientHome = Path.Combine(p.Home, ".codex-client");
        Directory.CreateDirectory(clientHome);
        // The client's own codex home: its model is the scripted server too, and zwarm is its MCP server, as printed.
        // codex passes MCP servers only a few variables, so the sessions' codex home and key go in env; codex exec
        // waits for a `required` server before its first request; its tools may run without asking (the user's choice).
        // The client model is not in codex's catalogue, so codex offers the MCP tools directly instead of through tool_search.
        await File.WriteAllTextAsync(Path.Combine(clientHome, "config.toml"), $"""
            model = "zwarm-scripted-client"
            {p.CodexProvider()}

            {snippet.Stdout}
            env = {"{"} CODEX_HOME = "{p.CodexHome}", MOCK_KEY = "dummy-key" {"}"}
            required = true
            default_tools_approval_mode = "approve"
            """, TestEnv.Ct);

        // codex names an MCP server's tools within the namespace mcp__<server>.
        p.Server.Enqueue(
            Endpoint.Responses,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("delegate", DelegateArgs) with { Namespace = "mcp__zwarm" })
                with { When = "DELEGATE" });
        p.Server.Enqueue(
            Endpoint.Responses,
            ScriptedReply.ToolCalls(ScriptedToolCall.Function("wait_for_sessions", WaitArgs) with { Namespace = "mcp__zwarm" })
                with { When = "DELEGATE" });
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.Answer(FinalText) with { When = "DELEGATE" });
        p.Server.Enqueue(Endpoint.Responses, ScriptedReply.Answer(SessionReply) with { When = SessionTask });

        var env = p.Environment();
        env["CODEX_HOME"] = clientHome;
        var run = await RealClientProject.RunAsync(
            p.Codex, ["exec", "--json", "--skip-git-repo-check", "-C", p.Project, "--", Prompt], p.Project, env, timeoutSeconds: 120);

        run.ExitCode.Should().Be(0, p.Diagnostics(run));
        var items = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)
            .Where(e => e["type"]?.GetValue<string>() == "item.completed").Select(e => e["item"]!).ToList();
        var mcpCalls = items.Where(i => i["type"]!.GetValue<string>() == "mcp_tool_call").ToList();
        mcpCalls.Select(i => $"{i["server"]}/{i["tool"]}: {i["status"]}").Should()
            .Equal(["zwarm/delegate: completed", "zwarm/wait_for_sessions: completed"], p.Diagnostics(run));

        var session = (await p.SessionsAsync()).Should().ContainSingle().Subject!;
        session["status"]!.GetValue<string>().Should().Be("completed", p.Diagnostics(run));
        session["source"]!.GetValue<string>().Should().StartWith("mcp:codex");
        session["task"]!.GetValue<string>().Should().Be(SessionTask);
        items.Last(i => i["type"]!.GetValue<string>() == "agent_message")["text"]!.GetValue<string>()
            .Should().Be($"Session {session["short_id"]!.GetValue<string>()} completed: {SessionReply}");
        p.Server.Requests.Where(r => r.LastUserPrompt == SessionTask).Should().ContainSingle();
        p.Server.Problems.Should().BeEmpty();
    }

    /// <summary>The tool calls and results of a claude stream-json run, one line each.</summary>
    private static List<string> Transcript(IEnumerable<JsonNode> lines)
    {
        var t = new List<string>();
        foreach (var l in lines)
        {
            var type = l["type"]?.GetValue<string>();
            if (type is not ("assistant" or "user")) continue;
            foreach (var b in l["message"]?["content"] as JsonArray ?? [])
                switch (b!["type"]!.GetValue<string>())
                {
                    case "tool_use": t.Add($"→ {b["name"]} {b["input"]!.ToJsonString()}"); break;
                    case "tool_result":
                        t.Add($"← {Cut(b["content"] is JsonArray a
                            ? string.Concat(a.Select(x => x!["text"]?.GetValue<string>()))
                            : b["content"]!.ToString())}");
                        break;
                    case "text": t.Add($"claude: {b["text"]}"); break;
                }
        }
        return t;
    }

    private static string Cut(string s) => s.Length > 400 ? s[..400] + "…" : s;
}
