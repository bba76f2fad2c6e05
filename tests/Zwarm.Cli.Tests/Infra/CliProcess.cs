using System.Diagnostics;
using System.Text;
using Zwarm.Core.Lifecycle;

namespace Zwarm.Cli.Tests.Infra;

/// <summary>What a finished zwarm run printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Lines of stderr (without the trailing empty one).</summary>
    public string[] ErrLines => Stderr.Length == 0 ? [] : Stderr.TrimEnd('\n').Split('\n');

    /// <summary>For assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>A running zwarm process started by a test, its output collected as it arrives.</summary>
internal sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Capture _out = new();
    private readonly Capture _err = new();
    private readonly Task _pumps;
    private readonly Task _exited;

    private readonly CancellationToken _ct;

    private CliProcess(Process process, string? stdin, bool keepInputOpen, CancellationToken ct)
    {
        _process = process;
        _ct = ct;
        _pumps = Task.WhenAll(Pump(process.StandardOutput, _out), Pump(process.StandardError, _err));
        _exited = Task.WhenAll(_pumps, process.WaitForExitAsync(CancellationToken.None));
        if (stdin is not null) process.StandardInput.Write(stdin);
        if (keepInputOpen) process.StandardInput.Flush();
        else process.StandardInput.Close();
    }

    /// <summary>Process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Standard output so far.</summary>
    public string Stdout => _out.Text;

    /// <summary>Starts <paramref name="file"/> (default: the zwarm executable) in <paramref name="cwd"/>.</summary>
    /// <remarks>With <paramref name="keepInputOpen"/>, standard input stays open for <see cref="SendInput"/>.</remarks>
    public static CliProcess Start(
        string cwd, IEnumerable<string> args, string? stdin = null, IReadOnlyDictionary<string, string?>? env = null,
        string? file = null, bool keepInputOpen = false, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo(file ?? Repo.Zwarm)
        {
            WorkingDirectory = cwd,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Nothing from the developer's shell may steer the run under test.
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("ZWARM_", StringComparison.Ordinal) || k is "NO_COLOR").ToList())
            psi.Environment.Remove(k);
        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        return new CliProcess(Process.Start(psi)!, stdin, keepInputOpen, ct);
    }

    /// <summary>
    /// Waits (woken by each chunk of output) until stdout satisfies <paramref name="condition"/>; throws with the output so far on timeout
    /// or exit.
    /// </summary>
    public Task WaitForOutputAsync(Func<string, bool> condition, TimeSpan timeout) =>
        _out.WaitForAsync(condition, timeout, _exited, () => $"stdout so far:\n{Stdout}\nstderr:\n{_err.Text}", _ct);

    /// <summary>Writes to standard input (of a process started with keepInputOpen), e.g. "\x03", the Ctrl+C key, into a pty.</summary>
    public void SendInput(string text)
    {
        _process.StandardInput.Write(text);
        _process.StandardInput.Flush();
    }

    /// <summary>Sends a signal (e.g. 2 = SIGINT, what Ctrl+C sends).</summary>
    public void Signal(int signal) => ProcessInfo.Signal(_process.Id, signal);

    /// <summary>Waits for the exit; kills the process and throws when it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<CliResult> WaitAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct, _ct);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"zwarm {string.Join(' ', _process.StartInfo.ArgumentList)} did not exit within {timeout.TotalSeconds}s; " +
                $"stdout:\n{Stdout}\nstderr:\n{_err.Text}");
        }
        await _pumps;
        return new CliResult(_process.ExitCode, Stdout, _err.Text);
    }

    private static async Task Pump(StreamReader reader, Capture into)
    {
        var buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
            into.Write(buffer, 0, n);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
