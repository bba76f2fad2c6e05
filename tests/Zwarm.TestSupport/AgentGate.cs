using System.Diagnostics;

namespace Zwarm.TestSupport;

/// <summary>
/// A named pipe the fake agent replays (<c>replay=&lt;fifo&gt;</c>): the agent blocks until the test writes lines and
/// exits when the test closes the pipe, so "while it is still running" is a fact, not a race against a timer.
/// </summary>
public sealed class AgentGate : IAsyncDisposable
{
    private readonly string _path;
    private Task<StreamWriter>? _writer;

    public AgentGate(string dir)
    {
        _path = Path.Combine(dir, "gate-" + Guid.NewGuid().ToString("N")[..8]);
        using var mkfifo = Process.Start("mkfifo", [_path]);
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0) throw new InvalidOperationException("mkfifo failed");
    }

    /// <summary>The prompt that makes the fake agent read this pipe.</summary>
    public string Prompt => $"replay={_path}";

    /// <summary>Writes lines for the agent to print (opening the pipe waits for the agent to open its end).</summary>
    public async Task WriteAsync(CancellationToken ct, params string[] lines)
    {
        // Opening a FIFO for writing blocks until the reader opens it: do it off the test's thread.
        _writer ??= Task.Run(() => new StreamWriter(new FileStream(_path, FileMode.Open, FileAccess.Write)) { AutoFlush = true }, ct);
        var w = await _writer.WaitAsync(ct);
        foreach (var l in lines) await w.WriteLineAsync(l.AsMemory(), ct);
    }

    /// <summary>Closes the pipe: the agent reaches the end of its replay and exits.</summary>
    public async Task CloseAsync()
    {
        if (_writer is null) return;
        await (await _writer).DisposeAsync();
        _writer = null;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_writer is { IsCompletedSuccessfully: true }) await CloseAsync();
        File.Delete(_path);
    }
}
