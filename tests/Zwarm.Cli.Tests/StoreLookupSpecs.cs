using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>Issue 12 item 9: .zwarm/ is found like .git/: from any subfolder commands use the nearest parent's store.</summary>
public sealed class StoreLookupSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task From_a_subfolder_spawn_ls_and_show_use_the_projects_store_and_create_no_second_one()
    {
        await using var p = new TestProject(Ct);
        var sub = Path.Combine(p.Dir, "src", "deep");
        Directory.CreateDirectory(sub);

        await using (var spawn = CliProcess.Start(sub, ["spawn", "reply=from_below", "--json"], ct: Ct))
        {
            var r = await spawn.WaitAsync(TestProject.RunTimeout, Ct);
            r.ExitCode.Should().Be(0, r.ToString());
            var id = JsonNode.Parse(r.Stdout)!["id"]!.GetValue<string>();
            Directory.Exists(Path.Combine(sub, ".zwarm")).Should().BeFalse("a second store must never appear");
            Directory.Exists(Path.Combine(p.SessionsDir, id)).Should().BeTrue();
            p.Meta(id)["working_dir"]!.GetValue<string>().Should().Be(sub, "the agent works where zwarm was run");
            await p.WaitForDiskStatusAsync(id, "completed", TimeSpan.FromSeconds(30));

            await using var ls = CliProcess.Start(Path.Combine(p.Dir, "src"), ["ls", "--json"], ct: Ct);
            var listed = await ls.WaitAsync(TestProject.RunTimeout, Ct);
            listed.ExitCode.Should().Be(0, listed.ToString());
            JsonNode.Parse(listed.Stdout)!.AsArray().Select(n => n!["id"]!.GetValue<string>()).Should().Equal(id);

            await using var show = CliProcess.Start(sub, ["show", id[..8]], ct: Ct);
            (await show.WaitAsync(TestProject.RunTimeout, Ct)).Stdout.Should().Contain("from below");
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Spawn_where_there_is_no_store_says_it_created_one()
    {
        var dir = Directory.CreateTempSubdirectory("zwarm-nostore-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "unused"), "", Ct);
            await using var spawn = CliProcess.Start(
                dir, ["--set", $"adapters.codex.command={Paths.FakeAgent}", "spawn", "reply=x", "--json"], ct: Ct);
            var r = await spawn.WaitAsync(TestProject.RunTimeout, Ct);
            r.ExitCode.Should().Be(0, r.ToString());
            r.ErrLines.Should().ContainSingle().Which.Should().Contain("created").And.Contain(Path.Combine(dir, ".zwarm"));
            Directory.Exists(Path.Combine(dir, ".zwarm", "sessions")).Should().BeTrue();
        }
        finally
        {
            await Task.Delay(1, Ct);
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
