using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>kill --all and kill usage errors.</summary>
public sealed class KillAllSpecs
{
    [Fact(Timeout = 120000)]
    public async Task Kill_all_json_reports_every_killed_session()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var a = await p.SpawnAsync("sleep=forever");
        var b = await p.SpawnAsync("sleep=forever");
        var done = await p.SpawnDoneAsync("reply=Hi");

        var r = await p.RunAsync("kill", "--all", "--json");

        r.ExitCode.Should().Be(0, r.ToString());
        var killed = JsonNode.Parse(r.Stdout)!.AsArray();
        killed.Select(k => k!["id"]!.GetValue<string>()).Should().BeEquivalentTo([a, b]);
        killed.Should().OnlyContain(k => k!["killed"]!.GetValue<bool>() && k["status"]!.GetValue<string>() == "killed");
        p.Status(done).Should().Be("completed");
    }

    [Theory(Timeout = 120000)]
    [InlineData("kill")]
    [InlineData("kill", "--all", "abc")]
    public async Task Kill_needs_exactly_one_of_an_id_or_all(params string[] args)
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var r = await p.RunAsync(args);

        r.ExitCode.Should().Be(2);
        r.ErrLines.Should().ContainSingle().Which.Should().Be("zwarm: kill needs a session id or --all (one of them)");
    }
}
