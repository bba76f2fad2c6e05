using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>Sessions written by Python zwarm, and unreadable folders, through the read commands.</summary>
public sealed class CompatSpecs(HandmadeStore store) : IClassFixture<HandmadeStore>
{
    [Fact(Timeout = 60000)]
    public async Task A_python_zwarm_session_shows_its_turns_inferred_from_the_user_messages()
    {
        var r = await store.RunAsync(TestContext.Current.CancellationToken, "show", "abd");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Contain("tokens   1.2k in / 300 out (1.5k total)").And.Contain("source   orchestrator:3f2a");
        var order = new[]
            {
                "── turn 1", "user   write hello.py", "agent  Wrote hello.py.",
                "── turn 2", "user   add a goodbye", "agent  Added goodbye().",
            }
            .Select(s => r.Stdout.IndexOf(s, StringComparison.Ordinal)).ToList();
        order.Should().NotContain(-1, r.Stdout).And.BeInAscendingOrder(r.Stdout);
    }

    [Fact(Timeout = 60000)]
    public async Task Json_keeps_fields_this_version_does_not_know_and_logs_of_missing_turn_files_is_empty()
    {
        var json = await store.RunAsync(TestContext.Current.CancellationToken, "show", "abd", "--json");
        var logs = await store.RunAsync(TestContext.Current.CancellationToken, "logs", "abd");

        JsonNode.Parse(json.Stdout)!["python_only_field"]!["kept"]!.GetValue<bool>().Should().BeTrue();
        logs.ExitCode.Should().Be(0);
        logs.Stdout.Should().BeEmpty();
    }

    [Fact(Timeout = 60000)]
    public async Task Ls_reports_an_unreadable_session_without_failing()
    {
        var text = await store.RunAsync(TestContext.Current.CancellationToken, "ls");
        var json = await store.RunAsync(TestContext.Current.CancellationToken, "ls", "--json", "--all");

        text.ExitCode.Should().Be(0, text.ToString());
        text.Stdout.Should().Contain("! dead0000 unreadable: meta.json is corrupt");
        JsonNode.Parse(json.Stdout)!.AsArray().Should()
            .Contain(s => s!["short_id"]!.GetValue<string>() == "dead0000" && s["unreadable"] != null);
    }
}
