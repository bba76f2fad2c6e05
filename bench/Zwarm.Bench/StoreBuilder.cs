using System.Text.Json;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Bench;

/// <summary>
/// A synthetic .zwarm store written in the real on-disk format: finished sessions with three turns each (task,
/// replies, tool summaries, per-turn records, small turn files) and running sessions whose recorded pid and start
/// time belong to live processes, so a read sees them as running and reconciles nothing.
/// </summary>
internal static class StoreBuilder
{
    /// <summary>Creates <paramref name="projectDir"/>/.zwarm with <paramref name="total"/> sessions, the first <paramref name="live"/>.Count of them running.</summary>
    public static void Build(string projectDir, int total, IReadOnlyList<(int Pid, long Start)> live, string runningTranscript, int seed = 1)
    {
        var sessions = Path.Combine(projectDir, ".zwarm", "sessions");
        Directory.CreateDirectory(sessions);
        var rng = new Random(seed);
        var now = DateTimeOffset.Now;
        // Finished turns' files are links to one real capture: `ls` never opens them, and 29,400 copies would make building slow.
        var turnFile = Path.Combine(FixturesDir, "codex", "02_tool_shell.jsonl");
        for (var i = 0; i < total; i++)
        {
            var bytes = new byte[16];
            rng.NextBytes(bytes);
            bytes[7] = (byte)(0x40 | (bytes[7] & 0x0f));
            bytes[8] = (byte)(0x80 | (bytes[8] & 0x3f));
            var id = new Guid(bytes).ToString("D");
            var dir = Path.Combine(sessions, id);
            Directory.CreateDirectory(Path.Combine(dir, "turns"));
            var created = now - TimeSpan.FromMinutes(rng.Next(1, 60 * 24 * 30));
            var running = i < live.Count;
            var meta = running ? Running(id, created, live[i]) : Finished(id, created, rng);
            File.WriteAllBytes(Path.Combine(dir, "meta.json"), SessionJson.Serialize(meta));
            if (running)
            {
                File.Copy(runningTranscript, Path.Combine(dir, "turns", "turn_1.jsonl"));
                continue;
            }
            for (var t = 1; t <= 3; t++) File.CreateSymbolicLink(Path.Combine(dir, "turns", $"turn_{t}.jsonl"), turnFile);
        }
    }

    private static SessionMeta Running(string id, DateTimeOffset created, (int Pid, long Start) process)
    {
        var m = Base(id, created, "Refactor the session store so that listing ten thousand sessions stays fast");
        m.Status = SessionStatus.Running;
        m.Pid = process.Pid;
        m.PidStartTime = process.Start;
        var rec = m.TurnRecordFor(1);
        rec.StartedAt = created;
        rec.Pid = process.Pid;
        rec.PidStartTime = process.Start;
        return m;
    }

    private static SessionMeta Finished(string id, DateTimeOffset created, Random rng)
    {
        var m = Base(id, created, $"Fix the flaky test in module {rng.Next(100)} and explain the root cause in two sentences");
        var at = created;
        for (var t = 1; t <= 3; t++)
        {
            if (t > 1) m.Messages.Add(SessionManager.Message("user", $"Follow-up {t}: also update the README and run the whole suite again.", t, at));
            at += TimeSpan.FromSeconds(rng.Next(20, 600));
            m.Messages.Add(SessionManager.Message("tool", "$ /bin/bash -lc 'dotnet test --filter Store' (exit 0)", t, at));
            m.Messages.Add(SessionManager.Message("tool", "update /work/project/src/Zwarm.Core/Sessions/FileSessionStore.cs", t, at));
            m.Messages.Add(SessionManager.Message("assistant", $"Turn {t}: the test raced on the lock file; I now take the lock before reading, and the suite passes (311 tests).", t, at));
            var usage = new Dictionary<string, long> { ["input_tokens"] = 12_000 * t, ["cached_input_tokens"] = 4_000, ["output_tokens"] = 900, ["total_tokens"] = 12_000 * t + 900 };
            var rec = m.TurnRecordFor(t);
            rec.StartedAt = at - TimeSpan.FromSeconds(30);
            rec.FinishedAt = at;
            rec.Pid = 100_000 + t;
            rec.PidStartTime = 1_000_000 + t;
            rec.ExitCode = 0;
            rec.Status = "completed";
            rec.Usage = usage;
            rec.UsageReported = usage;
            rec.Resume = t > 1 ? "native" : null;
            foreach (var (k, v) in usage) m.TokenUsage[k] = m.TokenUsage.GetValueOrDefault(k) + v;
        }
        m.Turn = 3;
        m.Status = rng.Next(10) == 0 ? SessionStatus.Failed : SessionStatus.Completed;
        m.Error = m.Status == SessionStatus.Failed ? "agent exited with code 1" : null;
        m.ExitCode = m.Status == SessionStatus.Failed ? 1 : 0;
        m.UpdatedAt = at;
        m.AgentSessionId = "01a21dc4-7b9f-7de0-b530-721eb6978559";
        return m;
    }

    private static SessionMeta Base(string id, DateTimeOffset created, string task) => new()
    {
        Id = id,
        Task = task,
        WorkingDir = "/work/project",
        CreatedAt = created,
        UpdatedAt = created,
        Model = "gpt-5.1-codex-mini",
        Adapter = "codex",
        Messages = [SessionManager.Message("user", task, 1, created)],
    };

    /// <summary>tests/fixtures/agents, found upwards from this program.</summary>
    public static string FixturesDir { get; } = FindFixtures();

    private static string FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "tests", "fixtures", "agents"))) return Path.Combine(dir.FullName, "tests", "fixtures", "agents");
        throw new DirectoryNotFoundException("tests/fixtures/agents not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Counts sessions per status in `zwarm ls --json` output.</summary>
    public static Dictionary<string, int> StatusCounts(string lsJson)
    {
        using var doc = JsonDocument.Parse(lsJson);
        return doc.RootElement.EnumerateArray()
            .GroupBy(e => e.TryGetProperty("status", out var s) ? s.GetString() ?? "?" : "?")
            .ToDictionary(g => g.Key, g => g.Count());
    }
}
