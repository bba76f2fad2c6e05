using Spectre.Console;
using Spectre.Console.Testing;
using Zwarm.Core.Lifecycle;
using Zwarm.TestSupport;

namespace Zwarm.Cli.Tests.Infra;

/// <summary>What one zwarm run gets besides its arguments: standard input, environment, clock.</summary>
internal sealed record RunOptions
{
    /// <summary>Standard input (confirmations, REPL scripts); null is an empty input, like a closed pipe.</summary>
    public string? Stdin { get; init; }

    /// <summary>The environment the config layer and the project's .env see (nothing of the test process's).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The clock of every "now" the command shows; null is the system clock.</summary>
    public TimeProvider? Time { get; init; }
}

/// <summary>
/// A zwarm command run inside the test process: the real command tree (<see cref="CliApp"/>) over a
/// <see cref="CliHost"/> of its own — Spectre's <see cref="TestConsole"/> 200 columns wide without colour (what the
/// program prints when redirected), stdout and stderr captured, stdin, environment and clock given — so runs in
/// parallel share nothing. Sessions still start detached and the turn wrapper calls the real zwarm's <c>_finalize</c>.
/// <see cref="Interrupt"/> does what Ctrl+C does to the program: it cancels the command.
/// </summary>
internal sealed class InProcessRun : IAsyncDisposable
{
    /// <summary>Console width of every in-process run (the program's width when redirected).</summary>
    public const int Width = 200;

    private readonly Capture _out = new();
    private readonly Capture _err = new();
    private readonly CancellationTokenSource _stop;
    private readonly Task<int> _run;
    private readonly string _command;

    private InProcessRun(string cwd, IReadOnlyList<string> args, RunOptions? options, CancellationToken ct)
    {
        _command = "zwarm " + string.Join(' ', args);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var console = new TestConsole();
        console.Profile.Out = new AnsiConsoleOutput(_out);
        console.Width(Width).Colors(ColorSystem.NoColors).SupportsAnsi(false).SupportsUnicode(true);
        Host = new CliHost(console, _out, _err, cwd, new StringReader(options?.Stdin ?? ""))
        {
            Supervisor = new SupervisorCommand(Repo.Zwarm),
            Environment = new Dictionary<string, string>(options?.Environment ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            Time = options?.Time ?? TimeProvider.System,
        };
        var argv = args.ToArray();
        _run = Task.Run(() => CliApp.RunAsync(argv, Host, _stop.Token), CancellationToken.None);
    }

    /// <summary>The host the command runs against.</summary>
    public CliHost Host { get; }

    /// <summary>Standard output so far.</summary>
    public string Stdout => _out.Text;

    /// <summary>
    /// Starts <c>zwarm <paramref name="args"/></c> in <paramref name="cwd"/>; <paramref name="ct"/> (the test's) stops it.
    /// </summary>
    public static InProcessRun Start(string cwd, IReadOnlyList<string> args, RunOptions? options = null, CancellationToken ct = default) =>
        new(cwd, args, options, ct);

    /// <summary>Runs <c>zwarm <paramref name="args"/></c> to the end.</summary>
    public static async Task<CliResult> RunAsync(
        string cwd, IReadOnlyList<string> args, TimeSpan timeout, RunOptions? options = null, CancellationToken ct = default)
    {
        await using var run = Start(cwd, args, options, ct);
        return await run.WaitAsync(timeout);
    }

    /// <summary>Waits (woken by each write) until stdout satisfies <paramref name="condition"/>.</summary>
    public Task WaitForOutputAsync(Func<string, bool> condition, TimeSpan timeout) =>
        _out.WaitForAsync(condition, timeout, _run, Describe, _stop.Token);

    /// <summary>Cancels the command, as Ctrl+C does.</summary>
    public void Interrupt() => _stop.Cancel();

    /// <summary>What SIGINT or SIGTERM does to the program's command: <see cref="Interrupt"/> (no process to signal here).</summary>
    public void Signal(int signal)
    {
        if (signal is not (2 or 15))
            throw new ArgumentOutOfRangeException(nameof(signal), signal, "an in-process run can only be interrupted (2 or 15)");
        Interrupt();
    }

    /// <summary>Waits for the command to return; cancels it and throws when that takes longer than <paramref name="timeout"/>.</summary>
    public async Task<CliResult> WaitAsync(TimeSpan timeout)
    {
        try
        {
            var code = await _run.WaitAsync(timeout);
            return new CliResult(code, _out.Text, _err.Text);
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync();
            throw new TimeoutException($"{_command} did not return within {timeout.TotalSeconds} s\n{Describe()}");
        }
    }

    private string Describe() => $"{_command}\n--- stdout\n{_out.Text}\n--- stderr\n{_err.Text}";

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await _stop.CancelAsync();
            try { await _run.WaitAsync(TimeSpan.FromSeconds(30)); }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException) { }
        }
        _stop.Dispose();
    }
}
