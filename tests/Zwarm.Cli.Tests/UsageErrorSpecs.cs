using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>Missing arguments and unknown flags: exit 2, one line on stderr naming the help to read, nothing changed.</summary>
public sealed class UsageErrorSpecs(HandmadeStore store) : IClassFixture<HandmadeStore>
{
    public static TheoryData<string[], string> Cases() => new()
    {
        { ["peek"], "zwarm: Required argument missing for command: 'peek'. (see 'zwarm peek --help')" },
        { ["show"], "zwarm: Required argument missing for command: 'show'." },
        { ["traj"], "zwarm: Required argument missing for command: 'traj'." },
        { ["logs"], "zwarm: Required argument missing for command: 'logs'." },
        { ["c", HandmadeStore.A], "zwarm: Required argument missing for command: 'c'." },
        { ["continue"], "zwarm: Required argument missing for command: 'continue'." },
        { ["wait"], "zwarm: Required argument missing for command: 'wait'." },
        { ["show", HandmadeStore.A, "--nope"], "zwarm: Unrecognized command or argument '--nope'. (see 'zwarm show --help')" },
        { ["traj", HandmadeStore.A, "--nope"], "zwarm: Unrecognized command or argument '--nope'." },
        { ["peek", HandmadeStore.A, "--nope"], "zwarm: Unrecognized command or argument '--nope'." },
        { ["watch", "--nope"], "zwarm: Unrecognized command or argument '--nope'." },
        { ["watch", HandmadeStore.A, "--interval", "0"], "zwarm: --interval must be between 0.05 and 3600 seconds" },
        { ["logs", HandmadeStore.A, "--turn", "two"], "zwarm: Cannot parse argument 'two' for option '--turn' as a whole number." },
        { ["clean", "--keep-days", "-3"], "zwarm: --keep-days must be 0 or more" },
        { ["rm", "--nope"], "zwarm: Unrecognized command or argument '--nope'." },
        { ["models", "extra"], "zwarm: Unrecognized command or argument 'extra'." },
        { ["frobnicate"], "zwarm: Unrecognized command or argument 'frobnicate'." },
    };

    [Theory(Timeout = 60000)]
    [MemberData(nameof(Cases))]
    public async Task A_usage_error_exits_2_with_one_line(string[] args, string message)
    {
        var before = store.Project.Snapshot();

        var r = await store.RunAsync(TestContext.Current.CancellationToken, args);

        r.ExitCode.Should().Be(2, r.ToString());
        r.ErrLines.Should().ContainSingle(r.ToString()).Which.Should().StartWith(message);
        r.Stdout.Should().BeEmpty();
        store.Project.Snapshot().Should().Be(before);
    }
}
