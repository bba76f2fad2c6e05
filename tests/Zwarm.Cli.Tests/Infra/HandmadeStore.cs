namespace Zwarm.Cli.Tests.Infra;

/// <summary>
/// A store written by hand, no processes: two sessions sharing the prefix "abc0", a corrupt meta.json ("dead…"),
/// and a session in Python zwarm's format (naive timestamps, no per-turn records, messages without turn numbers).
/// </summary>
public sealed class HandmadeStore : IAsyncDisposable
{
    public const string A = "abc01111-0000-4000-8000-000000000001";
    public const string B = "abc02222-0000-4000-8000-000000000002";
    public const string Corrupt = "dead0000-0000-4000-8000-000000000003";
    public const string Python = "abd00000-0000-4000-8000-000000000004";

    public HandmadeStore()
    {
        Project = new TestProject(CancellationToken.None);
        Write(A, Session(A, "first task", "completed"));
        Write(B, Session(B, "second task", "failed"));
        Write(Corrupt, "{ \"id\": \"dead0000-0000-4000-8000-000000000003\", \"status\": ");
        Write(Python, $$$"""
            {
              "id": "{{{Python}}}",
              "task": "write hello.py",
              "status": "completed",
              "working_dir": "/tmp",
              "created_at": "2025-01-02T10:00:00.123456",
              "updated_at": "2025-01-02T10:05:00.654321",
              "pid": 12345,
              "exit_code": null,
              "model": "gpt-5.1-codex-mini",
              "turn": 2,
              "messages": [
                {"role": "user", "content": "write hello.py", "timestamp": "2025-01-02T10:00:00", "metadata": {}},
                {"role": "assistant", "content": "Wrote hello.py.", "timestamp": "2025-01-02T10:01:00", "metadata": {}},
                {"role": "user", "content": "add a goodbye", "timestamp": "2025-01-02T10:04:00", "metadata": {}},
                {"role": "assistant", "content": "Added goodbye().", "timestamp": "2025-01-02T10:05:00", "metadata": {}}
              ],
              "token_usage": {"input_tokens": 1200, "output_tokens": 300, "total_tokens": 1500},
              "error": null,
              "source": "orchestrator:3f2a",
              "adapter": "codex",
              "python_only_field": {"kept": true}
            }
            """);
    }

    internal TestProject Project { get; }

    private static string Session(string id, string task, string status) => $$$"""
        {"id": "{{{id}}}", "task": "{{{task}}}", "status": "{{{status}}}", "working_dir": "/tmp", "created_at": "2026-01-01T00:00:00+00:00",
         "updated_at": "2026-01-01T00:01:00+00:00", "pid": null, "exit_code": 0, "model": "gpt-5.1-codex-mini", "turn": 1,
         "messages": [{"role": "user", "content": "{{{task}}}", "timestamp": "2026-01-01T00:00:00+00:00", "metadata": {"turn": 1}}],
         "token_usage": {}, "error": null, "source": "user", "adapter": "codex"}
        """;

    private void Write(string id, string json)
    {
        Directory.CreateDirectory(Path.Combine(Project.SessionsDir, id, "turns"));
        File.WriteAllText(Path.Combine(Project.SessionsDir, id, "meta.json"), json);
    }

    /// <summary>Runs zwarm in this store, stopped by the test's token.</summary>
    internal Task<CliResult> RunAsync(CancellationToken ct, params string[] args) => Project.RunAsync(ct, args);

    /// <summary>Runs zwarm in this store with its clock stopped at <see cref="Now"/> (ages and runtimes are exact).</summary>
    internal Task<CliResult> RunAtNowAsync(CancellationToken ct, params string[] args) =>
        InProcessRun.RunAsync(
            Project.Dir, args, TestProject.RunTimeout,
            new RunOptions { Time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now) }, ct);

    /// <summary>Five minutes after the sessions of 2026 were last updated.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 6, 0, TimeSpan.Zero);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Project.DisposeAsync();
}
