using System.Runtime.InteropServices;
using Zwarm.Core;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli.Repl;

/// <summary>
/// The read-run loop of <c>zwarm interactive</c>. Every command line runs through <see cref="CliApp.InvokeAsync"/>,
/// the same code and error policy as the one-shot CLI, with its own cancellation: Ctrl+C (SIGINT) cancels the
/// running command, never the loop. Returns the exit code of the last command, like a shell.
/// </summary>
internal sealed class ReplLoop(CliHost host, CommandTree tree, ILineReader reader, History? history = null)
{
    private readonly ReplParser _parser = new(tree);
    private CancellationTokenSource? _running;

    /// <summary>The prompt.</summary>
    public string Prompt { get; init; } = "zwarm> ";

    /// <summary>Global options given to <c>zwarm interactive</c> itself (--config, --set, --verbose), passed on to every command.</summary>
    public IReadOnlyList<(string Option, string? Value)> InheritedOptions { get; init; } = [];

    /// <summary>Whether Ctrl+C (SIGINT) is caught by the loop; off in tests that run it inside the test host.</summary>
    public bool HandleSignals { get; init; }

    /// <summary>Whether !commands get the terminal (true when the REPL runs in one).</summary>
    public bool ShellGetsTerminal { get; init; }

    /// <summary>Runs until quit, exit or end of input.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        using var sigint = HandleSignals ? PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt) : null;
        var status = 0;
        while (!ct.IsCancellationRequested)
        {
            var line = await reader.ReadLineAsync(Prompt, ct);
            if (line.Status == LineStatus.EndOfInput) break;
            if (line.Status == LineStatus.Cancelled) continue;
            if (history is not null) await history.AddAsync(line.Text, ct);
            var action = _parser.Parse(line.Text);
            if (action is ReplAction.Quit) break;
            if (action is ReplAction.Nothing) continue;
            status = await RunOneAsync(action, ct);
        }
        return status;
    }

    private void OnInterrupt(PosixSignalContext context)
    {
        context.Cancel = true;
        try
        {
            Volatile.Read(ref _running)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The command finished while the signal was on its way.
        }
    }

    private async Task<int> RunOneAsync(ReplAction action, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Volatile.Write(ref _running, cts);
        try
        {
            switch (action)
            {
                case ReplAction.Help:
                    ReplHelp.Write(host.Out, tree);
                    return ExitCodes.Success;
                case ReplAction.Invalid invalid:
                    host.Err.WriteLine($"zwarm: {invalid.Message}");
                    return ExitCodes.Usage;
                case ReplAction.Shell shell:
                    var code = await ShellRunner.RunAsync(shell.Command, host.ProjectDir, ShellGetsTerminal, host.Out, host.Err, cts.Token);
                    if (code != 0) host.Err.WriteLine($"(exit {code})");
                    return code;
                case ReplAction.Run run:
                    if (run.ConfirmRemoveFinished && !await ConfirmRemoveFinishedAsync(cts.Token))
                        throw new ZwarmException("aborted; nothing removed");
                    // Fresh config per command: edits to .zwarm/config.toml apply at once, as they would one-shot.
                    host.Reset();
                    return await CliApp.InvokeAsync(tree.Root, WithInherited(run.Args), host, cts.Token);
                default:
                    return ExitCodes.Success;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // A shell command had the terminal in its own mode, which echoes ^C without a newline.
            if (action is ReplAction.Shell && ShellGetsTerminal) host.Err.WriteLine();
            host.Err.WriteLine("zwarm: cancelled");
            return ExitCodes.Interrupted;
        }
        catch (ZwarmException ex)
        {
            host.Err.WriteLine($"zwarm: {ex.Message}");
            return ex.ExitCode;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One-shot, an unexpected error ends the process with its stack; here it must not end the session.
            host.Err.WriteLine($"zwarm: {ex.Message.Split('\n')[0]}");
            if (host.Verbose) host.Err.WriteLine(ex.ToString());
            return ExitCodes.Failure;
        }
        finally
        {
            Volatile.Write(ref _running, null);
        }
    }

    private async Task<bool> ConfirmRemoveFinishedAsync(CancellationToken ct)
    {
        if (!Directory.Exists(host.ZwarmDir)) return true;
        host.Reset();
        var manager = await host.ManagerAsync(ct);
        var finished = (await manager.ListAsync(ct)).Count(e => e.Meta is { } m && m.Status.IsFinished());
        return finished == 0 || host.Confirm($"remove all {finished} finished session(s)? [y/N] ");
    }

    private List<string> WithInherited(IReadOnlyList<string> args)
    {
        var given = args.Skip(1).Select(a => a.Split('=', 2)[0]).ToHashSet();
        // An option given on the line wins over the same one given to `zwarm interactive` (--set adds up).
        var inherited = InheritedOptions.Where(o => o.Option == "--set" || !given.Contains(o.Option))
            .SelectMany(o => o.Value is null ? [o.Option] : new[] { o.Option, o.Value });
        return [args[0], .. inherited, .. args.Skip(1)];
    }
}
