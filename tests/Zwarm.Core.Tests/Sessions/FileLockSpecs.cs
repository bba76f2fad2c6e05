using AwesomeAssertions;
using Zwarm.Core.Sessions;
using Zwarm.TestSupport;

namespace Zwarm.Core.Tests.Sessions;

public sealed class FileLockSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_waiter_that_times_out_fails_with_one_line_and_leaves_the_lock_free_once_the_holder_lets_go()
    {
        using var dir = new TempDir();
        var path = dir.File(".lock");
        var held = await FileLock.AcquireAsync(path, TimeSpan.FromSeconds(5), Ct);

        var late = () => FileLock.AcquireAsync(path, TimeSpan.FromMilliseconds(200), Ct);
        (await late.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().Be($"timed out waiting for the lock {path}");

        // The abandoned waiter's thread takes the lock when the holder lets go and must hand it straight back.
        await held.DisposeAsync();
        await using var next = await FileLock.AcquireAsync(path, TimeSpan.FromSeconds(20), Ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_blocked_waiter_gets_the_lock_as_soon_as_the_holder_lets_go()
    {
        using var dir = new TempDir();
        var path = dir.File(".lock");
        var held = await FileLock.AcquireAsync(path, TimeSpan.FromSeconds(5), Ct);
        var waiting = FileLock.AcquireAsync(path, TimeSpan.FromSeconds(30), Ct);
        waiting.IsCompleted.Should().BeFalse("the lock is held");

        await held.DisposeAsync();
        await using var got = await waiting;
        var third = () => FileLock.AcquireAsync(path, TimeSpan.FromMilliseconds(100), Ct);
        await third.Should().ThrowAsync<ZwarmException>("the waiter holds it now");
    }

    [Fact]
    public async Task A_lock_in_a_missing_folder_is_an_error_at_once_not_a_wait()
    {
        using var dir = new TempDir();
        var act = () => FileLock.AcquireAsync(dir.File("gone", ".lock"), TimeSpan.FromSeconds(30), Ct);
        await act.Should().ThrowAsync<DirectoryNotFoundException>();
    }
}
