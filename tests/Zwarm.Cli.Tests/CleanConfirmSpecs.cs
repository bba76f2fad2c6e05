using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>clean asks before removing and keeps a week by default.</summary>
public sealed class CleanConfirmSpecs
{
    [Fact(Timeout = 120000)]
    public async Task Clean_asks_first_and_by_default_keeps_a_week()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var old = await p.SpawnDoneAsync("reply=Old");
        var fresh = await p.SpawnDoneAsync("reply=Fresh");
        var meta = p.Meta(old);
        meta["updated_at"] = DateTimeOffset.Now.AddDays(-8).ToString("o");
        File.WriteAllText(p.MetaPath(old), meta.ToJsonString());
        var before = p.Snapshot();

        var declined = await p.RunWithInputAsync("n\n", "clean");
        declined.ExitCode.Should().Be(1);
        declined.Stdout.Should().Contain(old[..8]).And.NotContain(fresh[..8]);
        declined.ErrLines.Should().Equal(
            "zwarm: note: clean removes finished sessions older than --keep-days (default 7); " +
            "Python zwarm's clean killed orphan processes: here that is zwarm orphans --kill",
            "remove these 1 session(s)? [y/N] zwarm: aborted; nothing removed");
        p.Snapshot().Should().Be(before);

        var dry = await p.RunAsync("clean", "--dry-run", "--json");
        JsonNode.Parse(dry.Stdout)!.AsArray().Should().ContainSingle().Which!["id"]!.GetValue<string>().Should().Be(old);
        p.Snapshot().Should().Be(before);

        var accepted = await p.RunWithInputAsync("y\n", "clean");
        accepted.ExitCode.Should().Be(0, accepted.ToString());
        Directory.GetDirectories(p.SessionsDir).Select(Path.GetFileName).Should().Equal(fresh);

        var nothing = await p.RunAsync("clean");
        nothing.Stdout.Should().Be("nothing to clean: no finished session older than 7 day(s)\n");
    }
}
