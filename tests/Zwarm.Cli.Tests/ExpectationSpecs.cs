using AwesomeAssertions;
using Newtonsoft.Json.Linq;
using Snapshooter.Xunit3;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>
/// Whole tables, views and --json shapes compared with expectation files (__snapshots__/), on the hand-made store
/// with the clock stopped, so every age and runtime is exact. A deliberate change of output: delete the file, rerun,
/// review the new one in the diff. Each test has its own store: show and peek mark a session seen, which changes
/// what ls shows next.
/// </summary>
public sealed class ExpectationSpecs : IAsyncDisposable
{
    private readonly HandmadeStore store = new();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => store.DisposeAsync();

    private async Task<string> TextAsync(params string[] args)
    {
        var r = await store.RunAtNowAsync(TestContext.Current.CancellationToken, args);
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stderr.Should().BeEmpty();
        return r.Stdout;
    }

    private async Task<JToken> JsonAsync(params string[] args) => JToken.Parse(await TextAsync([.. args, "--json"]));

    [Fact(Timeout = 60000)]
    public async Task Ls_table() => Snapshot.Match(await TextAsync("ls", "--all"));

    [Fact(Timeout = 60000)]
    public async Task Ls_json() => Snapshot.Match(await JsonAsync("ls", "--all"));

    [Fact(Timeout = 60000)]
    public async Task Show_of_a_python_zwarm_session() => Snapshot.Match(await TextAsync("show", "abd"));

    [Fact(Timeout = 60000)]
    public async Task Show_json_of_a_python_zwarm_session() => Snapshot.Match(await JsonAsync("show", "abd"));

    [Fact(Timeout = 60000)]
    public async Task Peek_of_a_failed_session() => Snapshot.Match(await TextAsync("peek", HandmadeStore.B));

    [Fact(Timeout = 60000)]
    public async Task Models_table() => Snapshot.Match(await TextAsync("models"));

    [Fact(Timeout = 60000)]
    public async Task Models_json() => Snapshot.Match(await JsonAsync("models"));
}
