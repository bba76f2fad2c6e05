namespace Zwarm.TestSupport;

/// <summary>
/// Waiting for a fact a test can observe (a file's content, a process list, captured output). Each check is cheap,
/// so it is checked every 25 ms; the deadline is a safety net, not the expected time.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Returns once <paramref name="condition"/> holds; throws naming <paramref name="what"/> after <paramref name="timeout"/>.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {timeout.TotalSeconds:0.#} s: {what()}");
            await Task.Delay(Poll, ct);
        }
    }

    /// <summary>
    /// Returns the first non-null value of <paramref name="probe"/>; throws naming <paramref name="what"/> after <paramref
    /// name="timeout"/>.
    /// </summary>
    public static async Task<T> ValueAsync<T>(Func<T?> probe, TimeSpan timeout, Func<string> what, CancellationToken ct = default)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {timeout.TotalSeconds:0.#} s: {what()}");
            await Task.Delay(Poll, ct);
        }
    }

    /// <summary>
    /// Returns the first non-null value of the asynchronous <paramref name="probe"/>; throws naming <paramref name="what"/> after <paramref
    /// name="timeout"/>.
    /// </summary>
    public static async Task<T> ProbeAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> what, CancellationToken ct = default)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {timeout.TotalSeconds:0.#} s: {what()}");
            await Task.Delay(Poll, ct);
        }
    }

    /// <summary>True once <paramref name="condition"/> holds, false when <paramref name="timeout"/> passes first.</summary>
    public static async Task<bool> HoldsAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(Poll, ct);
        }
        return true;
    }
}
