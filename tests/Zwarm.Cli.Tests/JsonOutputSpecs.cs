using AwesomeAssertions;
using Snapshooter.Xunit3;
using Zwarm.Cli.Commands;
using Zwarm.Cli.Json;
using Zwarm.Cli.Rendering;
using Zwarm.Cli.Tests.Infra;
using Zwarm.Core.Hosts;
using Zwarm.Core.Isolation;
using Zwarm.Core.Lifecycle;

namespace Zwarm.Cli.Tests;

/// <summary>
/// The exact bytes of every --json output (indentation, key order, nulls, escaping), compared as text with expectation
/// files (__snapshots__/): the contracts and the one writer (Rendering/JsonOut) must print what the JsonNode trees printed.
/// The store is the hand-made one plus a review with text that needs escaping (non-ASCII, HTML characters, a control
/// character), orchestrator events and an instance.
/// </summary>
public sealed class JsonOutputSpecs : IAsyncDisposable
{
    private const string Review = "abf00000-0000-4000-8000-000000000005";
    private const string Awkward = "naïve “quotes” <b>&amp;</b> it's 1+1 \\ \u001b[31m ✓ 日本";
    private readonly HandmadeStore store = new();

    public JsonOutputSpecs()
    {
        var sessions = store.Project.SessionsDir;
        Directory.CreateDirectory(Path.Combine(sessions, Review, "turns"));
        var awkward = System.Text.Json.JsonSerializer.Serialize(Awkward, Zwarm.Core.Sessions.SessionJsonContext.Default.String);
        File.WriteAllText(Path.Combine(sessions, Review, "meta.json"), $$$"""
            {"id": "{{{Review}}}", "task": {{{awkward}}}, "status": "completed", "working_dir": "/tmp",
             "created_at": "2026-01-01T00:02:00+00:00", "updated_at": "2026-01-01T00:03:00+00:00", "pid": null, "exit_code": 0,
             "model": "gpt-5.1-codex-mini", "turn": 1,
             "messages": [{"role": "user", "content": "review it", "timestamp": "2026-01-01T00:02:00+00:00", "metadata": {"turn": 1}},
                          {"role": "assistant", "content": {{{awkward}}}, "timestamp": "2026-01-01T00:03:00+00:00",
                           "metadata": {"turn": 1}}],
             "token_usage": {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}, "error": null, "source": "user",
             "adapter": "codex", "review_of": "{{{HandmadeStore.Python}}}"}
            """);
        var zwarm = Path.Combine(store.Project.Dir, ".zwarm");
        File.WriteAllText(Path.Combine(zwarm, "events.jsonl"),
            """{"ts":"2026-01-01T00:01:00+00:00","event":"completed","session_id":"abc01111-0000-4000-8000-000000000001"}""" + "\n" +
            $$"""{"ts":"2026-01-01T00:03:00+00:00","event":"failed","short_id":"abc02222","reason":{{awkward}},"n":1.50}""" + "\n");
        File.WriteAllText(Path.Combine(zwarm, "instances.json"), $$$"""
            {"version": 1, "instances": {"0a1b2c3d": {"id": "0a1b2c3d", "name": "night", "kind": "pilot", "status": "completed",
             "task": {{{awkward}}}, "model": "gpt-5.1", "created_at": "2026-01-01T00:00:00+00:00",
             "updated_at": "2026-01-01T00:04:00+01:00", "pid": null, "steps": 3, "turns": 2, "summary": null, "error": "it's <done>"} } }
            """);
        Directory.CreateDirectory(Path.Combine(zwarm, "instances", "0a1b2c3d"));
        File.WriteAllText(Path.Combine(zwarm, "instances", "0a1b2c3d", "events.jsonl"),
            $$"""{"ts":"2026-01-01T00:00:01+00:00","kind":"run_started","mode":"pilot","model":"gpt-5.1","task":{{awkward}}}""" + "\n" +
            """{"ts":"2026-01-01T00:00:02+00:00","kind":"tool_call","step":1,"tool":"spawn","success":false,"result":"a < b"}""" + "\n");
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => store.DisposeAsync();

    /// <summary>
    /// Compares with the expectation file character for character (Snapshooter alone compares JSON by value: key order,
    /// escaping and indentation would pass unnoticed); a missing file is written by Snapshooter.
    /// </summary>
    private static void Exact(string actual, [System.Runtime.CompilerServices.CallerMemberName] string name = "",
        [System.Runtime.CompilerServices.CallerFilePath] string file = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(file)!, "__snapshots__", $"{nameof(JsonOutputSpecs)}.{name}.snap");
        if (File.Exists(path)) actual.Should().Be(File.ReadAllText(path), $"{path} holds the exact output");
        else Snapshot.Match(actual);
    }

    private async Task<string> JsonAsync(params string[] args)
    {
        var r = await store.RunAtNowAsync(TestContext.Current.CancellationToken, [.. args, "--json"]);
        r.Stdout.Should().NotBeEmpty(r.ToString());
        return r.Stdout;
    }

    [Fact(Timeout = 60000)]
    public async Task Show_json_bytes() => Exact(await JsonAsync("show", "abd"));

    [Fact(Timeout = 60000)]
    public async Task Show_json_of_a_review_bytes() => Exact(await JsonAsync("show", "abf"));

    [Fact(Timeout = 60000)]
    public async Task Peek_json_bytes() => Exact(await JsonAsync("peek", "abf"));

    [Fact(Timeout = 60000)]
    public async Task Traj_json_bytes() => Exact(await JsonAsync("traj", "abd"));

    [Fact(Timeout = 60000)]
    public async Task Ls_json_bytes() => Exact(await JsonAsync("ls", "--all"));

    [Fact(Timeout = 60000)]
    public async Task Ls_attention_json_bytes() => Exact(await JsonAsync("ls", "--attention"));

    [Fact(Timeout = 60000)]
    public async Task Status_json_bytes() => Exact(await JsonAsync("status"));

    [Fact(Timeout = 60000)]
    public async Task Status_json_without_a_store_bytes()
    {
        var empty = Path.Combine(store.Project.Dir, "empty");
        Directory.CreateDirectory(empty);
        Exact(await JsonAsync("status", "-w", empty));
    }

    [Fact(Timeout = 60000)]
    public async Task Wait_json_bytes() => Exact(await JsonAsync("wait", "abd", "abf"));

    [Fact(Timeout = 60000)]
    public async Task Kill_json_bytes() => Exact(await JsonAsync("kill", "abf"));

    [Fact(Timeout = 60000)]
    public async Task Rm_json_bytes() => Exact(await JsonAsync("rm", "--force", "abf", HandmadeStore.Corrupt[..8]));

    [Fact(Timeout = 60000)]
    public async Task Clean_json_bytes() => Exact(await JsonAsync("clean", "--keep-days", "0", "--dry-run"));

    [Fact(Timeout = 60000)]
    public async Task Models_json_bytes() => Exact(await JsonAsync("models"));

    [Fact(Timeout = 60000)]
    public async Task Instances_json_bytes() => Exact(await JsonAsync("instances", "--all"));

    [Fact(Timeout = 60000)]
    public async Task History_json_bytes() => Exact(await JsonAsync("history"));

    [Fact(Timeout = 60000)]
    public async Task Conflicts_json_bytes() => Exact(await JsonAsync("conflicts"));

    [Fact(Timeout = 60000)]
    public async Task Watch_json_lines_of_a_finished_session_bytes() => Exact(await JsonAsync("watch", "abf"));

    [Fact(Timeout = 60000)]
    public async Task Configs_list_json_bytes() => Exact(await JsonAsync("configs", "list"));

    [Fact(Timeout = 60000)]
    public async Task Hosts_json_without_hosts_bytes() => Exact(await JsonAsync("hosts"));

    private static readonly FileConflict[] SomeConflicts =
    [
        new("/repo", "src/a.cs", ["abc01111", "abc02222"], false),
        new("/repo", "naïve <x>.md", ["abc01111"], true, "main"),
    ];

    [Fact]
    public void Conflicts_of_sessions_bytes()
    {
        var w = new StringWriter();
        JsonOut.Write(w, ConflictsCommand.ToJson(SomeConflicts), CliJsonContext.Default.ListConflictJson);
        Exact(w.ToString());
    }

    [Fact]
    public void Diff_json_bytes()
    {
        var diff = new DiffResult("0123abc", "4567def", [new("a.cs", 3, 1), new("logo.png", 0, 0, true), new("naïve <x>.md", 1, 0)],
            "diff --git a/a.cs b/a.cs\n+é & <b>\n");
        var w = new StringWriter();
        JsonOut.Write(w, DiffCommand.ToJson(HandmadeStore.A, "zwarm/abc01111", null, diff), CliJsonContext.Default.DiffJson);
        JsonOut.Write(w, DiffCommand.ToJson(HandmadeStore.A, "zwarm/abc01111", 2, diff with { Files = [] }),
            CliJsonContext.Default.DiffJson);
        Exact(w.ToString());
    }

    [Fact]
    public void Merge_json_bytes()
    {
        var meta = new Zwarm.Core.Sessions.SessionMeta
        {
            Id = HandmadeStore.A,
            Worktree = new Zwarm.Core.Sessions.WorktreeInfo { Path = "/wt", Branch = "zwarm/abc01111", BaseCommit = "0123" },
        };
        var w = new StringWriter();
        JsonOut.Write(w, MergeCommand.ToJson(
            new MergeResult(meta, new MergeOutcome("main", "89ab", ["a.cs", "naïve <x>.md"], []), SomeConflicts), MergeStrategy.Squash),
            CliJsonContext.Default.MergeJson);
        JsonOut.Write(w, MergeCommand.ToJson(
            new MergeResult(meta, new MergeOutcome("main", null, [], ["a.cs"]), []), MergeStrategy.Rebase),
            CliJsonContext.Default.MergeJson);
        Exact(w.ToString());
    }

    [Fact]
    public void Hosts_json_bytes()
    {
        var up = new HostStatus(new HostConfig("h1", "root@127.0.0.2") { Port = 2222, MaxRunning = 2 }, null, 0.25,
            new Dictionary<string, string?> { ["codex"] = "0.169.0", ["claude"] = null }, 1) { Reachable = true };
        var down = new HostStatus(new HostConfig("h2", "me@there"), "ssh: <refused> ü", null, new Dictionary<string, string?>(), 0);
        var w = new StringWriter();
        JsonOut.Write(w, [HostsCommand.ToJson(up), HostsCommand.ToJson(down)], CliJsonContext.Default.ListHostJson);
        Exact(w.ToString());
    }

    private static readonly Zwarm.Core.Agents.TrajectoryStep[] Steps =
    [
        new(Zwarm.Core.Agents.StepKind.Reasoning, "thinking <hard> é") { Turn = 1 },
        new(Zwarm.Core.Agents.StepKind.Command, "")
        {
            Turn = 1, Command = "ls -la", Output = string.Join("\n", Enumerable.Range(1, 30).Select(i => $"line {i}")), ExitCode = 2,
        },
        new(Zwarm.Core.Agents.StepKind.Command, "echo") { Turn = 1, Command = "echo hi", Output = "hi\n", ExitCode = 0 },
        new(Zwarm.Core.Agents.StepKind.ToolCall, "{\"q\": 1}") { Turn = 2, ToolName = "search", CallId = "c1" },
        new(Zwarm.Core.Agents.StepKind.ToolOutput, "") { Turn = 2, ToolName = "search", CallId = "c1", Output = "found", IsError = true },
        new(Zwarm.Core.Agents.StepKind.FileChange, "") { Turn = 2, Path = "a.cs", ChangeKind = "update" },
        new(Zwarm.Core.Agents.StepKind.Message, "done ✓") { Turn = 2 },
    ];

    [Fact]
    public void Steps_json_bytes()
    {
        var w = new StringWriter();
        var list = CliJsonContext.Default.IReadOnlyListStepWire;
        JsonOut.Write(w, [.. Steps.Select((s, i) => StepView.ToWire(i + 1, s, false))], list);
        JsonOut.Write(w, [.. Steps.Select((s, i) => StepView.ToWire(i + 1, s, true))], list);
        JsonOut.Write(w, [.. Steps.Select(s => Zwarm.Core.Agents.StepJson.ToWire(s))], list);
        Exact(w.ToString());
    }
}
