using System.Text;

namespace Zwarm.Cli.Tests.Infra;

/// <summary>
/// Captured text of one stream (stdout or stderr of an in-process run): safe to read while the command writes,
/// and every write wakes whoever waits for the text to reach a condition — no polling, no sleeps.
/// </summary>
internal sealed class Capture : StringWriter
{
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Everything written so far.</summary>
    public string Text
    {
        get { lock (Lock) return base.ToString(); }
    }

    private object Lock => GetStringBuilder();

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <inheritdoc/>
    public override void Write(char value) => Append(() => base.Write(value));

    /// <inheritdoc/>
    public override void Write(char[] buffer, int index, int count) => Append(() => base.Write(buffer, index, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<char> buffer) => Write(buffer.ToString());

    /// <inheritdoc/>
    public override void Write(string? value) => Append(() => base.Write(value));

    /// <inheritdoc/>
    public override void Write(StringBuilder? value) => Write(value?.ToString());

    /// <inheritdoc/>
    public override void WriteLine(ReadOnlySpan<char> buffer) => WriteLine(buffer.ToString());

    /// <inheritdoc/>
    public override void WriteLine(string? value) => Append(() => base.WriteLine(value));

    /// <inheritdoc/>
    public override void WriteLine(StringBuilder? value) => WriteLine(value?.ToString());

    /// <summary>
    /// Returns once the text satisfies <paramref name="condition"/>; throws when <paramref name="ended"/> completes
    /// first (the command finished without printing it) or after <paramref name="timeout"/> (a safety net).
    /// </summary>
    public async Task WaitForAsync(Func<string, bool> condition, TimeSpan timeout, Task ended, Func<string> describe, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (Lock) changed = _changed.Task;
            if (condition(Text)) return;
            if (ended.IsCompleted)
                throw new InvalidOperationException($"the command ended before its output met the condition\n{describe()}");
            try
            {
                await Task.WhenAny(changed, ended).WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"output condition not met in {timeout.TotalSeconds} s\n{describe()}");
            }
        }
    }

    private void Append(Action write)
    {
        TaskCompletionSource changed;
        lock (Lock)
        {
            write();
            changed = _changed;
            _changed = NewSignal();
        }
        changed.SetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
