using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>zwarm hosts, hosts check, spawn --host and ls's HOST column, against two test sshd servers on loopback.</summary>
public sealed class HostsCliSpecs
{
    [Fact(Timeout = 180_000)]
    public async Task Hosts_lists_and_checks_the_hosts_and_ls_shows_where_each_session_ran()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ssh = await SshHosts.StartAsync(ct, "127.0.0.2", "127.0.0.3");
        await using var p = new TestProject(
            ct, ssh.HostToml("h1", 0, Repo.FakeAgent, "max_running = 1") + ssh.HostToml("h2", 1, Repo.FakeAgent));

        var list = await p.RunAsync("hosts");
        list.ExitCode.Should().Be(0, list.ToString());
        list.Stdout.Should().Contain("h1").And.Contain("h2").And.Contain($"root@127.0.0.2:{ssh.Servers[0].Port}");
        var json = JsonNode.Parse((await p.RunAsync("hosts", "--json")).Stdout)!.AsArray();
        json.Select(h => h!["name"]!.GetValue<string>()).Should().Equal("h1", "h2");
        json.Should().AllSatisfy(h => h!["ok"]!.GetValue<bool>().Should().BeTrue(h!["problem"]?.ToString()));
        json[0]!["free_slots"]!.GetValue<int>().Should().Be(1);
        json[1]!["free_slots"].Should().BeNull("h2 has no limit");

        var one = await p.RunAsync("spawn", "--host", "h1", "--wait", "reply=built_there");
        one.ExitCode.Should().Be(0, one.ToString());
        one.Stdout.Should().Contain("h1:").And.Contain("built there");
        var two = await p.RunAsync("spawn", "--host", "h2", "-d", Path.Combine(ssh.Path, "h2-work"), "--wait", "reply=tested_there");
        two.ExitCode.Should().Be(0, two.ToString());

        var ls = await p.RunAsync("ls");
        ls.ExitCode.Should().Be(0, ls.ToString());
        ls.Stdout.Should().Contain("HOST");
        ls.Stdout.Split('\n').Should().Contain(l => l.Contains("built_there") && l.TrimEnd().EndsWith("h1"))
            .And.Contain(l => l.Contains("tested_there") && l.TrimEnd().EndsWith("h2"));

        var check = await p.RunAsync("hosts", "check", "h1");
        check.ExitCode.Should().Be(0, check.ToString());
        check.Stdout.Should().StartWith("h1: ok");

        var unknown = await p.RunAsync("hosts", "check", "nope");
        unknown.ExitCode.Should().NotBe(0);
        unknown.Stderr.Trim().Should().Be("zwarm: host 'nope' is not configured (add [hosts.nope] to .zwarm/config.toml)");

        // rm removes the session's folder on its host too; a host that is down leaves it there, and says so.
        var ids = JsonNode.Parse((await p.RunAsync("ls", "--json")).Stdout)!.AsArray()
            .ToDictionary(s => s!["host"]!["name"]!.GetValue<string>(), s => s!["id"]!.GetValue<string>());
        string RemoteDir(string id) => p.Meta(id)["host"]!["dir"]!.GetValue<string>();
        var (onH1, onH2) = (RemoteDir(ids["h1"]), RemoteDir(ids["h2"]));
        Directory.Exists(onH1).Should().BeTrue();
        Directory.Exists(onH2).Should().BeTrue();
        var rm1 = await p.RunAsync("rm", ids["h1"][..8]);
        rm1.ExitCode.Should().Be(0, rm1.ToString());
        rm1.Stderr.Should().BeEmpty();
        Directory.Exists(onH1).Should().BeFalse("rm removes the session's folder on its host");

        await ssh.Servers[1].StopAsync();
        var down = await p.RunAsync("hosts", "check", "h2");
        down.ExitCode.Should().Be(1);
        down.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("h2 unreachable").And.Contain("Connection refused");

        var rm2 = await p.RunAsync("rm", ids["h2"][..8]);
        rm2.ExitCode.Should().Be(0, rm2.ToString());
        rm2.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should()
            .StartWith($"zwarm: removed {ids["h2"][..8]} here, but its folder on h2:{onH2} was left there: ").And
            .EndWith("; remove it there by hand");
        Directory.Exists(Path.Combine(p.SessionsDir, ids["h2"])).Should().BeFalse();
        Directory.Exists(onH2).Should().BeTrue();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_bad_host_setting_is_one_clear_line()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken, "[hosts.h1]\nssh = \"root@127.0.0.2\"\nport = 70000\n");
        var r = await p.RunAsync("hosts");
        r.ExitCode.Should().NotBe(0);
        r.Stderr.Trim().Should().Contain("hosts.h1.port").And.Contain("port number");
        r.Stderr.Trim().Split('\n').Should().ContainSingle();

        await using var q = new TestProject(TestContext.Current.CancellationToken, "[hosts.h1]\nport = 22\n");
        var spawn = await q.RunAsync("spawn", "--host", "h1", "reply=x");
        spawn.ExitCode.Should().NotBe(0);
        spawn.Stderr.Trim().Should().Contain("[hosts.h1] needs ssh");
        Directory.Exists(q.SessionsDir).Should().BeFalse("nothing is created");
    }
}
