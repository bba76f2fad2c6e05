using System.Diagnostics;
using System.Text;

namespace Zwarm.Cli.Repl;

/// <summary>Runs a REPL <c>!command</c> with /bin/sh in the project folder.</summary>
internal static class ShellRunner
{
    /// <summary>
    /// Runs <paramref name="command"/>; with <paramref name="inheritTerminal"/> it gets the terminal itself (colours,
    /// pagers, prompts), otherwise its output is copied to the writers and its stdin is empty (it must not eat a script).
    /// Returns the exit code; cancelling kills it.
    /// </summary>
    public static async Task<int> RunAsync(
        string command, string workingDir, bool inheritTerminal, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDir,
            UseShellExecute = false,
            RedirectStandardInput = !inheritTerminal,
            RedirectStandardOutput = !inheritTerminal,
            RedirectStandardError = !inheritTerminal,
            StandardOutputEncoding = inheritTerminal ? null : Encoding.UTF8,
            StandardErrorEncoding = inheritTerminal ? null : Encoding.UTF8,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        await stdout.FlushAsync(ct);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start /bin/sh");
        var pumps = Task.CompletedTask;
        if (!inheritTerminal)
        {
            process.StandardInput.Close();
            pumps = Task.WhenAll(PumpAsync(process.StandardOutput, stdout, ct), PumpAsync(process.StandardError, stderr, ct));
        }
        try
        {
            await process.WaitForExitAsync(ct);
            await pumps;
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        return process.ExitCode;
    }

    private static async Task PumpAsync(StreamReader from, TextWriter to, CancellationToken ct)
    {
        var buffer = new char[4096];
        int n;
        while ((n = await from.ReadAsync(buffer, ct)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, n), ct);
            await to.FlushAsync(ct);
        }
    }
}
