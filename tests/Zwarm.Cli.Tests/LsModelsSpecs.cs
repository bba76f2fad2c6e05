using System.Text.Json.Nodes;
using AwesomeAssertions;
using Spectre.Console;
using Spectre.Console.Testing;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>ls and models.</summary>
public sealed class LsModelsSpecs(ReadStore store)
{
    [Fact(Timeout = 60000)]
    public async Task Ls_prints_a_summary_and_a_row_per_session()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "ls");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().NotContain("\u001b");
        r.Stdout.Split('\n')[0].Should().MatchRegex(@"^0 running · 0 queued · 6 done · 1 failed · 0 killed · [\d.]+k tokens · \$0\.\d{4}$");
        foreach (var id in new[] { store.Shell, store.Http500, store.TwoTurns })
            r.Stdout.Should().Contain(id[..8]);
        r.Stdout.Should().MatchRegex($@"{store.Http500[..8]}\s+✗");
    }

    [Fact(Timeout = 60000)]
    public async Task Ls_without_colours_prints_exactly_what_the_spectre_table_renders()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var run = InProcessRun.Start(
            store.Project.Dir, ["ls"], new RunOptions { Time = new FixedClock(DateTimeOffset.UtcNow) }, ct);
        var r = await run.WaitAsync(TimeSpan.FromSeconds(50));
        r.ExitCode.Should().Be(0, r.ToString());
        var manager = await run.Host.ManagerAsync(ct);
        var sessions = (await manager.ListSummariesAsync(ct)).Select(e => e.Meta!).ToList();
        var console = new TestConsole();
        console.Width(InProcessRun.Width).Colors(ColorSystem.NoColors).SupportsAnsi(false).SupportsUnicode(true);

        console.Write(Zwarm.Cli.Rendering.SessionTable.Build(sessions, manager, run.Host.Now, InProcessRun.Width));

        r.Stdout.Should().Be(console.Output.ReplaceLineEndings("\n"));
        r.Stdout.Split('\n').Should().HaveCountGreaterThan(sessions.Count + 4);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact(Timeout = 60000)]
    public async Task Ls_json_lists_sessions_and_filters_by_status()
    {
        var all = JsonNode.Parse((await store.RunAsync(TestContext.Current.CancellationToken, "ls", "--json")).Stdout)!.AsArray();
        var failed = JsonNode.Parse(
            (await store.RunAsync(TestContext.Current.CancellationToken, "ls", "--json", "--status", "failed")).Stdout)!.AsArray();

        all.Should().HaveCount(7);
        all.Select(s => s!["short_id"]!.GetValue<string>()).Should().Contain(store.Patch[..8]);
        failed.Should().ContainSingle().Which!["id"]!.GetValue<string>().Should().Be(store.Http500);
    }

    [Fact(Timeout = 60000)]
    public async Task Ls_with_an_unknown_status_is_a_usage_error()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "ls", "--status", "sleeping");

        r.ExitCode.Should().Be(2);
        r.ErrLines.Should().ContainSingle().Which.Should().StartWith("zwarm: unknown status 'sleeping'");
    }

    [Fact(Timeout = 60000)]
    public async Task Models_json_includes_prices_and_models_priced_in_config()
    {
        await using var p = new TestProject(
            TestContext.Current.CancellationToken, "\n[pricing.\"local-llm\"]\ninput = 0.1\noutput = 0.2\n");
        var r = await p.RunAsync("models", "--json");

        r.ExitCode.Should().Be(0, r.ToString());
        var models = JsonNode.Parse(r.Stdout)!.AsArray();
        var mini = models.Single(m => m!["name"]!.GetValue<string>() == "gpt-5.1-codex-mini")!;
        mini["adapter"]!.GetValue<string>().Should().Be("codex");
        mini["aliases"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Contain("mini");
        mini["default"]!.GetValue<bool>().Should().BeTrue();
        mini["price"]!["input"]!.GetValue<double>().Should().Be(0.25);
        var local = models.Single(m => m!["name"]!.GetValue<string>() == "local-llm")!;
        local["adapter"].Should().BeNull();
        local["price"]!["output"]!.GetValue<double>().Should().Be(0.2);
    }
}
