using Zwarm.Core.Sessions;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Zwarm.Core.Config;
using Zwarm.Core.Events;
using Zwarm.Core.Text;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Hooks;

/// <summary>The outcome of one hook run.</summary>
internal sealed record HookResult(HookConfig Hook, bool Ok, string Summary);

/// <summary>
/// Runs hooks for one event, all at once, each under its own timeout: a shell command (environment ZWARM_*), an HTTP
/// POST of the event (Polly: retries with exponential backoff), or a desktop notification (notify-send). Every run is
/// logged to .zwarm/hooks.log. A hook that fails or hangs only ever produces a log line.
/// </summary>
internal sealed class HookRunner(string zwarmDir, HttpMessageHandler? handler = null)
{
    private const int MaxOutputChars = 4000;

    /// <summary>.zwarm/hooks.log.</summary>
    public string LogPath => new StoreLayout(zwarmDir).HooksLog;

    /// <summary>Runs every hook in <paramref name="hooks"/> for the event concurrently; returns when all have ended or timed out.</summary>
    public async Task<IReadOnlyList<HookResult>> RunAsync(
        ZwarmEvent e, HookContext context, IReadOnlyList<HookConfig> hooks, CancellationToken ct)
        => await Task.WhenAll(hooks.Select(h => RunOneAsync(h, e, context, ct)));

    private async Task<HookResult> RunOneAsync(HookConfig hook, ZwarmEvent e, HookContext context, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        HookResult result;
        string output = "";
        try
        {
            (result, output) = hook.Kind switch
            {
                HookKind.Run => await RunCommandAsync(hook, hook.Run!, Environment(e, context), context, ct),
                HookKind.Url => (await PostAsync(hook, e, context, ct), ""),
                _ => await NotifyAsync(hook, e, context, ct),
            };
        }
        catch (Exception ex) when (ex is IOException or System.ComponentModel.Win32Exception or InvalidOperationException
            or HttpRequestException)
        {
            result = new HookResult(hook, false, $"error: {ex.Message.Split('\n')[0]}");
        }
        var line = new StringBuilder()
            .Append(
                CultureInfo.InvariantCulture,
                $"{DateTimeOffset.Now:yyyy-MM-ddTHH:mm:ss.fffzzz} {e.Event} {e.ShortId ?? "-"} {hook.Label}: " +
                $"{result.Summary} ({watch.Elapsed.TotalSeconds:0.0}s)\n");
        foreach (var l in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            line.Append("  | ").Append(l.TrimEnd('\r')).Append('\n');
        try
        {
            EventLog.AppendBytes(LogPath, Encoding.UTF8.GetBytes(line.ToString()));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A log that cannot be written loses a log line, nothing else.
        }
        return result;
    }

    /// <summary>The environment a `run` hook gets.</summary>
    public static Dictionary<string, string> Environment(ZwarmEvent e, HookContext context) => new()
    {
        ["ZWARM_EVENT"] = e.Event,
        ["ZWARM_SESSION_ID"] = e.SessionId ?? "",
        ["ZWARM_SHORT_ID"] = e.ShortId ?? "",
        ["ZWARM_STATUS"] = e.Status ?? "",
        ["ZWARM_REASON"] = e.Reason ?? "",
        ["ZWARM_TASK"] = context.Task ?? "",
        ["ZWARM_REPLY"] = context.Reply ?? "",
        ["ZWARM_PROJECT"] = context.ProjectDir,
    };

    private static async Task<(HookResult, string)> RunCommandAsync(
        HookConfig hook, string command, Dictionary<string, string> env, HookContext context, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Directory.Exists(context.ProjectDir) ? context.ProjectDir : "/",
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start /bin/sh");
        p.StandardInput.Close();
        var output = new StringBuilder();
        var pumps = Task.WhenAll(Pump(p.StandardOutput, output), Pump(p.StandardError, output));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(hook.Timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
            await pumps.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            return (new HookResult(hook, false, $"timed out after {hook.Timeout.TotalSeconds:0.#}s, killed"), Text(output));
        }
        return p.ExitCode == 0
            ? (new HookResult(hook, true, "ok (exit 0)"), Text(output))
            : (new HookResult(hook, false, $"failed (exit {p.ExitCode})"), Text(output));
    }

    private static string Text(StringBuilder sb)
    {
        lock (sb) return TextCut.Cut(sb.ToString(), MaxOutputChars);
    }

    private static async Task Pump(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
            lock (into) if (into.Length < MaxOutputChars * 2) into.Append(buffer, 0, n);
    }

    private async Task<HookResult> PostAsync(HookConfig hook, ZwarmEvent e, HookContext context, CancellationToken ct)
    {
        var body = JsonOut.ToLine(
            new HookBodyJson(e.Ts.ToString("O", CultureInfo.InvariantCulture), e.Event, e.SessionId, e.ShortId, e.Turn, e.Adapter, e.Status,
                e.Reason, e.CostUsd, e.Tokens, context.Task, context.ProjectDir),
            CliEventJsonContext.Default.HookBodyJson);
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan;
        var attempts = 0;
        // Each try gets a third of the hook's time; the whole hook never outlives its timeout.
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddTimeout(hook.Timeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(200),
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
            })
            .AddTimeout(TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(100).Ticks, hook.Timeout.Ticks / 3)))
            .Build();
        try
        {
            using var response = await pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                return await http.PostAsync(hook.Url, content, token);
            }, ct);
            var tries = attempts == 1 ? "" : $", {attempts} tries";
            return response.IsSuccessStatusCode
                ? new HookResult(hook, true, $"ok (HTTP {(int)response.StatusCode}{tries})")
                : new HookResult(hook, false, $"failed (HTTP {(int)response.StatusCode}{tries})");
        }
        catch (TimeoutRejectedException)
        {
            return new HookResult(hook, false, $"timed out after {hook.Timeout.TotalSeconds:0.#}s ({attempts} tries)");
        }
        catch (HttpRequestException ex)
        {
            return new HookResult(hook, false, $"failed after {attempts} tries: {ex.Message.Split('\n')[0]}");
        }
    }

    private static async Task<(HookResult, string)> NotifyAsync(HookConfig hook, ZwarmEvent e, HookContext context, CancellationToken ct)
    {
        var exe = Zwarm.Core.Agents.AgentExecutable.FindOnPath("notify-send");
        if (exe is null) return (new HookResult(hook, true, "skipped: notify-send is not installed"), "");
        var title = $"zwarm: {e.ShortId ?? "instance"} {e.Event}";
        var text = e.Reason ?? (context.Task is { } t ? TextCut.Cut(t, 200) : "");
        var env = Environment(e, context);
        env["ZWARM_NOTIFY_SEND"] = exe;
        env["ZWARM_NOTIFY_TITLE"] = title;
        env["ZWARM_NOTIFY_TEXT"] = text;
        return await RunCommandAsync(
            hook, "exec \"$ZWARM_NOTIFY_SEND\" -a zwarm \"$ZWARM_NOTIFY_TITLE\" \"$ZWARM_NOTIFY_TEXT\"", env, context, ct);
    }
}
