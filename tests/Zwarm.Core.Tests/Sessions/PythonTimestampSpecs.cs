using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AwesomeAssertions;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Core.Tests.Lifecycle;

namespace Zwarm.Core.Tests.Sessions;

/// <summary>Timestamps in meta.json as Python zwarm writes and compares them (SPEC §2): naive local time, kept byte for byte.</summary>
public sealed partial class PythonTimestampSpecs
{
    private const string Id = "3f2b8c1e-5a6d-4e7f-9a0b-1c2d3e4f5a6b";

    // datetime.now().isoformat(): no offset, microseconds unless they are zero.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$")]
    private static partial Regex PythonIsoformat();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Meta(string created, string updated, params string[] messageStamps)
    {
        var messages = string.Join(", ", messageStamps.Select(t => $$$"""{"role": "user", "content": "x", "timestamp": {{{t}}}, "metadata": {}}"""));
        return $$"""
            {
              "id": "{{Id}}", "task": "t", "status": "completed", "working_dir": "/w",
              "created_at": {{created}},
              "updated_at": {{updated}},
              "pid": null, "exit_code": 0, "model": "m", "turn": 1,
              "messages": [{{messages}}],
              "token_usage": {}, "error": null, "source": "user", "adapter": "codex"
            }
            """;
    }

    private static async Task<(TempDir Dir, FileSessionStore Store)> StoreWith(string json)
    {
        var dir = new TempDir();
        var store = new FileSessionStore(dir.Zwarm);
        Directory.CreateDirectory(Path.Combine(store.SessionsDir, Id));
        await File.WriteAllTextAsync(Path.Combine(store.SessionsDir, Id, "meta.json"), json, Ct);
        return (dir, store);
    }

    private static async Task<JsonObject> OnDisk(FileSessionStore store, string id)
        => JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(store.SessionsDir, id, "meta.json"), Ct))!.AsObject();

    [Fact(Timeout = 60_000)]
    public async Task A_session_we_create_and_finish_is_stamped_like_Pythons_datetime_now_isoformat()
    {
        using var p = await LifecycleProject.CreateAsync();
        var before = DateTime.Now;

        var started = await p.SpawnAsync("reply=Done");
        var done = await p.UntilFinishedAsync(started.Id);

        done.Status.Should().Be(SessionStatus.Completed);
        var json = await OnDisk(p.Manager.Store, done.Id);
        var stamps = new[] { json["created_at"]!, json["updated_at"]! }.Concat(json["messages"]!.AsArray().Select(m => m!["timestamp"]!))
            .Select(n => n.GetValue<string>()).ToList();
        stamps.Should().HaveCount(4)
            .And.AllSatisfy(s => PythonIsoformat().IsMatch(s).Should().BeTrue("Python compares '{0}' with a naive now()", s));
        var created = DateTime.ParseExact(
            stamps[0], ["yyyy-MM-dd'T'HH:mm:ss.ffffff", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None);
        created.Should().BeCloseTo(before, TimeSpan.FromSeconds(10), "it is the local wall-clock time");
    }

    [Fact]
    public async Task Timestamps_nobody_changed_are_written_back_byte_for_byte()
    {
        var (dir, store) = await StoreWith(Meta("\"\"", "\"2025-01-15T10:32:10.654321\"",
            "\"\"", "\"2025-01-15T10:31:00\"", "\"2025-01-15T10:30:00+05:30\"", "\"2025-01-15T10:30:00.1Z\"", "1736937000.5", "null"));
        using var _ = dir;

        await store.UpdateAsync(Id, m => { m.Turn = 2; return true; }, Ct);

        var json = await OnDisk(store, Id);
        json["turn"]!.GetValue<int>().Should().Be(2);
        json["created_at"]!.ToJsonString().Should().Be("\"\"", "an empty timestamp stays empty, never 0001-01-01");
        json["updated_at"]!.ToJsonString().Should().Be("\"2025-01-15T10:32:10.654321\"", "a naive time never gains an offset");
        var relaxed = new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        json["messages"]!.AsArray().Select(m => m!["timestamp"]?.ToJsonString(relaxed) ?? "null").Should()
            .Equal(
                "\"\"", "\"2025-01-15T10:31:00\"", "\"2025-01-15T10:30:00+05:30\"", "\"2025-01-15T10:30:00.1Z\"", "1736937000.5", "null");
    }

    [Fact]
    public async Task A_changed_timestamp_is_written_as_naive_local_time_with_microseconds_unless_zero()
    {
        var (dir, store) = await StoreWith(
            Meta("\"2025-01-15T10:30:00+00:00\"", "\"2025-01-15T10:30:00+00:00\"", "\"2025-01-15T10:30:00\""));
        using var _ = dir;
        var at = new DateTimeOffset(2026, 12, 1, 22, 25, 26, TimeSpan.FromHours(5.5)).AddTicks(1_234_560);
        var whole = new DateTimeOffset(2026, 12, 1, 22, 25, 27, TimeSpan.Zero);

        await store.UpdateAsync(Id, m => { m.UpdatedAt = at; m.Messages[0].Timestamp = whole; return true; }, Ct);

        var json = await OnDisk(store, Id);
        json["updated_at"]!.GetValue<string>().Should()
            .Be(at.ToLocalTime().DateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
        json["messages"]![0]!["timestamp"]!.GetValue<string>().Should()
            .Be(whole.ToLocalTime().DateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        json["created_at"]!.GetValue<string>().Should().Be("2025-01-15T10:30:00+00:00", "it did not change");
        (await store.GetAsync(Id, Ct)).UpdatedAt.Should().Be(at);
    }

    [Theory]
    [InlineData("2026-12-01T22:25:26.123456+05:30", "2026-12-01T16:55:26.123456Z")]
    [InlineData("20261201T222526Z", "2026-12-01T22:25:26Z")]
    [InlineData("20261201T222526.5+0100", "2026-12-01T21:25:26.5Z")]
    [InlineData("2026-12-01T22:25:26.123456789Z", "2026-12-01T22:25:26.1234567Z")]
    [InlineData("2026-12-01T22:25:26+0530", "2026-12-01T16:55:26Z")]
    [InlineData("2026-12-01T22:25:26-03", "2026-12-02T01:25:26Z")]
    [InlineData("2026-12-01T22:25:26,25Z", "2026-12-01T22:25:26.25Z")]
    [InlineData("2026-12-01 22:25Z", "2026-12-01T22:25:00Z")]
    [InlineData("2026-12-01T22Z", "2026-12-01T22:00:00Z")]
    public async Task Every_ISO_8601_form_is_read(string written, string utc)
    {
        var (dir, store) = await StoreWith(Meta($"\"{written}\"", "\"2025-01-15T10:30:00\""));
        using var _ = dir;

        var m = await store.GetAsync(Id, Ct);

        m.CreatedAt.Should().Be(DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2026-12-01T22:25:26.123456")]
    [InlineData("2026-12-01 22:25:26")]
    [InlineData("2026-12-01")]
    public async Task A_time_without_offset_is_local_time(string written)
    {
        var (dir, store) = await StoreWith(Meta($"\"{written}\"", "\"2025-01-15T10:30:00\""));
        using var _ = dir;

        var m = await store.GetAsync(Id, Ct);

        m.CreatedAt.LocalDateTime.Should().Be(DateTime.Parse(written, CultureInfo.InvariantCulture));
    }
}
