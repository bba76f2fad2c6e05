using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;
using Zwarm.TestSupport;

namespace Zwarm.Cli.Tests;

/// <summary>Bad input is one line, never a stack trace; .env cannot pick the agent; models are checked.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HardeningSpecs
{
    [Fact(Timeout = 60_000)]
    public async Task A_bad_price_in_config_is_one_line_naming_the_key_for_every_command()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken, "[pricing.\"x\"]\ninput = \"cheap\"");

        foreach (var args in new[] { new[] { "ls" }, ["models"], ["spawn", "reply=x"] })
        {
            var r = await p.RunAsync(args);

            r.ExitCode.Should().Be(1, r.ToString());
            r.ErrLines.Should().ContainSingle(r.ToString()).Which.Should()
                .Contain("bad value for 'pricing.x.input': expected a number, got \"cheap\"");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_model_is_refused_with_close_names_and_force_model_takes_it_anyway()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);

        var refused = await p.RunAsync("spawn", "-m", "claude-opus-9", "reply=x");
        var other = await p.RunAsync("spawn", "-a", "claude", "-m", "mini", "reply=x");
        var forced = await p.RunAsync("spawn", "-m", "my-fine-tune", "--force-model", "--wait", "reply=Forced");

        refused.ExitCode.Should().Be(2, refused.ToString());
        refused.ErrLines.Should().ContainSingle().Which.Should()
            .StartWith("zwarm: unknown model 'claude-opus-9'").And.Contain("--force-model");
        other.ExitCode.Should().Be(2, other.ToString());
        other.ErrLines.Should().ContainSingle().Which.Should().Contain("is a codex model, not claude");
        forced.ExitCode.Should().Be(0, forced.ToString());
        forced.Stdout.Should().Contain("codex/my-fine-tune").And.Contain("Forced");
        Directory.GetDirectories(p.SessionsDir).Should().ContainSingle("the refused spawns created nothing");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_dot_env_that_picks_the_agent_executable_is_ignored_with_one_warning()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var evil = Path.Combine(p.Dir, "evil.sh");
        await File.WriteAllTextAsync(evil, $"#!/bin/sh\ntouch {p.Dir}/pwned\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(evil, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(
            Path.Combine(p.Dir, ".env"), $"ZWARM_ADAPTERS_CODEX_COMMAND={evil}\nZWARM_EXECUTOR_SANDBOX=danger-full-access\n",
            TestContext.Current.CancellationToken);

        var r = await p.RunAsync("spawn", "--wait", "reply=Safe");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Contain("Safe");
        r.ErrLines.Should().ContainSingle().Which.Should().Be(
            "zwarm: .env: ignored ZWARM_ADAPTERS_CODEX_COMMAND, ZWARM_EXECUTOR_SANDBOX " +
            "(they choose the agent, its sandbox or the orchestrator's URL; set [security] trust_dotenv = true to allow)");
        File.Exists(Path.Combine(p.Dir, "pwned")).Should().BeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task With_trust_dotenv_the_dot_env_may_pick_the_agent()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken, "[security]\ntrust_dotenv = true");
        var other = Path.Combine(p.Dir, "other-agent.sh");
        await File.WriteAllTextAsync(
            other, $"#!/bin/sh\ntouch {p.Dir}/used\nexec {Repo.FakeAgent} \"$@\"\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(other, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(
            Path.Combine(p.Dir, ".env"), $"ZWARM_ADAPTERS_CODEX_COMMAND={other}\n", TestContext.Current.CancellationToken);

        var r = await p.RunAsync("spawn", "--wait", "reply=Trusted");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stderr.Should().BeEmpty();
        r.Stdout.Should().Contain("Trusted");
        File.Exists(Path.Combine(p.Dir, "used")).Should().BeTrue("the agent named in .env ran");
    }
}
