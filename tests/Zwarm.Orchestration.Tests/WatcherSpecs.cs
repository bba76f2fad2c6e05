using AwesomeAssertions;
using Zwarm.Orchestration.State;
using Zwarm.ScriptedModel;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

public sealed class WatcherSpecs
{
    private static List<string> Watchers(RecordedRequest r)
        => [.. Messages(r).Where(m => m.Content.StartsWith("[WATCHER:", StringComparison.Ordinal)).Select(m => m.Content)];

    [Fact(Timeout = 60_000)]
    public async Task Repeated_identical_calls_bring_a_progress_nudge_in_the_next_request()
    {
        await using var w = await World.CreateAsync();
        w.Chat(One("list_sessions"), One("list_sessions"), One("list_sessions"), One("exit", """{"summary":"ok"}"""));

        var result = await w.OrchestrateAsync("Repeat");

        result.Status.Should().Be("completed");
        Watchers(w.ChatRequests[2]).Should().BeEmpty();
        var nudge = Watchers(w.ChatRequests[3]).Should().ContainSingle().Subject;
        nudge.Should().StartWith("[WATCHER: progress] You called list_sessions with the same arguments 3 times in a row");
        Messages(w.ChatRequests[3]).Last().Role.Should().Be("user");
        w.Output.ToString().Should().Contain("⚑ [WATCHER: progress] nudge:");
        var events = await InstanceState.ReadEventsAsync(
            Path.Combine(w.ZwarmDir, "instances", result.InstanceId, "events.jsonl"), TestEnv.Ct);
        events.Should().Contain(e => e["kind"]!.GetValue<string>() == "watcher" && e["watcher"]!.GetValue<string>() == "progress");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_pattern_with_action_abort_stops_the_run_before_the_next_call()
    {
        await using var w = await World.CreateAsync(extraToml: """
            [[watchers.watchers]]
            name = "pattern"
            config = { patterns = [{ regex = "drop\\s+table", action = "abort", message = "destructive SQL" }] }
            """);
        w.Chat(
            ScriptedReply.ToolCalls(Call("list_sessions")) with { Preamble = "Next I will DROP TABLE users." },
            One("exit", """{"summary":"never"}"""));

        var result = await w.OrchestrateAsync("Clean the database");

        result.Status.Should().Be("aborted");
        result.ExitCode.Should().Be(1);
        w.ChatRequests.Should().HaveCount(1);
        w.Output.ToString().Should().Contain("[WATCHER: pattern] abort: destructive SQL")
            .And.Contain("✗ aborted: aborted by watcher pattern: destructive SQL");
        var record = await new InstanceRegistry(w.ZwarmDir).ResolveAsync(result.InstanceId, TestEnv.Ct);
        record.Status.Should().Be("aborted");
        record.Error.Should().Contain("destructive SQL");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_pattern_with_action_pause_pauses_and_can_be_resumed()
    {
        await using var w = await World.CreateAsync(extraToml: """
            [[watchers.watchers]]
            name = "pattern"
            config = { regex = "ask the user", action = "pause" }
            """);
        w.Chat(ScriptedReply.ToolCalls(Call("list_sessions")) with { Preamble = "I need to ask the user." });

        var paused = await w.OrchestrateAsync("Unclear task");
        w.Chat(One("exit", """{"summary":"resolved"}"""));
        var resumed = await w.OrchestrateAsync("the answer is 42", resume: true, instance: paused.InstanceId);

        paused.Status.Should().Be("paused");
        paused.ExitCode.Should().Be(3);
        resumed.Status.Should().Be("completed");
        Messages(w.ChatRequests[^1]).Last().Content.Should().Contain("the answer is 42");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_budget_watcher_warns_at_80_percent_of_the_steps()
    {
        await using var w = await World.CreateAsync();
        w.Chat(
            One("list_sessions"), One("list_sessions", """{"status":"running"}"""), One("list_sessions", """{"status":"failed"}"""),
            One("list_sessions", """{"status":"killed"}"""), One("exit", """{"summary":"in budget"}"""));

        var result = await w.OrchestrateAsync("Count", maxSteps: 5);

        result.Status.Should().Be("completed");
        Watchers(w.ChatRequests[3]).Should().BeEmpty();
        Watchers(w.ChatRequests[4]).Should().ContainSingle().Which.Should().StartWith("[WATCHER: budget] Budget: step 5 of 5 (80% used)");
    }

    [Fact(Timeout = 60_000)]
    public async Task Bash_that_writes_code_brings_a_delegation_nudge_and_watchers_can_be_turned_off()
    {
        await using var w = await World.CreateAsync(extraToml: """
            [[watchers.watchers]]
            name = "progress"
            enabled = false
            """);
        w.Chat(
            One("bash", """{"command":"cat > app.py <<EOF\nprint(1)\nEOF"}"""),
            One("list_sessions"), One("list_sessions"), One("list_sessions"),
            One("exit", """{"summary":"ok"}"""));

        await w.OrchestrateAsync("Write code");

        Watchers(w.ChatRequests[1]).Should().ContainSingle().Which.Should().StartWith("[WATCHER: delegation] bash at step 1 writes files");
        w.ChatRequests.SelectMany(Watchers).Should().NotContain(m => m.StartsWith("[WATCHER: progress]", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_watcher_name_is_a_clear_error_before_anything_runs()
    {
        await using var w = await World.CreateAsync(extraToml: """
            [[watchers.watchers]]
            name = "vibes"
            """);

        var act = () => w.OrchestrateAsync("Anything");

        (await act.Should().ThrowAsync<Zwarm.Core.ZwarmException>()).WithMessage("*unknown watcher 'vibes'*");
        File.Exists(Path.Combine(w.ZwarmDir, "instances.json")).Should().BeFalse();
        w.ChatRequests.Should().BeEmpty();
    }
}

public sealed class MoreWatcherSpecs
{
    private static List<string> Watchers(RecordedRequest r)
        => [.. Messages(r).Where(m => m.Content.StartsWith("[WATCHER:", StringComparison.Ordinal)).Select(m => m.Content)];

    [Fact(Timeout = 60_000)]
    public async Task Quality_notices_many_changed_files_and_code_without_tests()
    {
        await using var w = await World.CreateAsync(extraToml: """
            [[watchers.watchers]]
            name = "quality"
            config = { max_files_changed = 1 }
            """);
        var transcript = Path.Combine(w.Dir, "changes.jsonl");
        await File.WriteAllLinesAsync(transcript, [
            """{"type":"thread.started","thread_id":"t-1"}""",
            """{"type":"item.completed","item":{"id":"i0","type":"file_change","changes":[{"path":"src/app.py","kind":"add"},{"path":"src/lib.py","kind":"update"}],"status":"completed"}}""",
            """{"type":"item.completed","item":{"id":"i1","type":"agent_message","text":"Wrote the code."}}""",
            """{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":5}}""",
        ], TestEnv.Ct);
        w.Chat(One("delegate", $$"""{"task":"replay={{transcript}}"}"""), One("sleep", """{"seconds":20}"""),
            One("list_sessions"), One("list_sessions", """{"status":"completed"}"""), One("exit", """{"summary":"ok"}"""));

        await w.OrchestrateAsync("Write code");

        var nudges = Watchers(w.ChatRequests[^1]).Where(m => m.StartsWith("[WATCHER: quality]", StringComparison.Ordinal)).ToList();
        nudges.Should().HaveCount(2);
        nudges[0].Should().Contain("changed 2 files (more than 1)");
        nudges[1].Should().Contain("Code changed (app.py, lib.py) but no test file did");
    }

    [Fact(Timeout = 60_000)]
    public async Task Delegation_reminder_and_scope_speak_up()
    {
        await using var w = await World.CreateAsync(extraToml: """
            [[watchers.watchers]]
            name = "scope"
            config = { forbidden = ["\\bprod(uction)?\\b"] }
            """);
        w.Chat(
            One("bash", """{"command":"ls"}"""), One("bash", """{"command":"pwd"}"""), One("bash", """{"command":"date"}"""),
            One("bash", """{"command":"whoami"}"""), One("bash", """{"command":"uname"}"""),
            One("delegate", """{"task":"reply=deploy_it to prod now"}"""), One("exit", """{"summary":"ok"}"""));

        await w.OrchestrateAsync("Investigate");

        Watchers(w.ChatRequests[5]).Should().ContainSingle().Which.Should()
            .StartWith("[WATCHER: delegation_reminder] 5 tool calls without delegating, mostly bash");
        Watchers(w.ChatRequests[6]).Except(Watchers(w.ChatRequests[5])).Should().ContainSingle().Which.Should()
            .StartWith("[WATCHER: scope] delegate at step 6 touches something out of scope");
    }
}
