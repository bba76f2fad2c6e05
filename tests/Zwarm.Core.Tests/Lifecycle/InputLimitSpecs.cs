using AwesomeAssertions;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Lifecycle;

/// <summary>A task or message longer than one argument may be (Linux: 128 KiB) is refused before anything is created.</summary>
public sealed class InputLimitSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 30_000)]
    public async Task A_task_over_the_argument_limit_is_refused_naming_the_limit_and_creates_no_session()
    {
        using var p = await LifecycleProject.CreateAsync();
        var task = "reply=x " + new string('a', 140 * 1024);

        var act = () => p.SpawnAsync(task);

        var ex = (await act.Should().ThrowAsync<ZwarmException>()).Which;
        ex.ExitCode.Should().Be(2);
        ex.Message.Should().Contain("128 KiB").And.Contain("task");
        p.Manager.Store.EnumerateIds().Should().BeEmpty();
    }

    [Fact(Timeout = 30_000)]
    public async Task Multibyte_text_counts_in_bytes()
    {
        using var p = await LifecycleProject.CreateAsync();

        var act = () => p.SpawnAsync("reply=x " + new string('é', 70 * 1024));

        (await act.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().Contain("128 KiB");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_follow_up_over_the_limit_is_refused_and_leaves_the_session_as_it_was()
    {
        using var p = await LifecycleProject.CreateAsync();
        var done = await p.UntilFinishedAsync((await p.SpawnAsync("reply=First")).Id);

        var act = () => p.Manager.ContinueAsync(done.Id, new string('b', 200 * 1024), Ct);

        (await act.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().Contain("128 KiB");
        var after = await p.Manager.GetAsync(done.Id, Ct);
        (after.Turn, after.Status, after.Messages.Count).Should().Be((1, SessionStatus.Completed, 2));
    }
}
