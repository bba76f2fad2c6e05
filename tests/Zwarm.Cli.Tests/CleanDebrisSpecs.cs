using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>Issue 12 item 8: what interrupted commands leave behind is swept by clean once it is older than a minute.</summary>
public sealed class CleanDebrisSpecs
{
    [Fact(Timeout = 60000)]
    public async Task Clean_sweeps_session_folders_without_meta_and_deleting_folders_older_than_a_minute()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var kept = await p.SpawnDoneAsync("reply=Hi");
        var old = DateTime.UtcNow.AddMinutes(-2);
        // kill -9 of spawn between creating the folder and writing meta.json
        var noMeta = Path.Combine(p.SessionsDir, Guid.NewGuid().ToString());
        Directory.CreateDirectory(Path.Combine(noMeta, "turns"));
        File.WriteAllText(Path.Combine(noMeta, ".lock"), "");
        // kill -9 of rm between the rename and the recursive delete
        var deleting = Path.Combine(p.SessionsDir, $".deleting-{Guid.NewGuid()}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(deleting, "turns"));
        File.WriteAllText(Path.Combine(deleting, "meta.json"), "{}");
        // a write interrupted before its rename
        var tmp = Path.Combine(p.SessionsDir, kept, $".meta.json.123.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(tmp, "{");
        foreach (var d in new[] { Path.Combine(noMeta, "turns"), noMeta, Path.Combine(deleting, "turns"), deleting })
            Directory.SetLastWriteTimeUtc(d, old);
        File.SetLastWriteTimeUtc(Path.Combine(noMeta, ".lock"), old);
        File.SetLastWriteTimeUtc(Path.Combine(deleting, "meta.json"), old);
        File.SetLastWriteTimeUtc(tmp, old);
        // a spawn in progress right now: not debris yet
        var fresh = Path.Combine(p.SessionsDir, Guid.NewGuid().ToString());
        Directory.CreateDirectory(fresh);

        var r = await p.RunAsync("clean", "-y");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Contain("3 leftover(s) of interrupted commands").And.Contain("swept 3 leftover(s)");
        Directory.Exists(noMeta).Should().BeFalse();
        Directory.Exists(deleting).Should().BeFalse();
        File.Exists(tmp).Should().BeFalse();
        Directory.Exists(fresh).Should().BeTrue("younger than a minute: a spawn may be writing it");
        File.Exists(p.MetaPath(kept)).Should().BeTrue();
    }
}
