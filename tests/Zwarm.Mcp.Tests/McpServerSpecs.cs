using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using AwesomeAssertions;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Zwarm.Core.Sessions;
using Zwarm.Orchestration;
using Zwarm.Orchestration.Tools;
using Zwarm.TestSupport;

namespace Zwarm.Mcp.Tests;

/// <summary>zwarm mcp in process, driven by the SDK's own client: handshake, tools, resources, notifications.</summary>
public sealed class McpServerSpecs
{
    private static readonly string[] McpTools =
        ["delegate", "converse", "check_session", "peek_session", "get_trajectory", "list_sessions", "end_session", "wait_for_sessions"];

    [Fact(Timeout = 30_000)]
    public async Task Initialize_names_zwarm_and_offers_tools_and_subscribable_resources()
    {
        await using var w = await McpWorld.CreateAsync();

        w.Client.ServerInfo!.Name.Should().Be("zwarm");
        w.Client.ServerCapabilities.Tools.Should().NotBeNull();
        w.Client.ServerCapabilities.Resources!.Subscribe.Should().BeTrue();
        w.Client.ServerInstructions.Should().Contain("wait_for_sessions");
    }

    [Fact(Timeout = 30_000)]
    public async Task Tools_list_offers_the_orchestrators_session_tools_with_the_same_schemas_plus_wait_for_sessions()
    {
        await using var w = await McpWorld.CreateAsync();

        var tools = await w.Client.ListToolsAsync(cancellationToken: TestEnv.Ct);

        tools.Select(t => t.Name).Should().Equal(McpTools);
        var orchestrator = ToolCatalog.Declarations(OrchestratorMode.Pilot).Cast<AIFunctionDeclaration>().ToDictionary(d => d.Name);
        foreach (var t in tools.Where(t => t.Name != "wait_for_sessions"))
        {
            t.Description.Should().Be(orchestrator[t.Name].Description);
            JsonSerializer.Serialize(t.JsonSchema).Should()
                .Be(JsonSerializer.Serialize(orchestrator[t.Name].JsonSchema), "{0} is defined once", t.Name);
        }
        var delegateSchema = JsonNode.Parse(JsonSerializer.Serialize(tools.Single(t => t.Name == "delegate").JsonSchema))!;
        delegateSchema["required"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("task");
        delegateSchema["properties"]!.AsObject().Select(p => p.Key).Should().Contain(["task", "adapter", "model", "working_dir"]);
        var wait = JsonNode.Parse(JsonSerializer.Serialize(tools.Single(t => t.Name == "wait_for_sessions").JsonSchema))!;
        wait["properties"]!["session_ids"]!["type"]!.GetValue<string>().Should().Be("array");
        wait["properties"]!["timeout_seconds"]!["maximum"]!.GetValue<int>().Should().Be(300);
        wait["required"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("session_ids");
    }

    [Fact(Timeout = 60_000)]
    public async Task Delegate_starts_a_session_tagged_with_the_client_and_errors_are_tool_results_with_a_hint()
    {
        await using var w = await McpWorld.CreateAsync();

        var (ok, json) = await w.CallAsync("delegate", new { task = "reply=hello_from_fake" });
        ok.IsError.Should().NotBe(true);
        json["success"]!.GetValue<bool>().Should().BeTrue();
        var id = json["session_id"]!.GetValue<string>();
        var meta = await w.UntilFinishedAsync(id);
        meta.Source.Should().Be("mcp:spec-client");
        meta.Adapter.Should().Be("codex");
        meta.Messages.Last().Content.Should().Be("hello from fake");

        var (bad, error) = await w.CallAsync("delegate", new { task = "x", adapter = "nope" });
        bad.IsError.Should().BeTrue();
        error["success"]!.GetValue<bool>().Should().BeFalse();
        error["error"]!.GetValue<string>().Should().Be("unknown adapter 'nope'");
        error["hint"]!.GetValue<string>().Should().Contain("codex");

        var (outside, refused) = await w.CallAsync("delegate", new { task = "x", working_dir = "/" });
        outside.IsError.Should().BeTrue();
        refused["error"]!.GetValue<string>().Should().Contain("outside the allowed directories");

        var (missing, noTask) = await w.CallAsync("delegate", new { });
        missing.IsError.Should().BeTrue();
        noTask["error"]!.GetValue<string>().Should().Be("missing argument 'task'");

        var (unknown, what) = await w.CallAsync("sleep", new { seconds = 5 });
        unknown.IsError.Should().BeTrue("sleep is the orchestrator's; MCP clients get wait_for_sessions");
        what["hint"]!.GetValue<string>().Should().Contain("wait_for_sessions");
        (await w.Manager.ListAsync(TestEnv.Ct)).Should().ContainSingle("refused calls start nothing");
    }

    [Fact(Timeout = 60_000)]
    public async Task Delegate_keeps_to_the_pool_of_the_client()
    {
        await using var w = await McpWorld.CreateAsync("[orchestrator]\nparallel_delegations = 1");
        await w.DelegateAsync("sleep=forever");

        var (full, json) = await w.CallAsync("delegate", new { task = "reply=second" });

        full.IsError.Should().BeTrue();
        json["error"]!.GetValue<string>().Should().StartWith("pool full: 1 of your sessions are running");
        json["hint"]!.GetValue<string>().Should().NotBeNullOrEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task Wait_for_sessions_reports_progress_and_returns_as_soon_as_they_finish()
    {
        await using var w = await McpWorld.CreateAsync();
        // The session runs until the test opens its gate, after the first progress report.
        await using var gate = new AgentGate(w.Dir);
        var id = await w.DelegateAsync($"{gate.Prompt} reply=done_waiting");
        var progress = new ConcurrentQueue<ProgressNotificationValue>();

        var started = DateTime.UtcNow;
        var call = w.CallAsync(
            "wait_for_sessions", new { session_ids = new[] { id[..8] }, timeout_seconds = 60 }, new SyncProgress(progress.Enqueue));
        (await Eventually.HoldsAsync(() => !progress.IsEmpty, TimeSpan.FromSeconds(30), TestEnv.Ct)).Should().BeTrue();
        call.IsCompleted.Should().BeFalse("the session is still running");
        await gate.WriteAsync(TestEnv.Ct);
        await gate.CloseAsync();
        var (result, json) = await call;

        result.IsError.Should().NotBe(true, json.ToJsonString());
        (DateTime.UtcNow - started).Should()
            .BeLessThan(TimeSpan.FromSeconds(30), "it returns when the session finishes, not at the timeout");
        json["timed_out"]!.GetValue<bool>().Should().BeFalse();
        json["finished"]!.GetValue<int>().Should().Be(1);
        var s = json["sessions"]!.AsArray().Single()!;
        s["session_id"]!.GetValue<string>().Should().Be(id);
        s["status"]!.GetValue<string>().Should().Be("completed");
        s["reply_preview"]!.GetValue<string>().Should().Be("done waiting");
        progress.Should().NotBeEmpty();
        progress.First().Message.Should().Contain("0 of 1 finished").And.Contain(id[..8]);
        progress.First().Total.Should().Be(60);

        var (timeout, late) = await w.CallAsync("wait_for_sessions", new { session_ids = new[] { id }, timeout_seconds = 301 });
        timeout.IsError.Should().BeTrue();
        late["error"]!.GetValue<string>().Should().Be("timeout_seconds must be between 1 and 300, got 301");
        var (unknown, none) = await w.CallAsync("wait_for_sessions", new { session_ids = new[] { "deadbeef" } });
        unknown.IsError.Should().BeTrue();
        none["hint"]!.GetValue<string>().Should().Contain("list_sessions");
        var (empty, nothing) = await w.CallAsync("wait_for_sessions", new { session_ids = Array.Empty<string>() });
        empty.IsError.Should().BeTrue();
        nothing["error"]!.GetValue<string>().Should().Be("missing argument 'session_ids'");
    }

    [Fact(Timeout = 60_000)]
    public async Task Wait_for_sessions_times_out_while_they_run_and_any_returns_at_the_first()
    {
        await using var w = await McpWorld.CreateAsync();
        var slow = await w.DelegateAsync("sleep=forever");
        var fast = await w.DelegateAsync("reply=quick");

        var (_, any) = await w.CallAsync("wait_for_sessions", new { session_ids = new[] { slow, fast }, any = true, timeout_seconds = 30 });
        any["timed_out"]!.GetValue<bool>().Should().BeFalse();
        any["finished"]!.GetValue<int>().Should().Be(1);
        any["running"]!.GetValue<int>().Should().Be(1);

        var (_, timedOut) = await w.CallAsync("wait_for_sessions", new { session_ids = new[] { slow }, timeout_seconds = 1 });
        timedOut["timed_out"]!.GetValue<bool>().Should().BeTrue();
        timedOut["sessions"]![0]!["status"]!.GetValue<string>().Should().Be("running");
    }

    [Fact(Timeout = 60_000)]
    public async Task Check_peek_trajectory_and_list_read_sessions_and_refuse_unknown_ids()
    {
        await using var w = await McpWorld.CreateAsync();
        var id = await w.DelegateAsync("reply=all_good");
        await w.UntilFinishedAsync(id);

        var (_, listed) = await w.CallAsync("list_sessions");
        listed["count"]!.GetValue<int>().Should().Be(1);
        listed["sessions"]![0]!["mine"]!.GetValue<bool>().Should().BeTrue();
        listed["sessions"]![0]!["needs_attention"]!.GetValue<bool>().Should().BeTrue();

        var (_, check) = await w.CallAsync("check_session", new { session_id = id[..8] });
        check["last_reply"]!.GetValue<string>().Should().Be("all good");
        check["status"]!.GetValue<string>().Should().Be("completed");
        (await w.CallAsync("list_sessions")).Json["needs_attention"]!.GetValue<int>().Should().Be(0, "check_session read it");

        var (_, peek) = await w.CallAsync("peek_session", new { session_id = id });
        peek["reply_preview"]!.GetValue<string>().Should().Be("all good");
        var (_, traj) = await w.CallAsync("get_trajectory", new { session_id = id, full = true });
        traj["steps"]!.AsArray().Should().Contain(s => s!["kind"]!.GetValue<string>() == "message");

        foreach (var tool in new[] { "check_session", "peek_session", "get_trajectory", "converse", "end_session" })
        {
            var (r, e) = await w.CallAsync(tool, new { session_id = "0000aaaa", message = "hi" });
            r.IsError.Should().BeTrue(tool);
            e["hint"]!.GetValue<string>().Should().Contain("list_sessions", tool);
        }
        var (badStatus, status) = await w.CallAsync("list_sessions", new { status = "sleeping" });
        badStatus.IsError.Should().BeTrue();
        status["error"]!.GetValue<string>().Should().Be("unknown status 'sleeping'");
    }

    [Fact(Timeout = 60_000)]
    public async Task Converse_continues_a_finished_session_and_end_session_stops_only_the_clients_own()
    {
        await using var w = await McpWorld.CreateAsync();
        var id = await w.DelegateAsync("reply=first");
        await w.UntilFinishedAsync(id);

        var (ok, sent) = await w.CallAsync("converse", new { session_id = id, message = "sleep=forever" });
        ok.IsError.Should().NotBe(true, sent.ToJsonString());
        sent["turn"]!.GetValue<int>().Should().Be(2);
        var (busy, refused) = await w.CallAsync("converse", new { session_id = id, message = "reply=again" });
        busy.IsError.Should().BeTrue();
        refused["error"]!.GetValue<string>().Should().Contain("is still running");

        var (_, ended) = await w.CallAsync("end_session", new { session_id = id, reason = "done" });
        ended["killed"]!.GetValue<bool>().Should().BeTrue();
        (await w.Manager.GetAsync(id, TestEnv.Ct)).Status.Should().Be(SessionStatus.Killed);

        var other = await w.Manager.StartAsync(new Zwarm.Core.Lifecycle.StartRequest("reply=not_yours"), TestEnv.Ct);
        var (foreign, no) = await w.CallAsync("end_session", new { session_id = other.Id });
        foreign.IsError.Should().BeTrue();
        no["error"]!.GetValue<string>().Should().Be($"session {other.ShortId} was not started by this client (source user)");
    }

    [Fact(Timeout = 60_000)]
    public async Task Resources_list_and_read_the_sessions_as_ls_and_show_print_them()
    {
        await using var w = await McpWorld.CreateAsync();
        var id = await w.DelegateAsync("reply=resource_reply");
        await w.UntilFinishedAsync(id);

        var resources = await w.Client.ListResourcesAsync(cancellationToken: TestEnv.Ct);
        resources.Select(r => r.Uri).Should().Equal("zwarm://sessions", $"zwarm://sessions/{id}");
        var templates = await w.Client.ListResourceTemplatesAsync(cancellationToken: TestEnv.Ct);
        templates.Single().UriTemplate.Should().Be("zwarm://sessions/{id}");

        var list = JsonNode.Parse(Text(await w.Client.ReadResourceAsync("zwarm://sessions", cancellationToken: TestEnv.Ct)))!.AsArray();
        list.Single()!["id"]!.GetValue<string>().Should().Be(id);
        list.Single()!["short_id"]!.GetValue<string>().Should().Be(id[..8]);
        list.Single()!["source"]!.GetValue<string>().Should().Be("mcp:spec-client");
        list.Single()!.AsObject().ContainsKey("messages").Should().BeFalse();

        var one = JsonNode.Parse(Text(await w.Client.ReadResourceAsync($"zwarm://sessions/{id[..8]}", cancellationToken: TestEnv.Ct)))!;
        one["status"]!.GetValue<string>().Should().Be("completed");
        one["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()).Should().Equal("reply=resource_reply", "resource reply");

        var missing = async () => await w.Client.ReadResourceAsync("zwarm://sessions/0000aaaa", cancellationToken: TestEnv.Ct);
        (await missing.Should().ThrowAsync<McpException>()).Which.Message.Should().Contain("0000aaaa");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_subscribed_session_sends_resources_updated_when_its_status_changes()
    {
        await using var w = await McpWorld.CreateAsync();
        var id = await w.DelegateAsync("sleep=forever");
        var uri = $"zwarm://sessions/{id}";
        var updated = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await w.Client.SubscribeToResourceAsync(uri, (n, _) =>
        {
            updated.TrySetResult(n.Uri);
            return ValueTask.CompletedTask;
        }, cancellationToken: TestEnv.Ct);

        await w.CallAsync("end_session", new { session_id = id });

        (await updated.Task.WaitAsync(TimeSpan.FromSeconds(20), TestEnv.Ct)).Should().Be(uri);
    }

    private static string Text(ReadResourceResult r) => r.Contents.OfType<TextResourceContents>().Single().Text;

    private sealed class SyncProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
