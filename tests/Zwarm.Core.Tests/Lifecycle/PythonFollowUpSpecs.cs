using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Core.Agents;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Lifecycle;

/// <summary>
/// A follow-up on a session Python zwarm finished: Python keeps only the agent's output in messages and drops
/// agent_session_id; the thread id is recovered from the turn files, and a replay always starts with the task.
/// </summary>
public sealed class PythonFollowUpSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task RewriteAsPythonAsync(LifecycleProject p, string id)
    {
        var path = Path.Combine(p.Manager.Store.SessionDir(id), "meta.json");
        var meta = JsonNode.Parse(await File.ReadAllTextAsync(path, Ct))!.AsObject();
        foreach (var ours in new[] { "agent_session_id", "agent_session_id_latest", "pid_start_time", "cost_usd", "turns" })
            meta.Remove(ours);
        meta["messages"] = new JsonArray(meta["messages"]!.AsArray()
            .Where(m => m!["role"]!.GetValue<string>() == "assistant")
            .Select(m => m!.DeepClone())
            .ToArray());
        await File.WriteAllTextAsync(path, meta.ToJsonString(), Ct);
    }

    [Fact]
    public void A_replay_starts_with_the_task_even_when_the_messages_lost_it()
    {
        var session = new SessionMeta
        {
            Task = "Add a README",
            Messages = [new SessionMessage { Role = "assistant", Content = "Done: README.md written." }],
        };

        var prompt = ReplayPrompt.Build(session, "and a licence");

        prompt.Should().Contain("[USER]\nAdd a README").And.Contain("[ASSISTANT]\nDone: README.md written.").And.EndWith("and a licence");
        prompt.IndexOf("Add a README", StringComparison.Ordinal).Should()
            .BeLessThan(prompt.IndexOf("Done: README", StringComparison.Ordinal));
    }

    [Fact]
    public void A_long_replay_keeps_the_task_when_it_drops_the_middle()
    {
        var session = new SessionMeta
        {
            Task = "The task",
            Messages =
            [
                .. Enumerable.Range(0, 50).Select(i => new SessionMessage { Role = "assistant", Content = new string('x', 5000) + i }),
            ],
        };

        ReplayPrompt.Build(session, "next").Should().Contain("[USER]\nThe task");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_thread_id_is_recovered_from_the_turn_file_and_the_follow_up_resumes_natively()
    {
        using var p = await LifecycleProject.CreateAsync();
        var first = await p.UntilFinishedAsync((await p.SpawnAsync("reply=First")).Id);
        var thread = first.AgentSessionId!;
        await RewriteAsPythonAsync(p, first.Id);

        await p.Manager.ContinueAsync(first.Id, "reply=Second", Ct);
        var done = await p.UntilFinishedAsync(first.Id);

        done.Status.Should().Be(SessionStatus.Completed);
        done.AgentSessionId.Should().Be(thread);
        done.Turns!.Single(t => t.Turn == 2).Resume.Should().Be("native");
        done.Messages.Select(m => (m.Role, m.Content)).Should()
            .Equal(("user", "reply=First"), ("assistant", "First"), ("user", "reply=Second"), ("assistant", "Second"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Without_a_turn_file_the_follow_up_replays_the_conversation_from_the_task()
    {
        using var p = await LifecycleProject.CreateAsync();
        var first = await p.UntilFinishedAsync((await p.SpawnAsync("reply=First")).Id);
        await RewriteAsPythonAsync(p, first.Id);
        File.Delete(p.Manager.Store.TurnFile(first.Id, 1));

        await p.Manager.ContinueAsync(first.Id, "reply=Second", Ct);
        var done = await p.UntilFinishedAsync(first.Id);

        done.Turns!.Single(t => t.Turn == 2).Resume.Should().Be("replay");
        done.Messages.First().Should().Match<SessionMessage>(m => m.Role == "user" && m.Content == "reply=First");
    }

    [Fact]
    public async Task Recovery_reads_codex_thread_started_and_claude_system_init()
    {
        using var dir = new TempDir();
        var codexTurn = Path.Combine(dir.Path, "codex.jsonl");
        var claudeTurn = Path.Combine(dir.Path, "claude.jsonl");
        File.Copy(Path.Combine(Repo.Root, "tests", "fixtures", "agents", "codex", "01_plain.jsonl"), codexTurn);
        File.Copy(Path.Combine(Repo.Root, "tests", "fixtures", "agents", "claude", "03_resume.jsonl"), claudeTurn);
        var codexThread = JsonNode.Parse(File.ReadLines(codexTurn).First())!["thread_id"]!.GetValue<string>();

        (await AgentSessionIds.FindAsync(AgentRegistry.Default.Get("codex"), codexTurn, Ct)).Should().Be(codexThread);
        (await AgentSessionIds.FindAsync(AgentRegistry.Default.Get("claude"), claudeTurn, Ct)).Should()
            .Be("f116d513-53fd-4e81-8c18-9f30c8b4322a");
        (await AgentSessionIds.FindAsync(AgentRegistry.Default.Get("claude"), Path.Combine(dir.Path, "missing.jsonl"), Ct)).Should()
            .BeNull();
    }
}
