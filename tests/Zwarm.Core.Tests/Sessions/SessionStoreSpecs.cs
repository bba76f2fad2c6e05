using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Sessions;

public sealed class SessionStoreSpecs
{
    private const string PythonMeta = """
        {
          "id": "3f2b8c1e-5a6d-4e7f-9a0b-1c2d3e4f5a6b",
          "task": "Add a README",
          "status": "completed",
          "working_dir": "/home/me/project",
          "created_at": "2025-01-15T10:30:00.123456",
          "updated_at": "2025-01-15T10:32:10.654321",
          "pid": 4242,
          "exit_code": 0,
          "model": "gpt-5.1-codex-mini",
          "turn": 1,
          "messages": [
            {"role": "user", "content": "Add a README", "timestamp": "2025-01-15T10:30:00.123456", "metadata": {}},
            {"role": "assistant", "content": "Done: README.md written.", "timestamp": "2025-01-15T10:32:10.000001", "metadata": {"kind": "reply"}},
            {"role": "tool", "content": "$ cat README.md", "timestamp": "2025-01-15T10:31:00", "metadata": {}}
          ],
          "token_usage": {"input_tokens": 1200, "output_tokens": 300, "total_tokens": 1500, "cached_input_tokens": 64},
          "error": null,
          "source": "orchestrator:abc",
          "adapter": "codex",
          "python_only_field": {"nested": [1, 2, 3]}
        }
        """;

    private static async Task<(TempDir Dir, FileSessionStore Store)> StoreWith(params (string Id, string Json)[] sessions)
    {
        var dir = new TempDir();
        var store = new FileSessionStore(dir.Zwarm);
        foreach (var (id, json) in sessions)
        {
            Directory.CreateDirectory(Path.Combine(store.SessionsDir, id));
            await File.WriteAllTextAsync(Path.Combine(store.SessionsDir, id, "meta.json"), json);
        }
        return (dir, store);
    }

    private static string Meta(string id, string created = "2025-01-01T00:00:00") =>
        $$"""{"id":"{{id}}","task":"t","status":"completed","working_dir":"/w","created_at":"{{created}}","updated_at":"{{created}}","pid":null,"exit_code":0,"model":"m","turn":1,"messages":[],"token_usage":{},"error":null,"source":"user","adapter":"codex"}""";

    [Fact(Timeout = 30_000)]
    public async Task Settling_on_a_session_waits_for_what_its_writer_does_under_the_lock()
    {
        const string id = "3f2b8c1e-5a6d-4e7f-9a0b-1c2d3e4f5a6b";
        var (dir, store) = await StoreWith((id, Meta(id)));
        using var _ = dir;
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var ct = TestContext.Current.CancellationToken;

        var writer = Task.Run(() => store.UpdateAsync(id, m => { m.Task = "changed"; return true; }, m =>
        {
            entered.Set();
            release.Wait(ct);
            order.Enqueue("event written");
        }, ct), ct);
        entered.Wait(ct);
        var settled = store.SettledAsync(id, ct).ContinueWith(_ => order.Enqueue("settled"), ct,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        // meta.json already says "changed"; a reader that settles must still wait for the writer to finish.
        (await store.GetAsync(id, ct)).Task.Should().Be("changed");
        (await Task.WhenAny(settled, Task.Delay(500, ct))).Should().NotBe(settled, "the writer still holds the lock");
        release.Set();
        await writer;
        await settled;

        order.Should().Equal("event written", "settled");
    }

    [Fact]
    public async Task A_meta_json_written_by_Python_zwarm_loads_with_every_field()
    {
        var (dir, store) = await StoreWith(("3f2b8c1e-5a6d-4e7f-9a0b-1c2d3e4f5a6b", PythonMeta));
        using var _ = dir;

        var m = await store.GetAsync("3f2b8c1e");

        m.Task.Should().Be("Add a README");
        m.Status.Should().Be(SessionStatus.Completed);
        m.WorkingDir.Should().Be("/home/me/project");
        m.CreatedAt.Should().Be(new DateTimeOffset(new DateTime(2025, 1, 15, 10, 30, 0, DateTimeKind.Local).AddTicks(1234560)));
        m.Pid.Should().Be(4242);
        m.ExitCode.Should().Be(0);
        m.Model.Should().Be("gpt-5.1-codex-mini");
        m.Messages.Select(x => x.Role).Should().Equal("user", "assistant", "tool");
        m.Messages[1].Metadata["kind"].GetString().Should().Be("reply");
        m.TokenUsage["total_tokens"].Should().Be(1500);
        m.Source.Should().Be("orchestrator:abc");
        m.Adapter.Should().Be("codex");
    }

    [Fact]
    public async Task Unknown_fields_survive_a_read_modify_write()
    {
        var id = "3f2b8c1e-5a6d-4e7f-9a0b-1c2d3e4f5a6b";
        var (dir, store) = await StoreWith((id, PythonMeta));
        using var _ = dir;

        await store.UpdateAsync(id, m => { m.Turn = 2; return true; });

        var json = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(store.SessionsDir, id, "meta.json")))!.AsObject();
        json["turn"]!.GetValue<int>().Should().Be(2);
        json["python_only_field"]!.ToJsonString().Should().Be("""{"nested":[1,2,3]}""");
        json["source"]!.GetValue<string>().Should().Be("orchestrator:abc");
        json["messages"]!.AsArray().Should().HaveCount(3);
        json.Select(kv => kv.Key).Should().Contain(
        [
            "id", "task", "status", "working_dir", "created_at", "updated_at", "pid", "exit_code", "model", "turn", "messages",
            "token_usage", "error", "source", "adapter",
        ]);
        (await File.ReadAllTextAsync(Path.Combine(store.SessionsDir, id, "meta.json"))).Should()
            .Contain("\n  \"task\"", "meta.json is indented by 2");
    }

    [Fact]
    public async Task A_unique_prefix_resolves_and_an_ambiguous_one_names_the_candidates()
    {
        var a = "abcd1111-0000-4000-8000-000000000001";
        var b = "abcd2222-0000-4000-8000-000000000002";
        var (dir, store) = await StoreWith((a, Meta(a)), (b, Meta(b)));
        using var _ = dir;

        store.Resolve("abcd1").Should().Be(a);
        store.Resolve("ABCD2222").Should().Be(b);
        var act = () => store.Resolve("abcd");
        act.Should().Throw<ZwarmException>().WithMessage("*ambiguous*abcd1111*abcd2222*");
        var none = () => store.Resolve("ffff");
        none.Should().Throw<ZwarmException>().WithMessage("no session matches 'ffff'");
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("abc def")]
    [InlineData("xyz")]
    public async Task Hostile_or_malformed_ids_are_usage_errors_and_touch_nothing(string id)
    {
        var (dir, store) = await StoreWith();
        using var _ = dir;
        var outside = Path.Combine(dir.Path, "x");
        await File.WriteAllTextAsync(outside, "keep");

        var act = () => store.Resolve(id);
        act.Should().Throw<ZwarmException>().Which.ExitCode.Should().Be(2);
        var update = () => store.UpdateAsync(id, _ => true);
        await update.Should().ThrowAsync<ZwarmException>();
        (await File.ReadAllTextAsync(outside)).Should().Be("keep");
    }

    [Fact]
    public async Task A_corrupt_meta_json_is_reported_as_unreadable_and_never_rewritten()
    {
        var good = "11111111-0000-4000-8000-000000000001";
        var bad = "22222222-0000-4000-8000-000000000002";
        var truncated = Meta(bad)[..40];
        var (dir, store) = await StoreWith((good, Meta(good)), (bad, truncated));
        using var _ = dir;

        var list = await store.ListAsync();

        list.Should().HaveCount(2);
        list.Single(e => e.Id == good).IsReadable.Should().BeTrue();
        var broken = list.Single(e => e.Id == bad);
        broken.IsReadable.Should().BeFalse();
        broken.Problem.Should().StartWith("meta.json is corrupt");
        var get = () => store.GetAsync("22222222");
        (await get.Should().ThrowAsync<ZwarmException>()).WithMessage("session 22222222 is unreadable: meta.json is corrupt*");
        var update = () => store.UpdateAsync(bad, _ => true);
        await update.Should().ThrowAsync<ZwarmException>();
        (await File.ReadAllTextAsync(Path.Combine(store.SessionsDir, bad, "meta.json"))).Should().Be(truncated);
    }

    [Fact]
    public async Task A_summary_listing_reads_the_listing_fields_and_skips_the_conversation()
    {
        var (dir, store) = await StoreWith(("3f2b8c1e-5a6d-4e7f-9a0b-1c2d3e4f5a6b", PythonMeta));
        using var _ = dir;

        var m = (await store.ListAsync(summaries: true)).Single().Meta!;

        m.IsSummary.Should().BeTrue();
        m.Messages.Should().BeEmpty();
        m.Extra.Should().BeNull();
        (m.Status, m.Model, m.Adapter, m.Source, m.Turn).Should()
            .Be((SessionStatus.Completed, "gpt-5.1-codex-mini", "codex", "orchestrator:abc", 1));
        m.TokenUsage["total_tokens"].Should().Be(1500);
        (await store.GetAsync("3f2b")).Messages.Should().HaveCount(3, "a full read still has everything");
    }

    [Fact]
    public async Task A_summary_listing_skips_messages_and_turns_wherever_they_are_and_keeps_the_fields_after_them()
    {
        var id = "44444444-0000-4000-8000-000000000004";
        var big = new string('x', 100_000);
        var json = $$$"""
            { "turns": [{"turn": 1, "usage": {"input_tokens": 5}}], // our addition, first here
              "messages": [{"role": "assistant", "content": "{{{big}}}", "timestamp": "2025-01-01T00:00:00", "metadata": {}}],
              "id": "{{{id}}}", "task": "after the conversation", "status": "failed", "working_dir": "/w",
              "created_at": "2025-01-01T00:00:00", "updated_at": "2025-01-01T00:01:00", "pid": null, "exit_code": 1,
              "model": "m", "turn": 2, "token_usage": {"total_tokens": 7}, "error": "boom", "source": "user", "adapter": "claude",
              "worktree": {"path": "/w/.zwarm/worktrees/44444444", "branch": "zwarm/44444444", "base_commit": "abc", "repo": "/w"},
            }
            """;
        var (dir, store) = await StoreWith((id, json));
        using var _ = dir;

        var m = (await store.ListAsync(summaries: true)).Single().Meta!;

        (m.Task, m.Status, m.Turn, m.Error, m.Adapter, m.TotalTokens).Should()
            .Be(("after the conversation", SessionStatus.Failed, 2, "boom", "claude", 7L));
        m.Worktree!.Branch.Should().Be("zwarm/44444444");
        (m.Messages.Count, m.Turns, m.IsSummary).Should().Be((0, (List<TurnRecord>?)null, true));
    }

    [Theory]
    [InlineData("{\"id\": \"x\"} trailing")]
    [InlineData("[1, 2]")]
    [InlineData("{\"id\": \"x\", \"messages\": [1, }")]
    [InlineData("null")]
    public async Task A_summary_listing_reports_a_meta_json_that_is_not_one_object_as_corrupt(string json)
    {
        var id = "55555555-0000-4000-8000-000000000005";
        var (dir, store) = await StoreWith((id, json));
        using var _ = dir;

        var entry = (await store.ListAsync(summaries: true)).Single();

        entry.IsReadable.Should().BeFalse();
        entry.Problem.Should().StartWith("meta.json is corrupt");
    }

    [Fact]
    public async Task The_streamed_summary_json_is_the_summary_shape_byte_for_byte_for_a_listed_session_and_the_same_json_for_a_whole_one()
    {
        var id = "3f2b8c1e-5a6d-4e7f-9a0b-1c2d3e4f5a6b";
        var (dir, store) = await StoreWith((id, PythonMeta));
        using var _ = dir;
        var full = await store.GetAsync(id);
        full.Worktree = new WorktreeInfo { Path = "/p", Branch = "zwarm/3f2b8c1e", BaseCommit = "abc", Repo = "/r" };
        full.Settings = new SessionSettings { ConfigFile = "/c.toml", Set = ["a.b=1"] };
        full.TurnRecordFor(1).ExitCode = 0;
        full.SeenAt = DateTimeOffset.Parse("2025-01-15T10:40:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var summary = (await store.ListAsync(summaries: true)).Single().Meta!;
        var models = new Zwarm.Core.Agents.ModelRegistry(new Zwarm.Core.Agents.Codex.CodexAdapter().Models);
        var now = DateTimeOffset.Parse("2025-01-15T11:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var indented = new JsonSerializerOptions
        {
            WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        foreach (var (m, conflicts) in new[] { (full, (SessionConflicts?)new SessionConflicts(["9a8b7c6d"], true)), (summary, null) })
        {
            var expected = SessionShape.Summary(m, models, null, now);
            if (conflicts is not null)
                expected["conflicts"] = new JsonObject { ["with_sessions"] = new JsonArray("9a8b7c6d"), ["with_main"] = true };
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = indented.Encoder }))
                SessionShape.Summaries(models, null, now).Write(w, m, conflicts);

            var written = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
            if (m.IsSummary) written.Should().Be(expected.ToJsonString(indented));
            // Unknown fields of a whole session (one reconciled during the listing) come last: the same JSON, another order.
            else JsonNode.DeepEquals(JsonNode.Parse(written), expected).Should().BeTrue(written);
        }
    }

    [Fact]
    public async Task Listing_is_newest_first()
    {
        var old = "11111111-0000-4000-8000-000000000001";
        var mid = "22222222-0000-4000-8000-000000000002";
        var young = "33333333-0000-4000-8000-000000000003";
        var (dir, store) = await StoreWith(
            (mid, Meta(mid, "2025-02-01T00:00:00+00:00")), (old, Meta(old, "2025-01-01T00:00:00")),
            (young, Meta(young, "2025-03-01T00:00:00Z")));
        using var _ = dir;

        (await store.ListAsync()).Select(e => e.Id).Should().Equal(young, mid, old);
    }

    [Fact]
    public async Task Writes_are_atomic_and_leave_no_temp_files()
    {
        var id = "44444444-0000-4000-8000-000000000004";
        var (dir, store) = await StoreWith((id, Meta(id)));
        using var _ = dir;

        for (var i = 0; i < 20; i++) await store.UpdateAsync(id, m => { m.Turn++; return true; });

        Directory.GetFiles(Path.Combine(store.SessionsDir, id)).Select(Path.GetFileName).Should().BeEquivalentTo(["meta.json", ".lock"]);
        (await store.GetAsync(id)).Turn.Should().Be(21);
    }

    [Fact(Timeout = 120_000)]
    public async Task Four_processes_doing_200_increments_each_lose_no_update()
    {
        var id = "55555555-0000-4000-8000-000000000005";
        var (dir, store) = await StoreWith((id, Meta(id)));
        using var _ = dir;

        var procs = Enumerable.Range(0, 4).Select(_ =>
        {
            var psi = new ProcessStartInfo(Repo.FakeAgent) { UseShellExecute = false, RedirectStandardError = true };
            foreach (var a in new[] { "increment", dir.Zwarm, id, "200" }) psi.ArgumentList.Add(a);
            return Process.Start(psi)!;
        }).ToList();
        foreach (var p in procs)
        {
            await p.WaitForExitAsync(TestContext.Current.CancellationToken);
            p.ExitCode.Should().Be(0, await p.StandardError.ReadToEndAsync());
        }

        var meta = await store.GetAsync(id);
        meta.Extra!["counter"].GetInt32().Should().Be(800);
    }
}
