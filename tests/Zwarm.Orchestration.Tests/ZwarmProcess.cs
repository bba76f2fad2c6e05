using System.Diagnostics;
using System.Text;

namespace Zwarm.Orchestration.Tests;

/// <summary>What a zwarm process did.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>A zwarm process while it runs: its pid and what it printed so far.</summary>
internal sealed record RunningZwarm(int Pid, Func<string> Stdout)
{
    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    public Task WaitForAsync(string text, double seconds = 60) =>
        Eventually.UntilAsync(() => Stdout().Contains(text, StringComparison.Ordinal), TimeSpan.FromSeconds(seconds),
            () => $"zwarm never printed '{text}':\n{Stdout()}", TestEnv.Ct);
}

/// <summary>Runs the built zwarm program in a project folder from a minimal environment, with a timeout that kills it.</summary>
internal static class ZwarmProcess
{
    public static async Task<ProcessResult> RunAsync(string workDir, IEnumerable<string> args, string? stdin = null,
        IReadOnlyDictionary<string, string>? env = null, double timeoutSeconds = 120, Func<RunningZwarm, Task>? whileRunning = null)
    {
        var psi = new ProcessStartInfo(TestEnv.Zwarm)
        {
            WorkingDirectory = workDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // A minimal environment: no real keys, no OPENAI_/ANTHROPIC_/CODEX_/ZWARM_ settings of the machine.
        psi.Environment.Clear();
        foreach (var keep in new[] { "PATH", "DOTNET_ROOT", "LANG", "TMPDIR", "HOME" })
            if (Environment.GetEnvironmentVariable(keep) is { } v) psi.Environment[keep] = v;
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;

        using var process = Process.Start(psi)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestEnv.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            if (whileRunning is not null)
                await whileRunning(new RunningZwarm(process.Id, () => { lock (stdout) return stdout.ToString(); }));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"zwarm {string.Join(' ', args)} did not finish:\n{stdout}\n{stderr}");
        }
        await process.WaitForExitAsync(CancellationToken.None);
        lock (stdout) lock (stderr) return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
