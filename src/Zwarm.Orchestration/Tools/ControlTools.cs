using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;

namespace Zwarm.Orchestration.Tools;

/// <summary>sleep, bash (orchestrate only, for verification) and exit (orchestrate only).</summary>
internal sealed class ControlTools(ToolContext ctx)
{
    /// <summary>Most seconds one sleep may last.</summary>
    public const int MaxSleepSeconds = 300;

    [Tool("sleep", Order = 8, Modes = ToolModes.Orchestrate | ToolModes.Pilot)]
    [Description("Wait while sessions work: up to 300 seconds; wakes early when one of your running sessions finishes.")]
    public async Task<ToolOutcome> SleepAsync([Description("1 to 300"), Schema("""{"minimum":1,"maximum":300}""")] double seconds,
        CancellationToken ct = default)
    {
        if (double.IsNaN(seconds) || seconds < 1 || seconds > MaxSleepSeconds)
            throw new ToolFailure($"seconds must be between 1 and {MaxSleepSeconds}, got {seconds.ToString(CultureInfo.InvariantCulture)}",
                $"sleep in chunks of at most {MaxSleepSeconds} s and look at the sessions in between (peek_session)");
        var mine = await ctx.MySessionsAsync(ct);
        var running = mine.Where(m => !m.Status.IsFinished()).Select(m => m.Id).ToHashSet();
        // A session already waiting out a rate limit does not end the sleep again; one that hits a limit now does.
        var parkedAtStart = mine.Where(IsParked).Select(m => m.Id).ToHashSet();
        if (running.Count == 0)
            return ToolOutcome.Ok(
                new JsonObject
                {
                    ["slept_seconds"] = 0, ["running"] = 0, ["note"] = "none of your sessions is running: nothing to wait for",
                },
                "nothing running; did not sleep");
        var start = ctx.Time.GetTimestamp();
        var finished = new List<SessionMeta>();
        var limited = new List<SessionMeta>();
        var stillRunning = running.Count;
        while (ctx.Time.GetElapsedTime(start).TotalSeconds < seconds)
        {
            var left = TimeSpan.FromSeconds(seconds) - ctx.Time.GetElapsedTime(start);
            await Task.Delay(left < ctx.SleepPoll ? left : ctx.SleepPoll, ctx.Time, ct);
            var now = await ctx.MySessionsAsync(ct);
            finished = [.. now.Where(m => running.Contains(m.Id) && m.Status.IsFinished())];
            limited = [.. now.Where(m => running.Contains(m.Id) && IsParked(m) && !parkedAtStart.Contains(m.Id))];
            stillRunning = now.Count(m => !m.Status.IsFinished());
            if (finished.Count > 0 || limited.Count > 0) break;
        }
        var slept = Math.Round(ctx.Time.GetElapsedTime(start).TotalSeconds, 1);
        var o = new JsonObject
        {
            ["slept_seconds"] = slept,
            ["finished"] = new JsonArray([.. finished.Select(m => (JsonNode)SessionTools.Identity(m))]),
            ["running"] = stillRunning,
        };
        if (limited.Count > 0)
            o["rate_limited"] = new JsonArray([.. limited.Select(m =>
            {
                var x = SessionTools.Identity(m);
                x["retry_at"] = m.RetryAt?.ToString("O", CultureInfo.InvariantCulture);
                x["queued_reason"] = m.QueuedReason;
                return (JsonNode)x;
            })]);
        if (finished.Count > 0) o["next"] = "check_session the finished sessions";
        else if (limited.Count > 0)
            o["next"] = "the rate-limited sessions retry by themselves at retry_at; sleep or work on something else meanwhile";
        var what = finished.Count == 0 ? "none finished" : string.Join(", ", finished.Select(m => $"{m.ShortId} {m.Status.ToWire()}"));
        if (limited.Count > 0) what += "; rate limited: " + string.Join(", ", limited.Select(m => $"{m.ShortId} ({m.QueuedReason})"));
        return ToolOutcome.Ok(o, $"slept {slept.ToString("0.#", CultureInfo.InvariantCulture)}s; {what}; {stillRunning} running");
    }

    private static bool IsParked(SessionMeta m) => m.Status == SessionStatus.Pending && m.RetryAt is not null;

    [Tool("bash", Order = 10, Modes = ToolModes.Orchestrate)]
    [Description("Run a shell command in the project directory to VERIFY work (run tests, build, git diff, ls, cat). "
        + "Never to write code: delegate that.")]
    public async Task<ToolOutcome> BashAsync(
        [Description("a bash command line; 120 s limit")] string command,
        CancellationToken ct = default)
    {
        var (launch, sandbox, warning) = BashLaunch(command);
        // Under setsid the shell leads its own process group, so a timeout kills what it started in the background too.
        var setsid = Zwarm.Core.Agents.AgentExecutable.FindOnPath("setsid");
        var psi = new ProcessStartInfo(setsid ?? launch.FileName)
        {
            WorkingDirectory = launch.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (setsid is not null) psi.ArgumentList.Add(launch.FileName);
        foreach (var arg in launch.Arguments) psi.ArgumentList.Add(arg);
        foreach (var (k, v) in launch.Environment) psi.Environment[k] = v;
        using var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var streamsOpen = 2;
        var streamsDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        var gate = new Lock();
        void Append(string? line)
        {
            if (line is null)
            {
                if (Interlocked.Decrement(ref streamsOpen) == 0) streamsDone.TrySetResult();
                return;
            }
            lock (gate) if (output.Length < 200_000) output.Append(line).Append('\n');
        }
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (!process.Start()) throw new ToolFailure("could not start bash", "tell the user");
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await exited.Task.WaitAsync(ctx.BashTimeout, ctx.Time, ct);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            Kill(process);
            if (ct.IsCancellationRequested) throw;
            throw new ToolFailure($"the command ran longer than {ctx.BashTimeout.TotalSeconds:0} s and was killed",
                "bash is for quick verification; delegate long work to a session");
        }
        // A background job may hold the output open: read what is there, briefly, then go on.
        await Task.WhenAny(streamsDone.Task, Task.Delay(TimeSpan.FromSeconds(1), ctx.Time, CancellationToken.None));
        string text;
        lock (gate) text = output.ToString();
        var truncated = text.Length > 8000;
        if (truncated) text = text[..3000] + "\n… [output cut] …\n" + text[^4900..];
        var o = new JsonObject { ["exit_code"] = process.ExitCode, ["output"] = text, ["truncated"] = truncated, ["sandbox"] = sandbox };
        var first = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "(no output)";
        return ToolOutcome.Ok(o, (warning is null ? "" : warning + "\n    ") + $"exit {process.ExitCode}: {TextCut.OneLine(first, 70)}");
    }

    /// <summary>
    /// How bash runs (orchestrator.bash_sandbox): inside codex's OS sandbox with the allowed directories as its only writable
    /// roots ("auto" when codex is installed, "codex"), or plainly ("none", or "auto" without codex — said once per run).
    /// </summary>
    private (Zwarm.Core.Agents.AgentCommand Launch, string Sandbox, string? Warning) BashLaunch(string command)
    {
        var shell = File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh";
        var cwd = ctx.BashWorkingDir;
        var plain = new Zwarm.Core.Agents.AgentCommand(shell, ["-c", command], cwd);
        var mode = ctx.Manager.Config.Orchestrator.BashSandbox;
        if (mode == "none") return (plain, "none (orchestrator.bash_sandbox = \"none\")", null);
        try
        {
            var tmp = ctx.Manager.Store.Layout.TmpDir("bash");
            Directory.CreateDirectory(tmp);
            var wrapped = Zwarm.Core.Agents.Codex.CodexSandbox.Wrap(ctx.Manager.Config, [shell, "-c", command], cwd, ctx.AllowedDirs, tmp);
            return (wrapped, $"codex sandbox: writable only {string.Join(", ", ctx.AllowedDirs)}, no network", null);
        }
        catch (Zwarm.Core.ZwarmException ex)
        {
            if (mode == "codex")
                throw new ToolFailure(
                    $"codex is not installed ({ex.Message}); bash runs only inside its sandbox (orchestrator.bash_sandbox = \"codex\")",
                    "delegate the check to a session, or tell the user to install codex");
            var warning = ctx.WarnedNoSandbox
                ? null
                : "bash runs WITHOUT an OS sandbox: codex is not installed (orchestrator.bash_sandbox = \"auto\")";
            ctx.WarnedNoSandbox = true;
            return (plain, "none: codex is not installed, so nothing stops bash writing outside the allowed directories", warning);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            Zwarm.Core.Lifecycle.ProcessInfo.Signal(-process.Id, Zwarm.Core.Lifecycle.ProcessInfo.SigKill);
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [Tool("exit", Order = 11, Modes = ToolModes.Orchestrate)]
    [Description("Finish the run once the task is done and verified: "
        + "a summary of what was done, by which sessions, and how it was checked.")]
    public Task<ToolOutcome> ExitAsync(
        [Description("what was achieved and how it was verified")] string summary,
        CancellationToken ct = default)
    {
        _ = ct;
        ctx.ExitSummary = summary;
        return Task.FromResult(ToolOutcome.Ok(
            new JsonObject { ["message"] = "the run ends after this step" }, $"exit: {TextCut.OneLine(summary, 80)}"));
    }
}
